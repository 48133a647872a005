"""Waiting for fees (phí, lệ phí) or taxes: a pause of the dossier's clock.

DOMAIN §5: the time a dossier waits for the applicant to pay fees or taxes does not count,
like a supplement. :func:`await_payment` opens a pause with reason ``fee`` (the dossier
becomes ``paused``; its steps cannot be completed meanwhile), :func:`record_payment` closes
it and pushes the appointment and every open step's due moment by the office time it
covered. Unlike a supplement, a fee pause never makes a dossier late and the diagram does not
move: the step that waited simply goes on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from isobpmn.audit import append_event, case_chain
from isobpmn.store import Agency, CaseStatus, PauseReason

from .access import find_user, require_member
from .casework import CaseWork, find_case, transaction
from .context import ServiceContext
from .errors import CaseNotOpen, InvalidRequest
from .kinds import EventKind
from .lifecycle import close_pauses, open_pause, open_pause_of

__all__ = ["FeePause", "await_payment", "record_payment"]


@dataclass(frozen=True)
class FeePause:
    """The dossier after a fee pause opened or closed."""

    case_code: str
    status: str
    paused_office_seconds: int
    appointment_at: datetime | None


def await_payment(ctx: ServiceContext, case_code: str, actor: str, *, note: str,
                  amount: str | None = None) -> FeePause:
    """Pause the dossier's clock until the applicant pays (``note`` says what is due)."""
    if not note or not note.strip():
        raise InvalidRequest("say what the applicant has to pay (fee, charge or tax)")
    now = ctx.now()
    with transaction(ctx) as session:
        case = find_case(session, case_code)
        user = find_user(session, actor)
        require_member(session, user, session.get(Agency, case.agency_id),
                       f"pause dossier {case.code} for a payment")
        if case.status != CaseStatus.OPEN:
            raise CaseNotOpen(f"dossier {case.code} is {case.status}; only a dossier being "
                              "processed can wait for a payment")
        open_pause(session, case, now, PauseReason.FEE, user.id, note.strip())
        append_event(session, chain_key=case_chain(case.id), kind=EventKind.PAYMENT_AWAITED,
                     at=now, actor=user, case=case,
                     payload={"note": note.strip(), "amount": amount})
        calendar = CaseWork.calendar_of(ctx, session, case.agency_id)
        return FeePause(case.code, case.status, 0,
                        case.appointment_at.astimezone(calendar.tz)
                        if case.appointment_at else None)


def record_payment(ctx: ServiceContext, case_code: str, actor: str, *,
                   paid_at: datetime | None = None, receipt_no: str | None = None) -> FeePause:
    """The applicant paid (``paid_at``, naive = local time, for a payment entered later):
    the clock runs again."""
    now = ctx.now()
    with transaction(ctx) as session:
        case = find_case(session, case_code)
        user = find_user(session, actor)
        require_member(session, user, session.get(Agency, case.agency_id),
                       f"record a payment for dossier {case.code}")
        pause = open_pause_of(session, case)
        if case.status != CaseStatus.PAUSED or pause is None or pause.reason != PauseReason.FEE:
            raise CaseNotOpen(f"dossier {case.code} is not waiting for a payment")
        calendar = CaseWork.calendar_of(ctx, session, case.agency_id)
        moment = calendar.localize(paid_at) if paid_at is not None else now
        if moment < pause.started_at or moment > now:
            raise InvalidRequest("the payment must be between the pause and now")
        previous = case.appointment_at
        held = close_pauses(session, case, moment, calendar, ctx.settings)
        append_event(session, chain_key=case_chain(case.id), kind=EventKind.PAYMENT_RECEIVED,
                     at=now, actor=user, case=case,
                     payload={"paid_at": moment, "receipt_no": receipt_no,
                              "entered_after_the_fact": paid_at is not None,
                              "paused_office_seconds": int(held.total_seconds()),
                              "appointment_before": previous,
                              "appointment_at": case.appointment_at})
        return FeePause(case.code, case.status, int(held.total_seconds()),
                        case.appointment_at.astimezone(calendar.tz)
                        if case.appointment_at else None)
