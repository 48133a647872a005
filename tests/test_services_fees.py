"""Waiting for fees or taxes pauses the clock like a supplement, without making the dossier
late; the steps wait meanwhile."""

from __future__ import annotations

import pytest
from fixtures_services import AGENCY, HKD_HAPPY, HO_KINH_DOANH, kinds, ready, vn

from isobpmn.services import CaseNotOpen, InvalidRequest


def test_fee_pause_pushes_the_deadlines_and_the_dossier_stays_on_time(services, clock):
    code = services.receive_dossier(HO_KINH_DOANH, AGENCY, "Nguyễn Văn An",
                                    actor="motcua").case_code
    assert services.case_view(code).appointment_at == vn(2026, 3, 6, 9, 0)
    clock.set(vn(2026, 3, 3, 10, 0))
    paused = services.await_payment(code, "motcua", note="Lệ phí đăng ký 100.000 đồng",
                                    amount="100000")
    assert paused.status == "paused"
    check = ready(services, code, "Task_TiepNhan")
    with pytest.raises(CaseNotOpen, match="payment"):
        services.complete_task(check.id, "motcua", HKD_HAPPY[0][2])
    with pytest.raises(InvalidRequest, match="no supplement"):
        services.receive_supplement(code, "motcua")
    clock.set(vn(2026, 3, 4, 10, 0))  # one working day later
    paid = services.record_payment(code, "motcua", receipt_no="BL-0001")
    assert paid.status == "open" and paid.paused_office_seconds == 8 * 3600
    assert paid.appointment_at == vn(2026, 3, 9, 9, 0)
    view = services.case_view(code)
    assert [(p.reason, p.note) for p in view.pauses] == [("fee", "Lệ phí đăng ký 100.000 đồng")]
    for bpmn_id, actor, data in HKD_HAPPY:
        clock.advance(minutes=30)
        done = services.complete_task(ready(services, code, bpmn_id).id, actor, data)
    assert done.case_outcome == "early" and view.supplement_count == 0
    assert kinds(services, code)[:3] == ["case_received", "payment_awaited", "payment_received"]


def test_payment_needs_a_pause_for_it(services):
    code = services.receive_dossier(HO_KINH_DOANH, AGENCY, "A", actor="motcua").case_code
    with pytest.raises(CaseNotOpen, match="not waiting for a payment"):
        services.record_payment(code, "motcua")
    with pytest.raises(InvalidRequest, match="what the applicant has to pay"):
        services.await_payment(code, "motcua", note=" ")
    services.await_payment(code, "motcua", note="Phí thẩm định")
    with pytest.raises(CaseNotOpen):
        services.await_payment(code, "motcua", note="again")


def test_another_agency_cannot_pause(services):
    code = services.receive_dossier(HO_KINH_DOANH, AGENCY, "A", actor="motcua").case_code
    from isobpmn.services import NotAllowed

    with pytest.raises(NotAllowed):
        services.await_payment(code, "motcua_bm", note="Phí")
