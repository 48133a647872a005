"""A dossier as its audit log tells it, event by event: the reading behind the replay player
(:mod:`.case_replay`, docs/replay.md *Replay on the diagram*).

:class:`CaseTape` applies one event at a time, as its payload says (docs/services.md lists the
payloads): the ``ready`` lists open steps, completions and returns close them, ``cancelled``
ends them, supplement and fee events open and close pauses at the moments they carry, forms
come into existence with the events that issue them. Nothing is read from the engine or from
the task table's current columns; two tables only fill in what an event names by id — the
task rows map a completion's task and a cancellation's row ids to the engine ids of the
``ready`` lists, and the pause rows tell which pause a diagram's timer ended (the worker closes
it in the timer's transaction, and the log does not say so).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from isobpmn.model import Step
from isobpmn.model import types as bpmn
from isobpmn.store import Case, CasePause, Event, Task, User

from .casework import message_catches_after
from .documents import refuses_at_reception
from .kinds import EventKind

__all__ = ["CaseTape", "Occurrence", "Pause"]

#: Two moments written from one transaction's clock reading.
_SAME = timedelta(seconds=1)


@dataclass
class Occurrence:
    """One time a step was open: from its ``ready`` list to its completion or cancellation.
    ``state`` is a task's (``ready``, ``claimed``, ``completed``, ``cancelled``)."""

    uuid: str | None
    bpmn_id: str
    name: str
    ready_at: datetime
    state: str = "ready"
    ended_at: datetime | None = None
    holder: str | None = None
    outcome: str | None = None

    @property
    def is_open(self) -> bool:
        return self.state in ("ready", "claimed")


@dataclass
class Pause:
    """A pause of the dossier's clock (``supplement`` or ``fee``)."""

    reason: str
    started_at: datetime
    requested_by: str | None
    note: str | None
    ended_at: datetime | None = None
    #: The diagram's catch events the dossier waits at meanwhile.
    waits_at: tuple[str, ...] = ()


