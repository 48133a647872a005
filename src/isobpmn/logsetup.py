"""Logging for the processes of a deployment: plain text or one JSON object per line.

The web app (``LOG_FORMAT``, ``LOG_LEVEL``), ``isobpmn worker`` and ``isobpmn serve`` call
:func:`configure`, which puts one handler on the root logger writing to stderr (where gunicorn,
systemd's journal and container runtimes collect it). Every logger of the process goes through
it: isobpmn's own, Flask's, SQLAlchemy's, werkzeug's. Standard library only, so any layer may
use it (like :mod:`isobpmn.textfmt`).

A JSON line carries ``time`` (ISO 8601, UTC, milliseconds), ``level``, ``logger``,
``message``, the fields a caller passed as ``extra`` (``method``, ``path``, ``status``,
``duration_ms``, ``user`` for a request; ``fired``, ``sla_changed`` for a worker round), the
current request's ``request_id`` when there is one, and ``exception`` (the traceback) when
the record has one. docs/deploy.md shows examples.
"""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from datetime import datetime, timezone
from typing import Any, TextIO

__all__ = ["FORMATS", "LEVELS", "LOG_FORMAT_ENV", "LOG_LEVEL_ENV", "JsonFormatter",
           "TextFormatter", "configure", "extras", "request_id"]

#: The output formats.
FORMATS = ("text", "json")
#: The levels a setting may name.
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
#: Environment variables read by ``isobpmn worker`` (the web app reads the same names through
#: its settings, docs/configuration.md).
LOG_FORMAT_ENV = "ISOBPMN_LOG_FORMAT"
LOG_LEVEL_ENV = "ISOBPMN_LOG_LEVEL"

#: The id of the request being served, set by the web app for the request's duration, so that
#: every line logged meanwhile (an exception, a slow query) names the request.
request_id: ContextVar[str | None] = ContextVar("isobpmn_request_id", default=None)

#: Attributes every LogRecord has; anything else on a record came from ``extra``.
_STANDARD = set(vars(logging.LogRecord("", logging.INFO, "", 0, "", (), None))) | {
    "message", "asctime", "taskName"}
#: Marks the handler :func:`configure` installed, so a second call replaces it.
_MARK = "_isobpmn_handler"
#: Libraries that talk at INFO about their own workings: alembic (its plugins when imported,
#: its backend each time the health check or the worker reads the schema revision), WeasyPrint
#: (each step of each PDF), fontTools (the fonts it subsets for a PDF) and SpiffWorkflow (each
#: task's change of state, ``spiff.*``). They are heard from WARNING up, unless the level asked
#: for is DEBUG.
CHATTY = ("alembic", "weasyprint.progress", "fontTools", "spiff")


def _utc(created: float) -> str:
    moment = datetime.fromtimestamp(created, timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def extras(record: logging.LogRecord) -> dict[str, Any]:
    """The fields given to the logging call as ``extra``, in the order given."""
    return {k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")}


class JsonFormatter(logging.Formatter):
    """One JSON object per line; non-ASCII text (Vietnamese names) is written as it is."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {"time": _utc(record.created), "level": record.levelname,
                                 "logger": record.name, "message": record.getMessage()}
        current = request_id.get()
        if current is not None:
            entry["request_id"] = current
        entry.update(extras(record))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """``2026-02-13T01:30:00.000Z INFO isobpmn.worker: message``, then the traceback if any."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return _utc(record.created)


class _StderrHandler(logging.StreamHandler):
    """Writes to ``sys.stderr`` as it is at each record, not as it was at start (a test runner
    or a daemon may replace it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass


def configure(log_format: str = "text", level: str = "INFO",
              stream: TextIO | None = None) -> logging.Handler:
    """Log every record at ``level`` or above in ``log_format`` to ``stream`` (default: the
    current stderr). A second call replaces the handler of the first; handlers others put on
    the root logger are left alone."""
    if log_format not in FORMATS:
        raise ValueError(f"log format {log_format!r}: write one of {', '.join(FORMATS)}")
    name = level.upper()
    if name not in LEVELS:
        raise ValueError(f"log level {level!r}: write one of {', '.join(LEVELS)}")
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _MARK, False):
            root.removeHandler(handler)
            handler.close()
    handler = logging.StreamHandler(stream) if stream is not None else _StderrHandler()
    setattr(handler, _MARK, True)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    root.addHandler(handler)
    root.setLevel(name)
    for library in CHATTY:
        logging.getLogger(library).setLevel(logging.NOTSET if name == "DEBUG" else logging.WARNING)
    return handler
