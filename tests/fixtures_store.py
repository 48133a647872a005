"""Database fixtures, shared as a pytest plugin (``pytest_plugins`` in conftest.py).

``database_url`` is parametrised over SQLite (a file in ``tmp_path``) and PostgreSQL (when
``ISOBPMN_TEST_DATABASE_URL`` is set). Each PostgreSQL test gets a schema of its own with a
random name, selected through ``search_path`` in the URL and dropped afterwards, so parallel
runs on one server never collide. ``database`` is a :class:`Database` migrated to head;
``empty_database`` is one with no tables yet. The ``add_*`` helpers build the smallest valid
rows for tests of this and higher layers.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from datetime import datetime, timezone
from urllib.parse import quote

import pytest

PG_ENV = "ISOBPMN_TEST_DATABASE_URL"
BACKENDS = ["sqlite", "postgresql"]
#: 13 February 2026, 08:30 in Hà Nội: a working Friday, the last before Tết.
RECEIVED = datetime(2026, 2, 13, 1, 30, tzinfo=timezone.utc)


def _postgres_schema(base_url: str) -> Iterator[str]:
    from sqlalchemy import text

    from isobpmn.store import make_engine, normalize_url

    base_url = normalize_url(base_url)
    schema = f"isobpmn_test_{secrets.token_hex(6)}"
    admin = make_engine(base_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base_url else "?"
    try:
        yield f"{base_url}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> Iterator[str]:
    """A URL of an empty database: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'isobpmn.sqlite3'}"
        return
    base_url = os.environ.get(PG_ENV, "").strip()
    if not base_url:
        pytest.skip(f"PostgreSQL: set {PG_ENV}=postgresql+psycopg://USER@HOST:PORT/DB to run")
    yield from _postgres_schema(base_url)


@pytest.fixture
def empty_database(database_url):
    """A :class:`Database` with no tables."""
    from isobpmn.store import Database

    db = Database.from_url(database_url)
    yield db
    db.dispose()


@pytest.fixture
def database(empty_database):
    """A :class:`Database` migrated to head."""
    from isobpmn.store import upgrade

    upgrade(empty_database)
    return empty_database


# --- the smallest valid rows ----------------------------------------------------------------


def add_agency(session, code: str = "UBND-XA-A", **values):
    from isobpmn.store import Agency

    agency = Agency(code=code, name=values.pop("name", f"UBND {code}"),
                    level=values.pop("level", "commune"), **values)
    session.add(agency)
    session.flush()
    return agency


def add_version(session, agency=None, *, status: str = "published", revision: int = 1,
                code: str = "QT-HT-01"):
    from isobpmn.store import Procedure, ProcedureVersion

    procedure = Procedure(agency_id=agency.id if agency else None, code=code,
                          title="Đăng ký khai sinh")
    version = ProcedureVersion(procedure=procedure, revision=revision, status=status,
                               bpmn_xml="<definitions/>", content_hash="0" * 64,
                               process_id="KhaiSinh")
    session.add(version)
    session.flush()
    return version


def add_case(session, agency=None, version=None, *, code: str = "UBND-XA-A-260213-0001",
             **values):
    from isobpmn.store import Case

    agency = agency or add_agency(session)
    version = version or add_version(session, agency)
    case = Case(code=code, agency_id=agency.id, procedure_version_id=version.id,
                applicant_name=values.pop("applicant_name", "Nguyễn Văn An"),
                received_at=values.pop("received_at", RECEIVED),
                lookup_code=values.pop("lookup_code", "K7Q2M9"), **values)
    session.add(case)
    session.flush()
    return case
