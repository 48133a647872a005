"""``isobpmn audit verify``: recompute the hash chains of the audit log, name every break."""

from __future__ import annotations

import click

from isobpmn.cli.output import FORMAT_OPTION, emit_json
from isobpmn.cli.servicing import DATABASE_OPTION, open_services


@click.group()
def audit() -> None:
    """The audit log: check that no event was edited, removed or inserted."""


@audit.command("verify")
@click.option("--case", "case_code", metavar="CODE", help="Only this dossier's chain.")
@DATABASE_OPTION
@FORMAT_OPTION
def verify_command(case_code: str | None, database: str | None, output_format: str) -> None:
    """Recompute every chain (or one dossier's); exit status 1 when any break is found."""
    with open_services(database) as services:
        report = services.verify_audit(case_code)
    if output_format == "json":
        emit_json({"ok": report.ok, "chains": report.chains, "events": report.events,
                   "breaks": [{"chain": b.chain_key, "seq": b.seq, "event": b.event_id,
                               "problem": b.problem, "expected": b.expected,
                               "stored": b.stored, "message": b.message}
                              for b in report.breaks]})
    elif report.ok:
        click.echo(f"ok: {report.events} event(s) in {report.chains} chain(s), no break")
    else:
        for item in report.breaks:
            click.echo(f"break: {item.message}")
        click.echo(f"{len(report.breaks)} break(s) in {report.events} event(s) of "
                   f"{report.chains} chain(s)")
    if not report.ok:
        raise SystemExit(1)
