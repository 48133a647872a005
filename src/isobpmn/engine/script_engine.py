"""The bridge between SpiffWorkflow and the safe evaluator.

SpiffWorkflow evaluates every condition, script, pre/post script, timer and message
correlation through ``workflow.script_engine`` or its ``environment``; its default one calls
Python's ``eval``/``exec``. :class:`CaseScriptEngine` replaces both with
:class:`~isobpmn.engine.evaluator.Evaluator`, and is also where the case's clock and working
calendar live for the timers (:mod:`isobpmn.engine.timers`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask

from isobpmn.calendar import WorkingCalendar
from isobpmn.engine.clock import VIETNAM, Clock
from isobpmn.engine.errors import LimitExceeded, SpecError
from isobpmn.engine.evaluator import Evaluator

__all__ = ["MAX_INSTANCES", "CaseScriptEngine", "SafeEnvironment"]

#: Most instances a multi-instance step may create.
MAX_INSTANCES = 1_000


class SafeEnvironment(BasePythonScriptEngineEnvironment):
    """SpiffWorkflow's script environment, evaluating with the safe evaluator only."""

    def __init__(self, evaluator: Evaluator) -> None:
        super().__init__({})
        self.evaluator = evaluator

    def evaluate(self, expression: str, context: Mapping[str, Any],
                 external_context: Mapping[str, Any] | None = None) -> Any:
        return self.evaluator.evaluate(expression, context, external=external_context)

    def execute(self, script: str, context: dict[str, Any],
                external_context: Mapping[str, Any] | None = None) -> bool:
        self.evaluator.execute(script, context)
        return True

    def call_service(self, context, **kwargs):
        raise SpecError("service tasks are not supported: a procedure step cannot call out of "
                        "the server")


class CaseScriptEngine(PythonScriptEngine):
    """The script engine of one running case: safe evaluation, the case's clock and calendar.

    ``now()`` is the clock's time unless a caller pins it for one operation (the worker firing
    the timers due at a given moment)."""

    def __init__(self, clock: Clock, calendar: WorkingCalendar | None,
                 conditions: Mapping[tuple[str, str], str] | None = None) -> None:
        self.clock = clock
        self.calendar = calendar
        self.tz = calendar.tz if calendar is not None else VIETNAM
        self.pinned: datetime | None = None
        self.evaluator = Evaluator(self.now, calendar)
        #: (gateway id, condition text) -> sequence flow id, to name the flow in an error
        self._conditions = conditions or {}
        super().__init__(environment=SafeEnvironment(self.evaluator))

    def now(self) -> datetime:
        return self.pinned if self.pinned is not None else self.clock.now()

    def evaluate(self, task, expression: str, external_context=None) -> Any:
        element_id = self._element(task, expression)
        result = self.evaluator.evaluate(expression, task.data, external=external_context,
                                         element_id=element_id)
        spec = task.task_spec
        if isinstance(spec, MultiInstanceTask) and expression == spec.cardinality:
            if isinstance(result, bool) or not isinstance(result, int) or \
                    not 0 <= result <= MAX_INSTANCES:
                raise LimitExceeded(f"the number of instances must be a whole number from 0 to "
                                    f"{MAX_INSTANCES:,}, got {result!r}", element_id=element_id,
                                    expression=expression)
        return result

    def execute(self, task, script: str, external_context=None) -> bool:
        self.evaluator.execute(script, task.data, element_id=task.task_spec.bpmn_id)
        return True

    def call_service(self, task, **kwargs):
        raise SpecError("service tasks are not supported: a procedure step cannot call out of "
                        "the server", element_id=task.task_spec.bpmn_id)

    def _element(self, task, expression: str) -> str | None:
        bpmn_id = task.task_spec.bpmn_id
        return self._conditions.get((bpmn_id, expression.strip()), bpmn_id)
