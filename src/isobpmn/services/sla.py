"""The SLA sweep: every open step's display state, and an event when it changes.

States (DOMAIN §5): ``on_track`` (green), ``due_soon`` (yellow: office time left ≤ max(20 % of
the allotment, 1 working hour) by default, :class:`ServiceSettings`), ``overdue`` (red: past
the due moment). Steps of a paused dossier are left alone: their clock stands still, and the
supplement's arrival pushes their due moments and recomputes their state.

Every step is stored with the moment it turns yellow (``tasks.warn_at``, set with its due
moment), so the sweep reads only the candidates, through the partial indexes of open steps:
green steps whose ``warn_at`` has come, and steps not yet red whose due moment has passed —
whatever the number of open steps. It reads them in one read transaction, confirms each with
the calendar, then writes each dossier whose steps change in a transaction of its own: the
dossier is locked, the states recomputed, one ``sla_changed`` event per step written. Each
dossier's change fully happens or not at all; a sweep that stops half-way is finished by the
next one. A step projected before ``warn_at`` existed is measured once and given its moment.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, select, update

from isobpmn.audit import append_event, case_chain
from isobpmn.store import (
    TASK_IS_GREEN,
    TASK_IS_NOT_RED,
    TASK_IS_OPEN,
    Agency,
    Case,
    CaseStatus,
    Task,
)

from .casework import lock_case, transaction
from .context import ServiceContext
from .deadlines import sla_state, warn_at
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
    columns = (Task.id, Task.case_id, Task.ready_at, Task.due_at, Task.paused_seconds,
               Task.sla_state, Task.warn_at, Task.agency_id)
    with ctx.db.read() as session:
        found: dict[int, Any] = {}
        # each branch reads one partial index: red to be, yellow to be, yellow not yet known;
        # the dossiers are read after, by key (a join would read every open dossier)
        for condition in (and_(TASK_IS_NOT_RED, Task.due_at < now),
                          and_(TASK_IS_GREEN, Task.warn_at <= now),
                          and_(TASK_IS_GREEN, Task.warn_at.is_(None))):
            for row in session.execute(select(*columns).where(condition,
                                                              Task.due_at.is_not(None))):
                found[row[0]] = row
        cases: dict[int, Any] = {}
        ids = sorted({row.case_id for row in found.values()})
        for start in range(0, len(ids), 1000):
            cases.update((row[0], row) for row in session.execute(
                select(Case.id, Case.clock_started_at, Agency.calendar)
                .join(Agency, Agency.id == Case.agency_id)
                .where(Case.id.in_(ids[start:start + 1000]),
                       Case.status == CaseStatus.OPEN)))
    rows = [(*task, cases[task.case_id].calendar, cases[task.case_id].clock_started_at)
            for task in found.values() if task.case_id in cases]
    changing: dict[int, list[int]] = defaultdict(list)
    unwarned: list[dict] = []
    for (task_id, case_id, ready_at, due_at, paused, state, warning, agency_id, settings,
         clock) in rows:
        calendar = ctx.calendars.of(agency_id, settings)
        start = max(ready_at, clock or ready_at)
        if warning is None:
            unwarned.append({"task_id": task_id, "warn_at": warn_at(
                calendar, ctx.settings, start, due_at, paused)})
        if sla_state(calendar, ctx.settings, now, start, due_at, paused) != state:
            changing[case_id].append(task_id)
    if unwarned:
        _remember_warnings(ctx, unwarned)
    changed = 0
    for case_id, task_ids in changing.items():
        changed += _apply(ctx, case_id, task_ids, now, actor_name)
    return SweepReport(len(rows), changed, len(changing))


def _remember_warnings(ctx: ServiceContext, rows: list[dict]) -> None:
    """Store when the steps projected before ``warn_at`` existed turn yellow, so later
    sweeps skip them until then (projection upkeep, no state change: no event)."""
    with transaction(ctx) as session:
        tasks = Task.__table__
        session.execute(update(tasks).where(tasks.c.id == bindparam("task_id"), TASK_IS_OPEN,
                                            tasks.c.warn_at.is_(None))
                        .values(warn_at=bindparam("warn")),
                        [{"task_id": r["task_id"], "warn": r["warn_at"]} for r in rows])


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
