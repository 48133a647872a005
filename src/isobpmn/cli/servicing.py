"""Shared pieces of the commands that work on the database through the services.

``--database URL`` (default ``$ISOBPMN_DATABASE_URL``, else the SQLite file of
``$ISOBPMN_DATA_DIR``), ``--user NAME`` (the official acting), one-line errors: a refusal of a
service, a database that cannot be reached or is not migrated, a bad value — never a
traceback. Services and SQLAlchemy are imported inside :func:`open_services`, so that
``isobpmn --help`` and ``isobpmn validate`` stay light.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

import click

from isobpmn.cli.output import fail
from isobpmn.textfmt import format_datetime

DATABASE_OPTION = click.option(
    "--database", "database", metavar="URL", envvar="ISOBPMN_DATABASE_URL",
    help="Database URL: sqlite:///PATH or postgresql://USER@HOST:PORT/DB. Default: "
         "$ISOBPMN_DATABASE_URL, else $ISOBPMN_DATA_DIR/isobpmn.sqlite3 (./instance).",
)


def user_option(required: bool = True, help_text: str = "User name of the official acting."):
    return click.option("--user", "user", metavar="NAME", required=required, help=help_text)


@contextmanager
def open_services(database: str | None) -> Iterator[Any]:
    """A :class:`~isobpmn.services.Services` on ``database``; any failure ends the command
    with one ``error:`` line and exit status 1."""
    from sqlalchemy.exc import DBAPIError

    from isobpmn.engine import EngineError
    from isobpmn.services import Services, ServiceError
    from isobpmn.store import Database, StoreError

    db = None
    try:
        db = Database.from_url(database)
        yield Services(db)
    except ServiceError as exc:
        fail(exc.message)
    except (StoreError, EngineError) as exc:
        fail(str(exc))
    except DBAPIError as exc:
        reason = str(exc.orig or exc).strip().splitlines()[0]
        hint = " (run `isobpmn db upgrade` first)" if "no such table" in reason or \
            "does not exist" in reason else ""
        fail(f"{db.url if db else database}: {reason}{hint}")
    finally:
        if db is not None:
            db.dispose()


def parse_moment(text: str | None, option: str) -> datetime | None:
    """``"13/02/2026 15:30"`` (or ISO) as a naive local moment; a bad value is a usage error."""
    if text is None:
        return None
    from isobpmn.textfmt import parse_datetime

    try:
        return parse_datetime(text)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint=option) from None


class DayType(click.ParamType):
    """A day written ``dd/mm/yyyy`` (``02/03/2026``), as a :class:`date`."""

    name = "dd/mm/yyyy"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return datetime.strptime(str(value).strip(), "%d/%m/%Y").date()
        except ValueError:
            self.fail(f"{value!r} is not a day: write dd/mm/yyyy, e.g. 02/03/2026", param, ctx)


#: A ``--since`` / ``--until`` day.
DAY = DayType()


def when(moment: datetime | None) -> str:
    return format_datetime(moment) if moment is not None else "—"


def plain(value: Any) -> Any:
    """Dataclasses (and lists of them) as dicts, for ``--format json``."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value