@dataclass
class CaseTape:
    """The dossier's state after the events applied so far (:meth:`apply`)."""

    session: Session
    case: Case
    tz: ZoneInfo
    procedure: bpmn.Procedure
    steps: dict[str, Step]
    status: str = "open"
    appointment: datetime | None = None
    occurrences: list[Occurrence] = field(default_factory=list)
    pauses: list[Pause] = field(default_factory=list)
    #: Forms issued so far: (kind, number of the request or letter, or None).
    issued: list[tuple[str, int | None]] = field(default_factory=list)
    #: The end event the diagram reached.
    end_event: str | None = None

    def __post_init__(self) -> None:
        rows = self.session.execute(select(Task.id, Task.task_uuid, Task.bpmn_id)
                                    .where(Task.case_id == self.case.id)).all()
        self.task_uuids = {row.id: row.task_uuid for row in rows}
        self.task_steps = {row.id: row.bpmn_id for row in rows}
        self.pause_rows = self.session.execute(
            select(CasePause.reason, CasePause.started_at, CasePause.ended_at)
            .where(CasePause.case_id == self.case.id)).all()
        self._names: dict[str, str] = {}

    def apply(self, event: Event, at: datetime, payload: dict[str, Any]) -> None:
        """Change the dossier as ``event`` (at ``at``, in the agency's zone) says; an event
        kind that moves nothing (an SLA change, a rating, a kind unknown here) changes
        nothing."""
        handler = _HANDLERS.get(event.kind)
        if handler is not None:
            handler(self, event, at, payload)
        if self.status == "paused" and not self.open_pauses():
            self.status = "open"

    # -- the state --------------------------------------------------------------------------

    def open_pauses(self) -> list[Pause]:
        return [p for p in self.pauses if p.ended_at is None]

    def current(self) -> tuple[str, ...]:
        """Diagram ids open now: the open steps, and the catch events a pause waits at."""
        return tuple(dict.fromkeys([o.bpmn_id for o in self.occurrences if o.is_open]
                                   + [b for p in self.open_pauses() for b in p.waits_at]))

    def done(self) -> tuple[str, ...]:
        """Diagram ids done and not open again, in the order first done; the end event."""
        current = set(self.current())
        done = [o.bpmn_id for o in self.occurrences if o.state == "completed"]
        if self.end_event:
            done.append(self.end_event)
        return tuple(b for b in dict.fromkeys(done) if b not in current)

    def step_of(self, event: Event, payload: dict[str, Any]) -> str | None:
        """The diagram id the event concerns: its step, its task's, or the end event."""
        return payload.get("bpmn_id") or payload.get("end_event") \
            or self.task_steps.get(event.task_id)

    # -- changes ----------------------------------------------------------------------------

    def moment(self, value: Any, default: datetime | None) -> datetime | None:
        """A payload's moment (ISO text or datetime) in the agency's zone."""
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return value.astimezone(self.tz) if isinstance(value, datetime) else default

    def open_ready(self, payload: dict[str, Any], at: datetime) -> None:
        for item in payload.get("ready") or ():
            self.occurrences.append(Occurrence(item.get("task_uuid"), item["bpmn_id"],
                                               item.get("name") or item["bpmn_id"], at))

    def find(self, task_id: int | None, bpmn_id: str | None) -> Occurrence | None:
        """The open occurrence an event names: by its task row, else by its step."""
        uuid = self.task_uuids.get(task_id) if task_id is not None else None
        opened = [o for o in self.occurrences if o.is_open]
        return next((o for o in opened if uuid is not None and o.uuid == uuid), None) or next(
            (o for o in opened if o.bpmn_id == (bpmn_id or self.task_steps.get(task_id))), None)

    def cancel(self, payload: dict[str, Any], at: datetime) -> None:
        for task_id in payload.get("cancelled") or ():
            found = self.find(task_id, None)
            if found is not None:
                found.state, found.ended_at = "cancelled", at

    def open_pause(self, reason: str, at: datetime, actor: str | None, note: str | None,
                   waits_at: tuple[str, ...] = ()) -> None:
        self.pauses.append(Pause(reason, at, actor, note, waits_at=waits_at))
        self.status = "paused"

    def close_pauses(self, at: datetime, reason: str | None = None) -> None:
        for pause in self.open_pauses():
            if reason is None or pause.reason == reason:
                pause.ended_at = max(at, pause.started_at)

    def close_pauses_ended_at(self, at: datetime) -> None:
        """Close the open pauses whose row says they ended at ``at``."""
        for pause in self.open_pauses():
            if any(reason == pause.reason and abs(started - pause.started_at) <= _SAME
                   and ended is not None and abs(ended - at) <= _SAME
                   for reason, started, ended in self.pause_rows):
                pause.ended_at = at

    def issue(self, kind: str, no: int | None = None) -> None:
        if (kind, no) not in self.issued:
            self.issued.append((kind, no))

    def full_name(self, username: str | None) -> str | None:
        if not username:
            return None
        if username not in self._names:
            self._names[username] = self.session.scalar(
                select(User.full_name).where(User.username == username)) or username
        return self._names[username]


# -- what each event kind does to the dossier -----------------------------------------------

Handler = Callable[[CaseTape, Event, datetime, dict[str, Any]], None]


def _received(tape: CaseTape, event: Event, at: datetime, payload: dict[str, Any]) -> None:
    tape.appointment = tape.moment(payload.get("appointment_at"), None)
    tape.open_ready(payload, at)
    tape.issue("receipt")
    tape.issue("control-sheet")


def _claimed(tape: CaseTape, event: Event, at: datetime, payload: dict[str, Any]) -> None:
    found = tape.find(event.task_id, payload.get("bpmn_id"))
    if found is None:
        return
    if event.kind == EventKind.TASK_UNCLAIMED:
        found.state, found.holder = "ready", None
    else:
        found.state = "claimed"
        found.holder = event.actor_name if event.kind == EventKind.TASK_CLAIMED \
            else tape.full_name(payload.get("to_user"))


