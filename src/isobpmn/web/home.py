"""The start page: officials land on their inbox, visitors on the sign-in page; a health
check for load balancers and monitoring."""

from __future__ import annotations

import functools
import logging

from flask import Blueprint, g, jsonify, redirect, url_for
from sqlalchemy.exc import DBAPIError

from isobpmn.store import StoreError, current, head

from .context import public, services

__all__ = ["bp"]

log = logging.getLogger(__name__)

bp = Blueprint("home", __name__)


@bp.get("/")
@public
def index():
    if g.get("user") is None:
        return redirect(url_for("auth.login"))
    return redirect(url_for("inbox.index"))


@functools.cache
def _head() -> str:
    """The schema revision this release expects (read from the migration scripts once)."""
    return head()


@bp.get("/healthz")
@public
def health():
    """Public and cheap: 200 ``{"status": "ok"}`` when the database answers one small query
    and is at this release's schema revision; else 503 with what is wrong. The reason a
    database does not answer is logged, not shown: the answer is public."""
    try:
        revision = current(services().db)
    except (StoreError, DBAPIError) as exc:
        log.error("health check: the database does not answer: %s",
                  str(exc).strip().splitlines()[0])
        return _unavailable({"database": "unreachable"})
    if revision != _head():
        return _unavailable({"database": "ok", "schema": {"revision": revision, "head": _head()},
                             "reason": "the database is not at this release's schema revision: "
                                       "run `isobpmn db upgrade`, or restart the processes "
                                       "when a newer release migrated it"})
    return _answer({"status": "ok"}, 200)


def _unavailable(details: dict) -> tuple:
    return _answer({"status": "unavailable", **details}, 503)


def _answer(body: dict, status: int) -> tuple:
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response, status
