"""Appending to a hash chain: each event's hash covers the previous hash and its own fields.

A chain is named by its ``chain_key``: ``case:<id>`` for everything that happens to a dossier,
``procedure:<id>`` for a procedure's versions, ``system`` for the directory (agencies, units,
users, memberships). ``seq`` counts from 1 in each chain. ::

    hash = SHA-256( prev_hash  +  canonical_json({chain_key, seq, kind, at, actor, case, task,
                                                  payload}) )

with ``prev_hash`` the previous event's hash in hex ("" for the first event of a chain).

Two transactions appending to one chain must not both take the same ``seq``. On PostgreSQL
:func:`append_event` takes a transaction-scoped advisory lock on the chain key
(``pg_advisory_xact_lock``), which works for every chain, including one that has no event yet
(a ``SELECT … FOR UPDATE`` on the chain's last row cannot lock a row that does not exist, nor
stop a second writer from reading the same last row after the first commits) — unless the
caller declared with :func:`hold_chain` that its own lock serialises the chain already (the
services lock a dossier's row before any change to it). On SQLite the write transaction's
``BEGIN IMMEDIATE`` already makes writers take turns.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, text
from sqlalchemy.orm import Session

from isobpmn.store import Case, Event, Task, User

from .canonical import canonical_json, canonical_value

__all__ = ["SYSTEM_CHAIN", "Appended", "append_event", "case_chain", "event_fields", "event_hash",
           "hold_chain", "prime_chain", "procedure_chain"]

SYSTEM_CHAIN = "system"


def case_chain(case_id: int) -> str:
    return f"case:{case_id}"


def procedure_chain(procedure_id: int) -> str:
    return f"procedure:{procedure_id}"


def event_fields(*, chain_key: str, seq: int, kind: str, at: datetime, actor_id: int | None,
                 actor_name: str | None, case_id: int | None, task_id: int | None,
                 payload: Mapping[str, Any] | None) -> dict[str, Any]:
    """The fields of an event that its hash covers, as canonical data."""
    return canonical_value({
        "chain_key": chain_key, "seq": seq, "kind": kind, "at": at,
        "actor": {"id": actor_id, "name": actor_name},
        "case": case_id, "task": task_id, "payload": dict(payload or {}),
    })


def event_hash(prev_hash: str | None, fields: Mapping[str, Any]) -> str:
    """SHA-256, hex, of the previous hash ("" for none) followed by the canonical fields."""
    digest = hashlib.sha256((prev_hash or "").encode("ascii"))
    digest.update(canonical_json(fields))
    return digest.hexdigest()


_HEAD = (select(Event.seq, Event.hash).where(Event.chain_key == bindparam("chain_key"))
         .order_by(Event.seq.desc()).limit(1))
_LOCK = text("SELECT pg_advisory_xact_lock(:key)")
_INSERT = insert(Event.__table__)
#: ``session.info`` key: the head (next seq, last hash) of each chain appended to in this
#: transaction, so that several events of one call chain up without a flush in between.
_HEADS = "isobpmn.audit.heads"
#: ``session.info`` key: chains whose writers the caller serialises itself (:func:`hold_chain`).
_HELD = "isobpmn.audit.held"


def hold_chain(session: Session, chain_key: str) -> None:
    """Tell :func:`append_event` that the caller already serialises this chain's writers for
    the rest of the transaction (the services lock a dossier's row before touching it), so no
    advisory lock is needed for it."""
    session.info.setdefault(_HELD, set()).add(chain_key)


def prime_chain(session: Session, chain_key: str, last_seq: int | None,
                last_hash: str | None) -> None:
    """Give :func:`append_event` the chain's head (its last event's seq and hash, ``None`` for an
    empty chain), read by the caller in this transaction after it serialised the chain's
    writers (:func:`hold_chain`), so that the first event needs no read of its own. Ignored
    for a chain not held, or whose head this transaction already knows."""
    if chain_key not in session.info.get(_HELD, ()):
        return
    heads = session.info.setdefault(_HEADS, {})
    if chain_key not in heads:
        heads[chain_key] = (last_seq + 1, last_hash) if last_seq is not None else (1, None)


def _lock_chain(session: Session, chain_key: str) -> None:
    if session.get_bind().dialect.name != "postgresql":
        return  # SQLite: BEGIN IMMEDIATE already serialises writers
    if chain_key in session.info.get(_HELD, ()):
        return
    key = int.from_bytes(hashlib.sha256(chain_key.encode("utf-8")).digest()[:8], "big",
                         signed=True)
    session.execute(_LOCK, {"key": key})


@dataclass(frozen=True, slots=True)
class Appended:
    """Where an event went: its chain, position and hash."""

    chain_key: str
    seq: int
    hash: str


def append_event(session: Session, *, chain_key: str, kind: str, at: datetime,
                 actor: User | None = None, actor_name: str | None = None,
                 case: Case | int | None = None, task: Task | int | None = None,
                 payload: Mapping[str, Any] | None = None) -> Appended:
    """Insert the next event of ``chain_key`` in the session's transaction.

    The row is written at once with a plain ``INSERT`` (no ORM object: the log is never read
    back in the transaction that writes it, and the unit of work would cost more than the
    insert).

    The chain's head is read (and, on PostgreSQL, the chain locked) at the first event of the
    transaction and remembered in ``session.info`` for the next ones: a transaction must not
    roll back to a savepoint taken before an event it keeps using the chain after.
    ``actor`` is the user who acted, or ``None`` with ``actor_name`` saying what did (``"worker
    w1"``). ``case`` and ``task`` may be objects or ids; new objects are flushed for their id.
    The payload is stored in its canonical form (datetimes as UTC text, Decimals as text), so
    what is stored is exactly what was hashed.
    """
    if (isinstance(case, Case) and case.id is None) or (isinstance(task, Task) and task.id is None):
        session.flush()
    case_id = case.id if isinstance(case, Case) else case
    task_id = task.id if isinstance(task, Task) else task
    actor_id = actor.id if actor is not None else None
    name = actor.full_name if actor is not None else actor_name
    heads = session.info.setdefault(_HEADS, {})
    if chain_key in heads:
        seq, prev_hash = heads[chain_key]
    else:
        _lock_chain(session, chain_key)
        with session.no_autoflush:
            last = session.execute(_HEAD, {"chain_key": chain_key}).first()
        seq, prev_hash = (last.seq + 1, last.hash) if last is not None else (1, None)
    fields = event_fields(chain_key=chain_key, seq=seq, kind=kind, at=at, actor_id=actor_id,
                          actor_name=name, case_id=case_id, task_id=task_id, payload=payload)
    # ``fields`` is canonical data already: its canonical JSON is json.dumps with the rules'
    # options, without a second walk (the same bytes as event_hash's canonical_json)
    digest = hashlib.sha256((prev_hash or "").encode("ascii"))
    digest.update(json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                             allow_nan=False).encode("utf-8"))
    digest = digest.hexdigest()
    session.execute(_INSERT, {"chain_key": chain_key, "seq": seq, "kind": kind, "at": at,
                              "actor_id": actor_id, "actor_name": name, "case_id": case_id,
                              "task_id": task_id, "payload": fields["payload"],
                              "prev_hash": prev_hash, "hash": digest})
    heads[chain_key] = (seq + 1, digest)
    return Appended(chain_key, seq, digest)
