"""One dossier being changed inside one transaction: its row, engine state, spec and calendar.

Every service that moves a case on follows the same shape::

    with transaction(ctx) as session:            # one Database.write(): all or nothing
        case = lock_case(session, case_id)       # row lock on PostgreSQL; writers queue
        work = CaseWork.load(ctx, session, case) # state (optimistic lock), spec, calendar, run
        work.run.complete(...)                   # the engine moves on, in memory
        projection = work.project(now)           # tasks and timers follow the engine
        work.save()                              # new state bytes, version + 1
        append_event(...)                        # the audit event, same transaction
    # after the commit: the run goes back to the cache under the new version

The case row lock serialises writers of one dossier (its audit chain needs that too); the
state's version (``case_states.version``) still refuses a change built on state read earlier:
an ``expected_version`` given by a form, or two processes racing (:class:`Conflict`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, insert, select, true, update
from sqlalchemy.orm import Session, make_transient_to_detached

from isobpmn.audit import case_chain, hold_chain, prime_chain

from isobpmn.calendar import WorkingCalendar
from isobpmn.engine import (
    FORMAT_VERSION,
    EngineError,
    EngineRun,
    ProcedureSpec,
    SpecNotLoaded,
    WaitingTimer,
    cached_spec,
    load_spec,
    restore,
    start,
)
from isobpmn.model import Step
from isobpmn.model import types as bpmn
from isobpmn.store import (
    TASK_IS_OPEN,
    Agency,
    Case,
    CaseState,
    ConcurrentUpdateError,
    Event,
    ProcedureVersion,
    Task,
    TaskState,
    Timer,
)

from .context import ServiceContext
from .deadlines import sla_state, warn_at
from .errors import Conflict, EngineFailed, UnknownCase, UnknownTask

__all__ = ["CaseWork", "Projection", "after_commit", "find_case", "lock_case", "lock_task", "spec_of",
           "steps_of", "task_summary", "transaction"]

_AFTER_COMMIT = "isobpmn.after_commit"


@contextmanager
def transaction(ctx: ServiceContext) -> Iterator[Session]:
    """One write transaction; a lost optimistic lock becomes :class:`Conflict`. Callbacks
    registered with :func:`after_commit` run once the commit succeeded."""
    callbacks: list[Callable[[], None]] = []
    try:
        with ctx.db.write() as session:
            session.info[_AFTER_COMMIT] = callbacks
            yield session
    except ConcurrentUpdateError as exc:
        raise Conflict("the dossier was changed by someone else meanwhile; reload it and try "
                       "again") from exc
    for callback in callbacks:
        callback()


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    session.info[_AFTER_COMMIT].append(callback)


def lock_case(session: Session, case_id: int) -> Case:
    """The case row, locked until the end of the transaction (``FOR UPDATE`` on PostgreSQL;
    SQLite's write transaction already holds the database's single writer lock)."""
    case = session.scalar(select(Case).where(Case.id == case_id).with_for_update()
                          .execution_options(populate_existing=True))
    if case is None:
        raise UnknownCase(f"no dossier with id {case_id}")
    hold_chain(session, case_chain(case.id))  # the row lock serialises its audit chain too
    return case


def find_case(session: Session, code: str, *, lock: bool = True) -> Case:
    """The case with this dossier code (locked for writing unless ``lock`` is false)."""
    case_id = session.scalar(select(Case.id).where(Case.code == code))
    if case_id is None:
        raise UnknownCase(f"no dossier with the code {code!r}")
    return lock_case(session, case_id) if lock else session.get(Case, case_id)


def spec_of(ctx: ServiceContext, session: Session, version_id: int) -> ProcedureSpec:
    """The parsed spec of a procedure version (parsed once per process, by content hash)."""
    digest = ctx.version_hashes.get(version_id)
    if digest is None:
        digest = session.scalar(select(ProcedureVersion.content_hash)
                                .where(ProcedureVersion.id == version_id))
        ctx.version_hashes[version_id] = digest
    try:
        return cached_spec(digest)
    except SpecNotLoaded:
        xml = session.scalar(select(ProcedureVersion.bpmn_xml)
                             .where(ProcedureVersion.id == version_id))
        return load_spec(xml.encode("utf-8"), name=f"procedure version {version_id}")


@lru_cache(maxsize=256)
def steps_of(spec: ProcedureSpec) -> dict[str, Step]:
    """The spec's steps by bpmn id."""
    return {step.bpmn_id: step for step in spec.procedure.steps}


@lru_cache(maxsize=256)
def has_timers(spec: ProcedureSpec) -> bool:
    """Whether the diagram has a timer event at all (else the timers table is not read)."""
    return any(d.kind == "timer" for node in spec.procedure.nodes.values()
               for d in getattr(node, "definitions", ()))


