"""Receiving a dossier at the desk: its code, lookup code, clock, appointment and receipt.

- **Code** ``{AGENCY}-{yymmdd}-{seq:04d}``: the agency's code, the day of receipt (the agency's
  zone) and the next number of that agency and day. The number is found inside the
  transaction. On PostgreSQL the desks of one agency take numbers in turn (a transaction-scoped
  advisory lock on the agency and day), on SQLite the single writer does the same; should a
  number be taken anyway, the unique index on ``cases.code`` refuses the insert and a fresh
  number is tried (a savepoint keeps the transaction alive).
- **Lookup code**: 6 characters from an alphabet without look-alikes (no 0/O, 1/I/L), drawn
  with :mod:`secrets`, printed on the receipt so that the applicant (and only they) can look
  the dossier up.
- **Clock and appointment**: the agency's working calendar decides when the clock starts
  (office hours, the 15:00 cut-off) and adds the procedure's statutory limit (docs/calendar.md).
- **After the fact**: ``received_at`` records a dossier that came by post or is entered later;
  the clock runs from then, the event says so.

The engine starts at once; its first step (the desk's check) becomes a task.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from isobpmn.audit import append_event, case_chain
from isobpmn.calendar import WorkingCalendar
from isobpmn.model import ProcedureInfo
from isobpmn.store import Agency, Case, CaseStatus, Channel, Procedure, ProcedureVersion, VersionStatus

from .access import find_agency, find_user, require_desk
from .casework import CaseWork, spec_of, transaction
from .context import ServiceContext
from .errors import InvalidRequest, UnknownProcedure
from .kinds import EventKind
from .views import Applicant, TaskView, task_views

__all__ = ["LOOKUP_ALPHABET", "ComponentLine", "Receipt", "component_lines", "lookup_code",
           "receive_dossier"]

LOOKUP_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LOOKUP_LENGTH = 6


@dataclass(frozen=True)
class ComponentLine:
    """One row of the receipt's dossier table: no. | paper | original/copy | quantity."""

    no: int
    name: str
    copies: str
    quantity: int
    required: bool


@dataclass(frozen=True)
class Receipt:
    """Everything the receipt (Mẫu 01, Giấy tiếp nhận hồ sơ và hẹn trả kết quả) prints."""

    case_code: str
    lookup_code: str
    agency_code: str
    agency_name: str
    parent_agency_name: str | None
    agency_address: str | None
    procedure_code: str
    procedure_title: str
    revision: int
    applicant: Applicant
    request: str | None
    channel: str
    components: list[ComponentLine]
    sets: int
    time_limit: str | None
    time_limit_note: str
    received_at: datetime
    clock_started_at: datetime
    appointment_at: datetime | None
    place: str
    fee: str | None
    received_by: str
    entered_at: datetime
    entered_after_the_fact: bool
    first_tasks: list[TaskView]


def lookup_code() -> str:
    return "".join(secrets.choice(LOOKUP_ALPHABET) for _ in range(LOOKUP_LENGTH))


def receive_dossier(ctx: ServiceContext, procedure: str, agency: str,
                    applicant: Applicant | Mapping[str, Any] | str, *, actor: str,
                    channel: str = Channel.IN_PERSON,
                    components: Sequence[int | str] | None = None, request: str | None = None,
                    received_at: datetime | None = None,
                    revision: int | None = None) -> Receipt:
    """Register a dossier for ``procedure`` (its document code, newest published revision
    unless ``revision``) at ``agency`` (its code) and return its receipt.

    ``components`` are the papers ticked at the desk: numbers (1-based, as in 5.2) or names;
    by default the required ones. ``received_at`` (naive = the agency's local time) is for a
    dossier received earlier (by post, entered after the fact); it may not be in the future.
    """
    person = _applicant(applicant)
    if channel not in {c.value for c in Channel}:
        raise InvalidRequest(f"unknown channel {channel!r}; use one of "
                             f"{', '.join(c.value for c in Channel)}")
    now = ctx.now()
    with transaction(ctx) as session:
        user = find_user(session, actor)
        office = find_agency(session, agency)
        require_desk(session, user, office, ctx.settings.desk_roles,
                     f"receive dossiers at {office.name}")
        version = _version(session, procedure, office, revision)
        spec = spec_of(ctx, session, version.id)
        info = spec.procedure.info
        calendar = ctx.calendars.of(office.id, office.calendar)
        moment = calendar.localize(received_at) if received_at is not None else now
        if moment > now:
            raise InvalidRequest(f"the dossier cannot be received in the future "
                                 f"({moment:%d/%m/%Y %H:%M}); check --received-at")
        limit = info.time_limit if info else None
        clock_start = calendar.clock_start(moment, limit)
        appointment = calendar.add(clock_start, limit) if limit is not None else None
        lines = component_lines(info, components)
        case = Case(agency_id=office.id, procedure_version_id=version.id,
                    applicant_name=person.name, applicant_id_number=person.id_number,
                    applicant_address=person.address, applicant_phone=person.phone,
                    applicant_email=person.email, request=request or spec.procedure.title,
                    channel=channel, status=CaseStatus.OPEN, received_at=moment,
                    clock_started_at=clock_start, appointment_at=appointment,
                    original_appointment_at=appointment, lookup_code=lookup_code(),
                    supplement_count=0, dossier_components=[asdict(c) for c in lines],
                    data={}, created_at=now)
        _insert_with_code(ctx, session, case, office, calendar, moment)
        work = CaseWork.begin(ctx, session, case, spec, calendar, {"ma_ho_so": case.code})
        projection = work.project(now, ready_at=moment)
        append_event(session, chain_key=case_chain(case.id), kind=EventKind.CASE_RECEIVED,
                     at=now, actor=user, case=case,
                     payload={"code": case.code, "procedure": procedure,
                              "revision": version.revision, "procedure_version": version.id,
                              "applicant": asdict(person), "request": case.request,
                              "channel": channel, "components": [c.no for c in lines],
                              "received_at": moment, "entered_after_the_fact":
                              received_at is not None, "clock_started_at": clock_start,
                              "appointment_at": appointment,
                              "time_limit": str(limit) if limit else None,
                              **projection.payload()})
        work.save()
        parent = session.get(Agency, office.parent_id) if office.parent_id else None
        tz = calendar.tz
        return Receipt(
            case_code=case.code, lookup_code=case.lookup_code, agency_code=office.code,
            agency_name=office.name, parent_agency_name=parent.name if parent else None,
            agency_address=office.address, procedure_code=spec.procedure.code,
            procedure_title=spec.procedure.title, revision=version.revision, applicant=person,
            request=case.request, channel=channel, components=lines,
            sets=info.dossier_sets if info else 1,
            time_limit=limit.describe("vi") if limit else None,
            time_limit_note=info.time_limit_note if info else "",
            received_at=moment.astimezone(tz), clock_started_at=clock_start.astimezone(tz),
            appointment_at=appointment.astimezone(tz) if appointment else None,
            place=info.place if info else "", fee=(info.fee.text or None) if info and info.fee
            else None, received_by=user.full_name, entered_at=now.astimezone(tz),
            entered_after_the_fact=received_at is not None,
            first_tasks=task_views(session, projection.ready, case.code, tz))


