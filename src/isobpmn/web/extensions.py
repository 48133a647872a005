"""Flask extensions: CSRF protection on every form (Flask-WTF) and rate limits (Flask-Limiter).

The API authenticates with bearer tokens, not cookies, so it is exempt from CSRF (its
blueprint says so). Limits are per client address, counted in ``RATELIMIT_STORAGE_URI``
(``memory://`` per process; a shared store such as ``redis://`` when several processes serve).

``<int:…>`` in every route is :class:`.params.IdConverter`, bounded to what an id column holds,
and a page request with a NUL character in its path, query or form is refused (400) before
any view runs: PostgreSQL cannot hold one, and no one types it (the API refuses it in its
own words).
Every response says ``X-Content-Type-Options: nosniff``, and a diagram served as XML (drawn
and uploaded by users) carries ``Content-Security-Policy: sandbox``: a browser that opens one
directly must not run a script or apply a stylesheet it holds.
"""

from __future__ import annotations

from flask import Flask, Response, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import BadRequest

__all__ = ["csrf", "init_app", "limiter"]

csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


#: Media types of user-made documents that a browser would otherwise render with scripts.
INERT_TYPES = frozenset({"application/xml", "text/xml", "image/svg+xml"})


def _inert(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    if response.mimetype in INERT_TYPES:
        response.headers.setdefault("Content-Security-Policy", "default-src 'none'; sandbox")
    return response


def _no_nul() -> None:
    if request.path.startswith("/api/"):
        return
    texts = [request.path, *(t for pair in request.args.items(multi=True) for t in pair)]
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        texts += [t for pair in request.form.items(multi=True) for t in pair]
        texts += [f.filename or "" for f in request.files.values()]
    if any("\x00" in text for text in texts):
        raise BadRequest("a NUL character (\\x00) in the request")


def init_app(app: Flask) -> None:
    from .params import IdConverter

    app.url_map.converters["int"] = IdConverter  # before the blueprints add their routes
    csrf.init_app(app)
    limiter.init_app(app)
    app.before_request(_no_nul)
    app.after_request(_inert)
