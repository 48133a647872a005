"""The case engine: procedures run on SpiffWorkflow, behind isobpmn's own types.

The only package that imports SpiffWorkflow. It parses each procedure version once
(:func:`load_spec`, cached by the hash of its XML), starts and restores cases
(:func:`start`, :func:`restore`), stores their state without the spec
(:meth:`EngineRun.serialize`), evaluates diagram expressions with the safe evaluator
(:class:`Evaluator`, never ``eval``/``exec``), takes time from an injectable
:class:`Clock` and re-runs a case from scratch by diagram ids (:class:`Replay`). Callers
see :class:`ReadyTask`, :class:`WaitingTimer`, :class:`WaitingMessage` and
:class:`EngineError` subclasses, never SpiffWorkflow objects.
See docs/engine.md.
"""

from isobpmn.engine.clock import Clock, FixedClock, ManualClock, SystemClock
from isobpmn.engine.errors import (
    DataError,
    EngineError,
    ExpressionError,
    LimitExceeded,
    MessageNotExpected,
    RunawayProcess,
    RunBroken,
    SpecError,
    SpecNotLoaded,
    StateError,
    TaskNotReady,
    UnknownTask,
)
from isobpmn.engine.evaluator import Evaluator
from isobpmn.engine.replay import Replay
from isobpmn.engine.runtime import EngineRun, restore, start
from isobpmn.engine.specs import ProcedureSpec, SpecCache, cached_spec, load_spec, xml_hash
from isobpmn.engine.state import FORMAT_VERSION, MIGRATIONS
from isobpmn.engine.types import ReadyTask, WaitingMessage, WaitingTimer

__all__ = [
    "FORMAT_VERSION", "MIGRATIONS", "Clock", "DataError", "EngineError", "EngineRun",
    "Evaluator", "ExpressionError", "FixedClock", "LimitExceeded", "ManualClock",
    "MessageNotExpected", "ProcedureSpec", "ReadyTask", "Replay", "RunBroken", "RunawayProcess",
    "SpecCache", "SpecError", "SpecNotLoaded", "StateError", "SystemClock", "TaskNotReady",
    "UnknownTask", "WaitingMessage", "WaitingTimer", "cached_spec", "load_spec", "restore",
    "start", "xml_hash",
]
