"""The directory as administrators read and change it: the agency tree, units, users, roles.

Creating things is :mod:`.directory`'s (agencies, units, users, memberships) and
:mod:`.accounts`' (passwords, API tokens); this module adds what the administration pages need
besides: reading the directory whole (the agency tree in order, one agency with its units,
members and calendar, users with their memberships, inactive ones included) and the changes
that are not creations — an agency's name, address, calendar and ``public_names``, removing a
membership, deactivating and reactivating a user. Each change is one transaction with its event
on the ``system`` chain, made by an administrator (``actor``) or, with ``actor`` None, by the
operator at the command line. See docs/administration.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from isobpmn.calendar import CalendarConfigError, CalendarSettings
from isobpmn.store import Agency, Membership, Unit, User

from .access import find_agency
from .casework import transaction
from .context import ServiceContext
from .directory import directory_actor, directory_event
from .errors import InvalidRequest, UnknownUser
from .kinds import EventKind
from .views import local

__all__ = ["AgencyDetail", "AgencyRow", "MembershipRow", "UnitRow", "UserRow", "agency_detail",
           "list_agencies", "list_users", "remove_membership", "role_codes", "set_user_active",
           "update_agency", "user_detail"]


@dataclass(frozen=True)
class AgencyRow:
    """An agency in the tree: ``depth`` 0 for a root (the province), 1 for its children …"""

    id: int
    code: str
    name: str
    level: str
    parent_code: str | None
    depth: int
    address: str | None
    public_names: bool


@dataclass(frozen=True)
class UnitRow:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class MembershipRow:
    """A role held: by whom, in which agency and unit (``unit_code`` None: agency-wide)."""

    id: int
    username: str
    full_name: str
    user_active: bool
    agency_code: str
    agency_name: str
    unit_code: str | None
    unit_name: str | None
    role_code: str


@dataclass(frozen=True)
class AgencyDetail:
    """One agency with what its administration page shows; ``calendar`` is its
    ``[calendar]`` settings as stored (None: the national defaults)."""

    id: int
    code: str
    name: str
    level: str
    parent_code: str | None
    parent_name: str | None
    address: str | None
    calendar: dict[str, Any] | None
    public_names: bool
    units: tuple[UnitRow, ...]
    members: tuple[MembershipRow, ...]


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    full_name: str
    email: str | None
    is_admin: bool
    is_active: bool
    created_at: datetime | None
    memberships: tuple[MembershipRow, ...]


_MEMBERSHIPS = (select(Membership.id, User.username, User.full_name, User.is_active, Agency.code,
                       Agency.name, Unit.code, Unit.name, Membership.role_code)
                .join(User, User.id == Membership.user_id)
                .join(Agency, Agency.id == Membership.agency_id)
                .outerjoin(Unit, Unit.id == Membership.unit_id)
                .order_by(Agency.code, User.username, Membership.role_code, Unit.code))


def _memberships(session: Session, *conditions) -> list[MembershipRow]:
    return [MembershipRow(*row) for row in session.execute(_MEMBERSHIPS.where(*conditions))]


def list_agencies(ctx: ServiceContext) -> list[AgencyRow]:
    """Every agency in tree order: each after its parent, siblings by code."""
    with ctx.db.read() as session:
        agencies = session.execute(select(Agency.id, Agency.code, Agency.name, Agency.level,
                                          Agency.parent_id, Agency.address,
                                          Agency.public_names).order_by(Agency.code)).all()
    by_id = {a.id: a for a in agencies}
    children: dict[int | None, list[Any]] = {}
    for agency in agencies:
        parent = agency.parent_id if agency.parent_id in by_id else None
        children.setdefault(parent, []).append(agency)
    rows: list[AgencyRow] = []
    seen: set[int] = set()

    def walk(parent: int | None, depth: int) -> None:
        for agency in children.get(parent, []):
            if agency.id in seen:
                continue
            seen.add(agency.id)
            parent_code = by_id[agency.parent_id].code if agency.parent_id in by_id else None
            rows.append(AgencyRow(agency.id, agency.code, agency.name, agency.level,
                                  parent_code, depth, agency.address, bool(agency.public_names)))
            walk(agency.id, depth + 1)

    walk(None, 0)
    return rows


def agency_detail(ctx: ServiceContext, code: str) -> AgencyDetail:
    """The agency ``code`` with its units, members (roles) and settings."""
    with ctx.db.read() as session:
        agency = find_agency(session, code)
        parent = session.get(Agency, agency.parent_id) if agency.parent_id else None
        units = session.execute(select(Unit.id, Unit.code, Unit.name)
                                .where(Unit.agency_id == agency.id).order_by(Unit.code)).all()
        return AgencyDetail(
            agency.id, agency.code, agency.name, agency.level,
            parent.code if parent else None, parent.name if parent else None, agency.address,
            dict(agency.calendar) if agency.calendar else None, bool(agency.public_names),
            tuple(UnitRow(*u) for u in units),
            tuple(_memberships(session, Membership.agency_id == agency.id)))


def _user_rows(session: Session, users: list[User]) -> list[UserRow]:
    held: dict[str, list[MembershipRow]] = {}
    if users:
        for row in _memberships(session, Membership.user_id.in_([u.id for u in users])):
            held.setdefault(row.username, []).append(row)
    return [UserRow(u.id, u.username, u.full_name, u.email, bool(u.is_admin), bool(u.is_active),
                    local(u.created_at), tuple(held.get(u.username, ())))
            for u in users]


def list_users(ctx: ServiceContext, *, search: str | None = None,
               limit: int = 500) -> list[UserRow]:
    """Users by user name (deactivated ones too), with their memberships; ``search`` keeps
    those whose user name or full name contains it."""
    query = select(User).order_by(User.username).limit(limit)
    if search and search.strip():
        text = search.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{text}%"  # % and _ are looked for as they are
        query = query.where(or_(User.username.ilike(pattern, escape="\\"),
                                User.full_name.ilike(pattern, escape="\\")))
    with ctx.db.read() as session:
        return _user_rows(session, list(session.scalars(query)))


def _any_user(session: Session, username: str) -> User:
    """The user ``username``, active or not."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise UnknownUser(f"no user {username!r}")
    return user


