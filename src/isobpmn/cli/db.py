"""``isobpmn db upgrade|current``: bring the database schema up to date, or say where it is."""

from __future__ import annotations

import click

from isobpmn.cli.output import FORMAT_OPTION, emit_json, fail

URL_OPTION = click.option(
    "--url", metavar="URL",
    help="Database URL: sqlite:///PATH or postgresql://USER@HOST:PORT/DB. Default: "
         "$ISOBPMN_DATABASE_URL, else $ISOBPMN_DATA_DIR/isobpmn.sqlite3 (./instance).",
)


@click.group()
def db() -> None:
    """The database: create or migrate its schema, show its revision."""


@db.command("upgrade")
@URL_OPTION
@click.option("--revision", default="head", show_default=True, metavar="REV",
              help="Revision to migrate to.")
@FORMAT_OPTION
def upgrade_command(url: str | None, revision: str, output_format: str) -> None:
    """Create the tables of an empty database, or migrate an existing one, in one transaction.

    Safe to run on every deployment: a database already at the revision is left as it is.
    """
    from isobpmn.store import StoreError, upgrade

    try:
        result = upgrade(url, revision)
    except StoreError as exc:
        fail(str(exc))
    if output_format == "json":
        emit_json({"url": result.url, "before": result.before, "after": result.after})
    elif result.before == result.after:
        click.echo(f"{result.url}: already at revision {result.after}")
    else:
        click.echo(f"{result.url}: upgraded from {result.before or 'an empty database'} "
                   f"to revision {result.after}")


@db.command("current")
@URL_OPTION
@FORMAT_OPTION
def current_command(url: str | None, output_format: str) -> None:
    """The revision the database is at, and whether it is the newest this release ships."""
    from isobpmn.store import Database, StoreError, current, head

    try:
        database = Database.from_url(url)
        try:
            revision = current(database)
        finally:
            database.dispose()
    except StoreError as exc:
        fail(str(exc))
    newest = head()
    if output_format == "json":
        emit_json({"url": database.url, "current": revision, "head": newest,
                   "up_to_date": revision == newest})
    elif revision is None:
        click.echo(f"{database.url}: empty (no revision); run `isobpmn db upgrade`")
    elif revision == newest:
        click.echo(f"{database.url}: revision {revision} (newest)")
    else:
        click.echo(f"{database.url}: revision {revision}, not this release's newest "
                   f"({newest}): run `isobpmn db upgrade`")
