"""What an official can pick from: the procedures a desk receives, the dossiers they may see,
and a dossier's diagram for drawing.

Read-only use cases for the faces' lists and forms: the reception form needs each
procedure's dossier components (5.2), sets, statutory time and fee; the dossier list needs
the cases of the agencies where the user holds a role; the case page draws the procedure
version the dossier runs on (not the newest) with its done and current steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from isobpmn.store import (
    Agency,
    Case,
    CasePause,
    Procedure,
    ProcedureVersion,
    Task,
    TaskState,
    User,
    VersionStatus,
)

from .access import find_agency, find_user, require_desk, require_member, roles_of
from .casework import spec_of, steps_of
from .context import ServiceContext
from .errors import UnknownCase, UnknownProcedure
from .intake import ComponentLine, component_lines
from .views import ONE_DAY, local, task_views

__all__ = ["CaseDiagram", "CaseSummary", "IntakeOption", "StepTime", "case_diagram",
           "case_timeline", "intake_form", "list_cases", "receivable_procedures"]


@dataclass(frozen=True)
class IntakeOption:
    """A procedure a desk can receive dossiers for, with what its reception form needs."""

    agency_code: str
    agency_name: str
    procedure_code: str
    title: str
    revision: int
    time_limit: str | None
    components: tuple[ComponentLine, ...]
    sets: int
    fee: str | None
    place: str


@dataclass(frozen=True)
class CaseSummary:
    """One line of a dossier list."""

    code: str
    procedure_code: str
    procedure_title: str
    agency_code: str
    applicant_name: str
    status: str
    received_at: datetime
    appointment_at: datetime | None
    resolved_at: datetime | None
    outcome: str | None


@dataclass(frozen=True)
class CaseDiagram:
    """The BPMN of the version a dossier runs on, and which elements are done / current."""

    case_code: str
    bpmn_xml: str
    done: tuple[str, ...]
    current: tuple[str, ...]


def _desk_agencies(ctx: ServiceContext, session: Session, user: User) -> list[Agency]:
    if user.is_admin:
        return list(session.scalars(select(Agency).order_by(Agency.code)))
    codes = {r.agency_id for r in roles_of(session, user) if r.role_code in ctx.settings.desk_roles}
    if not codes:
        return []
    return list(session.scalars(select(Agency).where(Agency.id.in_(codes))
                                .order_by(Agency.code)))


def _option(ctx: ServiceContext, session: Session, agency: Agency,
            version: ProcedureVersion) -> IntakeOption:
    spec = spec_of(ctx, session, version.id)
    info = spec.procedure.info
    limit = info.time_limit if info else None
    return IntakeOption(
        agency.code, agency.name, spec.procedure.code, spec.procedure.title, version.revision,
        limit.describe("vi") if limit else None, tuple(component_lines(info, list(range(
            1, len(info.dossier) + 1)) if info else [])), info.dossier_sets if info else 1,
        (info.fee.text or None) if info and info.fee else None, info.place if info else "")


def _published(session: Session, agency: Agency) -> list[ProcedureVersion]:
    """The newest published version of each procedure serving ``agency`` (its own first)."""
    rows = session.execute(
        select(ProcedureVersion, Procedure.code).join(Procedure)
        .where(ProcedureVersion.status == VersionStatus.PUBLISHED,
               or_(Procedure.agency_id == agency.id, Procedure.agency_id.is_(None)))
        .order_by(Procedure.code, Procedure.agency_id.is_(None),
                  ProcedureVersion.revision.desc())).all()
    chosen: dict[str, ProcedureVersion] = {}
    for version, code in rows:
        chosen.setdefault(code, version)
    return list(chosen.values())


def receivable_procedures(ctx: ServiceContext, actor: str) -> list[IntakeOption]:
    """Per agency where ``actor`` works at the desk, the procedures it receives dossiers for."""
    with ctx.db.read() as session:
        user = find_user(session, actor)
        return [_option(ctx, session, agency, version)
                for agency in _desk_agencies(ctx, session, user)
                for version in _published(session, agency)]


def intake_form(ctx: ServiceContext, procedure: str, agency: str, actor: str) -> IntakeOption:
    """What the reception form of ``procedure`` at ``agency`` shows (the desk only)."""
    with ctx.db.read() as session:
        user = find_user(session, actor)
        office = find_agency(session, agency)
        require_desk(session, user, office, ctx.settings.desk_roles,
                     f"receive dossiers at {office.name}")
        for version in _published(session, office):
            if version.procedure.code == procedure:
                return _option(ctx, session, office, version)
        raise UnknownProcedure(f"no published procedure {procedure!r} serves {office.name} "
                               f"({office.code})")


def list_cases(ctx: ServiceContext, actor: str, *, agency: str | None = None,
               status: str | None = None, search: str | None = None,
               limit: int = 100) -> list[CaseSummary]:
    """Dossiers of the agencies where ``actor`` holds a role (all for an administrator),
    newest first; ``search`` matches the code or the applicant's name."""
    with ctx.db.read() as session:
        user = find_user(session, actor)
        query = (select(Case, Procedure.code, Procedure.title, Agency.code)
                 .join(ProcedureVersion, ProcedureVersion.id == Case.procedure_version_id)
                 .join(Procedure, Procedure.id == ProcedureVersion.procedure_id)
                 .join(Agency, Agency.id == Case.agency_id))
        if not user.is_admin:
            query = query.where(Case.agency_id.in_({r.agency_id for r in roles_of(session,
                                                                                 user)} or {-1}))
        if agency:
            query = query.where(Agency.code == agency)
        if status:
            query = query.where(Case.status == status)
        if search and search.strip():
            needle = "%" + _like_escaped(search.strip()[:100]) + "%"
            query = query.where(or_(Case.code.ilike(needle, escape="\\"),
                                    Case.applicant_name.ilike(needle, escape="\\")))
        rows = session.execute(query.order_by(Case.received_at.desc(), Case.id.desc())
                               .limit(max(1, min(limit, 500)))).all()
        return [CaseSummary(case.code, code, title, agency_code, case.applicant_name,
                            case.status, local(case.received_at), local(case.appointment_at),
                            local(case.resolved_at), case.outcome)
                for case, code, title, agency_code in rows]


