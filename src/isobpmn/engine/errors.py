"""What can go wrong while running a case, as types a caller can tell apart.

Every error carries a message a person can act on and, where one is known, the id of the
diagram element it is about (``element_id``), so the services layer can point at the step.
"""

from __future__ import annotations

__all__ = [
    "DataError", "EngineError", "ExpressionError", "LimitExceeded", "MessageNotExpected",
    "RunBroken", "RunawayProcess", "SpecError", "SpecNotLoaded", "StateError", "TaskNotReady",
    "UnknownTask",
]


class EngineError(Exception):
    """Base of every engine error: ``message`` and the ``element_id`` it is about, if any."""

    def __init__(self, message: str, *, element_id: str | None = None) -> None:
        self.message = message
        self.element_id = element_id
        super().__init__(message if element_id is None else f"{element_id}: {message}")

    def at(self, element_id: str | None) -> EngineError:
        """This error, placed at ``element_id`` unless it already names an element."""
        if self.element_id is None and element_id is not None:
            self.element_id = element_id
            self.args = (f"{element_id}: {self.message}",)
        return self


class SpecError(EngineError):
    """A procedure version cannot be run: unreadable XML, no process, an unsupported element."""


class SpecNotLoaded(SpecError):
    """A spec was asked for by its hash but has not been loaded from its XML yet."""


class StateError(EngineError):
    """Stored case state cannot be restored: damaged, from a newer version, or another spec."""


class DataError(EngineError):
    """Data handed to the engine cannot be kept in a case (not JSON-like, a reserved key)."""


class ExpressionError(EngineError):
    """A condition, script or timer is outside the safe subset or fails when evaluated."""

    def __init__(self, message: str, *, element_id: str | None = None,
                 expression: str | None = None) -> None:
        self.expression = expression
        super().__init__(message, element_id=element_id)


class LimitExceeded(ExpressionError):
    """An evaluation went past a runtime limit (size of a value, number of steps)."""


class UnknownTask(EngineError):
    """No task of this case has the given id."""


class TaskNotReady(EngineError):
    """The task exists but cannot be completed now (finished, waiting, or not a person's task)."""


class MessageNotExpected(EngineError):
    """A message arrived that no step of the case is waiting for."""


class RunawayProcess(EngineError):
    """The engine ran too many automatic steps in one go: a loop with no person or timer in it."""


class RunBroken(EngineError):
    """An earlier error left this in-memory run half-way; restore the case from its stored state."""
