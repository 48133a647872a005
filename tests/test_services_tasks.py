"""Claiming and completing steps: roles, agencies, fields, conflicts, all-or-nothing."""

from __future__ import annotations

import pytest
from fixtures_services import AGENCY, HO_KINH_DOANH, kinds, ready, together, vn
from fixtures_services import HKD_HAPPY as HAPPY
from sqlalchemy import func, select

from isobpmn.services import (
    Conflict,
    InvalidField,
    InvalidRequest,
    NotAllowed,
    Services,
)
from isobpmn.store import CaseState, Event, Task


def receive(services) -> str:
    return services.receive_dossier(HO_KINH_DOANH, AGENCY, "Nguyễn Văn An",
                                    actor="motcua").case_code


def step(services, code: str, bpmn_id: str, actor: str, data: dict):
    return services.complete_task(ready(services, code, bpmn_id).id, actor, data)


def test_happy_path_resolves_the_dossier_with_an_event_per_change(services, clock):
    code = receive(services)
    for bpmn_id, actor, data in HAPPY:
        clock.advance(hours=2)
        done = step(services, code, bpmn_id, actor, data)
    assert (done.case_status, done.case_outcome) == ("resolved", "early")  # due 06/03 09:00
    view = services.case_view(code)
    assert view.data["end_event"] == "End_TraKetQua"
    # against each step's due moment; "early" = finished on an earlier day than due
    assert [t.outcome for t in view.tasks] == ["on_time", "early", "early", "on_time", "early",
                                               "early"]
    assert view.tasks[3].due_at == view.tasks[3].completed_at == vn(2026, 3, 3, 17, 0)
    thamdinh = view.tasks[1]
    assert thamdinh.data == {"ten_ho_kinh_doanh": "Hộ kinh doanh An Phát", "nganh_nghe": "Bán lẻ",
                             "von_kinh_doanh": 300000000, "ket_qua_tham_dinh": "dat"}
    assert kinds(services, code) == ["case_received"] + ["task_completed"] * 6 + ["case_resolved"]
    completed = view.events[2]
    assert completed.payload["data"]["von_kinh_doanh"] == 300000000
    assert completed.payload["ready"][0]["bpmn_id"] == "Task_XemXet"


def test_claim_needs_the_lane_role_in_the_cases_agency(services):
    code = receive(services)
    check = ready(services, code, "Task_TiepNhan")
    with pytest.raises(NotAllowed) as wrong_role:
        services.claim(check.id, "chuyenvien")
    assert "needs the role mot-cua of Ủy ban nhân dân xã Hòa An (XA-HOA-AN)" in \
        str(wrong_role.value)
    assert "chuyenvien holds there: chuyen-vien (phong-kinh-te), chuyen-vien (phong-kt-ht-dt)" \
        in str(wrong_role.value)
    with pytest.raises(NotAllowed) as wrong_agency:
        services.claim(check.id, "motcua_bm")
    assert "motcua_bm holds no role in that agency" in str(wrong_agency.value)
    step(services, code, "Task_TiepNhan", "motcua", HAPPY[0][2])
    exam = ready(services, code, "Task_ThamDinh")
    with pytest.raises(NotAllowed, match="chuyen-vien in unit phong-kinh-te"):
        services.claim(exam.id, "hotich")  # the right role, in another unit
    assert kinds(services, code) == ["case_received", "task_completed"]


def test_one_claimant_at_a_time_and_leaders_reassign(services):
    code = receive(services)
    step(services, code, "Task_TiepNhan", "motcua", HAPPY[0][2])
    exam = ready(services, code, "Task_ThamDinh")
    assert services.claim(exam.id, "chuyenvien").claimed_by == "chuyenvien"
    assert services.claim(exam.id, "chuyenvien").claimed_by == "chuyenvien"  # no second event
    with pytest.raises(Conflict, match=r"claimed by Trần Văn Bình \(chuyenvien\)"):
        services.claim(exam.id, "chuyenvien2")
    with pytest.raises(Conflict, match="claimed by"):
        services.complete_task(exam.id, "chuyenvien2", HAPPY[1][2])
    with pytest.raises(NotAllowed, match="lanh-dao"):
        services.reassign(exam.id, "chuyenvien", "chuyenvien2")
    with pytest.raises(NotAllowed, match="lanh-dao"):
        services.unclaim(exam.id, "chuyenvien2")
    assert services.reassign(exam.id, "chutich", "chuyenvien2").claimed_by == "chuyenvien2"
    with pytest.raises(NotAllowed, match="chuyen-vien"):
        services.reassign(exam.id, "chutich", "vanthu")
    assert services.unclaim(exam.id, "chuyenvien2").state == "ready"
    assert kinds(services, code)[-4:] == ["task_completed", "task_claimed", "task_reassigned",
                                          "task_unclaimed"]
    mine = services.list_tasks("chuyenvien", "unclaimed")
    assert [t.id for t in mine] == [exam.id]
    assert services.list_tasks("chuyenvien", "mine") == []
    assert services.list_tasks("motcua_bm", "all") == []  # another commune's inbox


