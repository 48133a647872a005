"""Recompute the hash chains and name every break: ``isobpmn audit verify``.

For each chain, in ``seq`` order, three things must hold:

- ``seq`` runs 1, 2, 3 … with no gap (a gap is a deleted event);
- ``prev_hash`` is the stored ``hash`` of the event before (``None`` for the first): otherwise
  an event was inserted, removed or re-linked;
- ``hash`` is what :func:`~isobpmn.audit.chain.event_hash` gives for the stored fields and the
  stored ``prev_hash``: otherwise the event was edited after it was written.

Every break is reported, not just the first, so that one forged event does not hide the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from isobpmn.store import Case, Event

from .chain import case_chain, event_fields, event_hash

__all__ = ["ChainBreak", "UnknownCaseCode", "VerifyReport", "verify"]

#: Events read per round trip while verifying.
BATCH = 2000


class UnknownCaseCode(LookupError):
    """``verify(case_code=…)`` named a dossier that does not exist."""


@dataclass(frozen=True, slots=True)
class ChainBreak:
    """One place where a chain does not hold.

    ``problem`` is ``"hash"`` (the event's content does not match its hash), ``"link"`` (its
    ``prev_hash`` is not the hash of the event before) or ``"gap"`` (``seq`` jumps: events are
    missing before this one). ``expected`` and ``stored`` are the two values that disagree.
    """

    chain_key: str
    seq: int
    event_id: int
    problem: str
    expected: str | None
    stored: str | None

    @property
    def message(self) -> str:
        what = {
            "hash": "content does not match its hash (edited after it was written)",
            "link": "prev_hash is not the hash of the event before it",
            "gap": "events are missing before this one",
        }[self.problem]
        return (f"{self.chain_key} #{self.seq} (event {self.event_id}): {what}; "
                f"expected {self.expected or '—'}, stored {self.stored or '—'}")


@dataclass(slots=True)
class VerifyReport:
    """What :func:`verify` checked and every break it found (``ok`` when there is none)."""

    chains: int = 0
    events: int = 0
    breaks: list[ChainBreak] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaks


def verify(session: Session, case_code: str | None = None) -> VerifyReport:
    """Recompute every chain (or only the dossier ``case_code``'s) and report the breaks."""
    query = select(Event).order_by(Event.chain_key, Event.seq, Event.id)
    if case_code is not None:
        case_id = session.scalar(select(Case.id).where(Case.code == case_code))
        if case_id is None:
            raise UnknownCaseCode(f"no dossier with the code {case_code!r}")
        query = query.where(Event.chain_key == case_chain(case_id))
    report = VerifyReport()
    chain_key: str | None = None
    previous: Event | None = None
    for event in session.scalars(query.execution_options(yield_per=BATCH)):
        if event.chain_key != chain_key:
            chain_key, previous = event.chain_key, None
            report.chains += 1
        report.events += 1
        _check(event, previous, report.breaks)
        previous = event
    return report


def _check(event: Event, previous: Event | None, breaks: list[ChainBreak]) -> None:
    expected_seq = previous.seq + 1 if previous is not None else 1
    if event.seq != expected_seq:
        breaks.append(ChainBreak(event.chain_key, event.seq, event.id, "gap",
                                 f"seq {expected_seq}", f"seq {event.seq}"))
    expected_prev = previous.hash if previous is not None else None
    if event.prev_hash != expected_prev and not (previous is None and event.seq != 1):
        breaks.append(ChainBreak(event.chain_key, event.seq, event.id, "link", expected_prev,
                                 event.prev_hash))
    try:
        fields = event_fields(chain_key=event.chain_key, seq=event.seq, kind=event.kind,
                              at=event.at, actor_id=event.actor_id, actor_name=event.actor_name,
                              case_id=event.case_id, task_id=event.task_id,
                              payload=event.payload)
        recomputed = event_hash(event.prev_hash, fields)
    except (ValueError, TypeError) as exc:  # a payload no writer could have produced
        recomputed = f"unreadable: {exc}"
    if recomputed != event.hash:
        breaks.append(ChainBreak(event.chain_key, event.seq, event.id, "hash", recomputed,
                                 event.hash))
