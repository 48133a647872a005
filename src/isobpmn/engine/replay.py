"""A case re-run from scratch, step by diagram id: the engine side of the auditor's replay.

The audit log names what happened by diagram ids (``bpmn_id``) and moments, never by the
engine's task ids, which are new in every run. A :class:`Replay` starts a fresh case of a
spec on its own :class:`ManualClock` and applies recorded actions — complete a step, deliver a
message, fire the due timers — each at its recorded moment, so that timers, ``today()`` and
working-time helpers see the time they saw then. Each action answers which steps it made
ready, by diagram id, for the caller to compare with the record.

Nothing here reads the audit log or knows its event kinds: that is the services' job
(``isobpmn.services.replay``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from isobpmn.calendar import WorkingCalendar
from isobpmn.engine.clock import ManualClock
from isobpmn.engine.errors import TaskNotReady
from isobpmn.engine.runtime import EngineRun, SpecSource, start
from isobpmn.engine.types import WaitingMessage, WaitingTimer

__all__ = ["Replay"]


class Replay:
    """One case re-run from its start, moved on by diagram ids at recorded moments."""

    def __init__(self, spec: SpecSource, data: Mapping[str, Any] | None, *, at: datetime,
                 calendar: WorkingCalendar) -> None:
        """Start the case with ``data`` at the moment ``at``; :attr:`started` lists the steps
        ready then."""
        self.clock = ManualClock(at)
        self.run: EngineRun = start(spec, data, clock=self.clock, calendar=calendar)
        self.started = self.ready_steps()

    # -- reading ---------------------------------------------------------------------------

    def ready_steps(self) -> list[str]:
        """Diagram ids of the steps waiting for a person, in the engine's order."""
        return [task.bpmn_id for task in self.run.ready_tasks()]

    def waiting_timers(self) -> list[WaitingTimer]:
        return self.run.waiting_timers()

    def waiting_messages(self) -> list[WaitingMessage]:
        return self.run.waiting_messages()

    @property
    def is_completed(self) -> bool:
        return self.run.is_completed

    def end_event(self) -> str | None:
        return self.run.end_event()

    # -- moving on -------------------------------------------------------------------------

    def complete_step(self, bpmn_id: str, data: Mapping[str, Any] | None, *,
                      at: datetime) -> list[str]:
        """Complete the ready step ``bpmn_id`` with ``data`` at ``at``; the steps it made
        ready. :class:`TaskNotReady` (the run unchanged) when no such step is ready."""
        self.clock.set(at)
        ready = self.run.ready_tasks()
        task = next((t for t in ready if t.bpmn_id == bpmn_id), None)
        if task is None:
            waiting = ", ".join(t.bpmn_id for t in ready) or "none"
            raise TaskNotReady(f"step {bpmn_id} is not ready; the steps ready are: {waiting}",
                               element_id=bpmn_id)
        return self._newly_ready(lambda: self.run.complete(task.task_uuid, data))

    def deliver(self, message: str, payload: Mapping[str, Any] | None, *,
                at: datetime) -> list[str]:
        """Deliver ``message`` (by name or id) with ``payload`` at ``at``; the steps it made
        ready. :class:`MessageNotExpected` (the run unchanged) when nothing waits for it."""
        self.clock.set(at)
        return self._newly_ready(lambda: self.run.receive_message(message, payload))

    def fire_timers(self, *, at: datetime) -> tuple[list[WaitingTimer], list[str]]:
        """Fire every timer due at ``at``: (the timers fired, the steps they made ready)."""
        self.clock.set(at)
        fired: list[WaitingTimer] = []

        def fire() -> None:
            fired.extend(self.run.fire_due_timers(at))

        return fired, self._newly_ready(fire)

    def _newly_ready(self, change: Callable[[], Any]) -> list[str]:
        before = {task.task_uuid for task in self.run.ready_tasks()}
        change()
        return [task.bpmn_id for task in self.run.ready_tasks() if task.task_uuid not in before]
