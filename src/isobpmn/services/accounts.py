"""Signing in: passwords, API tokens and who a signed-in user is.

- **Passwords** are stored as werkzeug hashes (scrypt); at least :data:`MIN_PASSWORD` long.
  :func:`authenticate` answers a wrong password and an unknown user with the same error and,
  for an unknown user, still checks a dummy hash, so timing tells nothing.
- **API tokens** (``isb_`` + 43 random URL-safe characters) act as their user; only the
  SHA-256 of a token is stored, plus its first characters so a list can tell tokens apart.
  The plain token is shown once, when it is issued. Revoked tokens stop working at once.
- A :class:`UserProfile` is what the faces keep of a signed-in user: name, admin flag and
  memberships (role per unit per agency), never an ORM object.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from isobpmn.audit import SYSTEM_CHAIN, append_event
from isobpmn.store import Agency, ApiToken, Membership, Unit, User

from .access import find_user
from .casework import transaction
from .context import ServiceContext
from .errors import InvalidRequest, NotAllowed, NotSignedIn
from .kinds import EventKind
from .views import local

__all__ = ["ApiTokenView", "IssuedToken", "MIN_PASSWORD", "RoleView", "UserProfile",
           "authenticate", "authenticate_token", "create_api_token", "list_api_tokens",
           "revoke_api_token", "set_password", "user_profile"]

MIN_PASSWORD = 8
TOKEN_PREFIX = "isb_"
#: How stale ``last_used_at`` may get before a use of the token writes it again.
TOKEN_TOUCH = timedelta(minutes=5)
_DUMMY_HASH = generate_password_hash("isobpmn-no-such-user")


@dataclass(frozen=True)
class RoleView:
    """One membership of a signed-in user."""

    agency_code: str
    agency_name: str
    role_code: str
    unit_code: str | None
    unit_name: str | None


@dataclass(frozen=True)
class UserProfile:
    """A user as the faces know them after signing in."""

    id: int
    username: str
    full_name: str
    email: str | None
    is_admin: bool
    roles: tuple[RoleView, ...]

    def holds(self, *role_codes: str) -> bool:
        """Whether the user holds any of ``role_codes`` somewhere (admins hold every role)."""
        return self.is_admin or any(r.role_code in role_codes for r in self.roles)

    @property
    def agencies(self) -> list[tuple[str, str]]:
        """(code, name) of the agencies the user holds a role in, in first-seen order."""
        seen: dict[str, str] = {}
        for role in self.roles:
            seen.setdefault(role.agency_code, role.agency_name)
        return list(seen.items())


@dataclass(frozen=True)
class IssuedToken:
    """A new API token: ``token`` is shown once and never stored."""

    id: int
    name: str
    prefix: str
    token: str


@dataclass(frozen=True)
class ApiTokenView:
    id: int
    name: str
    prefix: str
    created_at: object
    last_used_at: object
    revoked_at: object


def _profile(session: Session, user: User) -> UserProfile:
    rows = session.execute(
        select(Agency.code, Agency.name, Membership.role_code, Unit.code, Unit.name)
        .join(Agency, Agency.id == Membership.agency_id)
        .outerjoin(Unit, Unit.id == Membership.unit_id)
        .where(Membership.user_id == user.id)
        .order_by(Agency.code, Membership.role_code, Unit.code)).all()
    return UserProfile(user.id, user.username, user.full_name, user.email, user.is_admin,
                       tuple(RoleView(*row) for row in rows))


def user_profile(ctx: ServiceContext, username: str) -> UserProfile:
    """The active user ``username`` with their memberships (:class:`UnknownUser` if none)."""
    with ctx.db.read() as session:
        return _profile(session, find_user(session, username))


def authenticate(ctx: ServiceContext, username: str, password: str) -> UserProfile:
    """The user, if ``password`` is theirs; :class:`NotSignedIn` otherwise (same message for
    an unknown user, a deactivated one and a wrong password)."""
    refused = NotSignedIn("wrong user name or password")
    with ctx.db.read() as session:
        user = session.scalar(select(User).where(User.username == (username or "").strip()))
        if user is None or not user.password_hash:
            check_password_hash(_DUMMY_HASH, password or "")
            raise refused
        if not check_password_hash(user.password_hash, password or "") or not user.is_active:
            raise refused
        return _profile(session, user)


def set_password(ctx: ServiceContext, username: str, password: str, *,
                 actor: str | None = None, current: str | None = None) -> None:
    """Set ``username``'s password: by an administrator (``actor``), by the operator
    (``actor`` None), or by the user themself with their ``current`` password."""
    if len(password or "") < MIN_PASSWORD:
        raise InvalidRequest(f"the password must have at least {MIN_PASSWORD} characters")
    now = ctx.now()
    with transaction(ctx) as session:
        user = find_user(session, username)
        acting = find_user(session, actor) if actor is not None else None
        if acting is not None and acting.id == user.id:
            if current is None or not check_password_hash(user.password_hash or _DUMMY_HASH,
                                                          current):
                raise NotAllowed("the current password is wrong")
        elif acting is not None and not acting.is_admin:
            raise NotAllowed(f"{acting.username} cannot set the password of {username}: "
                             "administrators only")
        user.password_hash = generate_password_hash(password)
        append_event(session, chain_key=SYSTEM_CHAIN, kind=EventKind.PASSWORD_SET, at=now,
                     actor=acting, actor_name=None if acting else "operator",
                     payload={"user": username})


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_api_token(ctx: ServiceContext, username: str, name: str, *,
                     actor: str | None = None) -> IssuedToken:
    """A new token acting as ``username`` (issued by an administrator or the user)."""
    name = (name or "").strip()
    if not name:
        raise InvalidRequest("give the token a name (which integration uses it)")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = ctx.now()
    with transaction(ctx) as session:
        owner = find_user(session, username)
        acting = find_user(session, actor) if actor is not None else None
        if acting is not None and acting.id != owner.id and not acting.is_admin:
            raise NotAllowed(f"{acting.username} cannot issue tokens for {username}: "
                             "administrators only")
        row = ApiToken(user_id=owner.id, name=name[:255], token_hash=_digest(token),
                       prefix=token[:12], created_at=now)
        session.add(row)
        session.flush()
        append_event(session, chain_key=SYSTEM_CHAIN, kind=EventKind.TOKEN_ISSUED, at=now,
                     actor=acting, actor_name=None if acting else "operator",
                     payload={"token": row.id, "user": username, "name": row.name,
                              "prefix": row.prefix})
        return IssuedToken(row.id, row.name, row.prefix, token)


def revoke_api_token(ctx: ServiceContext, token_id: int, *, actor: str | None = None) -> None:
    now = ctx.now()
    with transaction(ctx) as session:
        row = session.get(ApiToken, token_id)
        if row is None:
            raise InvalidRequest(f"no API token with id {token_id}")
        acting = find_user(session, actor) if actor is not None else None
        if acting is not None and acting.id != row.user_id and not acting.is_admin:
            raise NotAllowed(f"{acting.username} cannot revoke another user's token: "
                             "administrators only")
        if row.revoked_at is not None:
            return
        row.revoked_at = now
        append_event(session, chain_key=SYSTEM_CHAIN, kind=EventKind.TOKEN_REVOKED, at=now,
                     actor=acting, actor_name=None if acting else "operator",
                     payload={"token": row.id, "prefix": row.prefix})


def list_api_tokens(ctx: ServiceContext, username: str | None = None) -> list[ApiTokenView]:
    """Tokens of ``username`` (all users' when None), newest first."""
    with ctx.db.read() as session:
        query = select(ApiToken).order_by(ApiToken.id.desc())
        if username is not None:
            query = query.where(ApiToken.user_id == find_user(session, username).id)
        return [ApiTokenView(t.id, t.name, t.prefix, local(t.created_at),
                             local(t.last_used_at), local(t.revoked_at))
                for t in session.scalars(query)]


def authenticate_token(ctx: ServiceContext, token: str) -> UserProfile:
    """The user a bearer token acts as; :class:`NotSignedIn` for an unknown or revoked one."""
    refused = NotSignedIn("unknown or revoked API token")
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        raise refused
    digest = _digest(token)
    now = ctx.now()
    with ctx.db.read() as session:
        row = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
        if row is None or row.revoked_at is not None \
                or not hmac.compare_digest(row.token_hash, digest):
            raise refused
        user = session.get(User, row.user_id)
        if user is None or not user.is_active:
            raise refused
        profile = _profile(session, user)
        stale = row.last_used_at is None or now - row.last_used_at > TOKEN_TOUCH
    if stale:
        with ctx.db.write() as session:
            session.execute(update(ApiToken).where(ApiToken.id == row.id)
                            .values(last_used_at=now))
    return profile
