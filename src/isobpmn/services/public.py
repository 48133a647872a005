"""What a citizen sees without signing in: their dossier's progress, and their rating of it.

The applicant holds two codes from the receipt (Mẫu 01): the dossier code and the short lookup
code. With both, :func:`lookup_dossier` shows where the dossier is — status, appointment, the
steps in progress (who: the lane and the unit; the official's name only where the agency chose
``public_names``), the steps done with their dates, the pauses — but never what was entered
at a step nor any internal note. Once the result was returned, :func:`rate_dossier` records the
applicant's satisfaction (DOMAIN §8, Bộ chỉ số 766), once per dossier.

Nobody may learn from the answers which dossier codes exist: an unknown code and a wrong lookup
code raise the same :class:`UnknownCase` with the same message, after the same work — the same
query by code, and a constant-time comparison with the real lookup code or a dummy one.
See docs/lookup.md.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from isobpmn.audit import append_event, case_chain
from isobpmn.store import (
    OPEN_TASK_STATES,
    Agency,
    Case,
    CasePause,
    CaseStatus,
    Procedure,
    ProcedureVersion,
    Rating,
    SlaState,
    Task,
    TaskState,
    Unit,
    User,
)

from .casework import lock_case, spec_of, steps_of, transaction
from .context import ServiceContext
from .deadlines import sla_state
from .errors import InvalidRequest, UnknownCase
from .intake import LOOKUP_LENGTH
from .kinds import EventKind
from .views import local

__all__ = ["CODE_MAX", "COMMENT_MAX", "NOT_FOUND", "VERIFICATION_MAX", "PublicDossier",
           "PublicPause", "PublicStep", "lookup_dossier", "rate_dossier"]

#: Longest dossier code and lookup code read (anything longer matches nothing).
CODE_MAX = 50
VERIFICATION_MAX = 20
#: Longest comment a rating keeps.
COMMENT_MAX = 1000
#: The one message for an unknown dossier code and a wrong lookup code.
NOT_FOUND = ("no dossier matches this dossier code and lookup code; copy both from the "
             "receipt (Giấy tiếp nhận hồ sơ và hẹn trả kết quả)")
#: Compared with when the code is unknown: as long as a real lookup code, and never equal to
#: one ("0" is not in the lookup alphabet).
_DUMMY = b"0" * LOOKUP_LENGTH
_WORST = (SlaState.ON_TRACK, SlaState.DUE_SOON, SlaState.OVERDUE)


@dataclass(frozen=True)
class PublicStep:
    """A step as the public sees it: what, who (lane, unit, the official if the agency names
    them), when. An open step has ``sla_state``; a finished one ``completed_at`` and
    ``outcome``."""

    number: str | None
    name: str
    responsible: str
    unit_name: str | None
    official: str | None
    started_at: datetime
    due_at: datetime | None
    completed_at: datetime | None = None
    outcome: str | None = None
    sla_state: str | None = None


@dataclass(frozen=True)
class PublicPause:
    """A span when the dossier's clock stood still (waiting for a supplement, a fee …)."""

    reason: str
    started_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True)
class PublicDossier:
    """A dossier's public progress (docs/lookup.md).

    ``timing`` is the on-time state now of an open dossier — the worst of its open steps and of
    its appointment: ``on_track``, ``due_soon``, ``overdue`` — and ``None`` once it is closed
    (``outcome`` tells then) or while it is paused (its clock stands still).
    """

    code: str
    procedure_title: str
    agency_name: str
    status: str
    received_at: datetime
    appointment_at: datetime | None
    resolved_at: datetime | None
    returned_at: datetime | None
    outcome: str | None
    timing: str | None
    current_steps: tuple[PublicStep, ...]
    history: tuple[PublicStep, ...]
    pauses: tuple[PublicPause, ...]
    can_rate: bool
    rated: bool


def _normalise(text: str | None, cap: int, *, squeeze: bool = False) -> tuple[str, bool]:
    """The text stripped and upper-cased (and without inner spaces when ``squeeze``), cut to
    ``cap``; and whether it was longer."""
    value = (text or "").strip().upper()
    if squeeze:
        value = "".join(value.split())
    return value[:cap], len(value) > cap


def _match(session: Session, code: str | None, verification: str | None) -> int:
    """The id of the dossier with this code and lookup code, or :class:`UnknownCase` with
    :data:`NOT_FOUND` — after the same query and comparison whatever was wrong."""
    code, code_too_long = _normalise(code, CODE_MAX)
    given, given_too_long = _normalise(verification, VERIFICATION_MAX, squeeze=True)
    row = session.execute(select(Case.id, Case.lookup_code).where(Case.code == code)).first()
    expected = row.lookup_code.encode("utf-8") if row is not None else _DUMMY
    same = hmac.compare_digest(given.encode("utf-8"), expected)
    if row is None or not same or code_too_long or given_too_long:
        raise UnknownCase(NOT_FOUND)
    return row.id


def lookup_dossier(ctx: ServiceContext, code: str, verification: str) -> PublicDossier:
    """The public progress of the dossier ``code``, if ``verification`` is its lookup code
    (:class:`UnknownCase` otherwise, one message for every mismatch)."""
    now = ctx.now()
    with ctx.db.read() as session:
        case = session.get(Case, _match(session, code, verification))
        return _public(ctx, session, case, now)


