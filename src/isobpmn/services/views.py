"""The read side: plain dataclasses for the faces, and the queries that fill them.

No ORM object leaves the services: a face gets a :class:`CaseView`, :class:`TaskView`… with
moments as aware datetimes in the agency's zone (Asia/Ho_Chi_Minh unless its calendar says
otherwise) and users as user names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select, true
from sqlalchemy.orm import Session

from isobpmn.calendar import WorkingCalendar
from isobpmn.model import Duration, TimeUnit
from isobpmn.store import (
    TASK_IS_OPEN,
    Agency,
    Case,
    CasePause,
    CaseState,
    Event,
    Procedure,
    ProcedureVersion,
    Task,
    TaskState,
    Timer,
    User,
)

__all__ = ["Applicant", "CaseView", "EventView", "FieldView", "PauseView", "TaskView",
           "TimerView", "local", "task_views", "time_left", "user_names"]

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
ONE_DAY = Duration(Decimal(1), TimeUnit.WORKING_DAYS)


def local(moment: datetime | None, tz: ZoneInfo = VIETNAM) -> datetime | None:
    return moment.astimezone(tz) if moment is not None else None


@dataclass(frozen=True)
class Applicant:
    """Who submitted the dossier, as printed on the receipt."""

    name: str
    id_number: str | None = None
    address: str | None = None
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class FieldView:
    """A field the step asks for (``iso:field``)."""

    name: str
    type: str
    label: str
    required: bool
    choices: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class TaskView:
    """A projected human task, for inboxes and the control sheet."""

    id: int
    case_code: str
    bpmn_id: str
    name: str
    step_number: str | None
    role_code: str | None
    unit_code: str | None
    state: str
    ready_at: datetime
    due_at: datetime | None
    sla_state: str
    paused_seconds: int
    claimed_by: str | None
    claimed_at: datetime | None
    completed_by: str | None
    completed_at: datetime | None
    outcome: str | None
    data: dict[str, Any] = field(default_factory=dict)
    applicant_name: str | None = None
    procedure_code: str | None = None
    fields: tuple[FieldView, ...] = ()
    #: Office time until ``due_at`` (negative: how far past it), by the agency's calendar,
    #: at the moment the view was made; None for a task without a deadline or not open.
    working_left: timedelta | None = None
    #: The agency's working day (8 h by default), to say ``working_left`` in days.
    working_day: timedelta | None = None
    agency_id: int | None = None
    #: What the step's diagram allows besides completing: "return" (a choice leads back to
    #: an earlier step), "supplement" (it issues the written supplement request).
    actions: tuple[str, ...] = ()
    #: The dossier's engine state version when the view was made (for ``expected_version``).
    state_version: int | None = None


@dataclass(frozen=True)
class PauseView:
    reason: str
    started_at: datetime
    ended_at: datetime | None
    requested_by: str | None
    note: str | None


@dataclass(frozen=True)
class TimerView:
    bpmn_id: str
    fire_at: datetime
    fired_at: datetime | None
    fired_by: str | None


@dataclass(frozen=True)
class EventView:
    seq: int
    kind: str
    at: datetime
    actor: str | None
    task_id: int | None
    payload: dict[str, Any]


@dataclass(frozen=True)
class CaseView:
    """Everything known about a dossier: the receipt's data, its clock, steps and history."""

    id: int
    code: str
    lookup_code: str
    status: str
    procedure_code: str
    procedure_title: str
    revision: int
    agency_code: str
    agency_name: str
    applicant: Applicant
    request: str | None
    channel: str
    received_at: datetime
    clock_started_at: datetime | None
    appointment_at: datetime | None
    original_appointment_at: datetime | None
    resolved_at: datetime | None
    returned_at: datetime | None
    outcome: str | None
    supplement_count: int
    components: list[Any]
    state_version: int | None
    pauses: list[PauseView]
    tasks: list[TaskView]
    timers: list[TimerView]
    events: list[EventView]
    data: dict[str, Any]


def user_names(session: Session, ids: Iterable[int | None],
               known: dict[int, str] | None = None) -> dict[int, str]:
    """User names by id; ``known`` ones are not queried again."""
    names = dict(known or {})
    wanted = {i for i in ids if i is not None and i not in names}
    if wanted:
        names.update(session.execute(select(User.id, User.username)
                                     .where(User.id.in_(wanted))).all())
    return names


def _task_view(task: Any, case_code: str, names: dict[int, str], tz: ZoneInfo,
               **extra: Any) -> TaskView:
    return TaskView(
        id=task.id, case_code=case_code, bpmn_id=task.bpmn_id, name=task.name,
        step_number=task.step_number, role_code=task.role_code, unit_code=task.unit_code,
        state=task.state, ready_at=local(task.ready_at, tz), due_at=local(task.due_at, tz),
        sla_state=task.sla_state, paused_seconds=task.paused_seconds or 0,
        claimed_by=names.get(task.claimed_by), claimed_at=local(task.claimed_at, tz),
        completed_by=names.get(task.completed_by), completed_at=local(task.completed_at, tz),
        outcome=task.outcome, data=dict(task.data or {}), agency_id=task.agency_id, **extra)


def task_views(session: Session, tasks: list[Task], case_code: str,
               tz: ZoneInfo = VIETNAM, users: Iterable[User] = ()) -> list[TaskView]:
    """Views of tasks of one case (``users`` already loaded need no query)."""
    names = user_names(session, [u for t in tasks for u in (t.claimed_by, t.completed_by)],
                       {u.id: u.username for u in users})
    return [_task_view(t, case_code, names, tz) for t in tasks]


