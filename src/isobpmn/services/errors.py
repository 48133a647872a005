"""What a service refuses, as types a face can tell apart, each with a message to act on.

The web maps them to HTTP statuses and the CLI to one ``error:`` line; the message is written
for the official in front of the screen ("claim it first", "ask the head of the agency to sign
an apology letter"), never a stack trace.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "ApologyRequired", "CaseNotOpen", "Conflict", "EngineFailed", "InvalidField",
    "InvalidRequest", "NotAllowed", "NotSignedIn", "ProcedureInvalid", "ServiceError", "TaskNotReady",
    "UnknownAgency", "UnknownCase", "UnknownProcedure", "UnknownRecord", "UnknownTask",
    "UnknownUser",
]


class ServiceError(Exception):
    """Base of every refusal: ``message`` is what to show."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class UnknownCase(ServiceError):
    """No dossier has that code."""


class UnknownTask(ServiceError):
    """No task has that id."""


class UnknownProcedure(ServiceError):
    """No published procedure (or revision) with that code serves the agency."""


class UnknownAgency(ServiceError):
    """No agency (or unit of it) has that code."""


class UnknownUser(ServiceError):
    """No active user has that user name."""


class UnknownRecord(ServiceError):
    """No quality record (objective, nonconformity) has that id."""


class NotSignedIn(ServiceError):
    """The credentials (password, API token) are wrong, unknown or revoked."""


class NotAllowed(ServiceError):
    """The actor lacks the role, the agency or the unit the action needs (the message says
    which)."""


class TaskNotReady(ServiceError):
    """The task cannot be worked on now: cancelled, or its case waits for something else."""


class Conflict(ServiceError):
    """Someone else got there first: the state changed since it was read, or another official
    holds the task (the message names them). Reload and try again."""


class InvalidField(ServiceError):
    """Data entered for a step does not fit its declared fields; ``errors`` maps each field
    name to what is wrong with it."""

    def __init__(self, step: str, errors: Mapping[str, str]) -> None:
        self.step = step
        self.errors = dict(errors)
        details = "; ".join(f"{name}: {problem}" for name, problem in self.errors.items())
        super().__init__(f"step {step!r}: {details}")


class InvalidRequest(ServiceError):
    """The request contradicts the dossier or the diagram (no supplement was requested, the
    step has no return path, a receipt time in the future …)."""


class CaseNotOpen(ServiceError):
    """The dossier is closed (resolved, returned, refused, withdrawn) or paused for a
    supplement."""


class ApologyRequired(ServiceError):
    """The dossier's appointment has passed: an apology letter with a new appointment
    (Mẫu 04) must be issued before it moves on (docs/services.md)."""


class ProcedureInvalid(ServiceError):
    """A diagram offered for publication cannot be read strictly or cannot run."""


class EngineFailed(ServiceError):
    """The engine could not move the case on (a condition or script of the diagram failed);
    nothing was changed. ``element_id`` names the diagram element when known."""

    def __init__(self, message: str, element_id: str | None = None) -> None:
        self.element_id = element_id
        super().__init__(message)
