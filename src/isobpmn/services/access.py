"""Who may do what: actors, memberships and the checks every service makes first.

A lane's role code links a task to the users holding that role in the agency that runs the
case. Matching rules (docs/services.md):

- the membership must be in the case's agency, with the lane's role code;
- a lane with a unit (``iso:role unit="phong-kinh-te"``) needs a membership in that unit, or
  an agency-wide one (``unit_id`` NULL: the role for every unit of the agency);
- leaders (``ServiceSettings.leader_roles``, ``lanh-dao`` by default) and admins may reassign;
  the desk (``desk_roles``, ``mot-cua``) receives, refuses and returns; admins may do those too.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from isobpmn.store import Agency, Membership, Task, Unit, User

from .errors import NotAllowed, UnknownAgency, UnknownUser

__all__ = ["Role", "agency_label", "find_agency", "find_user", "holds", "is_leader",
           "require_desk", "require_leader", "require_member", "require_task_role", "roles_of",
           "user_label"]


@dataclass(frozen=True, slots=True)
class Role:
    """One membership: a role code in an agency, in one unit or agency-wide (``unit`` None)."""

    agency_id: int
    role_code: str
    unit_code: str | None


#: A user with their memberships, in one statement (built once: building costs more than
#: running it).
_USER = (select(User, Membership.agency_id, Membership.role_code, Unit.code)
         .outerjoin(Membership, Membership.user_id == User.id)
         .outerjoin(Unit, Unit.id == Membership.unit_id)
         .where(User.username == bindparam("username")))
_ROLES = (select(Membership.agency_id, Membership.role_code, Unit.code)
          .outerjoin(Unit, Unit.id == Membership.unit_id)
          .where(Membership.user_id == bindparam("user_id")))
#: ``session.info`` key: memberships already read in this transaction, by user id.
_KNOWN_ROLES = "isobpmn.roles"


def find_user(session: Session, username: str) -> User:
    """The active user ``username`` (their memberships are read along and remembered)."""
    rows = session.execute(_USER, {"username": username}).all()
    user = rows[0].User if rows else None
    if user is not None:
        session.info.setdefault(_KNOWN_ROLES, {})[user.id] = [
            Role(a, r, u) for _, a, r, u in rows if a is not None]
    if user is None:
        raise UnknownUser(f"no user {username!r}")
    if not user.is_active:
        raise UnknownUser(f"user {username!r} is deactivated")
    return user


def find_agency(session: Session, code: str) -> Agency:
    agency = session.scalar(select(Agency).where(Agency.code == code))
    if agency is None:
        raise UnknownAgency(f"no agency with the code {code!r}")
    return agency


def user_label(user: User) -> str:
    return f"{user.full_name} ({user.username})"


def agency_label(agency: Agency) -> str:
    return f"{agency.name} ({agency.code})"


def roles_of(session: Session, user: User, agency_id: int | None = None) -> list[Role]:
    """The user's memberships (all agencies, or one)."""
    roles = session.info.get(_KNOWN_ROLES, {}).get(user.id)
    if roles is None:
        roles = [Role(a, r, u) for a, r, u in session.execute(_ROLES, {"user_id": user.id})]
    return roles if agency_id is None else [r for r in roles if r.agency_id == agency_id]


def holds(roles: list[Role], agency_id: int, role_code: str | None, unit_code: str | None) -> bool:
    """Whether the memberships cover a lane's role (and unit) in an agency."""
    return any(r.agency_id == agency_id and r.role_code == role_code
               and (unit_code is None or r.unit_code is None or r.unit_code == unit_code)
               for r in roles)


def _needs(role_code: str | None, unit_code: str | None, agency: Agency) -> str:
    where = f" in unit {unit_code}" if unit_code else ""
    return f"the role {role_code}{where} of {agency_label(agency)}"


def require_task_role(session: Session, user: User, task: Task, agency: Agency,
                      doing: str = "work on") -> None:
    """:class:`NotAllowed` unless ``user`` holds the task's lane role in the case's agency."""
    roles = roles_of(session, user)
    if holds(roles, task.agency_id, task.role_code, task.unit_code):
        return
    here = [r for r in roles if r.agency_id == task.agency_id]
    needed = _needs(task.role_code, task.unit_code, agency)
    if not here:
        raise NotAllowed(f"{user_label(user)} cannot {doing} task {task.id} {task.name!r}: it "
                         f"needs {needed}, and {user.username} holds no role in that agency")
    held = ", ".join(sorted(f"{r.role_code}" + (f" ({r.unit_code})" if r.unit_code else "")
                            for r in here))
    raise NotAllowed(f"{user_label(user)} cannot {doing} task {task.id} {task.name!r}: it needs "
                     f"{needed}; {user.username} holds there: {held}")


def is_leader(session: Session, user: User, agency_id: int, leader_roles: tuple[str, ...]) -> bool:
    return user.is_admin or any(r.role_code in leader_roles
                                for r in roles_of(session, user, agency_id))


def require_leader(session: Session, user: User, agency: Agency,
                   leader_roles: tuple[str, ...], doing: str) -> None:
    if not is_leader(session, user, agency.id, leader_roles):
        raise NotAllowed(f"{user_label(user)} cannot {doing}: it needs the role "
                         f"{' or '.join(leader_roles)} in {agency_label(agency)} (a leader) or "
                         "an administrator")


def require_desk(session: Session, user: User, agency: Agency, desk_roles: tuple[str, ...],
                 doing: str) -> None:
    if user.is_admin or any(r.role_code in desk_roles
                            for r in roles_of(session, user, agency.id)):
        return
    raise NotAllowed(f"{user_label(user)} cannot {doing}: it needs the role "
                     f"{' or '.join(desk_roles)} (the one-stop desk) in {agency_label(agency)}")


def require_member(session: Session, user: User, agency: Agency, doing: str) -> None:
    if user.is_admin or roles_of(session, user, agency.id):
        return
    raise NotAllowed(f"{user_label(user)} cannot {doing}: {user.username} holds no role in "
                     f"{agency_label(agency)}")
