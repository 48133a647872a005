"""The worker: fire due timers exactly once, then sweep SLA states.

Each timer fires in a transaction of its own:

1. pick the earliest unfired timer due at ``now``;
2. lock its dossier's row — ``FOR UPDATE`` on PostgreSQL: a dossier another worker, an SLA
   sweep or an official is changing is waited for (their transactions are short), so no due
   timer is left behind for a later round — then the timer's row (``FOR UPDATE SKIP LOCKED``)
   and check it is still unfired: a timer another worker fired meanwhile is passed over. The
   order (dossier, then timer) is the one every service uses, so workers and officials never
   deadlock. On SQLite the write transaction's ``BEGIN IMMEDIATE`` lets one writer in at a
   time;
3. restore the run, ``fire_due_timers(now)``, project tasks and timers, stamp the timer
   (``fired_at``, ``locked_by`` = the worker, ``locked_at``), write ``timer_fired``; resolve the
   dossier if the diagram ended (the building permit's "Quá hạn bổ sung" after 30 days);
4. commit. A worker that dies before the commit fired nothing: the next one fires the timer.

A timer whose firing fails (a diagram error) is reported and left for the next round; it does
not stop the others.
"""

from __future__ import annotations

import os
import socket
import threading
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from isobpmn.audit import append_event, case_chain, hold_chain
from isobpmn.store import Case, CaseStatus, Timer

from .casework import CaseWork, transaction
from .context import ServiceContext
from .errors import ServiceError
from .kinds import EventKind
from .lifecycle import ACTIVE, close_pauses
from .progress import resolve_case, supplement_waits
from .reports import RollupReport, roll_up_reports
from .sla import SweepReport, sweep_sla

__all__ = ["TimerFailed", "WorkerReport", "default_worker_id", "run_worker", "run_worker_once"]


@dataclass
class WorkerReport:
    """What one round did: timers fired (dossier code, timer id), failures, the SLA sweep,
    the days summed for the reports."""

    fired: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)
    sla: SweepReport | None = None
    rollup: RollupReport | None = None


class TimerFailed(ServiceError):
    """A due timer could not fire; its transaction rolled back, the others go on."""

    def __init__(self, timer_id: int, message: str) -> None:
        self.timer_id = timer_id
        super().__init__(message)


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident() % 10_000}"


def run_worker_once(ctx: ServiceContext, now: datetime | None = None,
                    worker_id: str | None = None) -> WorkerReport:
    """Fire every timer due at ``now`` (default: the clock), sweep SLA states, then sum the
    days that are over for the reports (one transaction of at most a month per round)."""
    now = now or ctx.now()
    worker = worker_id or default_worker_id()
    report = WorkerReport()
    skipped: set[int] = set()
    while True:
        try:
            outcome = _fire_next(ctx, now, worker, skipped)
        except TimerFailed as exc:
            report.failed.append((exc.timer_id, exc.message))
            continue
        if outcome is None:
            break
        report.fired.extend(outcome)
    report.sla = sweep_sla(ctx, now, actor_name=f"worker {worker}")
    report.rollup = roll_up_reports(ctx, now, max_runs=1)
    return report


def _fire_next(ctx: ServiceContext, now: datetime, worker: str,
               skipped: set[int]) -> list[tuple[str, str]] | None:
    """Fire the next due timer; ``[]`` when it was skipped, ``None`` when none is left."""
    with transaction(ctx) as session:
        postgres = session.get_bind().dialect.name == "postgresql"
        query = (select(Timer.id, Timer.case_id)
                 .where(Timer.fired_at.is_(None), Timer.fire_at <= now)
                 .order_by(Timer.fire_at, Timer.id).limit(1))
        if skipped:
            query = query.where(Timer.id.not_in(skipped))
        candidate = session.execute(query).first()
        if candidate is None:
            return None
        timer_id, case_id = candidate
        skipped.add(timer_id)  # tried once per round, whatever happens
        case = session.scalar(select(Case).where(Case.id == case_id).with_for_update()
                              .execution_options(populate_existing=True))
        timer = session.scalar(select(Timer).where(Timer.id == timer_id, Timer.fired_at.is_(None))
                               .with_for_update(skip_locked=postgres)
                               .execution_options(populate_existing=True))
        if case is None or timer is None:
            return []  # another worker or an official has it; next round
        hold_chain(session, case_chain(case.id))  # the row lock serialises its audit chain
        if case.status not in ACTIVE:
            session.delete(timer)  # a closed dossier's timer can never fire
            return []
        try:
            return _fire(ctx, session, case, now, worker)
        except ServiceError as exc:
            raise TimerFailed(timer_id, f"timer {timer.bpmn_id} of dossier {case.code}: "
                              f"{exc.message}") from exc


def _fire(ctx: ServiceContext, session, case: Case, now: datetime,
          worker: str) -> list[tuple[str, str]]:
    work = CaseWork.load(ctx, session, case)
    fired = work.engine(lambda: work.run.fire_due_timers(now))
    projection = work.project(now, fired=fired, worker=worker)
    rows = {t.task_uuid: t for t in projection.timers_fired}
    extra = projection.payload()
    for timer in fired:
        row = rows.get(timer.task_uuid)
        append_event(session, chain_key=case_chain(case.id), kind=EventKind.TIMER_FIRED, at=now,
                     actor_name=f"worker {worker}", case=case,
                     payload={"bpmn_id": timer.bpmn_id, "name": timer.name,
                              "fire_at": timer.fire_at, "attached_to": timer.attached_to,
                              "timer": row.id if row is not None else None, **extra})
        extra = {}
    if case.status == CaseStatus.PAUSED and not supplement_waits(work):
        close_pauses(session, case, now, work.calendar, ctx.settings)
    if work.run.is_completed:
        resolve_case(session, work, now, None, actor_name=f"worker {worker}")
    work.save()
    return [(case.code, timer.bpmn_id) for timer in fired]


def run_worker(ctx: ServiceContext, stop: threading.Event, interval: float = 30.0,
               worker_id: str | None = None) -> None:
    """Run rounds every ``interval`` seconds until ``stop`` is set."""
    worker = worker_id or default_worker_id()
    while not stop.is_set():
        run_worker_once(ctx, worker_id=worker)
        stop.wait(interval)
