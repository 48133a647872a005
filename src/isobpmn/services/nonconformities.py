"""Nonconformities and corrective actions (ISO 9001 10.2): report, find the cause, act, verify.

A nonconformity is opened

- **by the system**, when a dossier is resolved late (:func:`open_for_late_case`, called by
  :func:`~.progress.resolve_case` in the same transaction): one per step that finished late,
  linked to the dossier and that step, or one for the dossier alone when no step was late
  (late because of an apology letter or a second supplement request);
- **by the quality staff** (:func:`open_nonconformity`): reported by hand or found in an
  internal audit, optionally linked to a dossier and one of its steps.

Then: record the cause → plan a corrective action with an owner and a due date → the owner
(or the quality staff) marks it implemented → someone other than the owner verifies it:
effective closes the nonconformity, not effective sends it back to the owner. Each step is one
transaction with its event on the agency's ``quality:<agency id>`` chain
(:mod:`.quality_access` says who may do what). docs/quality.md.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from isobpmn.calendar import WorkingCalendar
from isobpmn.store import (
    Agency,
    Case,
    Membership,
    Nonconformity,
    NonconformitySource,
    NonconformityStatus,
    Outcome,
    Task,
    TaskState,
    User,
)
from isobpmn.textfmt import format_datetime

from .access import find_agency, find_user, user_label
from .casework import transaction
from .context import ServiceContext
from .errors import InvalidRequest, NotAllowed, UnknownCase, UnknownRecord
from .kinds import EventKind
from .nonconformity_views import (
    NonconformityRow,
    NonconformityView,
    list_conditions,
    lock_nonconformity,
    nonconformity_rows,
    nonconformity_view,
    zone_and_today,
)
from .quality_access import (
    is_quality_staff,
    quality_event,
    require_quality_reader,
    require_quality_staff,
)

__all__ = ["NonconformityRow", "NonconformityView", "implement_corrective_action",
           "list_nonconformities", "nonconformity_detail", "open_for_late_case",
           "open_nonconformity", "plan_corrective_action", "record_nonconformity_cause",
           "verify_nonconformity"]

S = NonconformityStatus
#: Sources a person may give; ``late_case`` is the system's.
_REPORTED = (NonconformitySource.MANUAL, NonconformitySource.AUDIT)
TEXT_MAX = 4000


def _text(value: str | None, what: str) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidRequest(f"write the {what}: it cannot be empty")
    if len(text) > TEXT_MAX:
        raise InvalidRequest(f"the {what} has {len(text)} characters; shorten it to "
                             f"{TEXT_MAX} at most")
    return text


# -- opening ----------------------------------------------------------------------------------


def open_nonconformity(ctx: ServiceContext, agency: str, description: str, *, actor: str,
                       source: str = NonconformitySource.MANUAL, case_code: str | None = None,
                       step: str | None = None) -> NonconformityView:
    """Report a nonconformity of ``agency`` (``source`` ``manual`` or ``audit``), optionally
    linked to its dossier ``case_code`` and one of the dossier's steps (``step``: bpmn id)."""
    if source not in _REPORTED:
        raise InvalidRequest(f"a nonconformity is reported as {' or '.join(_REPORTED)}, not "
                             f"{source!r} (late dossiers are opened by the system)")
    text = _text(description, "description of the nonconformity")
    if step and not case_code:
        raise InvalidRequest("a step is named within a dossier: give the dossier code too")
    now = ctx.now()
    with transaction(ctx) as session:
        user = find_user(session, actor)
        office = find_agency(session, agency)
        require_quality_staff(ctx, session, user, office, "report a nonconformity")
        case, task = _linked(session, office, case_code, (step or "").strip() or None)
        row = _add(session, office, now, source, text, opened_by=user, case=case, task=task)
        quality_event(session, office, EventKind.NONCONFORMITY_OPENED, now, user,
                      {**_subject(row, case), "description": text})
        return nonconformity_view(ctx, session, row, user)


