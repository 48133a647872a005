"""Read-only use cases: a dossier, an inbox, a task with its form, the audit check.

Each runs in one read transaction (``Database.read()``: a snapshot, READ ONLY on PostgreSQL)
and returns the dataclasses of :mod:`.views`.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from isobpmn.audit import UnknownCaseCode, VerifyReport, verify
from isobpmn.model.types import Procedure, Step
from isobpmn.store import Agency, Case, CaseState, Task

from .access import find_user, require_member, roles_of
from .casework import message_catches_after, spec_of, steps_of
from .completion import return_choice
from .context import ServiceContext
from .errors import InvalidRequest, UnknownCase, UnknownTask
from .views import (
    CaseView,
    FieldView,
    TaskView,
    build_case_view,
    inbox,
    task_views,
    time_left,
)

__all__ = ["SCOPES", "case_view", "list_tasks", "task_view", "verify_audit"]

#: Inbox scopes of :func:`list_tasks`.
SCOPES = ("mine", "unclaimed", "all")


def case_view(ctx: ServiceContext, code: str, *, actor: str | None = None) -> CaseView:
    """Everything about the dossier ``code``: receipt data, clock, steps, timers, history.

    With ``actor``, only for a member of the dossier's agency (or an administrator)."""
    with ctx.db.read() as session:
        case = session.scalar(select(Case).where(Case.code == code))
        if case is None:
            raise UnknownCase(f"no dossier with the code {code!r}")
        if actor is not None:
            require_member(session, find_user(session, actor),
                           session.get(Agency, case.agency_id), f"see dossier {case.code}")
        settings = session.scalar(select(Agency.calendar).where(Agency.id == case.agency_id))
        return build_case_view(session, case, ctx.calendars.of(case.agency_id, settings).tz)


def list_tasks(ctx: ServiceContext, user: str, scope: str = "all", *,
               case_code: str | None = None, sla_state: str | None = None,
               limit: int = 200) -> list[TaskView]:
    """Open tasks of ``user``: ``mine`` (claimed by them), ``unclaimed`` (ready, in their
    roles), ``all`` (open, in their roles); most urgent first."""
    if scope not in SCOPES:
        raise InvalidRequest(f"unknown inbox {scope!r}; use one of {', '.join(SCOPES)}")
    now = ctx.now()
    with ctx.db.read() as session:
        person = find_user(session, user)
        roles = roles_of(session, person)
        settings = dict(session.execute(select(Agency.id, Agency.calendar).where(
            Agency.id.in_({r.agency_id for r in roles}))).all()) if roles else {}

        calendars = {}

        def calendar_of(agency_id: int):
            if agency_id not in calendars:
                if agency_id not in settings:  # a task claimed in an agency left since
                    settings[agency_id] = session.scalar(select(Agency.calendar)
                                                         .where(Agency.id == agency_id))
                calendars[agency_id] = ctx.calendars.of(agency_id, settings[agency_id])
            return calendars[agency_id]

        return inbox(session, person, roles, scope, case_code=case_code,
                     sla_state=sla_state, limit=limit, calendar_of=calendar_of, now=now)


def task_view(ctx: ServiceContext, task_id: int) -> TaskView:
    """One task with the fields its step asks for (to draw its form)."""
    with ctx.db.read() as session:
        task = session.get(Task, task_id)
        if task is None:
            raise UnknownTask(f"no task with id {task_id}")
        case = session.get(Case, task.case_id)
        spec = spec_of(ctx, session, case.procedure_version_id)
        step = steps_of(spec).get(task.bpmn_id)
        fields = tuple(FieldView(f.name, f.type.value, f.label, f.required,
                                 tuple((c.value, c.label) for c in f.choices))
                       for f in (step.info.fields if step is not None else ()))
        [view] = task_views(session, [task], case.code)
        settings = session.scalar(select(Agency.calendar).where(Agency.id == task.agency_id))
        version = session.scalar(select(CaseState.version).where(CaseState.case_id == case.id))
        view = replace(view, fields=fields, applicant_name=case.applicant_name,
                       actions=step_actions(spec.procedure, step) if step else (),
                       state_version=version)
    return time_left(ctx.calendars.of(task.agency_id, settings), view, ctx.now())


def step_actions(procedure: Procedure, step: Step) -> tuple[str, ...]:
    """What the diagram lets this step do besides completing (see ``TaskView.actions``)."""
    actions = []
    if return_choice(procedure, step, [s.bpmn_id for s in procedure.steps]) is not None:
        actions.append("return")
    if message_catches_after(procedure, step.bpmn_id):
        actions.append("supplement")
    return tuple(actions)


def verify_audit(ctx: ServiceContext, case_code: str | None = None) -> VerifyReport:
    """Recompute the audit chains (all, or one dossier's) and report every break."""
    with ctx.db.read() as session:
        try:
            return verify(session, case_code)
        except UnknownCaseCode as exc:
            raise UnknownCase(str(exc)) from None
