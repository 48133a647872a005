"""Who holds a task: claim, unclaim, reassign.

One claimant at a time. Claiming needs the task's lane role in the dossier's agency (and its
unit, when the lane names one: docs/services.md); a task claimed by someone else is a
:class:`Conflict` naming them. The claimant may unclaim; a leader (``lanh-dao`` by default) or
an administrator may unclaim or reassign anyone's task, to someone who could claim it. None of
these touches the engine: the task table is the only state that changes (with its event).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from isobpmn.audit import append_event, case_chain
from isobpmn.store import Case, Task, TaskState, User

from .access import find_user, require_leader, require_task_role, user_label
from .casework import transaction
from .context import ServiceContext
from .errors import Conflict, InvalidRequest
from .kinds import EventKind
from .lifecycle import check_open, local_text
from .progress import check_workable, open_task
from .views import TaskView, task_views

__all__ = ["claim", "reassign", "unclaim"]


def _open(ctx: ServiceContext, session: Session, task_id: int, actor: str):
    case, task, user, agency, calendar = open_task(ctx, session, task_id, actor)
    check_open(case, allow_paused=True)
    return case, task, user, agency, calendar


def _event(session: Session, case: Case, task: Task, user: User, kind: EventKind, now,
           **payload) -> None:
    append_event(session, chain_key=case_chain(case.id), kind=kind, at=now, actor=user,
                 case=case, task=task, payload={"bpmn_id": task.bpmn_id, **payload})


def claim(ctx: ServiceContext, task_id: int, actor: str) -> TaskView:
    """Take the task: it leaves the shared inbox and waits in the actor's own."""
    now = ctx.now()
    with transaction(ctx) as session:
        case, task, user, agency, calendar = _open(ctx, session, task_id, actor)
        if task.state == TaskState.CLAIMED and task.claimed_by == user.id:
            return task_views(session, [task], case.code, calendar.tz)[0]  # already theirs
        check_workable(session, task, user, agency, calendar, "claim")
        task.state, task.claimed_by, task.claimed_at = TaskState.CLAIMED, user.id, now
        _event(session, case, task, user, EventKind.TASK_CLAIMED, now)
        return task_views(session, [task], case.code, calendar.tz)[0]


def unclaim(ctx: ServiceContext, task_id: int, actor: str) -> TaskView:
    """Give the task back to the shared inbox (its claimant, a leader or an admin)."""
    now = ctx.now()
    with transaction(ctx) as session:
        case, task, user, agency, calendar = _open(ctx, session, task_id, actor)
        if task.state != TaskState.CLAIMED:
            raise InvalidRequest(f"task {task.id} {task.name!r} is {task.state}, not claimed")
        holder = session.get(User, task.claimed_by)
        if holder.id != user.id:
            require_leader(session, user, agency, ctx.settings.leader_roles,
                           f"unclaim a task held by {user_label(holder)}")
        task.state, task.claimed_by, task.claimed_at = TaskState.READY, None, None
        _event(session, case, task, user, EventKind.TASK_UNCLAIMED, now, held_by=holder.username)
        return task_views(session, [task], case.code, calendar.tz)[0]


def reassign(ctx: ServiceContext, task_id: int, actor: str, to_user: str) -> TaskView:
    """Hand an open task to ``to_user`` (leaders and admins), who must hold its role."""
    now = ctx.now()
    with transaction(ctx) as session:
        case, task, user, agency, calendar = _open(ctx, session, task_id, actor)
        if task.state not in (TaskState.READY, TaskState.CLAIMED):
            raise Conflict(f"task {task.id} {task.name!r} is {task.state} since "
                           f"{local_text(task.completed_at, calendar)}; it cannot be reassigned")
        require_leader(session, user, agency, ctx.settings.leader_roles, "reassign tasks")
        target = find_user(session, to_user)
        require_task_role(session, target, task, agency, "take")
        before = session.get(User, task.claimed_by).username if task.claimed_by else None
        task.state, task.claimed_by, task.claimed_at = TaskState.CLAIMED, target.id, now
        _event(session, case, task, user, EventKind.TASK_REASSIGNED, now, from_user=before,
               to_user=target.username)
        return task_views(session, [task], case.code, calendar.tz)[0]
