"""``isobpmn serve``: the web app on a development server, with the worker in a thread.

Production runs ``gunicorn 'isobpmn.web.wsgi:app'`` and ``isobpmn worker`` as separate
processes (docs/deploy.md). The command line and the web app are separate faces that do not
import each other, so the app is started by name, as gunicorn does (:data:`APP_FACTORY`).

The app sets up logging from its settings (``ISOBPMN_LOG_FORMAT``, ``ISOBPMN_LOG_LEVEL``); the
worker thread logs its rounds through it, and with ``ISOBPMN_LOG_REQUESTS`` the app's own
request lines replace the development server's.
"""

from __future__ import annotations

import os

import click

from isobpmn.cli.output import fail
from isobpmn.cli.servicing import DATABASE_OPTION

#: The application factory, and the error of a wrong setting, by name.
APP_FACTORY = "isobpmn.web:create_app"
CONFIG_ERROR = "isobpmn.web.config:ConfigError"
#: Pause between the worker's rounds, as ``isobpmn worker``'s default.
WORKER_INTERVAL = 30.0


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0: every interface).")
@click.option("--port", type=click.IntRange(1, 65535), default=5000, show_default=True,
              help="Port to listen on.")
@DATABASE_OPTION
@click.option("--worker/--no-worker", default=True, show_default=True,
              help="Also fire due timers and sweep SLA states in a background thread, every "
                   f"{WORKER_INTERVAL:g} s.")
def serve(host: str, port: int, database: str | None, worker: bool) -> None:
    """Run the web app on a development server (production: gunicorn isobpmn.web.wsgi:app).

    One process, several threads, plain HTTP; by default the timer and SLA worker runs in a
    thread beside it. Without ISOBPMN_SECRET_KEY a random secret is made at each start, so
    sessions end when the server stops. Stop it with Ctrl-C."""
    import threading

    from werkzeug.serving import make_server

    from isobpmn.services import Services
    from isobpmn.store import Database, StoreError, current, head

    try:
        db = Database.from_url(database)
        revision = current(db)
    except StoreError as exc:
        fail(str(exc))
    if revision != head():
        db.dispose()
        fail(f"{db.url}: the schema is at {revision or 'no revision (empty)'}, not {head()}; "
             "run `isobpmn db upgrade` first")
    services = Services(db)
    config = {"SERVICES": services, "DATABASE_URL": database, "DEBUG": False,
              "SESSION_COOKIE_SECURE": False}
    if not os.environ.get("ISOBPMN_SECRET_KEY"):
        config["DEV_SECRET"] = True
    try:
        app = _by_name(APP_FACTORY)({k: v for k, v in config.items() if v is not None})
    except _by_name(CONFIG_ERROR) as exc:
        db.dispose()
        fail(str(exc))
    handler = _quiet_handler() if app.config.get("LOG_REQUESTS") else None
    server = make_server(host, port, app, threaded=True,  # a port in use: message, exit 1
                         request_handler=handler)

    stop = threading.Event()
    thread = None
    if worker:
        thread = threading.Thread(target=_work, args=(services, stop), name="isobpmn-worker",
                                  daemon=True)
        thread.start()
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    click.echo(f"isobpmn: serving http://{shown}:{server.server_port}/ on {db.url}"
               + (f", worker every {WORKER_INTERVAL:g} s" if worker else ", no worker")
               + "; Ctrl-C to stop")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
        if thread is not None:
            thread.join(timeout=10)
        db.dispose()


def _by_name(name: str):
    import importlib

    module, attribute = name.split(":")
    return getattr(importlib.import_module(module), attribute)


def _quiet_handler():
    """The development server's request handler without its own request line."""
    from werkzeug.serving import WSGIRequestHandler

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            pass

    return QuietHandler


def _work(services, stop) -> None:
    """The worker loop beside the server: a round that fails (a database that is busy or
    gone) is logged in one line and the next round comes as usual."""
    from isobpmn.cli.worker import run_rounds

    run_rounds(services, stop, WORKER_INTERVAL)
