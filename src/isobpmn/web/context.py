"""The app's services and the signed-in user, for views.

``services()`` is the app's one :class:`~isobpmn.services.Services` (built at start from
``DATABASE_URL``, or given as ``SERVICES`` by tests and the demo). The session cookie keeps the
user name only; each request reloads the profile (so a deactivated user or a removed role
takes effect at once) into ``g.user``.

Every view declares who may call it, as the :class:`Permission` its decorator leaves on the
view function (``view.permission``): :func:`public`, :func:`login_required`,
:func:`roles_required`, or :func:`token_required` for the API. A test reads the declarations
over the whole URL map (docs/web.md, *Permissions*). The services still decide, per agency,
what the user may see and do; a declaration is the first, coarse gate.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, abort, current_app, g, redirect, request, session, url_for

from isobpmn.services import Services, UnknownUser, UserProfile

__all__ = ["ADMIN", "PUBLIC", "SIGNED_IN", "TOKEN", "Permission", "current_user",
           "declared_permission", "init_app", "login_required", "public", "roles_required",
           "services", "token_required"]

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


@dataclass(frozen=True)
class Permission:
    """Who may call a view.

    ``kind`` is ``public`` (anyone, signed in or not), ``signed-in`` (any signed-in user),
    ``roles`` (a signed-in holder of one of ``roles`` in any agency, or an administrator),
    ``admin`` (administrators) or ``token`` (an API token of any active user).
    """

    kind: str
    roles: tuple[str, ...] = ()

    def admits(self, user: UserProfile | None) -> bool:
        """Whether ``user`` (None: nobody signed in, or no token) passes this gate."""
        if self.kind == "public":
            return True
        if user is None:
            return False
        if self.kind == "roles":
            return user.holds(*self.roles)
        if self.kind == "admin":
            return user.is_admin
        return True

    def __str__(self) -> str:
        if self.kind == "roles":
            return f"roles {', '.join(self.roles)} (or an administrator)"
        return {"public": "public", "signed-in": "any signed-in user",
                "admin": "administrators", "token": "an API token"}[self.kind]


PUBLIC = Permission("public")
SIGNED_IN = Permission("signed-in")
ADMIN = Permission("admin")
TOKEN = Permission("token")
#: Flask's own endpoint for the files under ``static/``: public, declared by its name.
STATIC_ENDPOINT = "static"


def _declare(view: Callable[..., Any], permission: Permission) -> Callable[..., Any]:
    view.permission = permission  # type: ignore[attr-defined]
    return view


def declared_permission(app: Flask, endpoint: str) -> Permission | None:
    """The permission the view of ``endpoint`` declares; None when it declares none."""
    if endpoint == STATIC_ENDPOINT:
        return PUBLIC
    return getattr(app.view_functions.get(endpoint), "permission", None)


def public(view: Callable[..., Any]) -> Callable[..., Any]:
    """Declare ``view`` open to anyone, signed in or not (sign-in, the lookup, the health
    check…). Put it right under the route decorator."""
    return _declare(view, PUBLIC)


def token_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Declare an API view for bearer tokens; the API blueprint checks the token before the
    view runs (:mod:`.api`)."""
    return _declare(view, TOKEN)


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Send a visitor who is not signed in to the sign-in page, then back."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if g.get("user") is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return _declare(wrapped, SIGNED_IN)


def roles_required(*role_codes: str, admin: bool = False) -> Callable[..., Any]:
    """Like :func:`login_required`, and 403 unless the user holds one of ``role_codes`` in
    some agency, or is an administrator (``admin=True``: administrators only)."""
    permission = ADMIN if admin else Permission("roles", tuple(role_codes))
    if permission.kind == "roles" and not role_codes:
        raise ValueError("roles_required needs role codes, or admin=True")

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def check(*args: Any, **kwargs: Any) -> Any:
            if not permission.admits(g.user):
                abort(403)
            return view(*args, **kwargs)

        return _declare(login_required(check), permission)

    return decorate
