"""Flask extensions: CSRF protection on every form (Flask-WTF) and rate limits (Flask-Limiter).

The API authenticates with bearer tokens, not cookies, so it is exempt from CSRF (its
blueprint says so). Limits are per client address, counted in ``RATELIMIT_STORAGE_URI``
(``memory://`` per process; a shared store such as ``redis://`` when several processes serve).
"""

from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

__all__ = ["csrf", "init_app", "limiter"]

csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    limiter.init_app(app)
