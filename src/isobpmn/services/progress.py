"""Finishing a step: the one flow behind complete, return and supplement request.

1. lock the dossier; check the actor holds a role in its agency (before anything about the
   dossier is told), that it is open, the task is workable by the actor (role, claim), the
   appointment has not passed without an apology;
2. check the entered data against the step's fields;
3. let the engine complete the step and run on;
4. record the step (completed by, at, outcome against its due moment), project the new tasks
   and timers;
5. when the engine now waits for a supplement message ("Hồ sơ bổ sung"), open the supplement
   pause (a request, Mẫu 02); when the engine has finished, resolve the dossier;
6. save the state (optimistic lock) and write the events — all in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from isobpmn.audit import append_event, case_chain
from isobpmn.store import Agency, Case, CaseStatus, Outcome, PauseReason, Task, TaskState, User

from .access import find_user, require_task_role, roles_of, user_label
from .casework import CaseWork, lock_task, transaction
from .context import ServiceContext
from .deadlines import outcome
from .errors import Conflict, InvalidRequest, TaskNotReady
from .kinds import EventKind
from .lifecycle import (
    case_outcome,
    check_apology,
    check_open,
    local_text,
    open_pause,
    open_pause_of,
    stop_case,
    update_data,
)
from .nonconformities import open_for_late_case
from .views import TaskView, task_views

__all__ = ["StepDone", "check_workable", "open_task", "finish_step", "resolve_case", "supplement_waits"]


@dataclass(frozen=True)
class StepDone:
    """What finishing a step did: the task, the tasks now ready, the dossier's status."""

    task: TaskView
    ready: list[TaskView]
    case_code: str
    case_status: str
    case_outcome: str | None


#: Prepares the engine data once the case is loaded: (work, task, step) -> (values, payload).
Prepare = Callable[[CaseWork, Task], tuple[dict[str, Any], dict[str, Any]]]


def open_task(ctx: ServiceContext, session: Session, task_id: int, actor: str):
    """Lock the task's dossier, then load the task, the actor, the agency and its calendar.

    :class:`NotAllowed` at once when the actor holds no role in the dossier's agency (nor is an
    administrator): an official of another agency learns nothing of its state."""
    case, task, agency = lock_task(session, task_id)
    user = find_user(session, actor)
    if not user.is_admin and not roles_of(session, user, agency.id):
        require_task_role(session, user, task, agency)
    return case, task, user, agency, ctx.calendars.of(agency.id, agency.calendar)


def check_workable(session: Session, task: Task, user: User, agency: Agency, calendar,
                   doing: str = "complete") -> None:
    """Conflict / TaskNotReady / NotAllowed unless ``user`` may work on ``task`` now."""
    if task.state == TaskState.COMPLETED:
        who = session.get(User, task.completed_by) if task.completed_by else None
        raise Conflict(f"task {task.id} {task.name!r} was already completed"
                       + (f" by {user_label(who)}" if who else "")
                       + f" at {local_text(task.completed_at, calendar)}")
    if task.state == TaskState.CANCELLED:
        raise TaskNotReady(f"task {task.id} {task.name!r} was cancelled: the dossier moved on "
                           "without it (a timer or another branch)")
    if task.state == TaskState.CLAIMED and task.claimed_by != user.id:
        holder = session.get(User, task.claimed_by)
        raise Conflict(f"task {task.id} {task.name!r} is claimed by {user_label(holder)} since "
                       f"{local_text(task.claimed_at, calendar)}; ask them or a leader to "
                       "hand it over")
    require_task_role(session, user, task, agency, doing)


def supplement_waits(work: CaseWork) -> set[str]:
    """Engine ids of the steps waiting for a supplement message."""
    names = work.ctx.settings.supplement_messages
    return {uuid for uuid, message in work.waiting_message_tasks().items() if message in names}


