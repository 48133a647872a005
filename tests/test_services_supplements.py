"""Supplements: the written request pauses the dossier, its arrival pushes the deadlines; a
second request makes the dossier late (Bộ chỉ số 766)."""

from __future__ import annotations

import pytest
from fixtures_services import AGENCY, HO_KINH_DOANH, kinds, ready, vn
from fixtures_services import HKD_HAPPY as HAPPY

from isobpmn.services import CaseNotOpen, InvalidRequest

INCOMPLETE = {"nguoi_nop": "Nguyễn Văn An", "ho_so_day_du": "không"}
ITEMS = [{"name": "Bản sao Căn cước của chủ hộ", "quantity": 1, "copy": "certified"}]


def test_two_supplements_pause_push_and_make_the_dossier_late(services, clock):
    receipt = services.receive_dossier(HO_KINH_DOANH, AGENCY, "Nguyễn Văn An", actor="motcua")
    code = receipt.case_code
    assert receipt.appointment_at == vn(2026, 3, 6, 9, 0)  # 3 working days from Tue 09:00

    # first request: the check finds papers missing, the desk writes Mẫu 02 (Wed 10:00)
    clock.set(vn(2026, 3, 4, 9, 30))
    services.complete_task(ready(services, code, "Task_TiepNhan").id, "motcua", INCOMPLETE)
    guide = ready(services, code, "Task_HuongDanBoSung")
    clock.set(vn(2026, 3, 4, 10, 0))
    done = services.request_supplement(guide.id, "motcua", reason="Thiếu bản sao Căn cước",
                                       items=ITEMS)
    assert (done.case_status, done.ready) == ("paused", [])
    view = services.case_view(code)
    assert view.supplement_count == 1 and view.status == "paused"
    [pause] = view.pauses
    assert (pause.reason, pause.started_at, pause.ended_at) == \
        ("supplement", vn(2026, 3, 4, 10, 0), None)
    assert view.tasks[-1].data["noi_dung_bo_sung"].startswith("Bản sao Căn cước của chủ hộ")
    request = view.events[-1]
    assert (request.kind, request.payload["form"], request.payload["items"],
            request.payload["counts_late"]) == ("supplement_requested", "Mẫu 02", ITEMS, False)
    with pytest.raises(CaseNotOpen, match="paused"):
        services.request_supplement(guide.id, "motcua", reason="again")

    # the papers arrive Mon 09/03 14:00: 26 office hours stood still (docs/calendar.md)
    clock.set(vn(2026, 3, 9, 14, 0))
    back = services.receive_supplement(code, "motcua")
    assert back.paused_seconds == 26 * 3600
    assert back.appointment_at == vn(2026, 3, 11, 11, 0)
    assert [t.bpmn_id for t in back.ready] == ["Task_TiepNhan"]
    view = services.case_view(code)
    assert view.status == "open" and view.pauses[0].ended_at == vn(2026, 3, 9, 14, 0)
    assert view.original_appointment_at == vn(2026, 3, 6, 9, 0)

    # still incomplete: a second written request (allowed, but the dossier now counts late)
    clock.set(vn(2026, 3, 9, 15, 0))
    services.complete_task(ready(services, code, "Task_TiepNhan").id, "motcua", INCOMPLETE)
    clock.set(vn(2026, 3, 9, 15, 30))
    services.complete_task(ready(services, code, "Task_HuongDanBoSung").id, "motcua",
                           {"noi_dung_bo_sung": "Giấy tờ về địa điểm kinh doanh"})
    second = services.case_view(code).events[-1]
    assert (second.kind, second.payload["request_no"], second.payload["counts_late"]) == \
        ("supplement_requested", 2, True)
    clock.set(vn(2026, 3, 10, 8, 0))
    back = services.receive_supplement(code, "motcua", note="Đủ giấy tờ")
    assert back.paused_seconds == int(2.5 * 3600)  # 15:30–17:00 and 07:00–08:00
    assert back.appointment_at == vn(2026, 3, 11, 15, 30)

    for bpmn_id, actor, data in HAPPY:
        clock.advance(minutes=30)
        done = services.complete_task(ready(services, code, bpmn_id).id, actor, data)
    assert (done.case_status, done.case_outcome) == ("resolved", "late")  # before 11/03 15:30
    view = services.case_view(code)
    assert view.events[-1].payload["late_because"] == [
        "2 supplement requests (more than one counts late, Bộ chỉ số 766)"]
    assert [r["no"] for r in view.data["supplement_requests"]] == [1, 2]
    assert kinds(services, code) == (
        ["case_received"] + ["task_completed", "task_completed", "supplement_requested",
                             "supplement_received"] * 2
        + ["task_completed"] * 6 + ["case_resolved"])


def test_a_supplement_request_must_lead_to_waiting_for_the_papers(services):
    code = services.receive_dossier(HO_KINH_DOANH, AGENCY, "A", actor="motcua").case_code
    check = ready(services, code, "Task_TiepNhan")
    with pytest.raises(InvalidRequest, match="does not make dossier .* wait for a supplement"):
        services.request_supplement(check.id, "motcua", reason="Thiếu giấy tờ",
                                    data=HAPPY[0][2])
    assert kinds(services, code) == ["case_received"]  # nothing happened
    with pytest.raises(CaseNotOpen, match="not waiting for a supplement"):
        services.receive_supplement(code, "motcua")