def _applicant(applicant: Applicant | Mapping[str, Any] | str) -> Applicant:
    if isinstance(applicant, str):
        applicant = Applicant(applicant)
    elif isinstance(applicant, Mapping):
        try:
            applicant = Applicant(**applicant)
        except TypeError as exc:
            raise InvalidRequest(f"applicant: {exc}") from None
    if not applicant.name or not applicant.name.strip():
        raise InvalidRequest("the applicant's name is required")
    return Applicant(*(value.strip() if isinstance(value, str) and value.strip() else None
                       for value in (applicant.name, applicant.id_number, applicant.address,
                                     applicant.phone, applicant.email)))


def _version(session: Session, code: str, agency: Agency,
             revision: int | None) -> ProcedureVersion:
    """The published version of procedure ``code`` serving ``agency`` (its own first, else a
    province-wide one)."""
    query = (select(ProcedureVersion).join(Procedure)
             .where(Procedure.code == code, ProcedureVersion.status == VersionStatus.PUBLISHED,
                    (Procedure.agency_id == agency.id) | Procedure.agency_id.is_(None))
             .order_by(Procedure.agency_id.is_(None), ProcedureVersion.revision.desc()))
    if revision is not None:
        query = query.where(ProcedureVersion.revision == revision)
    version = session.scalars(query.limit(1)).first()
    if version is None:
        which = f"published revision {revision} of " if revision is not None else "published "
        raise UnknownProcedure(f"no {which}procedure {code!r} serves {agency.name} "
                               f"({agency.code}); publish it first (dossiers are received on "
                               "a published revision only)")
    return version


def component_lines(info: ProcedureInfo | None,
                ticked: Sequence[int | str] | None) -> list[ComponentLine]:
    papers = list(info.dossier) if info else []
    lines = [ComponentLine(no, c.name, c.copies_label("vi"), c.quantity, c.required)
             for no, c in enumerate(papers, 1)]
    if ticked is None:
        return [line for line in lines if line.required]
    chosen: list[ComponentLine] = []
    for item in ticked:
        if isinstance(item, int) and not isinstance(item, bool) and 1 <= item <= len(lines):
            line = lines[item - 1]
        else:
            named = [line for line in lines if line.name == item]
            if not named:
                raise InvalidRequest(f"dossier component {item!r} is not in 5.2 of the "
                                     f"procedure (numbers 1 to {len(lines)})")
            line = named[0]
        if line not in chosen:
            chosen.append(line)
    return sorted(chosen, key=lambda line: line.no)


def _insert_with_code(ctx: ServiceContext, session: Session, case: Case, agency: Agency,
                      calendar: WorkingCalendar, moment: datetime) -> None:
    day = calendar.localize(moment).date()
    prefix = f"{agency.code}-{day:%y%m%d}-"
    start = datetime.combine(day, time(0), calendar.tz)
    pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    if session.get_bind().dialect.name == "postgresql":
        # desks of one agency take numbers in turn for the rest of their transaction, instead
        # of all racing for the same next number (SQLite's single writer does this already)
        key = int.from_bytes(hashlib.sha256(prefix.encode("utf-8")).digest()[:8], "big",
                             signed=True)
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
    for attempt in range(ctx.settings.code_attempts):
        last = session.scalar(
            select(Case.code).where(Case.agency_id == agency.id, Case.received_at >= start,
                                    Case.received_at < start + timedelta(days=1),
                                    Case.code.like(pattern, escape="\\"))
            .order_by(func.length(Case.code).desc(), Case.code.desc()).limit(1))
        number = int(last[len(prefix):]) + 1 if last else 1
        case.code = f"{prefix}{number:04d}"
        try:
            with session.begin_nested():
                session.add(case)
                session.flush()
            return
        except IntegrityError:
            taken = session.scalar(select(Case.id).where(Case.code == case.code))
            if taken is None or attempt == ctx.settings.code_attempts - 1:
                raise
