"""The case runtime: start a case, restore it from stored state, move it on.

An :class:`EngineRun` is one case in memory, on a cached
:class:`~isobpmn.engine.specs.ProcedureSpec`, with the case's clock and working calendar. It
answers in isobpmn's own types (:mod:`isobpmn.engine.types`) and raises
:class:`~isobpmn.engine.errors.EngineError` subclasses. Every change runs the engine on until
only people, timers or messages are awaited. A change that fails half-way leaves the run
unusable (:class:`RunBroken`): the caller discards it and restores the stored state, which
the failed change never reached.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.exceptions import SpiffWorkflowException, TaskNotFoundException
from SpiffWorkflow.util.task import TaskState

from isobpmn.calendar import WorkingCalendar
from isobpmn.engine.clock import Clock
from isobpmn.engine.errors import (
    EngineError,
    MessageNotExpected,
    RunawayProcess,
    RunBroken,
    SpecError,
    TaskNotReady,
    UnknownTask,
)
from isobpmn.engine.limits import MAX_CHANGE_STEPS, storable
from isobpmn.engine.script_engine import CaseScriptEngine
from isobpmn.engine.specs import ProcedureSpec, cached_spec, load_spec
from isobpmn.engine.state import dump_state, load_state
from isobpmn.engine.timers import CaseClockTimer
from isobpmn.engine.types import ReadyTask, WaitingMessage, WaitingTimer
from isobpmn.model.types import Event

__all__ = ["MAX_AUTOMATIC_STEPS", "MAX_CASE_DEPTH", "EngineRun", "restore", "start"]

#: Most engine steps (gateways, scripts, events) one change may run before a person, a timer
#: or a message is awaited; more means a loop of automatic steps.
MAX_AUTOMATIC_STEPS = 500
#: Longest chain of steps a case may have. SpiffWorkflow stops looking 1,000 tasks deep into
#: the task tree (every step, including each round of a loop, is one level), and would then
#: report a case completed that is not; the engine refuses to go near that depth.
MAX_CASE_DEPTH = 900

SpecSource = ProcedureSpec | bytes | str


def start(spec: SpecSource, data: Mapping[str, Any] | None = None, *, clock: Clock,
          calendar: WorkingCalendar) -> EngineRun:
    """A new case of ``spec`` (a :class:`ProcedureSpec`, the version's XML bytes or a loaded
    spec's hash) with initial ``data``, run on until it waits."""
    procedure_spec = _spec(spec)
    engine = CaseScriptEngine(clock, calendar, procedure_spec.conditions)
    initial = storable(dict(data or {}), where="the case's initial data")
    try:
        workflow = BpmnWorkflow(procedure_spec._workflow_spec, procedure_spec._subprocess_specs,
                                script_engine=engine)
    except SpiffWorkflowException as exc:
        raise SpecError(f"a case of {procedure_spec.process_id} cannot start: {exc}") from None
    workflow.task_tree.data = initial
    run = EngineRun(procedure_spec, workflow, engine, [])
    with run._changing():
        run._advance()
    return run


def restore(spec: SpecSource, state: bytes, *, clock: Clock,
            calendar: WorkingCalendar) -> EngineRun:
    """The case stored in ``state`` (from :meth:`EngineRun.serialize`), on its spec."""
    procedure_spec = _spec(spec)
    engine = CaseScriptEngine(clock, calendar, procedure_spec.conditions)
    workflow, path = load_state(state, xml_hash=procedure_spec.xml_hash,
                                workflow_spec=procedure_spec._workflow_spec,
                                subprocess_specs=procedure_spec._subprocess_specs,
                                script_engine=engine)
    return EngineRun(procedure_spec, workflow, engine, path)


def _spec(spec: SpecSource) -> ProcedureSpec:
    if isinstance(spec, ProcedureSpec):
        return spec
    if isinstance(spec, bytes | bytearray | memoryview):
        return load_spec(bytes(spec))
    return cached_spec(spec)


class EngineRun:
    """One case in memory. Not thread-safe: one request or worker uses a run at a time."""

    def __init__(self, spec: ProcedureSpec, workflow: BpmnWorkflow, engine: CaseScriptEngine,
                 path: list[str]) -> None:
        self.spec = spec
        self._workflow = workflow
        self._engine = engine
        self._path = path
        self._broken: EngineError | BaseException | None = None

    def __repr__(self) -> str:
        state = "broken" if self._broken else \
            "completed" if self._workflow.is_completed() else "running"
        return f"<EngineRun {self.spec.process_id} {state}, {len(self._path)} steps done>"

    # -- reading ---------------------------------------------------------------------------

    def ready_tasks(self) -> list[ReadyTask]:
        """The steps waiting for a person, in the order the engine made them ready."""
        self._check_usable()
        return [self._ready(task) for task in self._workflow.get_tasks(state=TaskState.READY)
                if task.task_spec.manual]

    def waiting_timers(self) -> list[WaitingTimer]:
        """The timers that have started, earliest first."""
        self._check_usable()
        timers = []
        for task in list(self._workflow.event_manager.tasks.values()):
            definition = task.task_spec.event_definition
            if isinstance(definition, CaseClockTimer):
                node = self.spec.procedure.nodes.get(task.task_spec.bpmn_id)
                moment = definition.moment(task)
                timers.append(WaitingTimer(
                    str(task.id), task.task_spec.bpmn_id, self._name(task),
                    moment.astimezone(self._engine.tz) if moment is not None else None,
                    node.attached_to if isinstance(node, Event) else None))
        return sorted(timers, key=lambda t: (t.fire_at is None, t.fire_at or datetime.min))

    def waiting_messages(self) -> list[WaitingMessage]:
        """The steps waiting for a message, such as "Nhận hồ sơ bổ sung"."""
        self._check_usable()
        return [WaitingMessage(str(task.id), task.task_spec.bpmn_id, self._name(task),
                               task.task_spec.event_definition.name)
                for task in list(self._workflow.event_manager.tasks.values())
                if isinstance(task.task_spec.event_definition, MessageEventDefinition)]

    @property
    def is_completed(self) -> bool:
        self._check_usable()
        return self._workflow.is_completed()

    def end_event(self) -> str | None:
        """The bpmn id of the last end event of the process (not of a sub-process) reached,
        or ``None`` if none was."""
        self._check_usable()
        procedure = self.spec.procedure
        for bpmn_id in reversed(self._path):
            node = procedure.nodes.get(bpmn_id)
            if node is not None and node.kind == "endEvent" and node.scope_id == procedure.bpmn_id:
                return bpmn_id
        return None

    @property
    def data(self) -> dict[str, Any]:
        """A copy of the case data: what the last completed step saw and entered."""
        self._check_usable()
        last = self._workflow.last_task or self._workflow.task_tree
        return copy.deepcopy(last.data)

    def path_taken(self) -> list[str]:
        """The diagram elements completed so far, in order (a loop repeats its elements)."""
        self._check_usable()
        return list(self._path)

    # -- changing --------------------------------------------------------------------------

    def complete(self, task_uuid: str | UUID, data: Mapping[str, Any] | None = None) -> None:
        """Complete a person's step with the ``data`` entered (merged into the case data)."""
        self._check_usable()
        task = self._task(task_uuid)
        if task.state != TaskState.READY or not task.task_spec.manual:
            raise TaskNotReady(f"the step is {TaskState.get_name(task.state).lower()}"
                               f"{'' if task.task_spec.manual else ' and run by the engine'}; "
                               "only a ready step of a person can be completed",
                               element_id=task.task_spec.bpmn_id)
        entered = storable(dict(data or {}), where="the data entered")
        with self._changing():
            task.set_data(**entered)
            task.run()
            self._record(task)
            self._advance()

    def fire_due_timers(self, now: datetime | None = None) -> list[WaitingTimer]:
        """Fire every timer due at ``now`` (default: the clock's now) and run on; returns them."""
        self._check_usable()
        moment = now if now is not None else self._engine.clock.now()
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self._engine.tz)
        due = [t for t in self.waiting_timers() if t.fire_at is not None and t.fire_at <= moment]
        if not due:
            return []
        with self._changing():
            self._engine.pinned = moment
            try:
                self._workflow.refresh_timers()
                self._advance()
            finally:
                self._engine.pinned = None
        return due

    def receive_message(self, name: str, payload: Mapping[str, Any] | None = None) -> None:
        """Deliver a message (by name or message id); its ``payload`` joins the case data."""
        self._check_usable()
        message = self.spec.messages.get(name, name)
        waiting = [task for task in list(self._workflow.event_manager.tasks.values())
                   if isinstance(task.task_spec.event_definition, MessageEventDefinition)
                   and task.task_spec.event_definition.name == message]
        if not waiting:
            awaited = sorted({m.message for m in self.waiting_messages()})
            raise MessageNotExpected(f"no step is waiting for the message {name!r}"
                                     + (f"; waiting for: {', '.join(awaited)}" if awaited else ""))
        entered = storable(dict(payload or {}), where="the message's payload")
        definition = waiting[0].task_spec.event_definition
        with self._changing():
            self._workflow.send_event(BpmnEvent(type(definition)(message), entered))
            keeps_payload = getattr(definition, "message_var", None) is not None
            for task in waiting:
                if task.state == TaskState.READY and not keeps_payload:
                    task.set_data(**copy.deepcopy(entered))
            self._advance()

    def serialize(self) -> bytes:
        """The bytes to store for this case: no spec inside (docs/engine.md, stored format)."""
        self._check_usable()
        return dump_state(self._workflow, xml_hash=self.spec.xml_hash,
                          process_id=self.spec.process_id, path=self._path)

    # -- inside ----------------------------------------------------------------------------

    def _ready(self, task) -> ReadyTask:
        bpmn_id = task.task_spec.bpmn_id
        node = self.spec.procedure.nodes.get(bpmn_id)
        return ReadyTask(str(task.id), bpmn_id, self._name(task), self.spec.lanes.get(bpmn_id),
                         node.kind if node is not None else type(task.task_spec).__name__,
                         copy.deepcopy(task.data))

    def _name(self, task) -> str:
        node = self.spec.procedure.nodes.get(task.task_spec.bpmn_id)
        return node.name if node is not None and node.name else task.task_spec.bpmn_name or ""

    def _task(self, task_uuid: str | UUID):
        try:
            key = task_uuid if isinstance(task_uuid, UUID) else UUID(str(task_uuid))
            return self._workflow.get_task_from_id(key)
        except (ValueError, TaskNotFoundException):
            raise UnknownTask(f"this case has no task {task_uuid!r}") from None

    def _record(self, task) -> None:
        if task.task_spec.bpmn_id is not None:
            self._path.append(task.task_spec.bpmn_id)

    def _advance(self) -> None:
        steps = 0

        def did_complete(task) -> None:
            nonlocal steps
            steps += 1
            if steps > MAX_AUTOMATIC_STEPS:
                raise RunawayProcess(f"more than {MAX_AUTOMATIC_STEPS:,} automatic steps ran "
                                     "without waiting for a person, a timer or a message; the "
                                     "diagram has a loop of automatic steps",
                                     element_id=task.task_spec.bpmn_id)
            self._record(task)

        workflow = self._workflow
        workflow.do_engine_steps(did_complete_task=did_complete)
        # do_engine_steps ends by refreshing timers; one that fired then is run here
        while any(not t.task_spec.manual for t in workflow.get_tasks(state=TaskState.READY)):
            workflow.do_engine_steps(did_complete_task=did_complete)
        depth, task = 0, workflow.last_task
        while task is not None:
            depth, task = depth + 1, task.parent
        if depth > MAX_CASE_DEPTH:
            raise RunawayProcess(f"the case has gone {depth} steps deep, more than the engine "
                                 f"follows ({MAX_CASE_DEPTH}); it cannot continue safely")

    def _check_usable(self) -> None:
        if self._broken is not None:
            raise RunBroken(f"an earlier change to this case failed half-way ({self._broken}); "
                            "restore the case from its stored state")

    @contextmanager
    def _changing(self) -> Iterator[None]:
        self._engine.evaluator.allowance = MAX_CHANGE_STEPS
        try:
            yield
        except EngineError as exc:
            self._broken = exc
            raise
        except SpiffWorkflowException as exc:
            task = getattr(exc, "task", None)
            error = EngineError(f"the engine stopped: {exc}",
                                element_id=task.task_spec.bpmn_id if task is not None else None)
            self._broken = error
            raise error from exc
        except BaseException as exc:
            self._broken = exc
            raise
        finally:
            self._engine.evaluator.allowance = None
