"""``isobpmn export xes|csv``: the dossiers as an event log for process-mining tools.

The log is written as it is read, to a file (``-o``) or to standard output; a file appears
only once it is complete (written beside it under ``.part``, then renamed), so a failed export
never leaves half a log under the final name. The counts go to standard error, so that
standard output carries the log alone (docs/eventlog.md).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

from isobpmn.cli.output import fail
from isobpmn.cli.servicing import DATABASE_OPTION, DAY, open_services


@click.group()
def export() -> None:
    """Export dossiers for process mining: an XES event log or a CSV table."""


def _options(command: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed((
        click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
                     help="File to write (default: standard output)."),
        click.option("--agency", metavar="CODE", help="Only dossiers of this agency."),
        click.option("--procedure", metavar="CODE",
                     help="Only dossiers of this procedure (its document code)."),
        click.option("--since", type=DAY, help="Only dossiers received on or after this day."),
        click.option("--until", type=DAY, help="Only dossiers received on or before this day."),
        click.option("--starts", is_flag=True,
                     help="Add a start event for each claim of a step (lifecycle start)."),
        DATABASE_OPTION,
    )):
        command = option(command)
    return command


@export.command("xes")
@_options
def xes_command(**options: Any) -> None:
    """Write the event log as XES (IEEE 1849-2016): a trace per dossier, an event per step.

    Traces carry the dossier code (concept:name), procedure, version, agency, outcome and
    status; events the step's name, time, official (org:resource), role (org:role) and
    lifecycle transition. Read it with ProM, pm4py, Disco or Celonis.
    """
    _export("xes", **options)


@export.command("csv")
@_options
def csv_command(**options: Any) -> None:
    """Write the event log as CSV: one row per event, the columns of the XES export.

    Columns: case_id, activity, timestamp, resource, role, lifecycle, procedure, version,
    agency, outcome (UTF-8, a header row, timestamps ISO 8601 with their offset).
    """
    _export("csv", **options)


def _export(fmt: str, *, output: Path | None, agency: str | None, procedure: str | None,
            since: date | None, until: date | None, starts: bool,
            database: str | None) -> None:
    part = output.with_name(output.name + ".part") if output is not None else None
    try:
        with open_services(database) as services:
            from isobpmn.services.eventlog import export_event_log

            if part is None:
                stream = sys.stdout.buffer
                result = export_event_log(services.context, fmt=fmt, agency=agency,
                                          procedure=procedure, since=since, until=until,
                                          out=stream, starts=starts)
                stream.flush()
            else:
                try:
                    with part.open("wb") as stream:
                        result = export_event_log(services.context, fmt=fmt, agency=agency,
                                                  procedure=procedure, since=since,
                                                  until=until, out=stream, starts=starts)
                except OSError as exc:
                    fail(f"{exc.filename or output}: cannot write it ({exc.strerror})")
                os.replace(part, output)
    finally:
        if part is not None and part.exists():
            part.unlink()
    where = output if output is not None else "standard output"
    click.echo(f"{result.traces} dossier(s), {result.events} event(s) written as "
               f"{fmt.upper()} to {where}", err=True)
