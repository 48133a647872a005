"""Timers on the case clock (isobpmn.engine.timers): ISO values and working-time helpers.

Small diagrams built here exercise each kind of timer; the library's "Quá hạn bổ sung" (P30D)
is covered with the rest of the building-permit diagram in test_engine_runtime.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from conftest import bpmn_bytes, chain

from isobpmn.calendar import WorkingCalendar
from isobpmn.engine import ExpressionError, ManualClock, RunBroken, load_spec, restore, start
from isobpmn.engine.clock import VIETNAM

CALENDAR = WorkingCalendar()
FRIDAY_BEFORE_TET = datetime(2026, 2, 13, 10, 0, tzinfo=VIETNAM)


def escalation(timer: str, kind: str = "timeDuration", cancel: bool = True) -> bytes:
    """A step with a timer on its border that hands the case to a leader when it fires."""
    return bpmn_bytes(
        '<bpmn:startEvent id="StartEvent"/>\n'
        '<bpmn:userTask id="Task_XuLy" name="Xử lý hồ sơ"/>\n'
        f'<bpmn:boundaryEvent id="Timer_Han" name="Đến hạn" attachedToRef="Task_XuLy" '
        f'cancelActivity="{str(cancel).lower()}"><bpmn:timerEventDefinition>'
        f"<bpmn:{kind}>{timer}</bpmn:{kind}></bpmn:timerEventDefinition></bpmn:boundaryEvent>\n"
        '<bpmn:userTask id="Task_BaoCao" name="Báo cáo lãnh đạo"/>\n'
        '<bpmn:endEvent id="End_Xong"/>\n<bpmn:endEvent id="End_QuaHan"/>\n'
        + chain("StartEvent", "Task_XuLy", "End_Xong") + "\n"
        + chain("Timer_Han", "Task_BaoCao", "End_QuaHan"))


def waiting(kind: str, timer: str) -> bytes:
    """A process that waits on an intermediate timer between two steps."""
    return bpmn_bytes(
        '<bpmn:startEvent id="StartEvent"/>\n<bpmn:userTask id="Task_A" name="A"/>\n'
        '<bpmn:intermediateCatchEvent id="Timer_Cho" name="Chờ"><bpmn:timerEventDefinition>'
        f"<bpmn:{kind}>{timer}</bpmn:{kind}></bpmn:timerEventDefinition>"
        "</bpmn:intermediateCatchEvent>\n"
        '<bpmn:userTask id="Task_B" name="B"/>\n<bpmn:endEvent id="End_Xong"/>\n'
        + chain("StartEvent", "Task_A", "Timer_Cho", "Task_B", "End_Xong"))


def begin(xml: bytes, clock: ManualClock, data=None):
    return start(load_spec(xml), data or {}, clock=clock, calendar=CALENDAR)


def ready(run) -> list[str]:
    return [t.bpmn_id for t in run.ready_tasks()]


def test_working_days_timer_counts_across_tet_2026():
    """Started Friday 13/02/2026 10:00; 16–20/02 are Tết: 2 working days end 24/02 10:00."""
    clock = ManualClock(FRIDAY_BEFORE_TET)
    run = begin(escalation("working_days(2)"), clock)
    [timer] = run.waiting_timers()
    assert (timer.bpmn_id, timer.name, timer.attached_to) == ("Timer_Han", "Đến hạn", "Task_XuLy")
    assert timer.fire_at == datetime(2026, 2, 24, 10, 0, tzinfo=VIETNAM)
    clock.set(datetime(2026, 2, 24, 9, 59))
    assert run.fire_due_timers() == [] and ready(run) == ["Task_XuLy"]
    clock.advance(minutes=1)
    assert [t.bpmn_id for t in run.fire_due_timers()] == ["Timer_Han"]
    assert ready(run) == ["Task_BaoCao"]
    run.complete(run.ready_tasks()[0].task_uuid, {})
    assert run.end_event() == "End_QuaHan"


@pytest.mark.parametrize("timer, fire_at", [
    ("working_hours(4)", datetime(2026, 2, 13, 16, 0)),  # 1.5 h before lunch, 2.5 h after
    ("working_hours(so_gio * 3)", datetime(2026, 2, 23, 8, 0)),  # 6 h: 5 h Friday, 1 h after Tết
    ("calendar_days(4)", datetime(2026, 2, 23, 17, 0)),  # the 4th day, 17/02, is Tết
    ('"P30D"', datetime(2026, 3, 15, 10, 0)),
    ("PT4H", datetime(2026, 2, 13, 14, 0)),
    ("'P1M'", datetime(2026, 3, 13, 10, 0)),
])
def test_duration_timers(timer, fire_at):
    run = begin(escalation(timer), ManualClock(FRIDAY_BEFORE_TET), {"so_gio": 2})
    assert run.waiting_timers()[0].fire_at == fire_at.replace(tzinfo=VIETNAM)


@pytest.mark.parametrize("timer, fire_at", [
    ('"2026-09-02T07:00:00+07:00"', datetime(2026, 9, 2, 7, 0, tzinfo=VIETNAM)),
    ("2026-09-02T00:00:00Z", datetime(2026, 9, 2, 7, 0, tzinfo=VIETNAM)),
    ('"2026-09-02T07:00:00"', datetime(2026, 9, 2, 7, 0, tzinfo=VIETNAM)),  # no zone: the agency's
    ("working_days(1)", datetime(2026, 2, 23, 10, 0, tzinfo=VIETNAM)),
])
def test_intermediate_date_timer_waits_then_moves_on(timer, fire_at):
    clock = ManualClock(FRIDAY_BEFORE_TET)
    run = begin(waiting("timeDate", timer), clock)
    run.complete(run.ready_tasks()[0].task_uuid, {})
    [waiting_timer] = run.waiting_timers()
    assert waiting_timer.fire_at == fire_at and waiting_timer.attached_to is None
    assert ready(run) == []
    state = run.serialize()
    clock.set(fire_at)
    run = restore(load_spec(waiting("timeDate", timer)), state, clock=clock, calendar=CALENDAR)
    assert run.fire_due_timers()[0].bpmn_id == "Timer_Cho"
    assert ready(run) == ["Task_B"]
    assert run.path_taken()[-1] == "Timer_Cho"


def test_timer_starts_when_its_step_starts_on_the_case_clock():
    clock = ManualClock(FRIDAY_BEFORE_TET)
    run = begin(waiting("timeDuration", '"PT2H"'), clock)
    clock.advance(days=3)
    run.complete(run.ready_tasks()[0].task_uuid, {})
    assert run.waiting_timers()[0].fire_at == FRIDAY_BEFORE_TET + timedelta(days=3, hours=2)


def test_a_repeating_reminder_on_a_step_fires_each_time_then_stops():
    clock = ManualClock(FRIDAY_BEFORE_TET)
    run = begin(escalation('"R2/PT1H"', kind="timeCycle", cancel=False), clock)
    assert run.waiting_timers()[0].fire_at == FRIDAY_BEFORE_TET + timedelta(hours=1)
    for hour in (1, 2):
        clock.set(FRIDAY_BEFORE_TET + timedelta(hours=hour))
        assert [t.bpmn_id for t in run.fire_due_timers()] == ["Timer_Han"]
        assert ready(run).count("Task_BaoCao") == hour and "Task_XuLy" in ready(run)
        run = restore(run.spec, run.serialize(), clock=clock, calendar=CALENDAR)
    clock.advance(hours=5)
    assert run.fire_due_timers() == []
    assert ready(run).count("Task_BaoCao") == 2


@pytest.mark.parametrize("timer, message", [
    ("working_days(-1)", "at least 0"),
    ("working_days(so_ngay)", "'so_ngay' has no value"),
    ('"P30 ngày"', "ISO 8601 duration"),
    ("max(1, 2)", "ISO 8601 text"),
    ("__import__('os')", "outside the safe subset"),
])
def test_a_bad_timer_fails_when_it_starts_naming_the_timer(timer, message):
    with pytest.raises(ExpressionError, match=message) as info:
        begin(escalation(timer), ManualClock(FRIDAY_BEFORE_TET))
    assert info.value.element_id == "Timer_Han"


def test_a_bad_timer_reached_by_a_change_breaks_that_run_only():
    clock = ManualClock(FRIDAY_BEFORE_TET)
    run = begin(waiting("timeDuration", "working_days(so_ngay)"), clock)
    stored = run.serialize()
    with pytest.raises(ExpressionError, match="so_ngay"):
        run.complete(run.ready_tasks()[0].task_uuid, {})
    with pytest.raises(RunBroken):
        run.waiting_timers()
    run = restore(run.spec, stored, clock=clock, calendar=CALENDAR)
    run.complete(run.ready_tasks()[0].task_uuid, {"so_ngay": 1})
    assert run.waiting_timers()[0].fire_at == datetime(2026, 2, 23, 10, tzinfo=VIETNAM)
