"""The SLA sweep: every open step's display state, and an event when it changes.

States (DOMAIN §5): ``on_track`` (green), ``due_soon`` (yellow: office time left ≤ max(20 % of
the allotment, 1 working hour) by default, :class:`ServiceSettings`), ``overdue`` (red: past
the due moment). Steps of a paused dossier are left alone: their clock stands still, and the
supplement's arrival pushes their due moments and recomputes their state.

The sweep reads the candidates (open steps with a due moment within the horizon, not yet
overdue, of open dossiers) in one read transaction, then writes each dossier whose steps change
in a transaction of its own: the dossier is locked, the states recomputed, one ``sla_changed``
event per step written. Each dossier's change fully happens or not at all; a sweep that stops
half-way is finished by the next one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from isobpmn.audit import append_event, case_chain
from isobpmn.store import TASK_IS_OPEN, Agency, Case, CaseStatus, SlaState, Task

from .casework import lock_case, transaction
from .context import ServiceContext
from .deadlines import sla_state
from .kinds import EventKind

__all__ = ["SweepReport", "sweep_sla"]


@dataclass(frozen=True)
class SweepReport:
    checked: int
    changed: int
    cases: int


def sweep_sla(ctx: ServiceContext, now: datetime | None = None,
              actor_name: str = "sla-sweep") -> SweepReport:
    """Recompute the SLA state of open steps at ``now`` (default: the clock)."""
    now = now or ctx.now()
    with ctx.db.read() as session:
        rows = session.execute(
            select(Task.id, Task.case_id, Task.ready_at, Task.due_at, Task.paused_seconds,
                   Task.sla_state, Agency.id, Agency.calendar, Case.clock_started_at)
            .join(Case, Case.id == Task.case_id).join(Agency, Agency.id == Task.agency_id)
            .where(TASK_IS_OPEN, Task.due_at.is_not(None),
                   Task.due_at <= now + ctx.settings.sla_horizon,
                   Task.sla_state != SlaState.OVERDUE, Case.status == CaseStatus.OPEN)).all()
    changing: dict[int, list[int]] = defaultdict(list)
    for task_id, case_id, ready_at, due_at, paused, state, agency_id, settings, clock in rows:
        calendar = ctx.calendars.of(agency_id, settings)
        start = max(ready_at, clock or ready_at)
        if sla_state(calendar, ctx.settings, now, start, due_at, paused) != state:
            changing[case_id].append(task_id)
    changed = 0
    for case_id, task_ids in changing.items():
        changed += _apply(ctx, case_id, task_ids, now, actor_name)
    return SweepReport(len(rows), changed, len(changing))


def _apply(ctx: ServiceContext, case_id: int, task_ids: list[int], now: datetime,
           actor_name: str) -> int:
    with transaction(ctx) as session:
        case = lock_case(session, case_id)
        if case.status != CaseStatus.OPEN:
            return 0
        calendar = ctx.calendars.of(case.agency_id, session.scalar(
            select(Agency.calendar).where(Agency.id == case.agency_id)))
        changed = 0
        tasks = session.scalars(select(Task).where(Task.id.in_(task_ids), TASK_IS_OPEN)
                                .order_by(Task.id).execution_options(populate_existing=True))
        for task in tasks:
            start = max(task.ready_at, case.clock_started_at or task.ready_at)
            state = sla_state(calendar, ctx.settings, now, start, task.due_at,
                              task.paused_seconds)
            if state == task.sla_state:
                continue
            append_event(session, chain_key=case_chain(case.id), kind=EventKind.SLA_CHANGED,
                         at=now, actor_name=actor_name, case=case, task=task,
                         payload={"bpmn_id": task.bpmn_id, "from": task.sla_state, "to": state,
                                  "due_at": task.due_at})
            task.sla_state = state
            changed += 1
        return changed