def finish_step(ctx: ServiceContext, task_id: int, actor: str, prepare: Prepare, *,
                kind: EventKind = EventKind.TASK_COMPLETED, expected_version: int | None = None,
                supplement: Mapping[str, Any] | None = None) -> StepDone:
    """Complete ``task_id`` as ``actor`` with the values ``prepare`` returns (module doc).

    ``supplement`` (Mẫu 02 data) makes this a supplement request: the step must lead the
    engine to wait for the supplement, or nothing happens (:class:`InvalidRequest`).
    """
    now = ctx.now()
    with transaction(ctx) as session:
        case, task, user, agency, calendar = open_task(ctx, session, task_id, actor)
        check_open(case)
        check_workable(session, task, user, agency, calendar)
        check_apology(case, now, calendar, f"complete task {task.id} {task.name!r}")
        work = CaseWork.load(ctx, session, case, expected_version, calendar)
        values, details = prepare(work, task)
        before = supplement_waits(work)
        work.engine(lambda: work.run.complete(task.task_uuid, values))

        _complete_row(session, task, {
            "state": TaskState.COMPLETED,
            "claimed_by": user.id if task.claimed_by is None else task.claimed_by,
            "claimed_at": now if task.claimed_by is None else task.claimed_at,
            "completed_by": user.id, "completed_at": now,
            "outcome": outcome(now, task.due_at, calendar), "data": values})
        projection = work.project(now, keep=[task.id])
        waits = supplement_waits(work) - before
        if supplement is not None and not waits:
            raise InvalidRequest(
                f"completing {task.name!r} does not make dossier {case.code} wait for a "
                "supplement; request the supplement on the step that issues the written "
                "request (Mẫu 02), after choosing the supplement option at the check")
        append_event(session, chain_key=case_chain(case.id), kind=kind, at=now, actor=user,
                     case=case, task=task,
                     payload={"bpmn_id": task.bpmn_id, "name": task.name,
                              "step": task.step_number, "data": values, "outcome": task.outcome,
                              "due_at": task.due_at, **details, **projection.payload()})
        if waits and open_pause_of(session, case) is None:
            _start_supplement(session, work, now, user, task, values, supplement or {})
        if work.run.is_completed:
            resolve_case(session, work, now, user)
        work.save()  # one flush: the step, the new tasks, the state, the events
        ready = task_views(session, projection.ready, case.code, calendar.tz)
        [done] = task_views(session, [task], case.code, calendar.tz, [user])
        return StepDone(done, ready, case.code, case.status, case.outcome)


_TASKS = Task.__table__
_COMPLETE = (update(_TASKS).where(_TASKS.c.id == bindparam("task_id"))
             .values({_TASKS.c[name]: bindparam(f"new_{name}") for name in (
                 "state", "claimed_by", "claimed_at", "completed_by", "completed_at", "outcome",
                 "data")}))


def _complete_row(session: Session, task: Task, values: dict[str, Any]) -> None:
    """Record the completed step with one plain UPDATE (the task row is locked and loaded: no
    unit of work needed), and give the loaded task the same values as committed ones."""
    session.connection().execute(_COMPLETE, {"task_id": task.id,
                                **{f"new_{name}": value for name, value in values.items()}})
    for name, value in values.items():
        set_committed_value(task, name, value)


def _start_supplement(session: Session, work: CaseWork, now: datetime, user: User, task: Task,
                      values: dict[str, Any], request: Mapping[str, Any]) -> None:
    """Open the supplement pause and record the written request (Mẫu 02)."""
    case = work.case
    case.supplement_count = (case.supplement_count or 0) + 1
    reason = request.get("reason") or values.get("noi_dung_bo_sung") or task.name
    items = list(request.get("items") or [])
    open_pause(session, case, now, PauseReason.SUPPLEMENT, user.id, reason)
    record = {"no": case.supplement_count, "requested_at": now.isoformat(),
              "requested_by": user.username, "task": task.id, "items": items,
              "reason": reason, "contact": request.get("contact") or user.full_name}
    update_data(case, supplement_requests=[*(case.data or {}).get("supplement_requests", []),
                                           record])
    append_event(session, chain_key=case_chain(case.id), kind=EventKind.SUPPLEMENT_REQUESTED,
                 at=now, actor=user, case=case, task=task,
                 payload={"form": "Mẫu 02", "request_no": case.supplement_count,
                          "applicant": case.applicant_name, "request": case.request,
                          "items": items, "reason": reason, "contact": record["contact"],
                          "counts_late": case.supplement_count > 1,
                          "appointment_at": case.appointment_at})


def resolve_case(session: Session, work: CaseWork, now: datetime, actor: User | None,
             actor_name: str | None = None) -> None:
    """The engine reached its end: the dossier is resolved, with its outcome; a late one
    opens its nonconformities (:func:`~.nonconformities.open_for_late_case`)."""
    case: Case = work.case
    end = work.run.end_event()
    cancelled = stop_case(session, case, now, CaseStatus.RESOLVED, work.calendar,
                          work.ctx.settings)
    case.outcome, reasons = case_outcome(case, now, work.calendar)
    node = work.spec.procedure.nodes.get(end) if end else None
    update_data(case, end_event=end, end_event_name=node.name if node is not None else None)
    append_event(session, chain_key=case_chain(case.id), kind=EventKind.CASE_RESOLVED, at=now,
                 actor=actor, actor_name=actor_name, case=case,
                 payload={"end_event": end, "end_event_name": node.name if node else None,
                          "outcome": case.outcome, "late_because": reasons,
                          "appointment_at": case.appointment_at, "resolved_at": now,
                          "cancelled": cancelled})
    if case.outcome == Outcome.LATE:  # ISO 9001 10.2: a late dossier is a nonconformity
        open_for_late_case(session, case, now, work.calendar, reasons)

