"""The dossier's own clock and status: pauses, the apology rule, closing.

Statuses (``cases.status``): ``open`` → (``paused`` ↔ ``open``)* → ``resolved`` (the engine
reached an end event) → ``returned`` (the result was handed over); or ``refused`` /
``withdrawn`` from ``open`` or ``paused``.

**Pauses.** A pause (``case_pauses``) holds the dossier's clock while the agency waits for the
applicant (a supplement, DOMAIN §5). When it ends, the appointment and the due moment of every
step open during it move on by the office time it covered (:func:`close_pauses`).

**Apology rule.** An open dossier whose current appointment has passed may not move on — no
step is completed, returned or turned into a supplement request — until an apology letter
with a new appointment is issued (:class:`ApologyRequired`); the letter replaces the
appointment, so a second miss needs a second letter. Not blocked: claiming (nothing moves),
receiving a supplement (the applicant's act; it pushes the appointment), refusing and
withdrawing (they end the dossier), the worker's timers (the diagram's own deadlines) and
returning a resolved dossier's result.

**Outcome** of a dossier, when it is resolved: ``late`` if it was resolved after its
appointment, if an apology letter was issued, or if more than one supplement was requested
(Bộ chỉ số 766); otherwise ``early`` or ``on_time`` by :func:`~.deadlines.outcome`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from isobpmn.calendar import WorkingCalendar
from isobpmn.store import (
    TASK_IS_OPEN,
    Case,
    CasePause,
    CaseStatus,
    Outcome,
    PauseReason,
    Task,
    TaskState,
    Timer,
)
from isobpmn.textfmt import format_datetime

from .context import ServiceSettings
from .deadlines import outcome, push, sla_state, warn_at
from .errors import ApologyRequired, CaseNotOpen

__all__ = ["ACTIVE", "case_outcome", "check_apology", "check_open", "close_pauses",
           "local_text", "open_pause", "open_pause_of", "stop_case", "update_data"]

ACTIVE = (CaseStatus.OPEN, CaseStatus.PAUSED)


def local_text(moment: datetime | None, calendar: WorkingCalendar) -> str:
    return format_datetime(calendar.localize(moment)) if moment is not None else "—"


def update_data(case: Case, **items: Any) -> None:
    """Set keys of ``case.data`` (a new dict, so the JSON column sees the change)."""
    case.data = {**(case.data or {}), **items}


def check_open(case: Case, *, allow_paused: bool = False) -> None:
    """:class:`CaseNotOpen` unless the dossier can still change."""
    if case.status == CaseStatus.OPEN or (allow_paused and case.status == CaseStatus.PAUSED):
        return
    if case.status == CaseStatus.PAUSED:
        fee = any(p.reason == PauseReason.FEE and p.ended_at is None for p in case.pauses)
        waiting, then = (("a payment (fee, charge or tax)", "record the payment") if fee else
                         ("a supplement", "receive the supplement"))
        raise CaseNotOpen(f"dossier {case.code} is paused, waiting for {waiting} from the "
                          f"applicant; {then} first")
    raise CaseNotOpen(f"dossier {case.code} is {case.status}; it can no longer change")


def check_apology(case: Case, now: datetime, calendar: WorkingCalendar, doing: str) -> None:
    """:class:`ApologyRequired` when the current appointment has passed (module docstring)."""
    if case.appointment_at is not None and now > case.appointment_at:
        raise ApologyRequired(
            f"cannot {doing}: dossier {case.code} passed its appointment "
            f"{local_text(case.appointment_at, calendar)}; a leader must first issue an apology "
            "letter (Mẫu 04) with a new appointment")


def open_pause_of(session: Session, case: Case) -> CasePause | None:
    return session.scalar(select(CasePause).where(CasePause.case_id == case.id,
                                                  CasePause.ended_at.is_(None)))


def open_pause(session: Session, case: Case, at: datetime, reason: PauseReason,
               requested_by: int | None, note: str | None) -> CasePause:
    pause = CasePause(case_id=case.id, reason=reason, started_at=at, requested_by=requested_by,
                      note=note)
    session.add(pause)
    case.status = CaseStatus.PAUSED
    return pause


def close_pauses(session: Session, case: Case, at: datetime, calendar: WorkingCalendar,
                 settings: ServiceSettings) -> timedelta:
    """End the open pauses at ``at``; push the appointment and the open steps' due moments by
    the office time they covered. Returns that office time."""
    pauses = session.scalars(select(CasePause).where(CasePause.case_id == case.id,
                                                     CasePause.ended_at.is_(None))).all()
    if not pauses:
        return timedelta(0)
    started = min(p.started_at for p in pauses)
    for pause in pauses:
        pause.ended_at = max(at, pause.started_at)
    held = calendar.working_time_between(started, at)
    case.appointment_at = push(calendar, case.appointment_at, held)
    for task in session.scalars(select(Task).where(Task.case_id == case.id, TASK_IS_OPEN)):
        own = calendar.working_time_between(max(started, task.ready_at), at)
        task.due_at = push(calendar, task.due_at, own)
        task.paused_seconds = (task.paused_seconds or 0) + int(own.total_seconds())
        started_at = max(task.ready_at, case.clock_started_at or task.ready_at)
        task.sla_state = sla_state(calendar, settings, at, started_at, task.due_at,
                                   task.paused_seconds)
        task.warn_at = warn_at(calendar, settings, started_at, task.due_at, task.paused_seconds)
    if case.status == CaseStatus.PAUSED:
        case.status = CaseStatus.OPEN
    return held


def case_outcome(case: Case, resolved_at: datetime,
                 calendar: WorkingCalendar) -> tuple[Outcome | None, list[str]]:
    """The dossier's outcome and, when late, why (module docstring)."""
    reasons = []
    result = outcome(resolved_at, case.appointment_at, calendar)
    if result is Outcome.LATE:
        reasons.append("resolved after its appointment")
    if (case.data or {}).get("apologies"):
        reasons.append("an apology letter was issued")
    if case.supplement_count > 1:
        reasons.append(f"{case.supplement_count} supplement requests (more than one counts late, "
                       "Bộ chỉ số 766)")
    return (Outcome.LATE if reasons else result), reasons


def stop_case(session: Session, case: Case, at: datetime, status: CaseStatus,
              calendar: WorkingCalendar, settings: ServiceSettings) -> list[int]:
    """Close the dossier with ``status``: end pauses, cancel open steps, drop unfired timers.
    Returns the ids of the cancelled tasks."""
    close_pauses(session, case, at, calendar, settings)
    cancelled = []
    for task in session.scalars(select(Task).where(Task.case_id == case.id, TASK_IS_OPEN)):
        task.state = TaskState.CANCELLED
        cancelled.append(task.id)
    session.execute(delete(Timer).where(Timer.case_id == case.id, Timer.fired_at.is_(None)))
    case.status = status
    case.resolved_at = case.resolved_at or at
    return cancelled