def _linked(session: Session, agency: Agency, case_code: str | None,
            step: str | None) -> tuple[Case | None, Task | None]:
    if not case_code:
        return None, None
    case = session.scalar(select(Case).where(Case.code == case_code.strip()))
    if case is None:
        raise UnknownCase(f"no dossier with the code {case_code!r}")
    if case.agency_id != agency.id:
        raise InvalidRequest(f"dossier {case.code} belongs to another agency, not "
                             f"{agency.code}; report the nonconformity there")
    if step is None:
        return case, None
    task = session.scalar(select(Task).where(Task.case_id == case.id, Task.bpmn_id == step)
                          .order_by(Task.id.desc()).limit(1))
    if task is None:
        raise InvalidRequest(f"dossier {case.code} has no step {step!r}; choose one of its "
                             "steps (bpmn id) or leave the step out")
    return case, task


def _add(session: Session, agency: Agency, now: datetime, source: str, description: str, *,
         opened_by: User | None, case: Case | None, task: Task | None) -> Nonconformity:
    row = Nonconformity(
        agency_id=agency.id, case_id=case.id if case else None, task_id=task.id if task else None,
        step_bpmn_id=task.bpmn_id if task else None, step_name=task.name if task else None,
        source=source, status=S.OPEN, opened_at=now,
        opened_by=opened_by.id if opened_by else None, description=description,
        created_at=now, updated_at=now)
    session.add(row)
    session.flush()
    return row


def _subject(row: Nonconformity, case: Case | None) -> dict[str, Any]:
    return {"nonconformity": row.id, "source": row.source,
            "case": case.code if case is not None else None, "task": row.task_id,
            "step": row.step_bpmn_id, "step_name": row.step_name}


def open_for_late_case(session: Session, case: Case, now: datetime, calendar: WorkingCalendar,
                       late_because: list[str]) -> list[int]:
    """Open the nonconformities of a dossier just resolved late (module docstring), inside the
    resolving transaction; returns their ids."""
    agency = session.get(Agency, case.agency_id)
    late = session.scalars(select(Task).where(Task.case_id == case.id,
                                              Task.state == TaskState.COMPLETED,
                                              Task.outcome == Outcome.LATE)
                           .order_by(Task.completed_at, Task.id)).all()
    facts = _late_facts(case, now, calendar)
    opened = []
    for task in late or [None]:
        text = facts + (_late_step(task, calendar) if task is not None else "")
        row = _add(session, agency, now, NonconformitySource.LATE_CASE, text, opened_by=None,
                   case=case, task=task)
        quality_event(session, agency, EventKind.NONCONFORMITY_OPENED, now, None,
                      {**_subject(row, case), "description": text,
                       "late_because": list(late_because),
                       "completed_at": task.completed_at if task is not None else None,
                       "due_at": task.due_at if task is not None else None})
        opened.append(row.id)
    return opened


def _when(moment: datetime | None, calendar: WorkingCalendar) -> str:
    return format_datetime(calendar.localize(moment)) if moment is not None else "—"


def _late_facts(case: Case, now: datetime, calendar: WorkingCalendar) -> str:
    """What made the dossier late, as the records say it (Vietnamese, the records' language)."""
    parts = [f"Hồ sơ {case.code} được giải quyết quá hạn (có kết quả {_when(now, calendar)})."]
    if case.appointment_at is not None and now > case.appointment_at:
        parts.append(f"Có kết quả sau thời hạn hẹn trả {_when(case.appointment_at, calendar)}.")
    apologies = len((case.data or {}).get("apologies") or [])
    if apologies:
        parts.append(f"Đã phát hành {apologies} phiếu xin lỗi và hẹn lại ngày trả kết quả "
                     f"(hẹn trả ban đầu {_when(case.original_appointment_at, calendar)}).")
    if (case.supplement_count or 0) > 1:
        parts.append(f"Đã yêu cầu bổ sung hồ sơ {case.supplement_count} lần (quá một lần tính "
                     "là quá hạn).")
    return " ".join(parts)


