"""What the engine tells its callers about a running case: plain isobpmn values.

None of these holds a SpiffWorkflow object; the services layer projects them into the task
and timer tables without knowing how the engine works inside.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = ["ReadyTask", "WaitingMessage", "WaitingTimer"]


@dataclass(frozen=True, slots=True)
class ReadyTask:
    """A step waiting for a person: complete it with ``EngineRun.complete(task_uuid, data)``."""

    task_uuid: str
    bpmn_id: str
    name: str
    lane: str | None  # bpmn id of the innermost lane drawn around the step
    kind: str  # "userTask", "manualTask" or "task"
    data: dict[str, Any] = field(default_factory=dict, compare=False)  # a copy of the case data


@dataclass(frozen=True, slots=True)
class WaitingTimer:
    """A timer that has started and not fired yet."""

    task_uuid: str
    bpmn_id: str
    name: str
    fire_at: datetime | None  # None once a repeating timer has no repetition left
    attached_to: str | None = None  # for a boundary timer: the step it sits on


@dataclass(frozen=True, slots=True)
class WaitingMessage:
    """A step waiting for a message (``EngineRun.receive_message(message, payload)``)."""

    task_uuid: str
    bpmn_id: str
    name: str
    message: str  # the message's name, e.g. "Hồ sơ bổ sung"
