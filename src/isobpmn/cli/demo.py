"""``isobpmn demo seed``: the demo province on a migrated database (docs/demo.md)."""

from __future__ import annotations

from pathlib import Path

import click

from isobpmn.cli.output import FORMAT_OPTION, emit_json, fail
from isobpmn.cli.servicing import DATABASE_OPTION, open_services, plain
from isobpmn.cli.table import render


@click.group()
def demo() -> None:
    """The demo: a province with officials and dossiers at every stage."""


@demo.command("seed")
@click.option("--library", type=click.Path(file_okay=False, path_type=Path), default="bpmn",
              show_default=True, help="Directory of the procedure diagrams (*.bpmn) to publish.")
@click.option("--password", metavar="TEXT",
              help="Password of every demo user (default: the demo password, printed at the "
                   "end).")
@DATABASE_OPTION
@FORMAT_OPTION
def seed_command(library: Path, password: str | None, database: str | None,
                 output_format: str) -> None:
    """Seed the demo province: agencies, officials, the library and twenty dossiers.

    Publishes every diagram of --library province-wide, creates the province TINH-DEMO with
    the department SO-KHDT and the communes XA-HOA-AN and XA-BINH-MINH, an official for every
    role, and dossiers at every stage (just received, half-way, overdue, waiting for a
    supplement, finished early, on time and late, returned, refused), then prints the logins.
    A database that already holds the demo province is left unchanged and the logins are
    printed again. Run `isobpmn db upgrade` first.
    """
    files = sorted(library.glob("*.bpmn")) if library.is_dir() else []
    if not files:
        fail(f"{library}: no *.bpmn diagrams there; give the library with --library")
    try:
        diagrams = [(path.name, path.read_bytes()) for path in files]
    except OSError as exc:
        fail(f"{exc.filename}: cannot read it ({exc.strerror})")

    from isobpmn.services.demo import DEMO_PASSWORD, seed_demo

    with open_services(database) as services:
        result = seed_demo(services.context, diagrams, password=password or DEMO_PASSWORD)
        url = services.db.url
    if output_format == "json":
        emit_json({"database": url, **plain(result)})
        return
    if result.created:
        click.echo(f"{url}: demo province seeded — {len(result.published)} procedure(s) "
                   f"published, {len(result.dossiers)} dossier(s)\n")
        click.echo(render(["Mã hồ sơ", "Mã tra cứu", "Thủ tục", "Giai đoạn", "Trạng thái"],
                          [(c.code, c.lookup_code, c.procedure, c.stage,
                            c.status + (f" ({c.outcome})" if c.outcome else ""))
                           for c in result.dossiers],
                          min_widths=[max(len(c.code) for c in result.dossiers), 10, 10, 12, 8],
                          max_widths=[None, None, None, 34, None]))
        heading = f"Logins (password: {result.password})"
    else:
        click.echo(f"{url}: the demo province is already there; nothing changed")
        heading = ("Logins (password: the one given when the demo was seeded, by default "
                   f"{DEMO_PASSWORD})")
    click.echo(f"\n{heading}")
    click.echo(render(["User", "Name", "Roles"],
                      [(u.username, u.full_name, u.roles) for u in result.logins],
                      max_widths=[None, None, 60]))
