"""Quality records: a late dossier opens a nonconformity by itself, the corrective action runs
to its verification, objectives are measured from the dossiers and ratings, and the
management review gathers it all."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from fixtures_lifecycle import add_iso_secretary
from fixtures_services import (
    AGENCY,
    FILES,
    GPXD,
    GPXD_STEPS,
    HO_KINH_DOANH,
    LIBRARY,
    OTHER_AGENCY,
    kinds,
    ready,
    vn,
)
from fixtures_services import HKD_HAPPY as HAPPY
from sqlalchemy import select

from isobpmn.services import InvalidRequest, NotAllowed, UnknownRecord
from isobpmn.store import Agency, Event

ISO = "isosec"
INCOMPLETE = {"nguoi_nop": "Nguyễn Văn An", "ho_so_day_du": "không"}


def _quality_chain(services) -> list[Event]:
    with services.db.read() as session:
        agency_id = session.scalar(select(Agency.id).where(Agency.code == AGENCY))
        return list(session.scalars(select(Event).where(Event.chain_key == f"quality:{agency_id}")
                                    .order_by(Event.seq)))


def _finish(services, code, steps=HAPPY):
    for bpmn_id, actor, data in steps:
        done = services.complete_task(ready(services, code, bpmn_id).id, actor, data)
    return done


def _late_dossier(services, clock) -> str:
    """Hộ kinh doanh received Tue 03/03 09:00 (appointment Fri 06/03 09:00); the review step
    waits until Mon 09/03 09:00, so an apology is issued and the dossier ends late."""
    code = services.receive_dossier(HO_KINH_DOANH, AGENCY, "Nguyễn Văn An",
                                    actor="motcua").case_code
    _finish(services, code, HAPPY[:2])
    clock.set(vn(2026, 3, 9, 9, 0))
    services.issue_apology(code, "motcua", new_appointment=vn(2026, 3, 10, 17, 0),
                           reason="Chờ xác minh địa điểm kinh doanh", signer="chutich")
    done = _finish(services, code, HAPPY[2:])
    assert (done.case_status, done.case_outcome) == ("resolved", "late")
    return code


def test_a_late_dossier_opens_a_nonconformity_on_its_late_step(services, clock):
    code = _late_dossier(services, clock)
    [row] = services.list_nonconformities(AGENCY, actor="chutich")
    assert (row.source, row.status, row.case_code, row.step_bpmn_id, row.step_name) == (
        "late_case", "open", code, "Task_XemXet", "Xem xét hồ sơ, trình ký")
    assert row.opened_at == vn(2026, 3, 9, 9, 0) and row.owner is None
    assert row.description == (
        f"Hồ sơ {code} được giải quyết quá hạn (có kết quả 09/03/2026 09:00). Đã phát hành 1 "
        "phiếu xin lỗi và hẹn lại ngày trả kết quả (hẹn trả ban đầu 06/03/2026 09:00). Bước 3 "
        "«Xem xét hồ sơ, trình ký» (lanh-dao-phong) hoàn thành 09/03/2026 09:00, quá hạn của "
        "bước 03/03/2026 15:00.")
    detail = services.nonconformity_detail(row.id, actor="chutich")
    assert detail.opened_by is None and detail.actions == ("cause",)
    [event] = _quality_chain(services)
    assert (event.kind, event.actor_id, event.actor_name, event.case_id) == (
        "nonconformity_opened", None, "system", None)
    assert event.payload["late_because"] == ["an apology letter was issued"]
    assert (event.payload["case"], event.payload["step"], event.payload["source"]) == (
        code, "Task_XemXet", "late_case")
    # the dossier's own chain is untouched: replay and the case page see only its life
    assert kinds(services, code)[-2:] == ["task_completed", "case_resolved"]
    assert services.verify_audit().ok


def test_a_dossier_resolved_in_time_opens_none(services, clock):
    code = services.receive_dossier(HO_KINH_DOANH, AGENCY, "A", actor="motcua").case_code
    clock.set(vn(2026, 3, 4, 9, 0))  # the first step is late, the dossier is not
    done = _finish(services, code)
    assert done.case_outcome == "early"
    assert services.case_view(code).tasks[0].outcome == "late"
    assert services.list_nonconformities(AGENCY, actor="chutich") == []


def test_late_by_a_second_supplement_request_without_a_late_step(services, clock):
    code = services.receive_dossier(HO_KINH_DOANH, AGENCY, "A", actor="motcua").case_code
    for minute in (10, 30):
        services.complete_task(ready(services, code, "Task_TiepNhan").id, "motcua", INCOMPLETE)
        clock.set(vn(2026, 3, 3, 9, minute))
        services.request_supplement(ready(services, code, "Task_HuongDanBoSung").id, "motcua",
                                    reason="Thiếu giấy tờ")
        clock.set(vn(2026, 3, 3, 9, minute + 10))
        services.receive_supplement(code, "motcua")
    done = _finish(services, code)
    assert done.case_outcome == "late"
    assert not [t for t in services.case_view(code).tasks if t.outcome == "late"]
    [row] = services.list_nonconformities(AGENCY, actor="chutich")
    assert (row.case_code, row.step_bpmn_id, row.step_name) == (code, None, None)
    assert row.description.endswith("Đã yêu cầu bổ sung hồ sơ 2 lần (quá một lần tính là quá "
                                    "hạn).")


def test_the_worker_ending_a_dossier_late_opens_one_too(services, clock):
    """The building permit's second supplement request is never answered: its 30-day wait
    ends the dossier at "Trả lại hồ sơ" through the worker, late (two requests)."""
    code = services.receive_dossier(GPXD, AGENCY, "Lê Văn Cường", actor="motcua").case_code
    _finish(services, code, GPXD_STEPS[:2])
    for answered in (True, False):
        services.complete_task(ready(services, code, "Task_ThamDinh").id, "chuyenvien",
                               {**GPXD_STEPS[2][2], "ket_qua_tham_dinh": "bo_sung"})
        services.request_supplement(ready(services, code, "Task_ThongBaoBoSung").id,
                                    "chuyenvien", reason="Thiếu bản vẽ", items=["Bản vẽ"],
                                    data={"thong_bao_bo_sung": "15/TB-UBND"})
        if answered:
            services.receive_supplement(code, "motcua")
    assert services.run_worker_once(vn(2026, 4, 2, 9, 0), "w1").fired == [
        (code, "Timer_QuaHanBoSung")]
    view = services.case_view(code)
    assert (view.status, view.outcome, view.events[-1].actor) == ("resolved", "late", "worker w1")
    [row] = services.list_nonconformities(AGENCY, actor="chutich")
    assert (row.case_code, row.step_bpmn_id, row.opened_at) == (code, None, vn(2026, 4, 2, 9, 0))
    assert _quality_chain(services)[-1].actor_name == "system"


def test_the_corrective_action_runs_to_its_verification(services, clock):
    add_iso_secretary(services)
    code = _late_dossier(services, clock)
    [late] = services.list_nonconformities(AGENCY, actor=ISO)
    manual = services.open_nonconformity(AGENCY, "Sổ theo dõi hồ sơ ghi thiếu ngày trả",
                                         actor=ISO, source="audit", case_code=code,
                                         step="Task_VaoSo")
    assert (manual.source, manual.step_name, manual.opened_by.username) == (
        "audit", "Vào sổ, đóng dấu, phát hành", ISO)

    with pytest.raises(InvalidRequest, match="record the cause .* first"):
        services.plan_corrective_action(late.id, "Nhắc việc", owner="truongphong",
                                        due_on=date(2026, 3, 20), actor=ISO)
    services.record_nonconformity_cause(late.id, "Trưởng phòng đi công tác, không ủy quyền",
                                        actor=ISO)
    with pytest.raises(InvalidRequest, match="has passed"):
        services.plan_corrective_action(late.id, "x", owner="truongphong",
                                        due_on=date(2026, 3, 8), actor=ISO)
    with pytest.raises(InvalidRequest, match="holds no role in XA-HOA-AN"):
        services.plan_corrective_action(late.id, "x", owner="motcua_bm",
                                        due_on=date(2026, 3, 20), actor=ISO)
    planned = services.plan_corrective_action(
        late.id, "Ban hành quy chế ủy quyền xem xét hồ sơ khi trưởng phòng vắng mặt",
        owner="chutich", due_on=date(2026, 3, 20), actor=ISO)
    assert (planned.status, planned.owner.username, planned.due_on, planned.overdue) == (
        "action_planned", "chutich", date(2026, 3, 20), False)
    assert services.nonconformity_detail(late.id, actor="chutich").actions == (
        "cause", "plan", "implement")

    clock.set(vn(2026, 3, 16, 10, 0))
    done = services.implement_corrective_action(late.id, "Quyết định số 12/QĐ-UBND ngày 16/03",
                                                actor="chutich")
    assert (done.status, done.implemented_at) == ("implemented", vn(2026, 3, 16, 10, 0))
    assert services.nonconformity_detail(late.id, actor="chutich").actions == ()
    with pytest.raises(NotAllowed, match="owns the action"):
        services.verify_nonconformity(late.id, "x", actor="chutich")
    again = services.verify_nonconformity(late.id, "Chưa phổ biến đến các phòng",
                                          effective=False, actor="admin")
    assert (again.status, again.implemented_at, again.verified_by) == (
        "action_planned", None, None)
    services.implement_corrective_action(late.id, "Đã phổ biến tại giao ban ngày 17/03",
                                         actor="chutich")
    clock.set(vn(2026, 3, 30, 9, 0))
    closed = services.verify_nonconformity(late.id, "Tháng 3 không còn hồ sơ trễ ở bước này",
                                           actor=ISO)
    assert (closed.status, closed.verified_by.username, closed.verified_at, closed.actions) == (
        "closed", ISO, vn(2026, 3, 30, 9, 0), ())
    assert closed.verification == "Tháng 3 không còn hồ sơ trễ ở bước này"

    assert [e.kind for e in _quality_chain(services)] == [
        "nonconformity_opened", "nonconformity_opened", "nonconformity_cause_recorded",
        "corrective_action_planned", "corrective_action_implemented",
        "nonconformity_verified", "corrective_action_implemented", "nonconformity_verified"]
    events = _quality_chain(services)
    assert events[3].payload["due_on"] == "2026-03-20" and events[5].payload == {
        "agency": AGENCY, "nonconformity": late.id, "verification": "Chưa phổ biến đến các phòng",
        "effective": False, "status": "action_planned"}
    assert [r.id for r in services.list_nonconformities(AGENCY, actor=ISO, status="closed")] \
        == [late.id]
    assert services.verify_audit().ok


def test_who_may_keep_the_records(services, clock):
    add_iso_secretary(services)
    with pytest.raises(NotAllowed, match="thu-ky-iso or lanh-dao in .*XA-HOA-AN"):
        services.open_nonconformity(AGENCY, "x", actor="motcua")
    with pytest.raises(NotAllowed, match="holds no role in"):
        services.list_nonconformities(AGENCY, actor="motcua_bm")
    with pytest.raises(InvalidRequest, match="opened by the system"):
        services.open_nonconformity(AGENCY, "x", actor=ISO, source="late_case")
    with pytest.raises(InvalidRequest, match="cannot be empty"):
        services.open_nonconformity(AGENCY, "  ", actor=ISO)
    services.publish_procedure((LIBRARY / FILES[HO_KINH_DOANH]).read_bytes(), OTHER_AGENCY)
    code = services.receive_dossier(HO_KINH_DOANH, OTHER_AGENCY, "B",
                                    actor="motcua_bm").case_code
    with pytest.raises(InvalidRequest, match="belongs to another agency"):
        services.open_nonconformity(AGENCY, "x", actor=ISO, case_code=code)
    row = services.open_nonconformity(AGENCY, "Biểu mẫu cũ còn dùng ở bộ phận một cửa",
                                      actor="chutich")
    with pytest.raises(NotAllowed, match="cannot record the cause"):
        services.record_nonconformity_cause(row.id, "x", actor="chuyenvien")
    services.record_nonconformity_cause(row.id, "Chưa thu hồi biểu mẫu cũ", actor=ISO)
    services.plan_corrective_action(row.id, "Thu hồi biểu mẫu cũ", owner="motcua",
                                    due_on=date(2026, 3, 5), actor="admin")
    with pytest.raises(NotAllowed, match="only its owner or the quality staff"):
        services.implement_corrective_action(row.id, "x", actor="chuyenvien")
    with pytest.raises(InvalidRequest, match="only when it is implemented"):
        services.verify_nonconformity(row.id, "x", actor=ISO)
    with pytest.raises(NotAllowed, match="cannot verify"):
        services.verify_nonconformity(row.id, "x", actor="motcua")
    with pytest.raises(UnknownRecord, match="#999"):
        services.nonconformity_detail(999, actor=ISO)
    # the owner reads their own action, even without reading rights elsewhere
    assert services.nonconformity_detail(row.id, actor="motcua").actions == ("implement",)
    clock.set(vn(2026, 3, 6, 9, 0))
    [overdue] = services.list_nonconformities(AGENCY, actor="motcua", overdue=True)
    assert overdue.id == row.id and overdue.overdue
    assert services.list_nonconformities(AGENCY, actor=ISO, owner="chutich") == []


def _returned_and_rated(services, code, lookup, score, comment=None):
    services.return_result(code, "motcua")
    services.rate_dossier(code, lookup, score, comment)


def _three_dossiers(services, clock):
    """Received Tue 03/03 09:00 (limit 3 working days = 24 office hours): resolved Wed 09:00
    (8 h used, early), Fri 08:00 (23 h, on time) and Mon 09/03 09:00 (32 h, late after an
    apology); a fourth came online and is still open. Rated 5, 4 and 2."""
    receipts = [services.receive_dossier(HO_KINH_DOANH, AGENCY, name, actor="motcua")
                for name in ("An", "Bình", "Cường")]
    services.receive_dossier(HO_KINH_DOANH, AGENCY, "Dũng", actor="motcua", channel="online")
    (a, b, c) = [(r.case_code, r.lookup_code) for r in receipts]
    clock.set(vn(2026, 3, 4, 9, 0))
    assert _finish(services, a[0]).case_outcome == "early"
    clock.set(vn(2026, 3, 6, 8, 0))
    assert _finish(services, b[0]).case_outcome == "on_time"
    clock.set(vn(2026, 3, 9, 9, 0))
    services.issue_apology(c[0], "motcua", new_appointment=vn(2026, 3, 10, 17, 0),
                           reason="Chờ xác minh", signer="chutich")
    assert _finish(services, c[0]).case_outcome == "late"
    clock.set(vn(2026, 3, 9, 10, 0))
    _returned_and_rated(services, *a, 5, "Nhanh, chu đáo")
    _returned_and_rated(services, *b, 4)
    _returned_and_rated(services, *c, 2, "Trễ hẹn")


def test_objectives_are_measured_from_the_dossiers_and_ratings(services, clock):
    add_iso_secretary(services)
    _three_dossiers(services, clock)
    targets = {"on_time_rate": 98, "avg_time_share": "90", "satisfaction_avg": "3,5",
               "satisfied_rate": 60, "online_rate": 50}
    for metric, target in targets.items():
        services.set_quality_objective(AGENCY, 2026, metric, target, actor=ISO)
    services.set_quality_objective(AGENCY, 2027, "on_time_rate", 99, actor=ISO)
    measured = {o.metric: (o.value, o.basis, o.state, o.comparison)
                for o in services.quality_objectives(AGENCY, 2026, actor="chuyenvien")}
    assert measured == {
        "on_time_rate": (Decimal("66.67"), 3, "not_met", "at_least"),      # 2 of 3
        "avg_time_share": (Decimal("87.50"), 3, "met", "at_most"),         # (8+23+32)/72
        "satisfaction_avg": (Decimal("3.67"), 3, "met", "at_least"),       # 11/3
        "satisfied_rate": (Decimal("66.67"), 3, "met", "at_least"),        # 5 and 4 of 3
        "online_rate": (Decimal("25.00"), 4, "not_met", "at_least"),       # 1 of 4
    }
    [future] = services.quality_objectives(AGENCY, 2027, actor=ISO)
    assert (future.value, future.state, future.target) == (None, "no_data", Decimal("99.00"))

    changed = services.set_quality_objective(AGENCY, 2026, "on_time_rate", "60", actor=ISO,
                                             title="Ít nhất 60 % hồ sơ đúng hạn")
    assert (changed.state, changed.title, changed.start, changed.end) == (
        "met", "Ít nhất 60 % hồ sơ đúng hạn", date(2026, 1, 1), date(2026, 3, 9))
    assert _quality_chain(services)[-1].payload["before"]["target"] == "98.00"
    services.remove_quality_objective(future.id, actor=ISO)
    assert services.quality_objectives(AGENCY, 2027, actor=ISO) == []
    assert [e.kind for e in _quality_chain(services)][-2:] == [
        "quality_objective_set", "quality_objective_removed"]

    with pytest.raises(InvalidRequest, match="between 0 and 100"):
        services.set_quality_objective(AGENCY, 2026, "on_time_rate", 120, actor=ISO)
    with pytest.raises(InvalidRequest, match="unknown metric"):
        services.set_quality_objective(AGENCY, 2026, "speed", 1, actor=ISO)
    with pytest.raises(NotAllowed):
        services.set_quality_objective(AGENCY, 2026, "on_time_rate", 90, actor="chuyenvien")


def test_the_management_review_gathers_the_period(services, clock):
    add_iso_secretary(services)
    _three_dossiers(services, clock)
    services.set_quality_objective(AGENCY, 2026, "on_time_rate", 98, actor=ISO)
    [late] = services.list_nonconformities(AGENCY, actor=ISO)
    reported = services.open_nonconformity(AGENCY, "Bảng niêm yết thủ tục chưa cập nhật",
                                           actor=ISO)
    for row, due in ((late, date(2026, 3, 13)), (reported, date(2026, 3, 20))):
        services.record_nonconformity_cause(row.id, "Chưa phân công người cập nhật", actor=ISO)
        services.plan_corrective_action(row.id, "Phân công", owner="motcua", due_on=due,
                                        actor=ISO)
    clock.set(vn(2026, 3, 12, 9, 0))
    services.implement_corrective_action(reported.id, "Đã cập nhật", actor="motcua")
    services.verify_nonconformity(reported.id, "Đã kiểm tra bảng niêm yết", actor=ISO)
    clock.set(vn(2026, 3, 25, 9, 0))

    review = services.management_review(AGENCY, date(2026, 3, 1), date(2026, 3, 31),
                                        actor="chutich")
    d = review.dossiers
    assert (d.received, d.received_online, d.resolved, d.early, d.on_time, d.late,
            d.time_share) == (4, 1, 3, 1, 1, 1, Decimal("87.50"))
    assert review.on_time_rate == Decimal("66.67")
    [objective] = review.objectives
    assert (objective.value, objective.state, objective.end) == (
        Decimal("66.67"), "not_met", date(2026, 3, 25))
    s = review.satisfaction
    assert (s.ratings, s.average, s.satisfied_rate, s.scores) == (
        3, Decimal("3.67"), Decimal("66.67"), (0, 1, 0, 1, 1))
    assert [(c.score, c.comment) for c in s.comments] == [(2, "Trễ hẹn"), (5, "Nhanh, chu đáo")]
    n = review.nonconformities
    assert (n.opened, n.opened_by_source, n.closed, n.open_at_end, n.overdue) == (
        2, {"late_case": 1, "manual": 1}, 1, 1, 1)
    assert [r.id for r in n.overdue_rows] == [late.id]
    assert [r.id for r in n.opened_rows] == [reported.id, late.id]

    february = services.management_review(AGENCY, date(2026, 2, 1), date(2026, 2, 28),
                                          actor=ISO)
    assert (february.dossiers.received, february.nonconformities.opened,
            february.satisfaction.average, february.on_time_rate) == (0, 0, None, None)
    with pytest.raises(NotAllowed, match="prepare the management review"):
        services.management_review(AGENCY, date(2026, 3, 1), date(2026, 3, 31),
                                   actor="chuyenvien")
    with pytest.raises(InvalidRequest, match="swap the two dates"):
        services.management_review(AGENCY, date(2026, 3, 31), date(2026, 3, 1), actor=ISO)