def user_detail(ctx: ServiceContext, username: str) -> UserRow:
    """One user (active or not) with their memberships."""
    with ctx.db.read() as session:
        return _user_rows(session, [_any_user(session, username)])[0]


def role_codes(ctx: ServiceContext) -> list[str]:
    """Role codes in use (memberships) and those the settings name, to offer in forms."""
    with ctx.db.read() as session:
        held = set(session.scalars(select(Membership.role_code).distinct()))
    return sorted(held | set(ctx.settings.desk_roles) | set(ctx.settings.leader_roles))


def _checked_calendar(calendar: dict[str, Any] | None, code: str) -> dict[str, Any] | None:
    if not calendar:
        return None
    try:
        CalendarSettings.from_mapping(calendar, f"agency {code}")
    except CalendarConfigError as exc:
        raise InvalidRequest(str(exc)) from None
    return dict(calendar)


def update_agency(ctx: ServiceContext, code: str, *, name: str, address: str | None,
                  calendar: dict[str, Any] | None, public_names: bool,
                  actor: str | None = None) -> tuple[str, ...]:
    """Set the agency's name, address, ``[calendar]`` settings (checked now, docs/calendar.md;
    None or empty: the national defaults) and whether the public lookup names officials.
    Returns the names of the fields that changed (no event when none did)."""
    name = (name or "").strip()
    if not name:
        raise InvalidRequest(f"agency {code} needs a name")
    address = (address or "").strip() or None
    calendar = _checked_calendar(calendar, code)
    now = ctx.now()
    with transaction(ctx) as session:
        user = directory_actor(session, actor)
        agency = find_agency(session, code)
        wanted = {"name": name, "address": address, "calendar": calendar,
                  "public_names": bool(public_names)}
        changes = {key: value for key, value in wanted.items()
                   if getattr(agency, key) != value}
        if not changes:
            return ()
        for key, value in changes.items():
            setattr(agency, key, value)
        directory_event(session, EventKind.AGENCY_UPDATED, user, now,
               {"agency": agency.id, "code": code, "changes": changes})
        return tuple(changes)


def remove_membership(ctx: ServiceContext, membership_id: int, *,
                      actor: str | None = None) -> None:
    """Take a role away. Steps the user has claimed stay theirs until a leader reassigns
    them; from now on the user cannot claim or complete steps of that role."""
    now = ctx.now()
    with transaction(ctx) as session:
        user = directory_actor(session, actor)
        membership = session.get(Membership, membership_id)
        if membership is None:
            raise InvalidRequest(f"no membership with id {membership_id} (removed already?)")
        [row] = _memberships(session, Membership.id == membership_id)
        session.delete(membership)
        directory_event(session, EventKind.MEMBERSHIP_REMOVED, user, now,
               {"membership": membership_id, "user": row.username, "agency": row.agency_code,
                "unit": row.unit_code, "role": row.role_code})


def set_user_active(ctx: ServiceContext, username: str, active: bool, *,
                    actor: str | None = None) -> bool:
    """Deactivate a user (they can no longer sign in, nor use their API tokens; their
    history stays) or activate them again. Returns whether anything changed."""
    now = ctx.now()
    with transaction(ctx) as session:
        user = directory_actor(session, actor)
        target = _any_user(session, username)
        if not active and user is not None and user.id == target.id:
            raise InvalidRequest("you cannot deactivate your own account; ask another "
                                 "administrator")
        if bool(target.is_active) == bool(active):
            return False
        target.is_active = bool(active)
        directory_event(session, EventKind.USER_ACTIVATED if active else EventKind.USER_DEACTIVATED,
               user, now, {"user": target.id, "username": username})
        return True
