"""``isobpmn worker``: fire due timers and sweep SLA states, once or in a loop."""

from __future__ import annotations

import click

from isobpmn.cli.output import FORMAT_OPTION, emit_json
from isobpmn.cli.servicing import DATABASE_OPTION, open_services, plain


@click.command()
@click.option("--once", is_flag=True, help="Run one round and exit (for cron or tests).")
@click.option("--interval", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
              metavar="SECONDS", help="Pause between rounds.")
@click.option("--worker-id", metavar="NAME",
              help="Name recorded on the timers this worker fires (default: host:pid).")
@DATABASE_OPTION
@FORMAT_OPTION
def worker(once: bool, interval: float, worker_id: str | None, database: str | None,
           output_format: str) -> None:
    """Fire due timers, each exactly once, and record SLA changes.

    Each BPMN timer fires exactly once even with several workers (row locks on PostgreSQL, the
    single writer on SQLite); then every open step's SLA state (on track / due soon / overdue)
    is recomputed and changes are recorded. Stop the loop with Ctrl-C."""
    import threading

    with open_services(database) as services:
        if not once:
            stop = threading.Event()
            click.echo(f"worker: every {interval:g} s on {services.db.url}; Ctrl-C to stop")
            try:
                services.run_worker(stop, interval, worker_id)
            except KeyboardInterrupt:
                stop.set()
            return
        report = services.run_worker_once(worker_id=worker_id)
    if output_format == "json":
        emit_json(plain(report))
        return
    click.echo(f"fired {len(report.fired)} timer(s)"
               + "".join(f"\n  {code}: {bpmn_id}" for code, bpmn_id in report.fired)
               + f"\nSLA: {report.sla.changed} change(s) in {report.sla.cases} dossier(s), "
                 f"{report.sla.checked} step(s) checked")
    for timer_id, message in report.failed:
        click.echo(f"error: timer {timer_id}: {message}", err=True)
    if report.failed:
        raise SystemExit(1)
