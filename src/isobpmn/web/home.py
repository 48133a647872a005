"""The start page: officials land on their inbox, visitors on the sign-in page; a health
check for load balancers."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, redirect, url_for

__all__ = ["bp"]

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    if g.get("user") is None:
        return redirect(url_for("auth.login"))
    return redirect(url_for("inbox.index"))


@bp.get("/healthz")
def health():
    """Public: the app answers (it does not touch the database)."""
    return jsonify({"status": "ok"})
