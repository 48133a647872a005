"""The web app's logs: logging set up from the settings, a request id, one line per request.

``LOG_FORMAT`` and ``LOG_LEVEL`` configure the process's logging (:mod:`isobpmn.logsetup`)
when the app is created, except under ``TESTING``, where the test runner owns logging. Every
request gets an id: the proxy's ``X-Request-Id`` when it sends a sane one (nginx's
``$request_id``), else a new one. It is sent back as ``X-Request-Id`` and carried by every
line logged while the request runs. With ``LOG_REQUESTS`` each request ends with one line
on the logger ``isobpmn.web.request``: method, path (never the query string, which may hold a
citizen's lookup code), status, duration and the user signed in. The health check's lines
are DEBUG, so that a load balancer polling it does not fill the log.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, Response, current_app, g, request

from isobpmn import logsetup

__all__ = ["HEADER", "LOGGER", "init_app"]

LOGGER = "isobpmn.web.request"
HEADER = "X-Request-Id"
#: What a request id from the proxy may look like; anything else is replaced.
_SANE = re.compile(r"[A-Za-z0-9._:-]{1,64}")
#: Paths logged at DEBUG.
_QUIET = frozenset({"/healthz"})


def init_app(app: Flask) -> None:
    if not app.testing:
        logsetup.configure(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])
    app.before_request(_start)
    app.after_request(_finish)
    app.teardown_request(_forget)


def _start() -> None:
    given = request.headers.get(HEADER, "")
    g.request_id = given if _SANE.fullmatch(given) else uuid.uuid4().hex
    g.request_started = time.perf_counter()
    g.request_id_token = logsetup.request_id.set(g.request_id)


def _finish(response: Response) -> Response:
    request_id = g.get("request_id")
    if request_id is None:
        return response
    response.headers[HEADER] = request_id
    if current_app.config.get("LOG_REQUESTS"):
        _log(response.status_code, request_id)
    return response


def _log(status: int, request_id: str) -> None:
    duration = round((time.perf_counter() - g.request_started) * 1000, 1)
    user = g.get("user") or g.get("api_user")  # signed in, or an API token's user
    username = getattr(user, "username", None)
    message = f"{request.method} {request.path} {status} {duration:.1f} ms"
    if username:
        message += f" {username}"
    level = logging.DEBUG if request.path in _QUIET else logging.INFO
    logging.getLogger(LOGGER).log(level, message, extra={
        "method": request.method, "path": request.path, "status": status,
        "duration_ms": duration, "user": username, "remote_addr": request.remote_addr,
        "request_id": request_id})


def _forget(error: BaseException | None) -> None:
    token = g.pop("request_id_token", None)
    if token is not None:
        logsetup.request_id.reset(token)
