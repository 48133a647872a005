"""The app's services and the signed-in user, for views.

``services()`` is the app's one :class:`~isobpmn.services.Services` (built at start from
``DATABASE_URL``, or given as ``SERVICES`` by tests and the demo). The session cookie keeps the
user name only; each request reloads the profile (so a deactivated user or a removed role
takes effect at once) into ``g.user``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Flask, abort, current_app, g, redirect, request, session, url_for

from isobpmn.services import Services, UnknownUser, UserProfile

__all__ = ["current_user", "init_app", "login_required", "roles_required", "services"]

_KEY = "isobpmn.services"


def init_app(app: Flask) -> None:
    given = app.config.get("SERVICES")
    if given is None:
        from isobpmn.store import Database

        clock = app.config.get("CLOCK")
        given = Services(Database.from_url(app.config.get("DATABASE_URL")), clock=clock)
    app.extensions[_KEY] = given
    app.before_request(_load_user)
    app.context_processor(lambda: {"current_user": g.get("user")})


def services() -> Services:
    return current_app.extensions[_KEY]


def _load_user() -> None:
    g.user = None
    username = session.get("user")
    if not username:
        return
    try:
        g.user = services().user_profile(username)
    except UnknownUser:
        session.clear()


def current_user() -> UserProfile | None:
    return g.get("user")


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Send a visitor who is not signed in to the sign-in page, then back."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if g.get("user") is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    wrapped.login_required = True  # type: ignore[attr-defined]
    return wrapped


def roles_required(*role_codes: str, admin: bool = False) -> Callable[..., Any]:
    """Like :func:`login_required`, and 403 unless the user holds one of ``role_codes``
    (``admin=True``: administrators only)."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def check(*args: Any, **kwargs: Any) -> Any:
            user = g.user
            if admin and not user.is_admin:
                abort(403)
            if role_codes and not user.holds(*role_codes):
                abort(403)
            return view(*args, **kwargs)

        return login_required(check)

    return decorate