def test_fields_are_checked_one_message_each(services):
    code = receive(services)
    step(services, code, "Task_TiepNhan", "motcua", HAPPY[0][2])
    exam = ready(services, code, "Task_ThamDinh")
    with pytest.raises(InvalidField) as error:
        services.complete_task(exam.id, "chuyenvien", {
            "ten_ho_kinh_doanh": "  ", "nganh_nghe": "Bán lẻ", "von_kinh_doanh": "ba trăm",
            "ket_qua_tham_dinh": "tot", "ghi_chu": "x"})
    assert error.value.errors == {
        "ghi_chu": "not a field of this step (its fields: ten_ho_kinh_doanh, nganh_nghe, "
                   "von_kinh_doanh, ket_qua_tham_dinh)",
        "ten_ho_kinh_doanh (Tên hộ kinh doanh)": "required",
        "von_kinh_doanh (Vốn kinh doanh (đồng))": "not a number: 'ba trăm' (write digits, e.g. "
                                                  "1500000 or 2.5)",
        "ket_qua_tham_dinh (Kết quả thẩm định)": "'tot' is not one of: dat (Đủ điều kiện cấp Giấy chứng nhận), "
                                                 "khong_dat (Không đủ điều kiện)",
    }
    assert "Thẩm định" in str(error.value)


def test_a_stale_form_is_a_conflict(services, database):
    code = receive(services)
    check = ready(services, code, "Task_TiepNhan")
    version = services.case_view(code).state_version
    services.claim(check.id, "motcua")  # a claim does not touch the engine state
    done = services.complete_task(check.id, "motcua", HAPPY[0][2], expected_version=version)
    exam = done.ready[0]
    with pytest.raises(Conflict, match="changed since it was loaded"):
        services.complete_task(exam.id, "chuyenvien", HAPPY[1][2], expected_version=version)
    with pytest.raises(Conflict, match="already completed by Nguyễn Thị Mai"):
        services.complete_task(check.id, "motcua", HAPPY[0][2])


def test_two_services_completing_the_same_task_one_conflict(services, database, clock):
    code = receive(services)
    check = ready(services, code, "Task_TiepNhan")
    version = services.case_view(code).state_version
    outcomes = []

    def official():
        mine = Services(database, clock)  # its own context and run cache, as another process
        try:
            mine.complete_task(check.id, "motcua", HAPPY[0][2], expected_version=version)
            outcomes.append("done")
        except Conflict as exc:
            outcomes.append(exc)

    assert together(official, official) == []
    assert sorted(map(str, outcomes))[0] == "done" and isinstance(
        [o for o in outcomes if o != "done"][0], Conflict)
    assert kinds(services, code).count("task_completed") == 1
    assert services.case_view(code).state_version == version + 1


def _snapshot(database, code: str):
    with database.read() as session:
        return (session.scalar(select(CaseState.version)),
                session.execute(select(Task.id, Task.state, Task.completed_by).order_by(Task.id))
                .all(),
                session.scalar(select(func.count()).select_from(Event)))


def test_a_failure_between_engine_step_and_commit_changes_nothing(services, database,
                                                                  monkeypatch):
    from isobpmn.services.casework import CaseWork

    code = receive(services)
    check = ready(services, code, "Task_TiepNhan")
    before = _snapshot(database, code)
    original = CaseWork.project

    def broken(self, *args, **kwargs):
        original(self, *args, **kwargs)  # the engine has moved, the projection is half-made
        raise RuntimeError("disk full")

    monkeypatch.setattr(CaseWork, "project", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        services.complete_task(check.id, "motcua", HAPPY[0][2])
    assert _snapshot(database, code) == before
    monkeypatch.setattr(CaseWork, "project", original)
    done = services.complete_task(check.id, "motcua", HAPPY[0][2])  # from the stored state
    assert [t.bpmn_id for t in done.ready] == ["Task_ThamDinh"]


def test_return_to_the_previous_step_where_the_diagram_allows(services):
    code = receive(services)
    for bpmn_id, actor, data in HAPPY[:2]:
        step(services, code, bpmn_id, actor, data)
    review = ready(services, code, "Task_XemXet")
    done = services.return_to_previous(review.id, "truongphong", "Thiếu mã số thuế")
    assert [t.bpmn_id for t in done.ready] == ["Task_ThamDinh"]
    assert done.task.data == {"y_kien_xem_xet": "tra_lai", "ly_do_tra_lai": "Thiếu mã số thuế"}
    event = services.case_view(code).events[-1]
    assert (event.kind, event.payload["reason"], event.payload["returned_to"]) == \
        ("task_returned", "Thiếu mã số thuế", ["Task_ThamDinh"])
    exam = ready(services, code, "Task_ThamDinh")
    with pytest.raises(InvalidRequest, match="no return path"):
        services.return_to_previous(exam.id, "chuyenvien", "?")
