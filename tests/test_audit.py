"""The audit log: canonical JSON, hash chains, and verification that names every break."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from fixtures_services import together
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from isobpmn.audit import (
    SYSTEM_CHAIN,
    append_event,
    canonical_json,
    event_fields,
    event_hash,
    verify,
)
from isobpmn.store import Event

AT = datetime(2026, 2, 13, 8, 30, tzinfo=timezone(timedelta(hours=7)))


def test_canonical_json_is_one_spelling():
    value = {"b": [1, 2.0, 2.5, Decimal("1.50")], "a": "Hòa An", "at": AT,
             "day": date(2026, 2, 13), "none": None, "yes": True}
    assert canonical_json(value) == (
        '{"a":"Hòa An","at":"2026-02-13T01:30:00.000000Z","b":[1,2,2.5,"1.50"],'
        '"day":"2026-02-13","none":null,"yes":true}').encode("utf-8")
    # the same value read back from a JSON column (jsonb keeps 2.0 as 2) hashes alike
    assert canonical_json(json.loads(canonical_json(value))) == canonical_json(value)


@pytest.mark.parametrize("bad", [float("nan"), {1: "x"}, object(), datetime(2026, 2, 13)])
def test_canonical_json_refuses_what_it_cannot_spell(bad):
    with pytest.raises(ValueError):
        canonical_json({"x": bad})


def test_hash_covers_previous_hash_and_fields():
    fields = event_fields(chain_key="system", seq=1, kind="k", at=AT, actor_id=None,
                          actor_name="operator", case_id=None, task_id=None, payload={"a": 1})
    first = event_hash(None, fields)
    assert len(first) == 64 and first != event_hash("0" * 64, fields)
    assert first != event_hash(None, {**fields, "payload": {"a": 2}})


def _append(db, n: int, chain: str = SYSTEM_CHAIN, start: int = 0) -> None:
    for i in range(n):
        with db.write() as session:
            append_event(session, chain_key=chain, kind="test", at=AT + timedelta(minutes=i),
                         actor_name="tester", payload={"i": start + i, "amount": Decimal("2.5")})


def _events(db, chain: str = SYSTEM_CHAIN) -> list[Event]:
    with db.read() as session:
        return list(session.scalars(select(Event).where(Event.chain_key == chain)
                                    .order_by(Event.seq)))


def test_chain_links_each_event_to_the_one_before(database):
    _append(database, 3)
    with database.write() as session:  # several events in one transaction chain up too
        for i in range(2):
            append_event(session, chain_key=SYSTEM_CHAIN, kind="test", at=AT, payload={"n": i})
        append_event(session, chain_key="procedure:1", kind="test", at=AT)
    events = _events(database)
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert events[0].prev_hash is None
    assert all(e.prev_hash == p.hash for p, e in zip(events, events[1:]))
    assert events[0].payload == {"i": 0, "amount": "2.5"}  # stored as it was hashed
    with database.read() as session:
        report = verify(session)
    assert report.ok and (report.chains, report.events) == (2, 6)


def test_verify_names_a_hand_edited_event(database):
    _append(database, 4)
    victim = _events(database)[1]
    if database.dialect == "postgresql":
        with pytest.raises(DBAPIError, match="append-only"):
            with database.engine.begin() as connection:
                connection.execute(text("UPDATE events SET payload = '{\"i\": 99}' WHERE id = :id"),
                                   {"id": victim.id})
        return  # the trigger refused it; forging by insertion is tested below
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE events SET payload = '{\"i\": 99}' WHERE id = :id"),
                           {"id": victim.id})
    with database.read() as session:
        report = verify(session)
    [broken] = report.breaks
    assert (broken.chain_key, broken.seq, broken.event_id, broken.problem) == \
        (SYSTEM_CHAIN, 2, victim.id, "hash")
    assert broken.stored == victim.hash and broken.expected != victim.hash
    assert "system #2" in broken.message and "edited" in broken.message


def test_verify_names_a_forged_event_inserted_with_a_wrong_hash(database):
    _append(database, 2)
    last = _events(database)[-1]
    with database.engine.begin() as connection:
        connection.execute(
            text("INSERT INTO events (chain_key, seq, kind, at, actor_name, payload, prev_hash, "
                 "hash) VALUES ('system', 3, 'forged', :at, 'intruder', '{}', :prev, :hash)"),
            {"at": datetime(2026, 2, 14, 1, 0) if database.dialect == "sqlite"
             else datetime(2026, 2, 14, 1, 0, tzinfo=timezone.utc),
             "prev": last.hash, "hash": "f" * 64})
    with database.read() as session:
        report = verify(session)
    [broken] = report.breaks
    assert (broken.seq, broken.problem, broken.stored) == (3, "hash", "f" * 64)


@pytest.mark.parametrize("backend_only", ["sqlite"])
def test_verify_names_a_gap_left_by_a_deleted_event(database, backend_only):
    if database.dialect != backend_only:
        pytest.skip("PostgreSQL's trigger refuses deletes (test_store)")
    _append(database, 4)
    victim = _events(database)[1]
    with database.engine.begin() as connection:
        connection.execute(text("DELETE FROM events WHERE id = :id"), {"id": victim.id})
    with database.read() as session:
        problems = [(b.seq, b.problem) for b in verify(session).breaks]
    assert problems == [(3, "gap"), (3, "link")]


def test_concurrent_appends_to_one_chain_never_share_a_seq(database):
    errors = together(*(lambda k=k: _append(database, 10, start=k * 100) for k in range(3)))
    assert not errors
    events = _events(database)
    assert [e.seq for e in events] == list(range(1, 31))
    with database.read() as session:
        assert verify(session).ok