def _late_step(task: Task, calendar: WorkingCalendar) -> str:
    number = f"{task.step_number} " if task.step_number else ""
    role = f" ({task.role_code})" if task.role_code else ""
    return (f" Bước {number}«{task.name}»{role} hoàn thành {_when(task.completed_at, calendar)},"
            f" quá hạn của bước {_when(task.due_at, calendar)}.")


# -- the corrective action --------------------------------------------------------------------


def _open_row(session: Session, nonconformity_id: int, actor: str):
    """The nonconformity (locked), the actor and the agency."""
    row = lock_nonconformity(session, nonconformity_id)
    return row, find_user(session, actor), session.get(Agency, row.agency_id)


def _expect(row: Nonconformity, allowed: tuple[str, ...], doing: str) -> None:
    if row.status not in allowed:
        raise InvalidRequest(f"nonconformity #{row.id} is {row.status}; one can {doing} only "
                             f"when it is {' or '.join(allowed)}")


def record_nonconformity_cause(ctx: ServiceContext, nonconformity_id: int, cause: str, *,
                               actor: str) -> NonconformityView:
    """Record (or revise, until the action is implemented) the cause found (root cause)."""
    text = _text(cause, "cause")
    now = ctx.now()
    with transaction(ctx) as session:
        row, user, agency = _open_row(session, nonconformity_id, actor)
        require_quality_staff(ctx, session, user, agency, "record the cause of a nonconformity")
        _expect(row, (S.OPEN, S.ACTION_PLANNED), "record its cause")
        row.cause, row.updated_at = text, now
        quality_event(session, agency, EventKind.NONCONFORMITY_CAUSE_RECORDED, now, user,
                      {"nonconformity": row.id, "cause": text})
        return nonconformity_view(ctx, session, row, user)


def plan_corrective_action(ctx: ServiceContext, nonconformity_id: int, action: str, *,
                           owner: str, due_on: date, actor: str) -> NonconformityView:
    """Plan (or re-plan) the corrective action: what, who owns it (a member of the agency) and
    by when; the cause must be recorded first."""
    text = _text(action, "corrective action")
    now = ctx.now()
    with transaction(ctx) as session:
        row, user, agency = _open_row(session, nonconformity_id, actor)
        require_quality_staff(ctx, session, user, agency, "plan a corrective action")
        _expect(row, (S.OPEN, S.ACTION_PLANNED), "plan its corrective action")
        if not row.cause:
            raise InvalidRequest(f"record the cause of nonconformity #{row.id} first: a "
                                 "corrective action removes a cause (ISO 9001 10.2)")
        person = find_user(session, owner)
        if not person.is_admin and session.scalar(select(Membership.id).where(
                Membership.user_id == person.id, Membership.agency_id == agency.id)
                .limit(1)) is None:
            raise InvalidRequest(f"{user_label(person)} holds no role in {agency.code}; the "
                                 "owner of a corrective action must work there")
        if due_on < zone_and_today(ctx, agency)[1]:
            raise InvalidRequest(f"the due date {due_on:%d/%m/%Y} has passed; choose today or "
                                 "a later day")
        row.action, row.owner_id, row.due_on = text, person.id, due_on
        row.status, row.planned_at, row.updated_at = S.ACTION_PLANNED, now, now
        quality_event(session, agency, EventKind.CORRECTIVE_ACTION_PLANNED, now, user,
                      {"nonconformity": row.id, "action": text, "owner": person.username,
                       "due_on": due_on})
        return nonconformity_view(ctx, session, row, user)


