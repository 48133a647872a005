"""Where the data lives and how a unit of work opens and ends.

SQLite by default (a file under ``ISOBPMN_DATA_DIR``), PostgreSQL by URL (psycopg 3). A
:class:`Database` hands out sessions through two context managers: :meth:`Database.write`
(one transaction: commit on success, rollback on any error) and :meth:`Database.read`
(never commits). On SQLite a write transaction starts with ``BEGIN IMMEDIATE``, taking the
single writer lock up front, so two writers queue on ``busy_timeout`` instead of failing
half-way with "database is locked"; readers keep reading their WAL snapshot meanwhile.
docs/store.md explains the settings.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from .errors import ConcurrentUpdateError, DatabaseConfigError

URL_ENV = "ISOBPMN_DATABASE_URL"
DATA_DIR_ENV = "ISOBPMN_DATA_DIR"
DEFAULT_DATA_DIR = "instance"
SQLITE_FILE = "isobpmn.sqlite3"

#: Milliseconds a SQLite connection waits for the writer lock before giving up.
SQLITE_BUSY_TIMEOUT_MS = 10_000
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA foreign_keys = ON",
    f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}",
    "PRAGMA synchronous = NORMAL",
)
#: Connection pool per process on PostgreSQL: web workers and the timer worker each hold one.
POSTGRES_POOL = {"pool_size": 5, "max_overflow": 10, "pool_timeout": 30,
                 "pool_recycle": 1800, "pool_pre_ping": True}

_WRITE = "isobpmn_write"
_READ = "isobpmn_read"


def normalize_url(url: str) -> str:
    """``url`` with ``postgresql://`` or ``postgres://`` rewritten to ``postgresql+psycopg://``.

    >>> normalize_url("postgresql://u@db:5432/isobpmn")
    'postgresql+psycopg://u@db:5432/isobpmn'
    >>> normalize_url("sqlite:///instance/isobpmn.sqlite3")
    'sqlite:///instance/isobpmn.sqlite3'
    """
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def default_url() -> str:
    """``ISOBPMN_DATABASE_URL``, else the SQLite file in ``ISOBPMN_DATA_DIR`` (./instance)."""
    configured = os.environ.get(URL_ENV, "").strip()
    if configured:
        return configured
    data_dir = Path(os.environ.get(DATA_DIR_ENV, "").strip() or DEFAULT_DATA_DIR)
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseConfigError(f"{DATA_DIR_ENV}: cannot create {data_dir}: "
                                  f"{exc.strerror}") from exc
    return f"sqlite:///{(data_dir / SQLITE_FILE).resolve()}"


def resolve_url(url: str | None = None) -> URL:
    """The URL to use: the argument, else :func:`default_url`; checked and normalized."""
    text = normalize_url((url or "").strip() or default_url())
    try:
        parsed = make_url(text)
    except ArgumentError as exc:
        raise DatabaseConfigError(f"not a database URL: {text!r} (expected sqlite:///PATH "
                                  "or postgresql://USER@HOST:PORT/DB)") from exc
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseConfigError(f"unsupported database {parsed.get_backend_name()!r}: use "
                                  "sqlite:///PATH or postgresql://USER@HOST:PORT/DB")
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() != "psycopg":
        raise DatabaseConfigError(f"unsupported PostgreSQL driver {parsed.get_driver_name()!r}: "
                                  "use postgresql:// or postgresql+psycopg:// (psycopg 3)")
    return parsed


def display_url(url: URL | str) -> str:
    """The URL with its password masked, for messages and logs."""
    return make_url(url).render_as_string(hide_password=True)


def make_engine(url: str | None = None, **options: Any) -> Engine:
    """An engine for ``url`` (or the configured default) with isobpmn's connection settings.

    ``options`` go to :func:`sqlalchemy.create_engine` and override the defaults (pool sizes).
    """
    parsed = resolve_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(parsed, **options)
        _configure_sqlite(engine)
        return engine
    settings = {**POSTGRES_POOL, "connect_args": {"application_name": "isobpmn"}, **options}
    engine = create_engine(parsed, **settings)
    _configure_postgresql(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    """Pragmas on every connection; the driver's own transaction handling off, ours on."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        # pysqlite's legacy implicit BEGIN would defer the lock and break SAVEPOINT;
        # autocommit at the driver level lets the "begin" hook below emit the BEGIN itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            for pragma in SQLITE_PRAGMAS:
                cursor.execute(pragma)
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        write = connection.get_execution_options().get(_WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _configure_postgresql(engine: Engine) -> None:
    """Read units of work run as READ ONLY transactions, so a stray write fails loudly; JIT
    compilation is off for isobpmn's sessions: its queries are short index reads, for which
    compiling costs tens of milliseconds more than it saves when the planner overestimates."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET jit = off")
        dbapi_connection.commit()

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        if connection.get_execution_options().get(_READ, False):
            connection.exec_driver_sql("SET TRANSACTION READ ONLY")


class Database:
    """The engine plus the two ways to work with it: :meth:`write` and :meth:`read`.

    One process keeps one ``Database`` (its engine owns the connection pool)::

        db = Database.from_url()             # ISOBPMN_DATABASE_URL or the SQLite default
        with db.write() as session:          # BEGIN (IMMEDIATE on SQLite) ... COMMIT
            session.add(case)
        with db.read() as session:           # a snapshot for queries; never commits
            session.scalars(select(Task).where(...))
    """

    def __init__(self, engine: Engine):
        self.engine = engine
        self._writer = sessionmaker(engine.execution_options(**{_WRITE: True}),
                                    expire_on_commit=False)
        self._reader = sessionmaker(engine.execution_options(**{_READ: True}),
                                    expire_on_commit=False)

    @classmethod
    def from_url(cls, url: str | None = None, **options: Any) -> Database:
        """A database for ``url`` (or the configured default); see :func:`make_engine`."""
        return cls(make_engine(url, **options))

    @property
    def dialect(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self.engine.dialect.name

    @property
    def url(self) -> str:
        """The URL with the password masked."""
        return display_url(self.engine.url)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One read-write transaction: committed if the block succeeds, rolled back otherwise.

        A lost optimistic lock (``StaleDataError``, at a flush or the commit) surfaces as
        :class:`ConcurrentUpdateError`.
        """
        with self._writer() as session:
            try:
                with session.begin():
                    yield session
            except StaleDataError as exc:
                raise ConcurrentUpdateError(
                    f"changed by someone else meanwhile ({exc}); reload and try again") from exc

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for queries; it never commits (on PostgreSQL the transaction is READ ONLY).

        Closing the session hands the connection back, which rolls its transaction back, but
        leaves loaded objects as they were (detached, attributes intact) for the caller.
        """
        with self._reader() as session:
            yield session

    def dispose(self) -> None:
        """Close every pooled connection (end of a test, a worker shutting down)."""
        self.engine.dispose()