def _completed(tape: CaseTape, event: Event, at: datetime, payload: dict[str, Any]) -> None:
    found = tape.find(event.task_id, payload.get("bpmn_id"))
    if found is not None:
        found.state, found.ended_at = "completed", at
        found.holder, found.outcome = event.actor_name, payload.get("outcome")
    if refuses_at_reception(tape.steps.get(payload.get("bpmn_id")), payload.get("data")):
        tape.issue("refusal")
    tape.cancel(payload, at)
    tape.open_ready(payload, at)


def _supplement_requested(tape: CaseTape, event: Event, at: datetime,
                          payload: dict[str, Any]) -> None:
    step = tape.task_steps.get(event.task_id)
    tape.open_pause("supplement", at, event.actor_name, payload.get("reason"),
                    message_catches_after(tape.procedure, step) if step else ())
    tape.issue("supplement", payload.get("request_no") or 1)
    tape.appointment = tape.moment(payload.get("appointment_at"), tape.appointment)


def _supplement_received(tape: CaseTape, event: Event, at: datetime,
                         payload: dict[str, Any]) -> None:
    moment = tape.moment(payload.get("received_at"), at)
    tape.close_pauses(moment, "supplement")
    tape.appointment = tape.moment(payload.get("appointment_at"), tape.appointment)
    tape.cancel(payload, at)
    tape.open_ready(payload, moment)


def _payment_awaited(tape: CaseTape, event: Event, at: datetime,
                     payload: dict[str, Any]) -> None:
    tape.open_pause("fee", at, event.actor_name, payload.get("note"))


def _payment_received(tape: CaseTape, event: Event, at: datetime,
                      payload: dict[str, Any]) -> None:
    tape.close_pauses(tape.moment(payload.get("paid_at"), at), "fee")
    tape.appointment = tape.moment(payload.get("appointment_at"), tape.appointment)


def _apology(tape: CaseTape, event: Event, at: datetime, payload: dict[str, Any]) -> None:
    tape.issue("apology", 1 + sum(kind == "apology" for kind, _ in tape.issued))
    tape.appointment = tape.moment(payload.get("new_appointment_at"), tape.appointment)


def _timer(tape: CaseTape, event: Event, at: datetime, payload: dict[str, Any]) -> None:
    tape.cancel(payload, at)
    tape.open_ready(payload, at)
    tape.close_pauses_ended_at(at)  # a timer that ended the wait for a supplement


def _ended(status: str) -> Handler:
    form = {"refused": "refusal", "withdrawn": "stop"}.get(status)

    def end(tape: CaseTape, event: Event, at: datetime, payload: dict[str, Any]) -> None:
        tape.cancel(payload, at)
        for occurrence in tape.occurrences:
            if occurrence.is_open:
                occurrence.state, occurrence.ended_at = "cancelled", at
        tape.close_pauses(at)
        tape.status = status
        if status == "resolved":
            tape.end_event = payload.get("end_event")
        if form:
            tape.issue(form)
    return end


def _result_returned(tape: CaseTape, event: Event, at: datetime,
                     payload: dict[str, Any]) -> None:
    tape.status = "returned"


_HANDLERS: dict[str, Handler] = {
    EventKind.CASE_RECEIVED: _received,
    EventKind.TASK_CLAIMED: _claimed,
    EventKind.TASK_UNCLAIMED: _claimed,
    EventKind.TASK_REASSIGNED: _claimed,
    EventKind.TASK_COMPLETED: _completed,
    EventKind.TASK_RETURNED: _completed,
    EventKind.SUPPLEMENT_REQUESTED: _supplement_requested,
    EventKind.SUPPLEMENT_RECEIVED: _supplement_received,
    EventKind.PAYMENT_AWAITED: _payment_awaited,
    EventKind.PAYMENT_RECEIVED: _payment_received,
    EventKind.APOLOGY_ISSUED: _apology,
    EventKind.TIMER_FIRED: _timer,
    EventKind.CASE_RESOLVED: _ended("resolved"),
    EventKind.CASE_REFUSED: _ended("refused"),
    EventKind.CASE_WITHDRAWN: _ended("withdrawn"),
    EventKind.RESULT_RETURNED: _result_returned,
}