def _left(calendar: WorkingCalendar, due_at: datetime | None, state: str,
          now: datetime) -> dict[str, timedelta]:
    """``working_left`` (negative once overdue) and ``working_day`` of an open task with a
    due time; nothing for the others."""
    if due_at is None or state not in (TaskState.READY, TaskState.CLAIMED):
        return {}
    if now <= due_at:
        left = calendar.working_time_between(now, due_at)
    else:
        left = -calendar.working_time_between(due_at, now)
    return {"working_left": left, "working_day": calendar.to_timedelta(ONE_DAY)}


def time_left(calendar: WorkingCalendar, view: TaskView, now: datetime) -> TaskView:
    """``view`` with ``working_left`` and ``working_day`` filled in (open tasks with a due
    time only)."""
    left = _left(calendar, view.due_at, view.state, now)
    return replace(view, **left) if left else view


def build_case_view(session: Session, case: Case, tz: ZoneInfo) -> CaseView:
    procedure = session.execute(
        select(Procedure.code, Procedure.title, ProcedureVersion.revision)
        .join(ProcedureVersion, ProcedureVersion.procedure_id == Procedure.id)
        .where(ProcedureVersion.id == case.procedure_version_id)).one()
    agency = session.execute(select(Agency.code, Agency.name)
                             .where(Agency.id == case.agency_id)).one()
    tasks = list(session.scalars(select(Task).where(Task.case_id == case.id).order_by(Task.id)))
    pauses = list(session.scalars(select(CasePause).where(CasePause.case_id == case.id)
                                  .order_by(CasePause.started_at)))
    timers = list(session.scalars(select(Timer).where(Timer.case_id == case.id)
                                  .order_by(Timer.fire_at)))
    events = list(session.scalars(select(Event).where(Event.case_id == case.id)
                                  .order_by(Event.chain_key, Event.seq)))
    version = session.scalar(select(CaseState.version).where(CaseState.case_id == case.id))
    names = user_names(session, [p.requested_by for p in pauses])
    return CaseView(
        id=case.id, code=case.code, lookup_code=case.lookup_code, status=case.status,
        procedure_code=procedure.code, procedure_title=procedure.title,
        revision=procedure.revision, agency_code=agency.code, agency_name=agency.name,
        applicant=Applicant(case.applicant_name, case.applicant_id_number,
                            case.applicant_address, case.applicant_phone, case.applicant_email),
        request=case.request, channel=case.channel, received_at=local(case.received_at, tz),
        clock_started_at=local(case.clock_started_at, tz),
        appointment_at=local(case.appointment_at, tz),
        original_appointment_at=local(case.original_appointment_at, tz),
        resolved_at=local(case.resolved_at, tz), returned_at=local(case.returned_at, tz),
        outcome=case.outcome, supplement_count=case.supplement_count,
        components=list(case.dossier_components or []), state_version=version,
        pauses=[PauseView(p.reason, local(p.started_at, tz), local(p.ended_at, tz),
                          names.get(p.requested_by), p.note) for p in pauses],
        tasks=task_views(session, tasks, case.code, tz),
        timers=[TimerView(t.bpmn_id, local(t.fire_at, tz), local(t.fired_at, tz), t.locked_by)
                for t in timers],
        events=[EventView(e.seq, e.kind, local(e.at, tz), e.actor_name, e.task_id,
                          dict(e.payload or {})) for e in events],
        data=dict(case.data or {}))


def inbox(session: Session, user: User, roles: list, scope: str, *,
          case_code: str | None = None, sla_state: str | None = None, limit: int = 200,
          calendar_of: Callable[[int], WorkingCalendar] | None = None,
          now: datetime | None = None) -> list[TaskView]:
    """Open tasks for ``user``: ``mine`` (claimed by them), ``unclaimed`` (ready, in their
    roles) or ``all`` (open, in their roles, claimed by anyone); with ``calendar_of`` (an
    agency id's calendar) and ``now``, with the office time left (:func:`time_left`).
    The rows are read as plain columns, not ORM objects: an inbox lists up to ``limit``."""
    query = (select(*Task.__table__.c, Case.code.label("case_code"),
                    Case.applicant_name.label("applicant"),
                    Procedure.code.label("procedure"))
             .join(Case, Case.id == Task.case_id)
             .join(ProcedureVersion, ProcedureVersion.id == Case.procedure_version_id)
             .join(Procedure, Procedure.id == ProcedureVersion.procedure_id)
             .where(TASK_IS_OPEN))
    if scope == "mine":
        query = query.where(Task.claimed_by == user.id)
    else:
        covered = [and_(Task.agency_id == r.agency_id, Task.role_code == r.role_code,
                        true() if r.unit_code is None
                        else or_(Task.unit_code.is_(None), Task.unit_code == r.unit_code))
                   for r in roles]
        if not covered:
            return []
        query = query.where(or_(*covered))
        if scope == "unclaimed":
            query = query.where(Task.state == TaskState.READY)
    if case_code is not None:
        query = query.where(Case.code == case_code)
    if sla_state is not None:
        query = query.where(Task.sla_state == sla_state)
    rows = session.execute(query.order_by(Task.due_at.is_(None), Task.due_at, Task.id)
                           .limit(limit)).all()
    names = user_names(session, [row.claimed_by for row in rows])
    views = []
    for row in rows:
        left = (_left(calendar_of(row.agency_id), row.due_at, row.state, now)
                if calendar_of is not None and now is not None else {})
        views.append(_task_view(row, row.case_code, names, VIETNAM, applicant_name=row.applicant,
                                procedure_code=row.procedure, **left))
    return views
