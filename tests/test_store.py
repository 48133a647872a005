"""The store on a real SQLite file and, when configured, a real PostgreSQL schema."""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fixtures_store import RECEIVED, add_agency, add_case, add_version
from sqlalchemy import delete, inspect, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError, StatementError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from isobpmn.store import (
    TASK_IS_OPEN,
    Agency,
    AppendOnlyError,
    Case,
    CasePause,
    CaseState,
    ConcurrentUpdateError,
    Database,
    DatabaseConfigError,
    Event,
    ImmutableVersionError,
    Membership,
    Procedure,
    ProcedureVersion,
    Task,
    Timer,
    Unit,
    User,
    make_engine,
    normalize_url,
    resolve_url,
)

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def _only(database: Database, dialect: str) -> None:
    if database.dialect != dialect:
        pytest.skip(f"{dialect} only")


# --- where the data lives --------------------------------------------------------------------


@pytest.mark.parametrize("given, expected", [
    ("postgresql://u:p@db:5432/iso", "postgresql+psycopg://u:p@db:5432/iso"),
    ("postgres://u@db/iso", "postgresql+psycopg://u@db/iso"),
    ("postgresql+psycopg://u@db/iso", "postgresql+psycopg://u@db/iso"),
    ("sqlite:///instance/isobpmn.sqlite3", "sqlite:///instance/isobpmn.sqlite3"),
])
def test_normalize_url(given, expected):
    assert normalize_url(given) == expected


def test_url_comes_from_argument_then_environment_then_data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("ISOBPMN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ISOBPMN_DATABASE_URL", raising=False)
    assert resolve_url().database == str((tmp_path / "data" / "isobpmn.sqlite3").resolve())
    assert (tmp_path / "data").is_dir()
    monkeypatch.setenv("ISOBPMN_DATABASE_URL", "postgresql://u@db/iso")
    assert resolve_url().drivername == "postgresql+psycopg"
    assert resolve_url(f"sqlite:///{tmp_path}/x.db").database == f"{tmp_path}/x.db"