def _public(ctx: ServiceContext, session: Session, case: Case, now: datetime) -> PublicDossier:
    agency = session.get(Agency, case.agency_id)
    calendar = ctx.calendars.of(agency.id, agency.calendar)
    tz = calendar.tz
    title = session.scalar(select(Procedure.title)
                           .join(ProcedureVersion, ProcedureVersion.procedure_id == Procedure.id)
                           .where(ProcedureVersion.id == case.procedure_version_id))
    tasks = list(session.scalars(select(Task).where(Task.case_id == case.id,
                                                    Task.state != TaskState.CANCELLED)
                                 .order_by(Task.id)))
    steps = steps_of(spec_of(ctx, session, case.procedure_version_id))
    units = dict(session.execute(select(Unit.code, Unit.name)
                                 .where(Unit.agency_id == agency.id)).all())
    officials: dict[int, str] = {}
    if agency.public_names:
        ids = {i for t in tasks for i in (t.claimed_by, t.completed_by) if i is not None}
        if ids:
            officials = dict(session.execute(select(User.id, User.full_name)
                                             .where(User.id.in_(ids))).all())
    is_open = case.status == CaseStatus.OPEN
    current, history = [], []
    for task in tasks:
        step = steps.get(task.bpmn_id)
        still_open = task.state in OPEN_TASK_STATES
        view = PublicStep(
            number=task.step_number, name=task.name,
            responsible=(step.responsible if step is not None and step.responsible
                         else task.role_code or ""),
            unit_name=units.get(task.unit_code) if task.unit_code else None,
            official=officials.get(task.claimed_by if still_open else task.completed_by),
            started_at=local(task.ready_at, tz), due_at=local(task.due_at, tz),
            completed_at=local(task.completed_at, tz), outcome=task.outcome,
            sla_state=(sla_state(calendar, ctx.settings, now, task.ready_at, task.due_at,
                                 task.paused_seconds or 0) if still_open and is_open else None))
        (current if still_open else history).append(view)
    history.sort(key=lambda s: s.completed_at or s.started_at)
    timing = None
    if is_open:
        states = [s.sla_state for s in current if s.sla_state]
        if case.appointment_at is not None:
            states.append(sla_state(calendar, ctx.settings, now,
                                    case.clock_started_at or case.received_at,
                                    case.appointment_at))
        timing = max(states, key=_WORST.index, default=SlaState.ON_TRACK)
    pauses = session.execute(select(CasePause.reason, CasePause.started_at, CasePause.ended_at)
                             .where(CasePause.case_id == case.id)
                             .order_by(CasePause.started_at)).all()
    rated = session.scalar(select(Rating.id).where(Rating.case_id == case.id)) is not None
    return PublicDossier(
        code=case.code, procedure_title=title, agency_name=agency.name, status=case.status,
        received_at=local(case.received_at, tz), appointment_at=local(case.appointment_at, tz),
        resolved_at=local(case.resolved_at, tz), returned_at=local(case.returned_at, tz),
        outcome=case.outcome, timing=str(timing) if timing else None,
        current_steps=tuple(current), history=tuple(history),
        pauses=tuple(PublicPause(p.reason, local(p.started_at, tz), local(p.ended_at, tz))
                     for p in pauses),
        can_rate=case.status == CaseStatus.RETURNED and not rated, rated=rated)


def _checked_rating(score: int, comment: str | None) -> tuple[int, str | None]:
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise InvalidRequest(f"the score must be a whole number from 1 (very dissatisfied) to "
                             f"5 (very satisfied), not {score!r}")
    comment = (comment or "").strip() or None
    if comment is not None and len(comment) > COMMENT_MAX:
        raise InvalidRequest(f"the comment has {len(comment)} characters; shorten it to "
                             f"{COMMENT_MAX} at most")
    return score, comment


def rate_dossier(ctx: ServiceContext, code: str, verification: str, score: int,
                 comment: str | None = None) -> None:
    """The applicant's satisfaction with a returned dossier: ``score`` 1–5 and an optional
    ``comment``; once per dossier (:class:`InvalidRequest` before the return or a second
    time; :class:`UnknownCase` as :func:`lookup_dossier` for wrong codes)."""
    score, comment = _checked_rating(score, comment)
    now = ctx.now()
    with transaction(ctx) as session:
        case = lock_case(session, _match(session, code, verification))
        if case.status != CaseStatus.RETURNED:
            raise InvalidRequest(f"dossier {case.code} is {case.status}: it can be rated once "
                                 "its result has been returned")
        if session.scalar(select(Rating.id).where(Rating.case_id == case.id)) is not None:
            raise InvalidRequest(f"dossier {case.code} is already rated: a dossier is rated "
                                 "once")
        rating = Rating(case_id=case.id, agency_id=case.agency_id, score=score,
                        comment=comment, created_at=now)
        session.add(rating)
        session.flush()
        append_event(session, chain_key=case_chain(case.id), kind=EventKind.DOSSIER_RATED,
                     at=now, actor=None, actor_name="applicant", case=case,
                     payload={"rating": rating.id, "score": score,
                              "with_comment": comment is not None})