def message_catches_after(procedure: bpmn.Procedure, bpmn_id: str) -> tuple[str, ...]:
    """The message catch events that directly follow element ``bpmn_id``: the wait a step
    leads to when it issues a written request (a supplement's)."""
    node = procedure.nodes.get(bpmn_id)
    found = []
    for flow_id in node.outgoing if node is not None else ():
        target = procedure.nodes.get(procedure.flows[flow_id].target)
        if isinstance(target, bpmn.Event) \
                and target.position is bpmn.EventPosition.INTERMEDIATE_CATCH \
                and any(d.kind == "message" for d in target.definitions):
            found.append(target.bpmn_id)
    return tuple(found)


def task_summary(task: Task) -> dict[str, Any]:
    """A new task as an event names it: by its engine id (its row id comes with the flush)."""
    return {"task_uuid": task.task_uuid, "bpmn_id": task.bpmn_id, "name": task.name,
            "role": task.role_code, "unit": task.unit_code, "due_at": task.due_at}


@dataclass
class Projection:
    """What one change did to the task and timer tables."""

    ready: list[Task] = field(default_factory=list)
    cancelled: list[Task] = field(default_factory=list)
    timers_started: list[Timer] = field(default_factory=list)
    timers_cancelled: list[str] = field(default_factory=list)
    timers_fired: list[Timer] = field(default_factory=list)

    def payload(self) -> dict[str, Any]:
        """The part of an event's payload that says what became ready, cancelled or timed."""
        out: dict[str, Any] = {}
        if self.ready:
            out["ready"] = [task_summary(t) for t in self.ready]
        if self.cancelled:
            out["cancelled"] = [t.id for t in self.cancelled]
        if self.timers_started:
            out["timers"] = [{"bpmn_id": t.bpmn_id, "fire_at": t.fire_at}
                             for t in self.timers_started]
        if self.timers_cancelled:
            out["timers_cancelled"] = self.timers_cancelled
        return out


