"""Nonconformities as the faces read them: list rows, the detail with the next actions.

No ORM object escapes: :class:`NonconformityRow` and :class:`NonconformityView` carry user
names and moments in the agency's zone. A corrective action is **overdue** when it is planned,
not yet implemented, and its due date is before the agency's today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from zoneinfo import ZoneInfo

from isobpmn.store import Agency, Case, Membership, Nonconformity, NonconformityStatus, User

from .context import ServiceContext
from .errors import UnknownRecord
from .quality_access import is_quality_staff
from .version_views import Person
from .views import local

__all__ = ["NonconformityRow", "NonconformityView", "list_conditions", "lock_nonconformity",
           "nonconformity_rows", "nonconformity_view", "zone_and_today"]

S = NonconformityStatus


@dataclass(frozen=True)
class NonconformityRow:
    """A nonconformity in a list."""

    id: int
    agency_code: str
    source: str
    status: str
    opened_at: datetime
    description: str
    case_code: str | None
    step_bpmn_id: str | None
    step_name: str | None
    owner: Person | None
    due_on: date | None
    overdue: bool


@dataclass(frozen=True)
class NonconformityView(NonconformityRow):
    """One nonconformity with its whole record; ``actions`` are what the reader may do now
    (``cause``, ``plan``, ``implement``, ``verify``), ``people`` who may own its action."""

    agency_name: str
    opened_by: Person | None
    cause: str | None
    action: str | None
    planned_at: datetime | None
    implemented_at: datetime | None
    implementation: str | None
    verification: str | None
    verified_by: Person | None
    verified_at: datetime | None
    updated_at: datetime
    actions: tuple[str, ...]
    people: tuple[Person, ...]


def lock_nonconformity(session: Session, nonconformity_id: int) -> Nonconformity:
    """The row, locked until the end of the transaction (``FOR UPDATE`` on PostgreSQL)."""
    row = session.scalar(select(Nonconformity).where(Nonconformity.id == nonconformity_id)
                         .with_for_update().execution_options(populate_existing=True))
    if row is None:
        raise UnknownRecord(f"no nonconformity #{nonconformity_id}")
    return row


def zone_and_today(ctx: ServiceContext, agency: Agency) -> tuple[ZoneInfo, date]:
    calendar = ctx.calendars.of(agency.id, agency.calendar)
    return calendar.tz, calendar.localize(ctx.now()).date()


def _people(session: Session, ids) -> dict[int, Person]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {uid: Person(username, name) for uid, username, name in session.execute(
        select(User.id, User.username, User.full_name).where(User.id.in_(wanted)))}


def list_conditions(*, status: str | None, overdue: bool, owner: int | None,
                    today: date) -> list:
    """The filters of a nonconformity list (``overdue``: planned, due before ``today``)."""
    conditions = []
    if status is not None:
        conditions.append(Nonconformity.status == status)
    if overdue:
        conditions += [Nonconformity.status == S.ACTION_PLANNED, Nonconformity.due_on < today]
    if owner is not None:
        conditions.append(Nonconformity.owner_id == owner)
    return conditions


def nonconformity_rows(ctx: ServiceContext, session: Session, agency: Agency, *conditions,
                       limit: int = 200) -> list[NonconformityRow]:
    """The agency's nonconformities matching ``conditions``, newest first."""
    tz, today = zone_and_today(ctx, agency)
    query = (select(Nonconformity, Case.code).outerjoin(Case, Case.id == Nonconformity.case_id)
             .where(Nonconformity.agency_id == agency.id, *conditions)
             .order_by(Nonconformity.opened_at.desc(), Nonconformity.id.desc()).limit(limit))
    rows = session.execute(query).all()
    people = _people(session, [row.owner_id for row, _ in rows])
    return [_row(row, agency, code, people, tz, today) for row, code in rows]


def _row(row: Nonconformity, agency: Agency, case_code: str | None,
         people: dict[int, Person], tz: ZoneInfo, today: date) -> NonconformityRow:
    return NonconformityRow(
        id=row.id, agency_code=agency.code, source=row.source, status=row.status,
        opened_at=local(row.opened_at, tz), description=row.description, case_code=case_code,
        step_bpmn_id=row.step_bpmn_id, step_name=row.step_name,
        owner=people.get(row.owner_id) if row.owner_id else None, due_on=row.due_on,
        overdue=row.status == S.ACTION_PLANNED and row.due_on is not None
        and row.due_on < today)


def nonconformity_view(ctx: ServiceContext, session: Session, row: Nonconformity,
                       reader: User) -> NonconformityView:
    agency = session.get(Agency, row.agency_id)
    case_code = session.scalar(select(Case.code).where(Case.id == row.case_id)) \
        if row.case_id else None
    people = _people(session, [row.owner_id, row.opened_by, row.verified_by])
    staff = is_quality_staff(ctx, session, reader, agency.id)
    actions = []
    if staff and row.status in (S.OPEN, S.ACTION_PLANNED):
        actions += ["cause", "plan"] if row.cause else ["cause"]
    if row.status == S.ACTION_PLANNED and (staff or row.owner_id == reader.id):
        actions.append("implement")
    if staff and row.status == S.IMPLEMENTED and row.owner_id != reader.id:
        actions.append("verify")
    members = session.execute(
        select(User.username, User.full_name).join(Membership, Membership.user_id == User.id)
        .where(Membership.agency_id == agency.id, User.is_active.is_(True)).distinct()
        .order_by(User.username)).all() if "plan" in actions else []
    tz, today = zone_and_today(ctx, agency)
    base = _row(row, agency, case_code, people, tz, today)
    return NonconformityView(
        **{name: getattr(base, name) for name in NonconformityRow.__dataclass_fields__},
        agency_name=agency.name, opened_by=people.get(row.opened_by) if row.opened_by else None,
        cause=row.cause, action=row.action, planned_at=local(row.planned_at, tz),
        implemented_at=local(row.implemented_at, tz), implementation=row.implementation,
        verification=row.verification,
        verified_by=people.get(row.verified_by) if row.verified_by else None,
        verified_at=local(row.verified_at, tz), updated_at=local(row.updated_at, tz),
        actions=tuple(actions), people=tuple(Person(u, n) for u, n in members))