@dataclass(frozen=True)
class StepTime:
    """One step of a dossier's timeline: who, when, office time used against the allotment."""

    task_id: int
    number: str | None
    name: str
    role_code: str | None
    unit_code: str | None
    state: str
    ready_at: datetime
    due_at: datetime | None
    claimed_by: str | None
    completed_by: str | None
    completed_at: datetime | None
    outcome: str | None
    sla_state: str
    allotment: str | None
    #: Office time from ready to completed (or to now while open), pauses excluded.
    used: timedelta
    working_day: timedelta


def _like_escaped(text: str) -> str:
    """``text`` to be found as it is by ``LIKE … ESCAPE '\\'``: ``%`` and ``_`` are letters."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def case_timeline(ctx: ServiceContext, case_code: str, actor: str) -> list[StepTime]:
    """The dossier's steps in order, with the office time each used and was allotted."""
    now = ctx.now()
    with ctx.db.read() as session:
        case = session.scalar(select(Case).where(Case.code == case_code))
        if case is None:
            raise UnknownCase(f"no dossier with the code {case_code!r}")
        user = find_user(session, actor)
        agency = session.get(Agency, case.agency_id)
        require_member(session, user, agency, f"see dossier {case.code}")
        calendar = ctx.calendars.of(agency.id, agency.calendar)
        steps = steps_of(spec_of(ctx, session, case.procedure_version_id))
        pauses = [(p.started_at, p.ended_at) for p in session.scalars(
            select(CasePause).where(CasePause.case_id == case.id))]
        tasks = list(session.scalars(select(Task).where(Task.case_id == case.id,
                                                        Task.state != TaskState.CANCELLED)
                                     .order_by(Task.ready_at, Task.id)))
        views = task_views(session, tasks, case.code, calendar.tz)
        day = calendar.to_timedelta(ONE_DAY)
        rows = []
        for task, view in zip(tasks, views):
            step = steps.get(task.bpmn_id)
            allotment = step.allotment if step is not None else None
            end = task.completed_at or (now if case.status in ("open", "paused") else None)
            used = calendar.working_time_between(task.ready_at, end, pauses) if end else \
                timedelta(0)
            rows.append(StepTime(
                task.id, view.step_number, view.name, view.role_code, view.unit_code,
                view.state, view.ready_at, view.due_at, view.claimed_by, view.completed_by,
                view.completed_at, view.outcome, view.sla_state,
                allotment.describe("vi") if allotment else None, used, day))
        return rows


def case_diagram(ctx: ServiceContext, case_code: str, actor: str) -> CaseDiagram:
    """The diagram the dossier runs on, with its completed and open steps."""
    with ctx.db.read() as session:
        case = session.scalar(select(Case).where(Case.code == case_code))
        if case is None:
            raise UnknownCase(f"no dossier with the code {case_code!r}")
        user = find_user(session, actor)
        require_member(session, user, session.get(Agency, case.agency_id),
                       f"see dossier {case.code}")
        xml = session.scalar(select(ProcedureVersion.bpmn_xml)
                             .where(ProcedureVersion.id == case.procedure_version_id))
        rows = session.execute(select(Task.bpmn_id, Task.state)
                               .where(Task.case_id == case.id)).all()
        current = tuple(dict.fromkeys(b for b, s in rows
                                      if s in (TaskState.READY, TaskState.CLAIMED)))
        done = tuple(dict.fromkeys(b for b, s in rows if s == TaskState.COMPLETED
                                   and b not in current))
        return CaseDiagram(case.code, xml, done, current)