class CaseWork:
    """A case, its engine run and everything needed to change it, in one transaction."""

    def __init__(self, ctx: ServiceContext, session: Session, case: Case,
                 version: int | None, spec: ProcedureSpec, calendar: WorkingCalendar,
                 run: EngineRun) -> None:
        self.ctx = ctx
        self.session = session
        self.case = case
        #: the stored state's version (the optimistic lock); None for a case not saved yet
        self.version = version
        self.spec = spec
        self.calendar = calendar
        self.run = run

    # -- opening ---------------------------------------------------------------------------

    @staticmethod
    def calendar_of(ctx: ServiceContext, session: Session, agency_id: int) -> WorkingCalendar:
        agency = session.get(Agency, agency_id)
        return ctx.calendars.of(agency.id, agency.calendar)

    @classmethod
    def load(cls, ctx: ServiceContext, session: Session, case: Case,
             expected_version: int | None = None,
             calendar: WorkingCalendar | None = None) -> CaseWork:
        """Open a stored case: its state (checked against ``expected_version``) and run."""
        chain_key = case_chain(case.id)
        # the state and the head of the dossier's audit chain in one statement (the chain is
        # serialised by the case row lock taken before: hold_chain in lock_case / lock_task)
        state = session.connection().execute(_STATE, {"case_id": case.id,
                                                      "chain_key": chain_key}).first()
        if state is None:
            raise UnknownCase(f"dossier {case.code} has no engine state")
        prime_chain(session, chain_key, state.head_seq, state.head_hash)
        if expected_version is not None and state.version != expected_version:
            raise Conflict(f"dossier {case.code} changed since it was loaded (now at version "
                           f"{state.version}, the form was made at {expected_version}); reload "
                           "it and enter the step again")
        spec = spec_of(ctx, session, case.procedure_version_id)
        calendar = calendar or cls.calendar_of(ctx, session, case.agency_id)
        run = ctx.runs.take(case.id, state.version)
        if run is None:
            try:
                run = restore(spec, state.state, clock=ctx.clock, calendar=calendar)
            except EngineError as exc:
                raise EngineFailed(f"dossier {case.code} cannot be restored: {exc.message}",
                                   exc.element_id) from exc
        return cls(ctx, session, case, state.version, spec, calendar, run)

    @classmethod
    def begin(cls, ctx: ServiceContext, session: Session, case: Case, spec: ProcedureSpec,
              calendar: WorkingCalendar, data: dict[str, Any]) -> CaseWork:
        """Start the engine for a new case (saved by :meth:`save`)."""
        try:
            run = start(spec, data, clock=ctx.clock, calendar=calendar)
        except EngineError as exc:
            raise EngineFailed(f"a case of {spec.process_id} cannot start: {exc.message}",
                               exc.element_id) from exc
        return cls(ctx, session, case, None, spec, calendar, run)

    # -- engine ----------------------------------------------------------------------------

    def engine(self, change: Callable[[], Any]) -> Any:
        """Run one engine change; an engine error becomes :class:`EngineFailed` (the
        transaction rolls back, the half-changed run is dropped)."""
        try:
            return change()
        except EngineError as exc:
            raise EngineFailed(f"dossier {self.case.code} cannot move on: {exc.message}",
                               exc.element_id) from exc

    def step(self, bpmn_id: str) -> Step | None:
        return steps_of(self.spec).get(bpmn_id)

    def waiting_message_tasks(self) -> dict[str, str]:
        """Engine task id -> message name, for every step waiting for a message."""
        return {m.task_uuid: m.message for m in self.run.waiting_messages()}

    # -- projection ------------------------------------------------------------------------

    def open_tasks(self) -> list[Task]:
        with self.session.no_autoflush:  # changes made so far go out in one flush later
            return list(self.session.scalars(_OPEN_TASKS, {"case_id": self.case.id}))

    def _open_task_ids(self) -> dict[str, int]:
        """Engine id -> row id of the open tasks, as stored (no ORM objects: most are kept)."""
        with self.session.no_autoflush:  # changes made so far go out in one flush later
            return {uuid: id_ for id_, uuid in
                    self.session.connection().execute(_OPEN_TASK_IDS, {"case_id": self.case.id})}

    def project(self, now: datetime, *, ready_at: datetime | None = None, keep: Iterable[int] = (),
                fired: Iterable[WaitingTimer] = (), worker: str | None = None) -> Projection:
        """Make the task and timer tables say what the engine says.

        New ready steps become tasks (due = calendar add of the step's allotment to
        ``ready_at``, default ``now``, or to the dossier's clock start if later); open tasks the engine no longer has ready are cancelled
        (a boundary timer took the case elsewhere) unless listed in ``keep``; timers are added,
        moved, stamped as fired (``fired``, by ``worker``) or deleted when cancelled.
        """
        projection = Projection()
        ready_at = ready_at or now
        known = self._open_task_ids()
        ready = self.run.ready_tasks()
        ready_ids = {r.task_uuid for r in ready}
        for item in ready:
            if item.task_uuid in known:
                continue
            projection.ready.append(self._new_task(item.task_uuid, item.bpmn_id, item.name,
                                                   item.lane, ready_at, now))
        self._insert_tasks(projection.ready)
        keep = set(keep)
        for uuid, task_id in known.items():
            if uuid not in ready_ids and task_id not in keep:
                with self.session.no_autoflush:
                    task = self.session.get(Task, task_id)
                task.state = TaskState.CANCELLED
                projection.cancelled.append(task)
        self._project_timers(projection, now, {t.task_uuid for t in fired}, worker)
        return projection  # flushed with the state by save()

    def _insert_tasks(self, tasks: list[Task]) -> None:
        """Insert new tasks with one plain ``INSERT … RETURNING id`` and put them in the
        session as loaded rows (no unit of work: every column is set)."""
        if not tasks:
            return
        ids = self.session.execute(
            _INSERT_TASKS, [{name: getattr(t, name) for name in _TASK_COLUMNS} for t in tasks]
        ).scalars().all()
        for task, task_id in zip(tasks, ids, strict=True):
            task.id = task_id
            make_transient_to_detached(task)
            self.session.add(task)

    def _new_task(self, task_uuid: str, bpmn_id: str, name: str, lane: str | None,
                  ready_at: datetime, now: datetime) -> Task:
        step = self.step(bpmn_id)
        role = step.role if step is not None else None
        if role is None and lane is not None and lane in self.spec.procedure.lanes:
            role = self.spec.procedure.lanes[lane].role
        allotment = step.allotment if step is not None else None
        # a step's clock does not start before the dossier's (the cut-off moves both)
        started = max(ready_at, self.case.clock_started_at or ready_at)
        due_at = self.calendar.add(started, allotment) if allotment is not None else None
        return Task(case_id=self.case.id, agency_id=self.case.agency_id, task_uuid=task_uuid,
                    bpmn_id=bpmn_id, name=name or bpmn_id,
                    step_number=step.number if step is not None else None,
                    role_code=role.code if role is not None else None,
                    unit_code=(role.unit or None) if role is not None else None,
                    state=TaskState.READY, ready_at=ready_at, due_at=due_at, paused_seconds=0,
                    sla_state=sla_state(self.calendar, self.ctx.settings, now, started, due_at),
                    warn_at=warn_at(self.calendar, self.ctx.settings, started, due_at),
                    data={}, claimed_by=None, claimed_at=None, completed_by=None,
                    completed_at=None, outcome=None)

    def _project_timers(self, projection: Projection, now: datetime, fired: set[str],
                        worker: str | None) -> None:
        if not has_timers(self.spec):
            return
        rows = self.session.scalars(_UNFIRED, {"case_id": self.case.id}).all()
        waiting = {w.task_uuid: w for w in self.run.waiting_timers() if w.fire_at is not None}
        for row in rows:
            timer = waiting.pop(row.task_uuid, None)
            if row.task_uuid in fired:
                projection.timers_fired.append(row)
                row.locked_by, row.locked_at = worker, now
                if timer is None:
                    row.fired_at = now
            elif timer is None:
                projection.timers_cancelled.append(row.bpmn_id)
                self.session.delete(row)
                continue
            if timer is not None and timer.fire_at != row.fire_at:
                row.fire_at = timer.fire_at  # a repeating timer's next repetition
        for timer in waiting.values():
            row = Timer(case_id=self.case.id, task_uuid=timer.task_uuid, bpmn_id=timer.bpmn_id,
                        fire_at=timer.fire_at)
            self.session.add(row)
            projection.timers_started.append(row)

    # -- saving ----------------------------------------------------------------------------

    def save(self) -> None:
        """Flush the changes and store the run's state under the optimistic lock.

        The state is written with the same ``UPDATE … SET version = N + 1 WHERE version = N``
        that the store's ``version_id_col`` mapping emits, as one plain statement: if another
        transaction saved the case since it was read, no row matches and the call fails with
        :class:`Conflict` (rolled back). The run returns to the cache after the commit.
        """
        data = self.run.serialize()
        self.session.flush()
        now = self.ctx.now()
        if self.version is None:
            self.session.execute(_INSERT_STATE, {"case_id": self.case.id, "state": data,
                                                 "format_version": FORMAT_VERSION, "version": 1,
                                                 "updated_at": now})
            self.version = 1
        else:
            result = self.session.connection().execute(_SAVE_STATE, {
                "of_case": self.case.id, "expected": self.version, "state": data,
                "format_version": FORMAT_VERSION, "updated_at": now})
            if result.rowcount != 1:
                raise Conflict(f"dossier {self.case.code} was changed by someone else meanwhile; "
                               "reload it and try again")
            self.version += 1
        case_id, version, run = self.case.id, self.version, self.run
        after_commit(self.session, lambda: self.ctx.runs.put(case_id, version, run))


