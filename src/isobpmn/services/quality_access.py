"""Who keeps an agency's quality records, and the audit chain they are written on.

The records of the quality system (objectives, nonconformities; docs/quality.md) belong to one
agency each. Their changes are events on the chain ``quality:<agency id>``, one chain per
agency, so an agency's quality history can be checked on its own and never interleaves with a
dossier's chain.

- **Quality staff** of an agency keep the records: holders of ``quality_roles`` (the ISO
  officer, ``thu-ky-iso``) or ``leader_roles`` (``lanh-dao``) there, and administrators.
- **Readers** are the agency's members (objectives are communicated to the staff, ISO 9001
  7.3) and administrators.
- The **owner** of a corrective action may report it implemented, whatever their role.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from isobpmn.audit import append_event
from isobpmn.calendar import WorkingCalendar
from isobpmn.store import Agency, User

from .access import agency_label, require_member, roles_of, user_label
from .context import ServiceContext
from .errors import InvalidRequest, NotAllowed
from .kinds import EventKind

__all__ = ["MAX_PERIOD_DAYS", "SYSTEM_ACTOR", "check_period", "is_quality_staff",
           "period_bounds", "quality_chain", "quality_event", "require_quality_reader",
           "require_quality_staff"]

#: The name an event carries when the system itself acted (a late dossier's nonconformity).
SYSTEM_ACTOR = "system"
#: The longest period a review or a measurement covers.
MAX_PERIOD_DAYS = 366


def quality_chain(agency_id: int) -> str:
    return f"quality:{agency_id}"


def quality_roles(ctx: ServiceContext) -> tuple[str, ...]:
    """Roles that keep the quality records: the ISO officer's and the leaders'."""
    return tuple(dict.fromkeys((*ctx.settings.quality_roles, *ctx.settings.leader_roles)))


def is_quality_staff(ctx: ServiceContext, session: Session, user: User, agency_id: int) -> bool:
    roles = quality_roles(ctx)
    return user.is_admin or any(r.role_code in roles for r in roles_of(session, user, agency_id))


def require_quality_staff(ctx: ServiceContext, session: Session, user: User, agency: Agency,
                          doing: str) -> None:
    """:class:`NotAllowed` unless ``user`` keeps ``agency``'s quality records."""
    if is_quality_staff(ctx, session, user, agency.id):
        return
    raise NotAllowed(f"{user_label(user)} cannot {doing}: it needs the role "
                     f"{' or '.join(quality_roles(ctx))} in {agency_label(agency)} (the ISO "
                     "officer or a leader) or an administrator")


def require_quality_reader(session: Session, user: User, agency: Agency, doing: str) -> None:
    require_member(session, user, agency, doing)


def quality_event(session: Session, agency: Agency, kind: EventKind, at: datetime,
                  user: User | None, payload: dict[str, Any]) -> None:
    """Append ``kind`` to the agency's quality chain (``user`` None: the system acted)."""
    append_event(session, chain_key=quality_chain(agency.id), kind=kind, at=at, actor=user,
                 actor_name=None if user is not None else SYSTEM_ACTOR,
                 payload={"agency": agency.code, **payload})


def check_period(start: date, end: date, what: str) -> None:
    """:class:`InvalidRequest` unless ``start``–``end`` is a period of at most a year."""
    if end < start:
        raise InvalidRequest(f"the {what}'s period ends ({end:%d/%m/%Y}) before it starts "
                             f"({start:%d/%m/%Y}); swap the two dates")
    if (end - start).days >= MAX_PERIOD_DAYS:
        raise InvalidRequest(f"a {what} covers at most {MAX_PERIOD_DAYS} days; choose "
                             f"{start:%d/%m/%Y} – {end:%d/%m/%Y} in parts")


def period_bounds(calendar: WorkingCalendar, start: date, end: date) -> tuple[datetime, datetime]:
    """The moments [start 00:00, the day after end 00:00) in the agency's zone."""
    return (datetime.combine(start, time(0), calendar.tz),
            datetime.combine(end + timedelta(days=1), time(0), calendar.tz))
