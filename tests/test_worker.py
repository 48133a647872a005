"""The worker: timers fire on the case clock, exactly once, across holidays; SLA sweep."""

from __future__ import annotations

import pytest
from fixtures_services import (
    AGENCY,
    gpxd_waiting_for_supplement,
    kinds,
    together,
    vn,
)

from isobpmn.services import Services

ESCALATION = "QT-TEST-LT"


@pytest.fixture
def escalating(services):
    from conftest import FIXTURES_DIR

    services.publish_procedure((FIXTURES_DIR / "services" / "leo-thang.bpmn").read_bytes(),
                               AGENCY)
    return services


def test_working_days_timer_escalates_across_tet(escalating, clock):
    """Started Friday 13/02/2026 10:00; 16–20/02 are Tết: 2 working days end 24/02 10:00."""
    services = escalating
    clock.set(vn(2026, 2, 13, 10, 0))
    code = services.receive_dossier(ESCALATION, AGENCY, "A", actor="motcua").case_code
    [timer] = services.case_view(code).timers
    assert (timer.bpmn_id, timer.fire_at, timer.fired_at) == \
        ("Timer_Han", vn(2026, 2, 24, 10, 0), None)
    assert services.run_worker_once(vn(2026, 2, 24, 9, 59), "w1").fired == []
    report = services.run_worker_once(vn(2026, 2, 24, 10, 0), "w1")
    assert report.fired == [(code, "Timer_Han")] and report.failed == []
    view = services.case_view(code)
    assert [(t.bpmn_id, t.state) for t in view.tasks] == [("Task_XuLy", "cancelled"),
                                                          ("Task_BaoCao", "ready")]
    assert view.tasks[1].role_code == "lanh-dao"
    assert view.tasks[1].due_at == vn(2026, 2, 24, 16, 0)  # 4 working hours, lunch excluded
    [timer] = view.timers
    assert (timer.fired_at, timer.fired_by) == (vn(2026, 2, 24, 10, 0), "w1")
    fired = view.events[-1]
    assert (fired.kind, fired.actor, fired.payload["attached_to"]) == \
        ("timer_fired", "worker w1", "Task_XuLy")
    assert services.run_worker_once(vn(2026, 2, 25, 10, 0), "w1").fired == []  # once only


def test_building_permit_supplement_wait_expires_after_30_days(services, clock):
    """"Quá hạn bổ sung" (P30D) started Wed 28/01/2026 10:00 fires Fri 27/02 10:00, Tết or not,
    and the dossier ends at "Trả lại hồ sơ"."""
    code, done = gpxd_waiting_for_supplement(services, clock)
    assert done.case_status == "paused"
    [timer] = services.case_view(code).timers
    assert timer.fire_at == vn(2026, 2, 27, 10, 0)
    assert services.run_worker_once(vn(2026, 2, 27, 9, 59)).fired == []
    assert services.run_worker_once(vn(2026, 2, 27, 10, 0)).fired == [(code, "Timer_QuaHanBoSung")]
    view = services.case_view(code)
    assert (view.status, view.data["end_event"]) == ("resolved", "End_TraLaiHoSo")
    assert view.pauses[0].ended_at == vn(2026, 2, 27, 10, 0)
    assert kinds(services, code)[-4:] == ["task_completed", "supplement_requested",
                                          "timer_fired", "case_resolved"]


def test_each_timer_fires_exactly_once_with_two_workers(escalating, database, clock):
    clock.set(vn(2026, 2, 13, 10, 0))
    codes = [escalating.receive_dossier(ESCALATION, AGENCY, "A", actor="motcua").case_code
             for _ in range(6)]
    reports = []

    def worker(name: str):
        services = Services(database, clock)  # as another process would
        return lambda: reports.append(services.run_worker_once(vn(2026, 2, 24, 10, 0), name))

    errors = together(worker("w1"), worker("w2"))
    assert not errors and all(not r.failed for r in reports)
    fired = sorted(code for report in reports for code, _ in report.fired)
    assert fired == sorted(codes)
    for code in codes:
        assert kinds(escalating, code).count("timer_fired") == 1
        [timer] = escalating.case_view(code).timers
        assert timer.fired_by in ("w1", "w2")
