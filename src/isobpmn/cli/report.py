"""``isobpmn report ii06a``: Biểu II.06a/VPCP/KSTT of an agency and every agency below it,
for a period, as an XLSX workbook laid out as the form or as CSV (docs/reports.md);
``isobpmn report rollup``: sum the days that are over into the reports' pre-aggregates.

The file is written beside its final name (``.part``) and renamed once complete, so a failed
report never leaves half a file; ``-o -`` writes it to standard output.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import click

from isobpmn.cli.output import fail
from isobpmn.cli.servicing import DATABASE_OPTION, DAY, open_services, user_option

FORMATS = ("xlsx", "csv")


@click.group()
def report() -> None:
    """Statutory reports (Biểu II.06a/VPCP/KSTT, XLSX or CSV) and their daily sums."""


@report.command("ii06a")
@click.option("--agency", required=True, metavar="CODE",
              help="The reporting agency; the agencies below it get a line each.")
@click.option("--from", "start", required=True, type=DAY,
              help="First day of the period (dd/mm/yyyy), e.g. 01/01/2026.")
@click.option("--to", "end", required=True, type=DAY,
              help="Last day of the period, included (dd/mm/yyyy), e.g. 31/03/2026.")
@click.option("-o", "--output", metavar="FILE",
              help="File to write; - for standard output. Default: the report's own name "
                   "(bieu-II06a-AGENCY-FROM-TO.xlsx) in the current folder.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="xlsx (the form, default) or csv; default: from the extension of -o.")
@user_option(required=False,
             help_text="Official the report is made for: refused unless they hold a role in "
                       "the agency or above it. Default: the operator (every agency).")
@DATABASE_OPTION
def ii06a_command(agency: str, start: date, end: date, output: str | None, fmt: str | None,
                  user: str | None, database: str | None) -> None:
    """Write Biểu II.06a/VPCP/KSTT: dossiers received, resolved and in progress.

    Columns: received (total; this period online, in person or by post; carried over),
    resolved (total; early, on time, late), in progress (total; within the deadline,
    overdue); one line per agency of the subtree, then the total.
    """
    if fmt is None:
        suffix = Path(output).suffix.lower().lstrip(".") if output and output != "-" else ""
        fmt = suffix if suffix in FORMATS else "xlsx"
    with open_services(database) as services:
        name, _, content = services.statutory_report(agency, start, end, actor=user, fmt=fmt)
    if output == "-":
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
        return
    target = Path(output or name)
    part = target.with_name(target.name + ".part")
    try:
        part.write_bytes(content)
        os.replace(part, target)
    except OSError as exc:
        fail(f"{exc.filename or target}: cannot write it ({exc.strerror})")
    finally:
        if part.exists():
            part.unlink()
    click.echo(f"Biểu II.06a of {agency}, {start:%d/%m/%Y} – {end:%d/%m/%Y}: {target}")


@report.command("rollup")
@DATABASE_OPTION
def rollup_command(database: str | None) -> None:
    """Sum the days that are over into the reports' pre-aggregates.

    The worker does this each round; run it after a bulk import or an upgrade to fill them
    at once (a month per transaction, so an interrupted run keeps what it summed). Days
    already summed are skipped; a change landing on a summed day is summed again.
    """
    with open_services(database) as services:
        done = services.roll_up_reports()
    if done.first is None:
        click.echo("reports: nothing to sum, every day that is over is summed")
        return
    last = date.fromordinal(done.until.toordinal() - 1)
    click.echo(f"reports: summed {done.days} day(s), {done.first:%d/%m/%Y} – {last:%d/%m/%Y}, "
               f"{done.rows} row(s) in {done.runs} transaction(s)")
