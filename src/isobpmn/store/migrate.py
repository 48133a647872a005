"""Schema migrations: alembic, configured in code, with its scripts shipped in the package.

``upgrade`` brings a database to a revision (``head`` by default) in one transaction;
``current`` says where it is; ``schema_differences`` compares a migrated database with
models.py (empty when they agree: a test keeps it so). To add a revision::

    python -m isobpmn.store.migrate revision "add tasks.priority"

drafts ``migrations/versions/000N_add_tasks_priority.py`` from the difference between head
and models.py, for a person to finish (docs/store.md, "Adding a migration").
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError

from .db import Database, display_url
from .errors import DatabaseUnavailableError, MigrationError
from .models import Base

SCRIPT_LOCATION = str(Path(__file__).resolve().parent / "migrations")


@dataclass(frozen=True)
class Upgrade:
    """What :func:`upgrade` did: the database (password masked), its revision before and after."""

    url: str
    before: str | None
    after: str | None


def alembic_config(connection: Connection | None = None,
                   script_location: str = SCRIPT_LOCATION) -> Config:
    """An alembic configuration for isobpmn's scripts, bound to ``connection`` if given."""
    config = Config()
    config.set_main_option("script_location", script_location)
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    config.attributes["connection"] = connection
    return config


def head() -> str:
    """The newest revision this release ships."""
    head_revision = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head_revision is not None, "no migration scripts in the package"
    return head_revision


@contextmanager
def _connect(target: str | Database | None, *, write: bool) -> Iterator[Connection]:
    db = target if isinstance(target, Database) else Database.from_url(target)
    engine = db.engine.execution_options(isobpmn_write=True) if write else db.engine
    try:
        with engine.begin() as connection:
            yield connection
    except OperationalError as exc:
        reason = str(exc.orig or exc).strip().splitlines()[0]
        raise DatabaseUnavailableError(f"{db.url}: {reason}") from exc
    finally:
        if db is not target:
            db.dispose()


def current(url: str | Database | None = None) -> str | None:
    """The revision the database is at; ``None`` for an empty (never migrated) database."""
    with _connect(url, write=False) as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(url: str | Database | None = None, revision: str = "head") -> Upgrade:
    """Migrate the database at ``url`` (or the configured default) up to ``revision``."""
    return _run(command.upgrade, "upgrade", url, revision)


def downgrade(url: str | Database | None = None, revision: str = "base") -> Upgrade:
    """Migrate down to ``revision`` (``base``: drop everything); for tests and development."""
    return _run(command.downgrade, "downgrade", url, revision)


def _run(step, verb: str, url: str | Database | None, revision: str) -> Upgrade:
    with _connect(url, write=True) as connection:
        before = MigrationContext.configure(connection).get_current_revision()
        try:
            step(alembic_config(connection), revision)
        except CommandError as exc:
            raise MigrationError(f"cannot {verb} to {revision!r}: {exc}") from exc
        after = MigrationContext.configure(connection).get_current_revision()
        return Upgrade(url=display_url(connection.engine.url), before=before, after=after)


def schema_differences(url: str | Database | None = None) -> list[Any]:
    """What alembic's autogenerate sees between the database and models.py ([] = in step)."""
    with _connect(url, write=False) as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def new_revision(message: str, script_location: str = SCRIPT_LOCATION) -> Path:
    """Draft the next revision from models.py against head, on a scratch SQLite database."""
    with tempfile.TemporaryDirectory() as scratch:
        db = Database.from_url(f"sqlite:///{scratch}/draft.sqlite3")
        try:
            with db.engine.begin() as connection:
                config = alembic_config(connection, script_location)
                command.upgrade(config, "head")
                number = len(list(ScriptDirectory.from_config(config).walk_revisions())) + 1
                script = command.revision(config, message=message, autogenerate=True,
                                          rev_id=f"{number:04d}")
        finally:
            db.dispose()
    return Path(script.path)


if __name__ == "__main__":  # pragma: no cover - a developer tool
    if len(sys.argv) != 3 or sys.argv[1] != "revision":
        sys.exit('usage: python -m isobpmn.store.migrate revision "what changes"')
    print(new_revision(sys.argv[2]))
