"""Apology letters, SLA states, refusal, withdrawal and the return of the result."""

from __future__ import annotations

import pytest
from fixtures_services import AGENCY, GPXD, GPXD_STEPS, HO_KINH_DOANH, kinds, ready, vn
from fixtures_services import HKD_HAPPY as HAPPY

from isobpmn.services import (
    ApologyRequired,
    CaseNotOpen,
    InvalidRequest,
    NotAllowed,
    SweepReport,
)


def test_building_permit_late_with_an_apology(services, clock):
    receipt = services.receive_dossier(GPXD, AGENCY, "Lê Văn Cường", actor="motcua")
    code = receipt.case_code
    assert receipt.appointment_at == vn(2026, 3, 24, 9, 0)  # 15 working days, no holiday
    for bpmn_id, actor, data in GPXD_STEPS[:5]:
        clock.advance(days=2)
        services.complete_task(ready(services, code, bpmn_id).id, actor, data)
    clock.set(vn(2026, 3, 25, 8, 0))  # the appointment has passed
    sign = ready(services, code, "Task_Ky")
    with pytest.raises(ApologyRequired, match=r"passed its appointment 24/03/2026 09:00"):
        services.complete_task(sign.id, "chutich", GPXD_STEPS[5][2])
    with pytest.raises(NotAllowed, match="head of the agency"):
        services.issue_apology(code, "motcua", new_appointment=vn(2026, 3, 27, 17, 0),
                               reason="Chờ ý kiến cơ quan quản lý quy hoạch",
                               signer="chuyenvien")
    with pytest.raises(InvalidRequest, match="later than now"):
        services.issue_apology(code, "motcua", new_appointment=vn(2026, 3, 24, 17, 0),
                               reason="x", signer="chutich")
    letter = services.issue_apology(code, "motcua", new_appointment=vn(2026, 3, 27, 17, 0),
                                    reason="Chờ ý kiến cơ quan quản lý quy hoạch",
                                    signer="chutich")
    assert letter.appointment_at == vn(2026, 3, 27, 17, 0)
    clock.set(vn(2026, 3, 26, 9, 0))
    for bpmn_id, actor, data in GPXD_STEPS[5:]:
        done = services.complete_task(ready(services, code, bpmn_id).id, actor, data)
    assert (done.case_status, done.case_outcome) == ("resolved", "late")
    view = services.case_view(code)
    assert view.appointment_at == vn(2026, 3, 27, 17, 0)
    assert view.original_appointment_at == vn(2026, 3, 24, 9, 0)
    [apology] = view.data["apologies"]
    assert (apology["signer"], apology["reason"]) == ("chutich",
                                                      "Chờ ý kiến cơ quan quản lý quy hoạch")
    assert view.events[-1].payload["late_because"] == ["an apology letter was issued"]
    assert view.tasks[2].data["dien_tich_xay_dung"] == 95.5
    clock.advance(hours=1)
    returned = services.return_result(code, "motcua", receiver="Lê Văn Cường")
    assert returned.status == "returned"
    assert kinds(services, code) == ["case_received"] + ["task_completed"] * 5 + [
        "apology_issued"] + ["task_completed"] * 3 + ["case_resolved", "result_returned"]
    event = services.case_view(code).events[6]
    assert (event.payload["form"], event.payload["new_appointment_at"],
            event.payload["previous_appointment_at"]) == \
        ("Mẫu 04", "2026-03-27T10:00:00.000000Z", "2026-03-24T02:00:00.000000Z")


def test_sla_states_move_with_the_clock(services, clock):
    code = services.receive_dossier(HO_KINH_DOANH, AGENCY, "A", actor="motcua").case_code
    check = ready(services, code, "Task_TiepNhan")
    assert (check.due_at, check.sla_state) == (vn(2026, 3, 3, 15, 0), "on_track")
    # 0.5 working day = 4 h; due soon within max(20 % of 4 h, 1 working hour) = 1 h
    assert services.sweep_sla(vn(2026, 3, 3, 13, 50)) == SweepReport(0, 0, 0)  # nothing read
    report = services.sweep_sla(vn(2026, 3, 3, 14, 0))
    assert (report.checked, report.changed, report.cases) == (1, 1, 1)
    assert ready(services, code, "Task_TiepNhan").sla_state == "due_soon"
    assert services.sweep_sla(vn(2026, 3, 3, 14, 30)) == SweepReport(0, 0, 0)
    assert services.sweep_sla(vn(2026, 3, 3, 15, 1)).changed == 1
    assert ready(services, code, "Task_TiepNhan").sla_state == "overdue"
    events = services.case_view(code).events
    assert [(e.kind, e.payload["from"], e.payload["to"]) for e in events[1:]] == [
        ("sla_changed", "on_track", "due_soon"), ("sla_changed", "due_soon", "overdue")]
    assert [t.id for t in services.list_tasks("motcua", sla_state="overdue")] == [check.id]


def test_refusal_and_withdrawal_end_the_dossier(services, clock):
    code = services.receive_dossier(HO_KINH_DOANH, AGENCY, "A", actor="motcua").case_code
    check = ready(services, code, "Task_TiepNhan")
    with pytest.raises(NotAllowed, match="mot-cua"):
        services.refuse(code, "chuyenvien", "Không thuộc thẩm quyền")
    closed = services.refuse(code, "motcua", "Không thuộc thẩm quyền giải quyết của xã")
    assert closed.status == "refused"
    view = services.case_view(code)
    assert [t.state for t in view.tasks] == ["cancelled"]
    assert view.data["refused"]["reason"] == "Không thuộc thẩm quyền giải quyết của xã"
    assert view.events[-1].payload["form"] == "Mẫu 03"
    with pytest.raises(CaseNotOpen, match="refused"):
        services.complete_task(check.id, "motcua", HAPPY[0][2])
    with pytest.raises(CaseNotOpen):
        services.withdraw(code, "motcua", "Rút hồ sơ")

    other = services.receive_dossier(HO_KINH_DOANH, AGENCY, "B", actor="motcua").case_code
    assert services.withdraw(other, "motcua", "Công dân xin rút hồ sơ").status == "withdrawn"
    assert kinds(services, other) == ["case_received", "case_withdrawn"]
    with pytest.raises(CaseNotOpen, match="only a resolved dossier"):
        services.return_result(other, "motcua")
