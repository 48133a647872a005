"""The directory: agencies, their units, users and memberships (audited on chain "system").

Enough for tests, seeds and the command line until an administration screen exists. Each call
is one transaction with its event; ``actor`` (a user name) is optional, ``None`` recording the
operator who ran the seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from isobpmn.audit import SYSTEM_CHAIN, append_event
from isobpmn.calendar import CalendarConfigError, CalendarSettings
from isobpmn.store import Agency, AgencyLevel, Membership, Unit, User

from .access import find_agency, find_user
from .casework import transaction
from .context import ServiceContext
from .errors import InvalidRequest, NotAllowed, UnknownAgency
from .kinds import EventKind

__all__ = ["Created", "add_membership", "create_agency", "create_unit", "create_user",
           "directory_actor", "directory_event"]


@dataclass(frozen=True)
class Created:
    """The id and code (or user name) of what was created."""

    id: int
    code: str


def directory_actor(session: Session, actor: str | None) -> User | None:
    if actor is None:
        return None
    user = find_user(session, actor)
    if not user.is_admin:
        raise NotAllowed(f"{user.username} cannot change the directory: administrators only")
    return user


def directory_event(session: Session, kind: EventKind, user: User | None, now,
           payload: dict[str, Any]) -> None:
    append_event(session, chain_key=SYSTEM_CHAIN, kind=kind, at=now, actor=user,
                 actor_name=None if user else "operator", payload=payload)


def _exists(session: Session, query, what: str) -> None:
    if session.scalar(query) is not None:
        raise InvalidRequest(f"{what} already exists")


def create_agency(ctx: ServiceContext, code: str, name: str, *, level: str = AgencyLevel.COMMUNE,
                  parent: str | None = None, address: str | None = None,
                  calendar: dict[str, Any] | None = None, actor: str | None = None) -> Created:
    """An agency; ``calendar`` is its ``[calendar]`` settings (checked now, docs/calendar.md)."""
    if level not in {v.value for v in AgencyLevel}:
        raise InvalidRequest(f"unknown agency level {level!r}")
    if calendar:
        try:
            CalendarSettings.from_mapping(calendar, f"agency {code}")
        except CalendarConfigError as exc:
            raise InvalidRequest(str(exc)) from None
    now = ctx.now()
    with transaction(ctx) as session:
        user = directory_actor(session, actor)
        _exists(session, select(Agency.id).where(Agency.code == code), f"agency {code}")
        parent_id = find_agency(session, parent).id if parent else None
        agency = Agency(code=code, name=name, level=level, parent_id=parent_id, address=address,
                        calendar=calendar or None, created_at=now)
        session.add(agency)
        session.flush()
        directory_event(session, EventKind.AGENCY_CREATED, user, now,
               {"agency": agency.id, "code": code, "name": name, "level": level,
                "parent": parent, "calendar": calendar or None})
        return Created(agency.id, code)


def create_unit(ctx: ServiceContext, agency: str, code: str, name: str, *,
                actor: str | None = None) -> Created:
    now = ctx.now()
    with transaction(ctx) as session:
        user = directory_actor(session, actor)
        office = find_agency(session, agency)
        _exists(session, select(Unit.id).where(Unit.agency_id == office.id, Unit.code == code),
                f"unit {code} of {agency}")
        unit = Unit(agency_id=office.id, code=code, name=name)
        session.add(unit)
        session.flush()
        directory_event(session, EventKind.UNIT_CREATED, user, now,
               {"unit": unit.id, "agency": agency, "code": code, "name": name})
        return Created(unit.id, code)


def create_user(ctx: ServiceContext, username: str, full_name: str, *, email: str | None = None,
                is_admin: bool = False, actor: str | None = None) -> Created:
    now = ctx.now()
    with transaction(ctx) as session:
        user = directory_actor(session, actor)
        _exists(session, select(User.id).where(User.username == username), f"user {username}")
        created = User(username=username, full_name=full_name, email=email, is_admin=is_admin,
                       is_active=True, created_at=now)
        session.add(created)
        session.flush()
        directory_event(session, EventKind.USER_CREATED, user, now,
               {"user": created.id, "username": username, "full_name": full_name,
                "is_admin": is_admin})
        return Created(created.id, username)


def add_membership(ctx: ServiceContext, username: str, agency: str, role: str, *,
                   unit: str | None = None, actor: str | None = None) -> Created:
    """``username`` holds ``role`` (a lane's role code) in ``agency`` (in ``unit``, or
    agency-wide)."""
    now = ctx.now()
    with transaction(ctx) as session:
        user = directory_actor(session, actor)
        member = find_user(session, username)
        office = find_agency(session, agency)
        unit_id = None
        if unit is not None:
            unit_id = session.scalar(select(Unit.id).where(Unit.agency_id == office.id,
                                                           Unit.code == unit))
            if unit_id is None:
                raise UnknownAgency(f"{agency} has no unit {unit!r}")
        _exists(session, select(Membership.id).where(
            Membership.user_id == member.id, Membership.agency_id == office.id,
            Membership.role_code == role,
            Membership.unit_id == unit_id if unit_id else Membership.unit_id.is_(None)),
            f"{username} as {role} in {agency}" + (f"/{unit}" if unit else ""))
        membership = Membership(user_id=member.id, agency_id=office.id, unit_id=unit_id,
                                role_code=role)
        session.add(membership)
        session.flush()
        directory_event(session, EventKind.MEMBERSHIP_ADDED, user, now,
               {"membership": membership.id, "user": username, "agency": agency, "unit": unit,
                "role": role})
        return Created(membership.id, role)