def implement_corrective_action(ctx: ServiceContext, nonconformity_id: int, note: str, *,
                                actor: str) -> NonconformityView:
    """The owner (or the quality staff) reports the action done, saying what was done."""
    text = _text(note, "account of what was done")
    now = ctx.now()
    with transaction(ctx) as session:
        row, user, agency = _open_row(session, nonconformity_id, actor)
        if row.owner_id != user.id and not is_quality_staff(ctx, session, user, agency.id):
            raise NotAllowed(f"{user_label(user)} cannot report the action of nonconformity "
                             f"#{row.id} implemented: only its owner or the quality staff of "
                             f"{agency.code} (ISO officer, leaders) can")
        _expect(row, (S.ACTION_PLANNED,), "report its action implemented")
        row.status, row.implemented_at, row.implementation = S.IMPLEMENTED, now, text
        row.updated_at = now
        quality_event(session, agency, EventKind.CORRECTIVE_ACTION_IMPLEMENTED, now, user,
                      {"nonconformity": row.id, "implementation": text,
                       "due_on": row.due_on,
                       "late": row.due_on is not None
                       and zone_and_today(ctx, agency)[1] > row.due_on})
        return nonconformity_view(ctx, session, row, user)


def verify_nonconformity(ctx: ServiceContext, nonconformity_id: int, verification: str, *,
                         effective: bool = True, actor: str) -> NonconformityView:
    """Check the implemented action's effect: ``effective`` closes the nonconformity; not
    effective sends the action back to its owner (``action_planned``). Not by the owner."""
    text = _text(verification, "verification")
    now = ctx.now()
    with transaction(ctx) as session:
        row, user, agency = _open_row(session, nonconformity_id, actor)
        require_quality_staff(ctx, session, user, agency, "verify a corrective action")
        _expect(row, (S.IMPLEMENTED,), "verify its action")
        if row.owner_id == user.id:
            raise NotAllowed(f"{user_label(user)} owns the action of nonconformity #{row.id} "
                             "and cannot verify it; ask the ISO officer or another leader")
        row.verification, row.updated_at = text, now
        if effective:
            row.status, row.verified_by, row.verified_at = S.CLOSED, user.id, now
        else:
            row.status, row.implemented_at = S.ACTION_PLANNED, None
        quality_event(session, agency, EventKind.NONCONFORMITY_VERIFIED, now, user,
                      {"nonconformity": row.id, "verification": text,
                       "effective": bool(effective), "status": row.status})
        return nonconformity_view(ctx, session, row, user)


# -- reading ----------------------------------------------------------------------------------


def list_nonconformities(ctx: ServiceContext, agency: str, *, actor: str,
                         status: str | None = None, overdue: bool = False,
                         owner: str | None = None, limit: int = 200) -> list[NonconformityRow]:
    """The agency's nonconformities, newest first; ``status``, ``overdue`` (action past its due
    date, not implemented) and ``owner`` (user name) narrow the list."""
    if status is not None and status not in {s.value for s in S}:
        raise InvalidRequest(f"unknown status {status!r}; choose one of "
                             f"{', '.join(s.value for s in S)}")
    with ctx.db.read() as session:
        user = find_user(session, actor)
        office = find_agency(session, agency)
        require_quality_reader(session, user, office, "read the nonconformities")
        conditions = list_conditions(
            status=status, overdue=overdue, owner=find_user(session, owner).id if owner else None,
            today=zone_and_today(ctx, office)[1])
        return nonconformity_rows(ctx, session, office, *conditions, limit=limit)


def nonconformity_detail(ctx: ServiceContext, nonconformity_id: int, *,
                         actor: str) -> NonconformityView:
    """One nonconformity with what ``actor`` may do next (``actions``) and the agency's
    members who may own its action (``people``)."""
    with ctx.db.read() as session:
        row = session.get(Nonconformity, nonconformity_id)
        user = find_user(session, actor)
        if row is None:
            raise UnknownRecord(f"no nonconformity #{nonconformity_id}")
        agency = session.get(Agency, row.agency_id)
        if row.owner_id != user.id:
            require_quality_reader(session, user, agency, "read this nonconformity")
        return nonconformity_view(ctx, session, row, user)
