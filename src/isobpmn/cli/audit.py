"""``isobpmn audit verify|replay``: check the audit log.

``verify`` recomputes the hash chains and names every break (nothing was edited, removed or
inserted); ``replay`` re-runs dossiers from their events on a fresh engine and names every
deviation (what the log says is a path the diagram allows, docs/replay.md).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date

import click

from isobpmn.cli.output import FORMAT_OPTION, emit_json
from isobpmn.cli.servicing import DATABASE_OPTION, DAY, open_services


@click.group()
def audit() -> None:
    """The audit log: check that no event was edited, removed or inserted.

    `verify` recomputes the hash chains; `replay` re-runs dossiers from their events and
    checks that each is a run its procedure's diagram allows.
    """


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


@audit.command("replay")
@click.argument("case_code", metavar="[CASE]", required=False)
@click.option("--all", "every", is_flag=True, help="Every dossier (narrowed by the options below).")
@click.option("--procedure", metavar="CODE",
              help="Only dossiers of this procedure (its document code, e.g. QT-HT-01).")
@click.option("--since", type=DAY, help="Only dossiers received on or after this day.")
@DATABASE_OPTION
@FORMAT_OPTION
def replay_command(case_code: str | None, every: bool, procedure: str | None,
                   since: date | None, database: str | None, output_format: str) -> None:
    """Re-run dossiers from their audit events on a fresh engine and report every deviation.

    Each dossier's procedure version is run from scratch with the recorded clock: the steps
    completed must have been ready, the recorded data must lead to the recorded next steps,
    timers and supplements must fire and arrive where the diagram waits for them, and a
    resolved dossier's diagram must have ended. Give a dossier CASE, or --all (with
    --procedure and --since to narrow it). Exit status 1 when any deviation is found.
    """
    if case_code is not None and (every or procedure or since):
        raise click.UsageError("give either CASE or --all (with --procedure, --since), not both")
    if case_code is None and not (every or procedure or since):
        raise click.UsageError("give a dossier CASE or --all")
    with open_services(database) as services, _progress(case_code is None) as progress:
        from isobpmn.services.replay import replay_cases

        report = replay_cases(services.context, case_code=case_code, procedure=procedure,
                              since=since, progress=progress)
    if output_format == "json":
        emit_json({"ok": report.ok, "cases": report.cases, "events": report.events,
                   "cases_with_deviations": report.cases_with_deviations,
                   "deviations": [{"case": d.case_code, "seq": d.seq, "event": d.event,
                                   "kind": d.kind.value, "expected": d.expected,
                                   "found": d.found, "message": d.message}
                                  for d in report.deviations]})
    else:
        for item in report.deviations:
            where = f"#{item.seq} {item.event}" if item.seq is not None else "(end of log)"
            click.echo(f"deviation: {item.case_code} {where} [{item.kind}]: {item.message}")
        found = (f"{len(report.deviations)} deviation(s) in {report.cases_with_deviations} "
                 "dossier(s)" if report.deviations else "no deviation")
        click.echo(f"{'ok: ' if report.ok else ''}replayed {report.cases} dossier(s), "
                   f"{report.events} event(s): {found}")
    if not report.ok:
        raise SystemExit(1)


@contextmanager
def _progress(many: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr while many dossiers replay, only on a terminal (pipes and
    logs stay clean); the bar learns the total from the first report."""
    if not many or not sys.stderr.isatty():
        yield None
        return
    bar = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label="Replaying", file=sys.stderr)
            bar.__enter__()
        bar.update(1)

    try:
        yield update
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