#: The hot path's statements, built once (building a statement costs more than running it).
_LOCK_TASK = (select(Case, Task, Agency).join(Task, Task.case_id == Case.id)
              .join(Agency, Agency.id == Case.agency_id)
              .where(Task.id == bindparam("task_id")).with_for_update(of=[Case, Task]))
_HEAD = (select(Event.seq, Event.hash).where(Event.chain_key == bindparam("chain_key"))
         .order_by(Event.seq.desc()).limit(1).subquery())
_STATE = (select(CaseState.state, CaseState.version, _HEAD.c.seq.label("head_seq"),
                 _HEAD.c.hash.label("head_hash"))
          .outerjoin(_HEAD, true())
          .where(CaseState.case_id == bindparam("case_id")))
_STATES = CaseState.__table__
_INSERT_STATE = insert(_STATES)
_SAVE_STATE = (update(_STATES)
               .where(_STATES.c.case_id == bindparam("of_case"),
                      _STATES.c.version == bindparam("expected"))
               .values(version=_STATES.c.version + 1))
_OPEN_TASKS = (select(Task).where(Task.case_id == bindparam("case_id"), TASK_IS_OPEN)
               .order_by(Task.id))
_OPEN_TASK_IDS = (select(Task.id, Task.task_uuid)
                  .where(Task.case_id == bindparam("case_id"), TASK_IS_OPEN).order_by(Task.id))
_TASKS = Task.__table__
_TASK_COLUMNS = tuple(c.key for c in _TASKS.columns if c.key != "id")
_INSERT_TASKS = insert(_TASKS).returning(_TASKS.c.id, sort_by_parameter_order=True)
_UNFIRED = select(Timer).where(Timer.case_id == bindparam("case_id"), Timer.fired_at.is_(None))


def lock_task(session: Session, task_id: int) -> tuple[Case, Task, Agency]:
    """A task with its dossier and agency, the dossier and the task locked (``FOR UPDATE OF
    cases, tasks`` on PostgreSQL: locked rows are read again at their newest once the lock is
    held); one statement."""
    row = session.execute(_LOCK_TASK, {"task_id": task_id}).first()
    if row is None:
        raise UnknownTask(f"no task with id {task_id}")
    hold_chain(session, case_chain(row.Case.id))
    return row.Case, row.Task, row.Agency
