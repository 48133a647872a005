"""``isobpmn worker``: fire due timers and sweep SLA states, once or in a loop.

The loop logs one line per round that did something (timers fired, SLA changes, failures) to
the logger ``isobpmn.worker``, in the format of ``--log-format`` (docs/deploy.md, *Logs*). A
round that fails as a whole (the database is restarting) is logged and the next one comes as
usual; SIGTERM (``systemctl stop``) and Ctrl-C end the loop after the round under way.
"""

from __future__ import annotations

import logging

import click

from isobpmn.cli.output import FORMAT_OPTION, emit_json, fail
from isobpmn.cli.servicing import DATABASE_OPTION, open_services, plain
from isobpmn.logsetup import FORMATS, LEVELS, LOG_FORMAT_ENV, LOG_LEVEL_ENV, configure

#: The logger of the worker's rounds.
LOGGER = "isobpmn.worker"

LOG_FORMAT_OPTION = click.option(
    "--log-format", type=click.Choice(FORMATS), default="text", show_default=True,
    envvar=LOG_FORMAT_ENV, help="Log lines as text or as one JSON object per line.")
LOG_LEVEL_OPTION = click.option(
    "--log-level", type=click.Choice([level.lower() for level in LEVELS], case_sensitive=False),
    default="info", show_default=True, envvar=LOG_LEVEL_ENV, metavar="LEVEL",
    help="The least severe level logged: debug (also the rounds that did nothing), info, "
         "warning, error or critical.")


@click.command()
@click.option("--once", is_flag=True, help="Run one round and exit (for cron or tests).")
@click.option("--interval", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
              metavar="SECONDS", help="Pause between rounds.")
@click.option("--worker-id", metavar="NAME",
              help="Name recorded on the timers this worker fires (default: host:pid).")
@DATABASE_OPTION
@FORMAT_OPTION
@LOG_FORMAT_OPTION
@LOG_LEVEL_OPTION
def worker(once: bool, interval: float, worker_id: str | None, database: str | None,
           output_format: str, log_format: str, log_level: str) -> None:
    """Fire due timers, each exactly once, and record SLA changes.

    Each BPMN timer fires exactly once even with several workers (row locks on PostgreSQL, the
    single writer on SQLite); then every open step's SLA state (on track / due soon / overdue)
    is recomputed and changes are recorded. The loop logs each round that changed something;
    stop it with Ctrl-C or SIGTERM (the round under way finishes first)."""
    import threading

    configure(log_format, log_level)
    with open_services(database) as services:
        if not once:
            check_schema(services.db)
            stop = threading.Event()
            _stop_on_sigterm(stop)
            logging.getLogger(LOGGER).info(
                "worker: every %g s on %s", interval, services.db.url,
                extra={"interval_s": interval, "database": services.db.url})
            try:
                run_rounds(services, stop, interval, worker_id)
            except KeyboardInterrupt:
                stop.set()
            logging.getLogger(LOGGER).info("worker: stopped")
            return
        report = services.run_worker_once(worker_id=worker_id)
    if output_format == "json":
        emit_json(plain(report))
        return
    click.echo(f"fired {len(report.fired)} timer(s)"
               + "".join(f"\n  {code}: {bpmn_id}" for code, bpmn_id in report.fired)
               + f"\nSLA: {report.sla.changed} change(s) in {report.sla.cases} dossier(s), "
                 f"{report.sla.checked} step(s) checked"
               + f"\nreports: {report.rollup.days} day(s) summed")
    for timer_id, message in report.failed:
        click.echo(f"error: timer {timer_id}: {message}", err=True)
    if report.failed:
        raise SystemExit(1)


def check_schema(db) -> None:
    """End the command with one line when the database is not at this release's revision:
    a loop started on an empty or outdated database would only log failures."""
    from isobpmn.store import current, head

    revision = current(db)
    if revision != head():
        fail(f"{db.url}: the schema is at {revision or 'no revision (empty)'}, not {head()}; "
             "run `isobpmn db upgrade` first")


def _stop_on_sigterm(stop) -> None:
    import signal

    signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())


def run_rounds(services, stop, interval: float, worker_id: str | None = None) -> None:
    """Rounds every ``interval`` seconds until ``stop`` is set, each logged (also the worker
    thread of ``isobpmn serve``)."""
    from sqlalchemy.exc import DBAPIError

    from isobpmn.services import ServiceError
    from isobpmn.services.worker import default_worker_id
    from isobpmn.store import StoreError

    log = logging.getLogger(LOGGER)
    name = worker_id or default_worker_id()
    while not stop.is_set():
        try:
            report = services.run_worker_once(worker_id=name)
        except (ServiceError, StoreError, DBAPIError) as exc:
            log.error("worker round failed: %s", str(exc).strip().splitlines()[0],
                      extra={"worker": name})
        else:
            log_round(log, name, report)
        stop.wait(interval)


def log_round(log: logging.Logger, name: str, report) -> None:
    """One line for the round (DEBUG when it changed nothing), one per timer that failed."""
    fields = {"worker": name, "fired": len(report.fired), "failed": len(report.failed),
              "sla_changed": report.sla.changed, "sla_checked": report.sla.checked}
    message = "round: fired %d timer(s), %d failed; SLA: %d change(s) in %d dossier(s)"
    values = [len(report.fired), len(report.failed), report.sla.changed, report.sla.cases]
    days = report.rollup.days
    if days:
        fields["report_days"] = days
        message += "; reports: %d day(s) summed"
        values.append(days)
    busy = report.fired or report.failed or report.sla.changed or days
    log.log(logging.INFO if busy else logging.DEBUG, message, *values, extra=fields)
    for code, bpmn_id in report.fired:
        log.info("timer %s fired in %s", bpmn_id, code,
                 extra={"worker": name, "case": code, "timer": bpmn_id})
    for timer_id, message in report.failed:
        log.error("timer %s: %s", timer_id, message, extra={"worker": name, "timer_id": timer_id})
