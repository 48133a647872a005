"""Deadlines as the domain counts them: outcomes, SLA states, pushing by paused time.

Pure functions over a :class:`~isobpmn.calendar.WorkingCalendar` (DOMAIN §5, docs/services.md):

- **outcome** of a step or a dossier, finished at *t* and due at *d*: ``late`` (quá hạn) when
  *t* > *d*; ``early`` (trước hạn) when *t* falls on an earlier calendar day than *d* (in the
  agency's zone); ``on_time`` (đúng hạn) otherwise. Paused time is already out of *d*, which a
  resumed supplement pushed (:func:`push`).
- **SLA state** of an open step: ``overdue`` past its due moment; ``due_soon`` when the office
  time left is at most max(fraction × allotment, minimum) — 20 % or one working hour by
  default; ``on_track`` otherwise.
- a **push** by paused office time moves a due moment on by exactly the office time the clock
  stood still, which is the calendar's rule "resume moment + remaining limit".
"""

from __future__ import annotations

from datetime import datetime, timedelta

from isobpmn.calendar import WorkingCalendar
from isobpmn.model import Duration, TimeUnit
from isobpmn.store import Outcome, SlaState

from .context import ServiceSettings

__all__ = ["outcome", "push", "sla_state", "warn_at"]


def outcome(finished_at: datetime, due_at: datetime | None,
            calendar: WorkingCalendar) -> Outcome | None:
    """Early, on time or late; ``None`` when there was no due moment."""
    if due_at is None:
        return None
    if finished_at > due_at:
        return Outcome.LATE
    if calendar.localize(finished_at).date() < calendar.localize(due_at).date():
        return Outcome.EARLY
    return Outcome.ON_TIME


def push(calendar: WorkingCalendar, moment: datetime | None, span: timedelta) -> datetime | None:
    """``moment`` moved on by ``span`` of office time (the time a pause held the clock)."""
    if moment is None or span <= timedelta(0):
        return moment
    days = calendar.as_working_days(span)
    return calendar.add(moment, Duration(days, TimeUnit.WORKING_DAYS))


def _warning(calendar: WorkingCalendar, settings: ServiceSettings, ready_at: datetime,
             due_at: datetime, paused_seconds: int) -> timedelta:
    """The office time left at which a step turns yellow (see the module)."""
    allotment = calendar.working_time_between(ready_at, due_at) - timedelta(seconds=paused_seconds)
    share = timedelta(microseconds=int(max(allotment, timedelta(0)) // timedelta(microseconds=1)
                                       * settings.due_soon_fraction))
    return max(share, settings.due_soon_minimum)


def sla_state(calendar: WorkingCalendar, settings: ServiceSettings, now: datetime,
              ready_at: datetime, due_at: datetime | None, paused_seconds: int = 0) -> SlaState:
    """The display state of an open step at ``now`` (see the module)."""
    if due_at is None:
        return SlaState.ON_TRACK
    if now > due_at:
        return SlaState.OVERDUE
    threshold = _warning(calendar, settings, ready_at, due_at, paused_seconds)
    left = calendar.working_time_between(now, due_at)
    return SlaState.DUE_SOON if left <= threshold else SlaState.ON_TRACK


def warn_at(calendar: WorkingCalendar, settings: ServiceSettings, ready_at: datetime,
            due_at: datetime | None, paused_seconds: int = 0) -> datetime | None:
    """The moment an open step turns yellow: from then on :func:`sla_state` says
    ``due_soon`` (until ``due_at`` passes). Stored with the step, so the SLA sweep finds the
    steps whose state changes with an index instead of measuring every open step."""
    if due_at is None:
        return None
    return calendar.rewind(due_at, _warning(calendar, settings, ready_at, due_at,
                                            paused_seconds))
