"""One dossier's audit events replayed on a fresh engine run, deviation by deviation.

The hash chain proves the log was not edited; it cannot prove that what the log says could
have happened. :class:`CaseReplayer` checks that: it starts the dossier's procedure version
from scratch, applies each recorded action at its recorded moment and compares what the
engine answers with what the event says (docs/replay.md):

- ``case_received``: start with the initial data the intake gave the engine
  (``{"ma_ho_so": code}``); the ready steps must be the recorded ``ready``;
- ``task_completed`` / ``task_returned``: the step must be ready; complete it with the
  recorded ``data`` (exactly what the services handed the engine, the return's
  ``ly_do_tra_lai`` included); the newly ready steps must be the recorded ``ready``;
- ``supplement_received``: deliver the recorded ``message`` with its ``data``;
- ``timer_fired``: the timer must be waiting and due; fire the due timers (one worker round
  fires every due timer of a dossier and writes one event per timer, the first carrying the
  ``ready`` steps);
- ``case_resolved``: the run must have ended, at the recorded end event;
- refusals, withdrawals, claims, apologies, payments, SLA changes and ratings move no engine;
  an engine action after the dossier was closed is a deviation.

Replaying goes on after an event that could not be applied (the run stays as it was), and
stops at the first point where the re-run and the record disagree on where the dossier is
(different ready steps, an engine error): past it every event would differ.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from isobpmn.calendar import WorkingCalendar
from isobpmn.engine import EngineError, MessageNotExpected, ProcedureSpec, Replay, TaskNotReady

from .kinds import EventKind

__all__ = ["CaseReplayer", "Deviation", "DeviationKind", "RecordedEvent"]


class DeviationKind(StrEnum):
    """What kind of disagreement between the audit log and the re-run engine."""

    NOT_READY = "not_ready"
    PATH_NOT_ALLOWED = "path_not_allowed"
    DIFFERENT_READY_STEPS = "different_ready_steps"
    DIFFERENT_FINAL_STATE = "different_final_state"
    UNKNOWN_EVENT = "unknown_event"
    ENGINE_ERROR = "engine_error"


@dataclass(frozen=True, slots=True)
class Deviation:
    """One place where the log says something the procedure's diagram did not do.

    ``seq`` is the event's place in the dossier's chain (``None``: the log as a whole, e.g. it
    ends where the diagram does not); ``expected`` is what the record says, ``found`` what the
    re-run engine did.
    """

    case_code: str
    seq: int | None
    event: str | None
    kind: DeviationKind
    expected: Any
    found: Any
    message: str


@dataclass(frozen=True, slots=True)
class RecordedEvent:
    """The part of an audit event the replay reads."""

    seq: int
    kind: str
    at: datetime
    payload: Mapping[str, Any]


#: Events that move no engine: who holds a task, letters, payments, SLA states, ratings.
_PASSIVE = frozenset({
    EventKind.TASK_CLAIMED, EventKind.TASK_UNCLAIMED, EventKind.TASK_REASSIGNED,
    EventKind.SUPPLEMENT_REQUESTED, EventKind.PAYMENT_AWAITED, EventKind.PAYMENT_RECEIVED,
    EventKind.APOLOGY_ISSUED, EventKind.SLA_CHANGED, EventKind.DOSSIER_RATED,
})
_CLOSING = {EventKind.CASE_REFUSED: "refused", EventKind.CASE_WITHDRAWN: "withdrawn"}


class _Stop(Exception):
    """The re-run and the record no longer describe the same dossier: stop replaying."""


class CaseReplayer:
    """Replays one dossier's events (module doc); :attr:`deviations` lists what differed."""

    def __init__(self, case_code: str, spec: ProcedureSpec, calendar: WorkingCalendar) -> None:
        self.case_code = case_code
        self.spec = spec
        self.calendar = calendar
        self.deviations: list[Deviation] = []
        self.events = 0
        self._replay: Replay | None = None
        self._closed: tuple[str, int] | None = None  # ("refused", seq), ("resolved", seq)…
        self._fired: tuple[datetime, list[str]] | None = None  # the last worker round

    # -- the whole log ---------------------------------------------------------------------

    def replay(self, events: Iterable[RecordedEvent]) -> list[Deviation]:
        """Replay ``events`` (the dossier's chain, in ``seq`` order); the deviations found."""
        try:
            for event in events:
                self.events += 1
                self._apply(event)
            self._check_end()
        except _Stop:
            pass
        return self.deviations

    def _apply(self, event: RecordedEvent) -> None:
        if event.kind != EventKind.TIMER_FIRED:
            self._fired = None
        if event.kind == EventKind.CASE_RECEIVED:
            self._received(event)
        elif self._replay is None:
            self._deviate(event, DeviationKind.PATH_NOT_ALLOWED, EventKind.CASE_RECEIVED,
                          event.kind, f"{event.kind} before the dossier was received: a "
                          "dossier's log starts with case_received")
            raise _Stop
        elif event.kind in (EventKind.TASK_COMPLETED, EventKind.TASK_RETURNED):
            self._completed(event)
        elif event.kind == EventKind.SUPPLEMENT_RECEIVED:
            self._supplement(event)
        elif event.kind == EventKind.TIMER_FIRED:
            self._timer(event)
        elif event.kind == EventKind.CASE_RESOLVED:
            self._resolved(event)
        elif event.kind in _CLOSING:
            if self._open(event):
                self._closed = (_CLOSING[event.kind], event.seq)
        elif event.kind == EventKind.RESULT_RETURNED:
            if self._closed is None or self._closed[0] != "resolved":
                self._deviate(event, DeviationKind.PATH_NOT_ALLOWED, "a resolved dossier",
                              self._status(), "a result was handed over for a dossier that "
                              f"was not resolved ({self._status()})")
        elif event.kind not in _PASSIVE:
            self._deviate(event, DeviationKind.UNKNOWN_EVENT, None, event.kind, f"{event.kind!r} is not an event of a dossier's life; "
                          "nothing in isobpmn writes it on a dossier's chain")

    # -- the events ------------------------------------------------------------------------

    def _received(self, event: RecordedEvent) -> None:
        if self._replay is not None:
            self._deviate(event, DeviationKind.PATH_NOT_ALLOWED, "one case_received",
                          "a second one", "the dossier is received a second time")
            return
        code = event.payload.get("code") or self.case_code
        try:
            self._replay = Replay(self.spec, {"ma_ho_so": code}, at=event.at,
                                  calendar=self.calendar)
        except EngineError as exc:
            self._engine_error(event, exc)
        self._compare_ready(event, self._replay.started)

    def _completed(self, event: RecordedEvent) -> None:
        bpmn_id = event.payload.get("bpmn_id")
        if not self._open(event):
            return
        if bpmn_id not in self.spec.procedure.nodes:
            self._deviate(event, DeviationKind.NOT_READY, bpmn_id, self._ready_now(),
                          f"{bpmn_id!r} is not a step of {self.spec.process_id}")
            return
        try:
            ready = self._replay.complete_step(bpmn_id, event.payload.get("data") or {},
                                               at=event.at)
        except TaskNotReady:
            self._deviate(event, DeviationKind.NOT_READY, bpmn_id, self._ready_now(),
                          f"step {bpmn_id} {self._name(bpmn_id)} was not ready when the log "
                          f"says it was {_verb(event.kind)}; ready were: "
                          f"{', '.join(self._ready_now()) or 'none'}")
            return
        except EngineError as exc:
            self._engine_error(event, exc)
        self._compare_ready(event, ready)

    def _supplement(self, event: RecordedEvent) -> None:
        message = event.payload.get("message")
        if message is None or not self._open(event):
            return  # nothing was delivered (a timer had ended the wait)
        try:
            ready = self._replay.deliver(message, event.payload.get("data") or {}, at=event.at)
        except MessageNotExpected:
            awaited = sorted({m.message for m in self._replay.waiting_messages()})
            self._deviate(event, DeviationKind.NOT_READY, message, awaited,
                          f"no step was waiting for the message {message!r}; waiting for: "
                          f"{', '.join(awaited) or 'nothing'}")
            return
        except EngineError as exc:
            self._engine_error(event, exc)
        self._compare_ready(event, ready)

    def _timer(self, event: RecordedEvent) -> None:
        bpmn_id = event.payload.get("bpmn_id")
        if self._fired is not None and self._fired[0] == event.at and bpmn_id in self._fired[1]:
            self._fired[1].remove(bpmn_id)  # fired in the same round as the one before
            return
        if not self._open(event):
            return
        waiting = [t for t in self._replay.waiting_timers() if t.bpmn_id == bpmn_id]
        if not any(t.fire_at is not None and t.fire_at <= event.at for t in waiting):
            moments = [t.fire_at.astimezone(self.calendar.tz).isoformat()
                       for t in waiting if t.fire_at is not None]
            self._deviate(event, DeviationKind.NOT_READY, f"{bpmn_id} due", moments or None,
                          f"timer {bpmn_id} was not due at {self._local(event.at)}: "
                          + (f"it fires at {', '.join(moments)}" if moments
                             else "it is not waiting"))
            return
        try:
            fired, ready = self._replay.fire_timers(at=event.at)
        except EngineError as exc:
            self._engine_error(event, exc)
        rest = [t.bpmn_id for t in fired]
        if bpmn_id in rest:
            rest.remove(bpmn_id)
        self._fired = (event.at, rest)
        self._compare_ready(event, ready)

    def _resolved(self, event: RecordedEvent) -> None:
        if not self._open(event):
            return
        self._closed = ("resolved", event.seq)
        end = self._replay.end_event() if self._replay.is_completed else None
        recorded = event.payload.get("end_event")
        if not self._replay.is_completed:
            self._deviate(event, DeviationKind.DIFFERENT_FINAL_STATE, recorded,
                          self._ready_now(), "the log says the dossier was resolved, but the "
                          "diagram has not ended; steps still ready: "
                          f"{', '.join(self._ready_now()) or 'none'}")
        elif recorded is not None and recorded != end:
            self._deviate(event, DeviationKind.DIFFERENT_FINAL_STATE, recorded, end,
                          f"the log says the dossier ended at {recorded}, the diagram ends "
                          f"at {end}")

    def _check_end(self) -> None:
        if self._replay is None:
            if self.events == 0:
                self.deviations.append(Deviation(
                    self.case_code, None, None, DeviationKind.PATH_NOT_ALLOWED,
                    EventKind.CASE_RECEIVED, None, "the dossier has no audit event at all, "
                    "not even case_received"))
            return
        if self._replay.is_completed and self._closed is None:
            end = self._replay.end_event()
            self.deviations.append(Deviation(
                self.case_code, None, None, DeviationKind.DIFFERENT_FINAL_STATE, None, end,
                f"the diagram ended at {end}, but the log never says the dossier was "
                "resolved"))

    # -- helpers ---------------------------------------------------------------------------

    def _open(self, event: RecordedEvent) -> bool:
        """Whether an engine action may happen now; a deviation if the dossier was closed."""
        if self._closed is None:
            return True
        status, seq = self._closed
        self._deviate(event, DeviationKind.PATH_NOT_ALLOWED, "an open dossier", status,
                      f"{event.kind} after the dossier was {status} (#{seq}): nothing may "
                      "move a closed dossier")
        return False

    def _status(self) -> str:
        return self._closed[0] if self._closed is not None else "open"

    def _compare_ready(self, event: RecordedEvent, found: list[str]) -> None:
        expected = sorted(item.get("bpmn_id") for item in event.payload.get("ready") or ())
        if sorted(found) != expected:
            self._deviate(event, DeviationKind.DIFFERENT_READY_STEPS, expected, sorted(found),
                          f"the log says {_steps(expected)} became ready, the diagram makes "
                          f"{_steps(sorted(found))} ready; the replay of this dossier stops "
                          "here (the re-run follows another path)")
            raise _Stop

    def _engine_error(self, event: RecordedEvent, exc: EngineError) -> None:
        self._deviate(event, DeviationKind.ENGINE_ERROR, None, exc.element_id,
                      f"the engine failed: {exc}; the replay of this dossier stops here")
        raise _Stop

    def _deviate(self, event: RecordedEvent, kind: DeviationKind, expected: Any, found: Any,
                 message: str) -> None:
        self.deviations.append(Deviation(self.case_code, event.seq, event.kind, kind,
                                         expected, found, message))

    def _ready_now(self) -> list[str]:
        return self._replay.ready_steps() if self._replay is not None else []

    def _name(self, bpmn_id: str) -> str:
        node = self.spec.procedure.nodes.get(bpmn_id)
        return f"({node.name})" if node is not None and node.name else ""

    def _local(self, moment: datetime) -> str:
        return f"{moment.astimezone(self.calendar.tz):%d/%m/%Y %H:%M}"


def _verb(kind: str) -> str:
    return "returned" if kind == EventKind.TASK_RETURNED else "completed"


def _steps(ids: list[str]) -> str:
    return ", ".join(ids) if ids else "no step"