def test_default_data_dir_is_instance(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ISOBPMN_DATABASE_URL", raising=False)
    monkeypatch.delenv("ISOBPMN_DATA_DIR", raising=False)
    assert Path(resolve_url().database) == tmp_path.resolve() / "instance" / "isobpmn.sqlite3"


@pytest.mark.parametrize("url, message", [
    ("mysql://u@db/iso", "unsupported database 'mysql'"),
    ("postgresql+psycopg2://u@db/iso", "unsupported PostgreSQL driver 'psycopg2'"),
    ("not a url", "not a database URL"),
])
def test_unusable_urls_are_refused_with_a_reason(url, message):
    with pytest.raises(DatabaseConfigError, match=message):
        make_engine(url)


def test_password_is_masked(tmp_path):
    db = Database(make_engine("postgresql://iso:secret@127.0.0.1:1/iso"))
    assert "secret" not in db.url and "***" in db.url


# --- SQLite settings ---------------------------------------------------------------------------


def test_sqlite_pragmas_are_in_effect(database):
    _only(database, "sqlite")
    with database.read() as session:
        pragma = lambda name: session.execute(text(f"PRAGMA {name}")).scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") == 10_000
        assert pragma("synchronous") == 1  # NORMAL


def test_sqlite_write_takes_the_writer_lock_first_and_readers_go_on(database):
    _only(database, "sqlite")
    with database.write() as session:
        add_agency(session)
        other = sqlite3.connect(database.engine.url.database, timeout=0, isolation_level=None)
        try:
            assert other.execute("SELECT count(*) FROM agencies").fetchone() == (0,)
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        finally:
            other.close()
    with database.read() as session:
        assert session.scalar(select(Agency.code)) == "UBND-XA-A"


def test_sqlite_foreign_keys_are_enforced(database):
    _only(database, "sqlite")
    with pytest.raises(IntegrityError, match="FOREIGN KEY"):
        with database.write() as session:
            session.add(Unit(agency_id=999, code="VP", name="Văn phòng"))


# --- units of work -----------------------------------------------------------------------------


def test_write_commits_and_rolls_back_on_error(database):
    with database.write() as session:
        add_agency(session, "A")
    with pytest.raises(RuntimeError):
        with database.write() as session:
            add_agency(session, "B")
            raise RuntimeError("boom")
    with database.read() as session:
        assert session.scalars(select(Agency.code)).all() == ["A"]


def test_read_never_commits(database):
    try:
        with database.read() as session:
            add_agency(session, "R")
    except DBAPIError as exc:  # PostgreSQL: the read transaction is READ ONLY
        assert database.dialect == "postgresql" and "read-only" in str(exc)
    else:
        assert database.dialect == "sqlite"
    with database.read() as session:
        assert session.scalars(select(Agency)).all() == []


def test_objects_stay_usable_after_the_transaction(database):
    with database.write() as session:
        agency = add_agency(session)
    assert agency.code == "UBND-XA-A" and agency.id


# --- round trips -------------------------------------------------------------------------------


def _columns(obj) -> dict:
    return {attr.key: getattr(obj, attr.key) for attr in inspect(obj).mapper.column_attrs}


def test_every_model_round_trips(database):
    at = datetime(2026, 2, 13, 8, 30, tzinfo=HANOI)
    with database.write() as session:
        province = add_agency(session, "UBND-TINH", level="province", name="UBND tỉnh Quảng Ninh")
        commune = add_agency(session, "UBND-XA-A", parent_id=province.id, address="Hạ Long",
                             calendar={"cutoff": "15:00", "extra_days_off": ["2026-02-20"]})
        unit = Unit(agency_id=commune.id, code="TP-HT", name="Tư pháp - Hộ tịch")
        user = User(username="an.nv", full_name="Nguyễn Văn An", email="an@example.vn",
                    password_hash="x", is_admin=True)
        session.add_all([unit, user])
        session.flush()
        membership = Membership(user_id=user.id, agency_id=commune.id, unit_id=unit.id,
                                role_code="chuyen-vien")
        version = add_version(session, commune, status="draft")
        version.created_by = user.id
        case = add_case(session, commune, version, applicant_id_number="022090001234",
                        applicant_address="Tổ 1, Hạ Long", applicant_phone="0912345678",
                        applicant_email="dan@example.vn", request="Đăng ký khai sinh",
                        channel="online", status="paused", clock_started_at=at,
                        appointment_at=at + timedelta(days=1),
                        original_appointment_at=at + timedelta(days=1), outcome="on_time",
                        supplement_count=1, dossier_components=[{"id": "to-khai", "copy": False}],
                        data={"ten_tre": "Nguyễn Văn Bình", "so": 12})
        pause = CasePause(case_id=case.id, reason="supplement", started_at=at,
                          ended_at=at + timedelta(hours=3), requested_by=user.id, note="Mẫu 02")
        state = CaseState(case_id=case.id, format_version=1, state=b"\x00\x01spiff\xff",
                          updated_at=at)
        task = Task(case_id=case.id, agency_id=commune.id, task_uuid="6f1c-…", bpmn_id="Kiem_tra",
                    name="Kiểm tra hồ sơ", step_number="3.1", role_code="chuyen-vien",
                    unit_code="TP-HT", state="completed", ready_at=at,
                    due_at=at + timedelta(hours=2), paused_seconds=600, claimed_by=user.id,
                    claimed_at=at, completed_by=user.id, completed_at=at + timedelta(hours=1),
                    outcome="early", sla_state="due_soon", data={"ket_qua": "đạt"})
        timer = Timer(case_id=case.id, task_uuid="7a2d", bpmn_id="Nhac_han",
                      fire_at=at + timedelta(days=2), locked_by="worker-1", locked_at=at,
                      fired_at=at + timedelta(days=2))
        session.add_all([membership, pause, state, task, timer])
        session.flush()
        event = Event(chain_key=f"case:{case.id}", seq=1, case_id=case.id, kind="completed",
                      actor_id=user.id, actor_name=user.full_name, at=at, task_id=task.id,
                      payload={"fields": {"ket_qua": "đạt"}}, prev_hash="a" * 64, hash="b" * 64)
        session.add(event)
    written = [province, commune, unit, user, membership, version.procedure, version, case,
               pause, state, task, timer, event]
    with database.read() as session:
        for obj in written:
            loaded = session.get(type(obj), inspect(obj).identity)
            assert _columns(loaded) == _columns(obj), type(obj).__name__


def test_json_none_is_sql_null(database):
    with database.write() as session:
        add_agency(session, calendar=None)
    with database.read() as session:
        assert session.scalar(text("SELECT count(*) FROM agencies WHERE calendar IS NULL")) == 1


def test_agencies_form_a_tree(database):
    with database.write() as session:
        province = add_agency(session, "TINH", level="province")
        add_agency(session, "SO-TP", level="department", parent_id=province.id)
        add_agency(session, "XA-A", parent_id=province.id)
    with database.read() as session:
        province = session.scalar(select(Agency).where(Agency.code == "TINH"))
        assert sorted(child.code for child in province.children) == ["SO-TP", "XA-A"]


# --- time --------------------------------------------------------------------------------------


def test_aware_datetimes_come_back_aware_in_utc(database):
    local = datetime(2026, 2, 13, 15, 30, 45, 123456, tzinfo=HANOI)
    with database.write() as session:
        case = add_case(session, received_at=local)
        case_id = case.id
    with database.read() as session:
        received = session.get(Case, case_id).received_at
        created = session.get(Case, case_id).created_at
    assert received == local
    assert received.tzinfo == timezone.utc and received.hour == 8
    assert created.tzinfo == timezone.utc


def test_times_order_correctly_in_queries(database):
    with database.write() as session:
        agency = add_agency(session)
        version = add_version(session, agency)
        for n, hours in enumerate([5, -3, 30]):
            add_case(session, agency, version, code=f"C{n}",
                     received_at=datetime(2026, 2, 13, 9, tzinfo=HANOI) + timedelta(hours=hours))
    cutoff = datetime(2026, 2, 13, 2, tzinfo=timezone.utc)  # 09:00 Hà Nội
    with database.read() as session:
        later = session.scalars(select(Case.code).where(Case.received_at > cutoff)
                                .order_by(Case.received_at)).all()
    assert later == ["C0", "C2"]


def test_naive_datetimes_are_refused(database):
    with pytest.raises(StatementError, match="naive datetime"):
        with database.write() as session:
            add_case(session, received_at=datetime(2026, 2, 13, 8, 30))


# --- constraints -------------------------------------------------------------------------------


@pytest.mark.parametrize("column, value", [("status", "lost"), ("channel", "fax"),
                                           ("outcome", "soon")])
def test_enum_columns_are_checked(database, column, value):
    with pytest.raises(IntegrityError):
        with database.write() as session:
            add_case(session, **{column: value})


def test_agency_wide_memberships_are_unique_too(database):
    with database.write() as session:
        agency = add_agency(session)
        user = User(username="an", full_name="An")
        session.add(user)
        session.flush()
        user_id, agency_id = user.id, agency.id
        session.add(Membership(user_id=user_id, agency_id=agency_id, role_code="mot-cua"))
    with pytest.raises(IntegrityError):
        with database.write() as session:
            session.add(Membership(user_id=user_id, agency_id=agency_id, role_code="mot-cua"))


def test_province_wide_procedure_codes_are_unique(database):
    with database.write() as session:
        session.add(Procedure(code="QT-01", title="A"))
    with pytest.raises(IntegrityError):
        with database.write() as session:
            session.add(Procedure(code="QT-01", title="B"))


# --- indexes the sweeps rely on ----------------------------------------------------------------


@pytest.mark.parametrize("query, index", [
    (select(Task.id).where(TASK_IS_OPEN, Task.due_at < RECEIVED), "ix_tasks_open_due_at"),
    (select(Timer.id).where(Timer.fired_at.is_(None), Timer.fire_at <= RECEIVED),
     "ix_timers_unfired_fire_at"),
])
def test_sweep_queries_use_the_partial_indexes(database, query, index):
    """Even as a generic prepared plan on PostgreSQL, where parameters are unknown."""
    with database.engine.connect() as connection:
        sql = str(query.compile(connection))  # one placeholder: the moment
        if database.dialect == "postgresql":
            connection.exec_driver_sql("SET enable_seqscan = off")
            connection.exec_driver_sql("SET plan_cache_mode = force_generic_plan")
            sql = re.sub(r"%\(\w+\)s", "$1", sql)
            connection.exec_driver_sql(f"PREPARE sweep(timestamptz) AS {sql}")
            plan = connection.exec_driver_sql(
                "EXPLAIN EXECUTE sweep('2026-02-13 01:30:00+00')").scalars().all()
        else:
            sql = sql.replace("?", "'2026-02-13 01:30:00.000000'")
            plan = [row[-1] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")]
    assert any(index in line for line in plan), plan


# --- optimistic locking ------------------------------------------------------------------------


def _case_with_state(database) -> int:
    with database.write() as session:
        case = add_case(session)
        session.add(CaseState(case_id=case.id, format_version=1, state=b"v1"))
        return case.id


def test_second_session_updating_a_case_state_gets_stale_data_error(database):
    case_id = _case_with_state(database)
    first = Session(database.engine, expire_on_commit=False)
    second = Session(database.engine, expire_on_commit=False)
    try:
        mine, theirs = first.get(CaseState, case_id), second.get(CaseState, case_id)
        first.commit()
        second.commit()  # both hold version 1 and no transaction: a form left open in a browser
        mine.state = b"first"
        first.commit()
        assert mine.version == 2
        theirs.state = b"second"
        with pytest.raises(StaleDataError):
            second.commit()
    finally:
        first.close()
        second.close()
    with database.read() as session:
        assert session.get(CaseState, case_id).state == b"first"


def test_write_reports_a_lost_optimistic_lock_as_a_conflict(database):
    case_id = _case_with_state(database)
    with database.read() as session:
        stale = session.get(CaseState, case_id)
    with database.write() as session:
        session.get(CaseState, case_id).state = b"v2"
    stale.state = b"from an old page"
    with pytest.raises(ConcurrentUpdateError, match="reload and try again"):
        with database.write() as session:
            session.merge(stale)


def test_concurrent_transactions_on_postgresql_conflict(database):
    _only(database, "postgresql")
    case_id = _case_with_state(database)
    first, second = Session(database.engine), Session(database.engine)
    try:
        mine, theirs = first.get(CaseState, case_id), second.get(CaseState, case_id)
        mine.state, theirs.state = b"first", b"second"
        first.commit()
        with pytest.raises(StaleDataError):
            second.commit()
    finally:
        first.close()
        second.close()


def test_procedure_versions_are_optimistically_locked(database):
    with database.write() as session:
        version_id = add_version(session, status="draft").id
    with database.read() as session:
        stale = session.get(ProcedureVersion, version_id)
    with database.write() as session:
        session.get(ProcedureVersion, version_id).status = "submitted"
    with pytest.raises(ConcurrentUpdateError):
        with database.write() as session:
            session.merge(stale)


# --- append-only events ------------------------------------------------------------------------


def _event(database) -> int:
    with database.write() as session:
        case = add_case(session)
        event = Event(chain_key=f"case:{case.id}", seq=1, case_id=case.id, kind="received",
                      actor_name="Một cửa", at=RECEIVED, payload={}, hash="c" * 64)
        session.add(event)
        session.flush()
        return event.id


def test_events_cannot_be_updated_or_deleted_through_the_orm(database):
    event_id = _event(database)
    with pytest.raises(AppendOnlyError, match="append-only"):
        with database.write() as session:
            session.get(Event, event_id).kind = "edited"
    with pytest.raises(AppendOnlyError, match="append-only"):
        with database.write() as session:
            session.delete(session.get(Event, event_id))
    for statement in (update(Event).values(kind="edited"), delete(Event)):
        with pytest.raises(AppendOnlyError, match="in bulk"):
            with database.write() as session:
                session.execute(statement)
    with database.read() as session:
        assert session.get(Event, event_id).kind == "received"


@pytest.mark.parametrize("sql", ["UPDATE events SET kind = 'edited'", "DELETE FROM events",
                                 "TRUNCATE events CASCADE"])
def test_postgresql_trigger_refuses_raw_changes_to_events(database, sql):
    _only(database, "postgresql")
    _event(database)
    with pytest.raises(DBAPIError, match="events are append-only"):
        with database.engine.begin() as connection:
            connection.execute(text(sql))


def test_events_get_increasing_ids(database):
    first = _event(database)
    with database.write() as session:
        session.add(Event(chain_key="procedure:1", seq=1, kind="procedure_published",
                          at=RECEIVED, payload={}, hash="d" * 64))
    with database.read() as session:
        assert session.scalars(select(Event.id).order_by(Event.id)).all()[0] == first
        assert session.scalar(select(Event.id).where(Event.seq == 1,
                                                     Event.chain_key == "procedure:1")) > first


# --- frozen procedure versions -------------------------------------------------------------------


def test_published_version_diagram_cannot_change(database):
    with database.write() as session:
        version_id = add_version(session, status="published").id
    for column, value in [("bpmn_xml", "<changed/>"), ("content_hash", "f" * 64)]:
        with pytest.raises(ImmutableVersionError, match="create a new revision"):
            with database.write() as session:
                setattr(session.get(ProcedureVersion, version_id), column, value)
    with pytest.raises(ImmutableVersionError, match="retire it instead"):
        with database.write() as session:
            session.delete(session.get(ProcedureVersion, version_id))
    with database.write() as session:  # the life cycle goes on: retiring is allowed
        version = session.get(ProcedureVersion, version_id)
        version.status, version.retired_at = "retired", RECEIVED
    with database.read() as session:
        assert session.get(ProcedureVersion, version_id).status == "retired"


def test_draft_may_change_up_to_and_including_the_flush_that_publishes_it(database):
    with database.write() as session:
        version_id = add_version(session, status="draft").id
    with database.write() as session:
        version = session.get(ProcedureVersion, version_id)
        version.bpmn_xml, version.content_hash = "<final/>", "e" * 64
        version.status, version.published_at = "published", RECEIVED
    with database.write() as session:
        version = session.get(ProcedureVersion, version_id)
        version.bpmn_xml = "<final/>"  # the same value is no change
    with database.read() as session:
        assert session.get(ProcedureVersion, version_id).bpmn_xml == "<final/>"


def test_postgresql_trigger_freezes_published_versions_against_raw_sql(database):
    _only(database, "postgresql")
    with database.write() as session:
        version_id = add_version(session, status="published").id
    with pytest.raises(DBAPIError, match="cannot change"):
        with database.engine.begin() as connection:
            connection.execute(text("UPDATE procedure_versions SET bpmn_xml = '<x/>'"))
    with pytest.raises(DBAPIError, match="cannot be deleted"):
        with database.engine.begin() as connection:
            connection.execute(text("DELETE FROM procedure_versions"))
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE procedure_versions SET status = 'retired' "
                                "WHERE id = :id"), {"id": version_id})
