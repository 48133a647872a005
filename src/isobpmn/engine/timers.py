"""Timers on the case's clock: what a timer expression means and when the timer fires.

A timer holds an ISO 8601 value, quoted or bare (``"P30D"``, ``PT4H``,
``"2026-09-02T07:00:00+07:00"``, ``"R3/PT1H"``), or, for a duration or a date, one call of a
working-time helper (``working_days(5)``) that gives the moment itself (docs/expressions.md).
The moment is computed once, when the timer starts, from the script engine's ``now()`` (the
case's :class:`~isobpmn.engine.clock.Clock`) and calendar, and kept in the task; the timer
fires when ``now()`` reaches it.

SpiffWorkflow's own timer definitions read ``datetime.now()`` and evaluate with Python; the
subclasses here replace exactly that, and :func:`clocked` swaps them in at parse time.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, tzinfo
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)

from isobpmn.engine.errors import EngineError, ExpressionError
from isobpmn.engine.script_engine import CaseScriptEngine
from isobpmn.model.types import TimerKind

__all__ = ["CaseClockTimer", "ClockedCycle", "ClockedDuration", "ClockedTimeDate", "clocked",
           "cycle_of", "fire_at", "timer_value"]

#: What an ISO 8601 value looks like unquoted (as the validator's rule timer-expression-valid).
_ISO_LIKE = re.compile(r"[+-]?[0-9PR][0-9A-Za-z:.,+/-]*")
_QUOTED = re.compile(r"""(["'])([^"'\\]*)\1""")


def timer_value(engine: CaseScriptEngine, text: str, data: dict, element_id: str | None) -> Any:
    """A timer's text as a value: the ISO text itself, or what its expression evaluates to."""
    stripped = (text or "").strip()
    quoted = _QUOTED.fullmatch(stripped)
    if quoted:
        return quoted.group(2)
    if _ISO_LIKE.fullmatch(stripped):
        return stripped
    return engine.evaluator.evaluate_timer(stripped, data, element_id=element_id)


def fire_at(kind: TimerKind, value: Any, now: datetime, tz: tzinfo) -> datetime:
    """The moment a ``timeDate`` or ``timeDuration`` with this value, started at ``now``, fires."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise ExpressionError(f"a timer must give ISO 8601 text or a working-time helper's "
                              f"moment, got {value!r}")
    if kind is TimerKind.DURATION:
        return now + _duration(value, now)
    return _moment(value, tz)


def cycle_of(value: Any, now: datetime, tz: tzinfo) -> tuple[int, datetime, timedelta]:
    """``(repetitions or -1 for ever, first moment, interval)`` of an ISO repeating interval."""
    if not isinstance(value, str):
        raise ExpressionError("a timeCycle must be an ISO 8601 repeating interval such as "
                              f"R3/PT1H, not {value!r}; a working-time helper gives one moment")
    match = re.fullmatch(r"R(\d*)/([^/]+)(?:/([^/]+))?", value.strip().upper())
    if match is None:
        raise ExpressionError(f"{value!r} is not an ISO 8601 repeating interval like R3/PT1H")
    count, first, second = match.groups()
    cycles = int(count) if count else -1
    if second is None:
        interval = _duration(first, now)
        start = now + interval
    elif first.startswith("P"):
        end = _moment(second, tz)
        interval = _duration(first, end, backwards=True)
        start = end - interval
    else:
        start = _moment(first, tz)
        interval = _duration(second, start)
    if interval <= timedelta(0):
        raise ExpressionError(f"the repeating interval {value!r} repeats every zero seconds")
    return cycles, start, interval


def _duration(text: str, start: datetime, *, backwards: bool = False) -> timedelta:
    try:
        parsed = TimerEventDefinition.parse_iso_duration(text)
        if backwards:
            return TimerEventDefinition.get_timedelta_from_end(parsed, start)
        return TimerEventDefinition.get_timedelta_from_start(parsed, start)
    except Exception:  # SpiffWorkflow raises a bare Exception for a bad duration
        raise ExpressionError(f"{text!r} is not an ISO 8601 duration like P30D (30 days) or "
                              "PT4H (4 hours)") from None


def _moment(text: str, tz: tzinfo) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ExpressionError(f"{text!r} is not an ISO 8601 date-time like "
                              "2026-09-02T07:00:00+07:00") from None
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment


class CaseClockTimer:
    """What the three timer kinds share: the case's script engine and the moment computed once."""

    kind: TimerKind
    expression: str

    @staticmethod
    def engine(my_task) -> CaseScriptEngine:
        engine = my_task.workflow.script_engine
        if not isinstance(engine, CaseScriptEngine):
            raise EngineError("a timer ran outside isobpmn's engine (no case clock)",
                              element_id=my_task.task_spec.bpmn_id)
        return engine

    def value(self, my_task) -> Any:
        return timer_value(self.engine(my_task), self.expression, my_task.data,
                           my_task.task_spec.bpmn_id)

    def moment(self, my_task) -> datetime:
        stored = my_task._get_internal_data("event_value")
        if stored is not None:
            return datetime.fromisoformat(stored)
        engine = self.engine(my_task)
        try:
            moment = fire_at(self.kind, self.value(my_task), engine.now(), engine.tz)
        except EngineError as exc:
            raise exc.at(my_task.task_spec.bpmn_id) from None
        my_task._set_internal_data(event_value=moment.isoformat())
        return moment

    def has_fired(self, my_task) -> bool:
        if not my_task._get_internal_data("event_fired", False) and \
                self.moment(my_task) <= self.engine(my_task).now():
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)


class ClockedTimeDate(CaseClockTimer, TimeDateEventDefinition):
    """A ``timeDate`` timer on the case's clock."""

    kind = TimerKind.DATE


class ClockedDuration(CaseClockTimer, DurationTimerEventDefinition):
    """A ``timeDuration`` timer on the case's clock."""

    kind = TimerKind.DURATION


class ClockedCycle(CaseClockTimer, CycleTimerEventDefinition):
    """A ``timeCycle`` timer on the case's clock (SpiffWorkflow's cycle logic, our time)."""

    kind = TimerKind.CYCLE

    def has_fired(self, my_task) -> bool:
        return my_task._get_internal_data("event_fired", False)

    def moment(self, my_task) -> datetime | None:
        state = my_task._get_internal_data("event_value")
        if state is None or state["cycles"] == 0:
            return None
        return datetime.fromisoformat(state["next"])

    def cycle_complete(self, my_task) -> bool:
        engine = self.engine(my_task)
        now = engine.now()
        state = my_task._get_internal_data("event_value")
        if state is None:
            try:
                cycles, start, interval = cycle_of(self.value(my_task), now, engine.tz)
            except EngineError as exc:
                raise exc.at(my_task.task_spec.bpmn_id) from None
            state = {"cycles": cycles, "next": start.isoformat(),
                     "duration": interval.total_seconds()}
        ready = False
        if state["cycles"] != 0:
            upcoming = datetime.fromisoformat(state["next"])
            if upcoming <= now:
                state["next"] = (upcoming + timedelta(seconds=state["duration"])).isoformat()
                state["cycles"] -= 1
                ready = True
        else:
            my_task._set_internal_data(event_fired=True)
        my_task._set_internal_data(event_value=state)
        return ready


_CLOCKED = {TimeDateEventDefinition: ClockedTimeDate, DurationTimerEventDefinition: ClockedDuration,
            CycleTimerEventDefinition: ClockedCycle}


def clocked(definition: TimerEventDefinition) -> TimerEventDefinition:
    """The case-clock version of a timer definition SpiffWorkflow's parser made."""
    cls = _CLOCKED.get(type(definition))
    if cls is None:
        return definition
    return cls(definition.name, definition.expression, description=definition.description)
