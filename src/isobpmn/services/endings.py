"""How a dossier ends outside the diagram's own steps, and the apology letter.

- :func:`refuse` — the agency refuses to accept or to process the dossier (Mẫu 03, with the
  reason): open steps are cancelled, timers dropped, status ``refused``. Desk, leaders, admins.
- :func:`withdraw` — the applicant takes the dossier back: the same, status ``withdrawn``.
  Desk and admins. Neither counts as resolved nor gets an outcome.
- :func:`issue_apology` — the apology letter and new appointment (Mẫu 04), signed by a leader
  of the agency at fault; it replaces the appointment, and the dossier's outcome will be late
  (lifecycle's apology rule).
- :func:`return_result` — the result was handed to the applicant: ``resolved`` → ``returned``.
  Never blocked by the apology rule: the rule acts before the dossier is resolved (a dossier
  resolved late is late already), and an applicant who collects the result after the
  appointment is not the agency's delay.

A refusal drawn in the diagram (*Từ chối tiếp nhận*, *Không cấp giấy phép*) is a path of
steps instead, and ends ``resolved`` with that end event: the statutory report counts a
dossier answered with a reasoned refusal as resolved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from isobpmn.audit import append_event, case_chain
from isobpmn.store import Agency, CaseStatus

from .access import find_user, require_desk, require_leader, require_member, user_label
from .casework import CaseWork, find_case, transaction
from .context import ServiceContext
from .errors import CaseNotOpen, InvalidRequest
from .kinds import EventKind
from .lifecycle import ACTIVE, local_text, stop_case, update_data

__all__ = ["CaseChange", "issue_apology", "refuse", "return_result", "withdraw"]


@dataclass(frozen=True)
class CaseChange:
    """What one of these services did to a dossier: its status, when, its appointment, and the
    record kept in the dossier's data (the refusal, the letter, the hand-over)."""

    case_code: str
    status: str
    at: datetime
    appointment_at: datetime | None
    details: dict[str, Any]


def _open(ctx: ServiceContext, session: Session, case_code: str, actor: str):
    case = find_case(session, case_code)
    user = find_user(session, actor)
    agency = session.get(Agency, case.agency_id)
    calendar = CaseWork.calendar_of(ctx, session, case.agency_id)
    return case, user, agency, calendar


def _stop(ctx: ServiceContext, case_code: str, actor: str, reason: str, status: CaseStatus,
          kind: EventKind, doing: str, form: str | None, leaders_too: bool,
          contact: str | None = None) -> CaseChange:
    if not reason or not reason.strip():
        raise InvalidRequest(f"to {doing}, give the reason")
    now = ctx.now()
    with transaction(ctx) as session:
        case, user, agency, calendar = _open(ctx, session, case_code, actor)
        roles = ctx.settings.desk_roles + (ctx.settings.leader_roles if leaders_too else ())
        require_desk(session, user, agency, roles, f"{doing} dossier {case.code}")
        if case.status not in ACTIVE:
            raise CaseNotOpen(f"dossier {case.code} is {case.status}; it cannot be {status}")
        cancelled = stop_case(session, case, now, status, calendar, ctx.settings)
        record = {"reason": reason.strip(), "at": now.isoformat(), "by": user.username,
                  "contact": contact or user.full_name}
        update_data(case, **{str(status): record})
        payload = {"reason": reason.strip(), "applicant": case.applicant_name,
                   "request": case.request, "contact": record["contact"],
                   "cancelled": cancelled}
        if form:
            payload["form"] = form
        append_event(session, chain_key=case_chain(case.id), kind=kind, at=now, actor=user,
                     case=case, payload=payload)
        return CaseChange(case.code, case.status, now.astimezone(calendar.tz),
                          case.appointment_at, record)


def refuse(ctx: ServiceContext, case_code: str, actor: str, reason: str, *,
           contact: str | None = None) -> CaseChange:
    """Refuse the dossier with its reason (Mẫu 03); it ends ``refused``."""
    return _stop(ctx, case_code, actor, reason, CaseStatus.REFUSED, EventKind.CASE_REFUSED,
                 "refuse", "Mẫu 03", leaders_too=True, contact=contact)


def withdraw(ctx: ServiceContext, case_code: str, actor: str, reason: str) -> CaseChange:
    """The applicant withdraws the dossier; it ends ``withdrawn``."""
    return _stop(ctx, case_code, actor, reason, CaseStatus.WITHDRAWN, EventKind.CASE_WITHDRAWN,
                 "withdraw", None, leaders_too=False)


def issue_apology(ctx: ServiceContext, case_code: str, actor: str, *,
                  new_appointment: datetime, reason: str, signer: str) -> CaseChange:
    """Record the apology letter (Mẫu 04): a new appointment, the reason, the signing leader.

    ``actor`` enters it (any official of the agency); ``signer`` must be a leader of the agency
    (or an administrator). The new appointment (naive = the agency's local time) must be later
    than now and than the current one.
    """
    if not reason or not reason.strip():
        raise InvalidRequest("an apology letter needs the reason of the delay")
    now = ctx.now()
    with transaction(ctx) as session:
        case, user, agency, calendar = _open(ctx, session, case_code, actor)
        new_appointment = calendar.localize(new_appointment)  # naive = the agency's local time
        require_member(session, user, agency, f"record an apology for dossier {case.code}")
        signed_by = find_user(session, signer)
        require_leader(session, signed_by, agency, ctx.settings.leader_roles,
                       "sign an apology letter (Mẫu 04 is signed by the head of the agency)")
        if case.status not in ACTIVE:
            raise CaseNotOpen(f"dossier {case.code} is {case.status}; an apology letter is for a "
                              "dossier still being processed")
        current = case.appointment_at
        if new_appointment <= now or (current is not None and new_appointment <= current):
            raise InvalidRequest(f"the new appointment {local_text(new_appointment, calendar)} "
                                 f"must be later than now and than the current appointment "
                                 f"{local_text(current, calendar)}")
        apologies = list((case.data or {}).get("apologies", []))
        letter = {"no": len(apologies) + 1, "issued_at": now.isoformat(),
                  "previous_appointment": current.isoformat() if current else None,
                  "new_appointment": new_appointment.isoformat(), "reason": reason.strip(),
                  "signer": signed_by.username, "signer_name": signed_by.full_name,
                  "entered_by": user.username}
        update_data(case, apologies=[*apologies, letter])
        case.appointment_at = new_appointment
        append_event(session, chain_key=case_chain(case.id), kind=EventKind.APOLOGY_ISSUED,
                     at=now, actor=user, case=case,
                     payload={"form": "Mẫu 04", "applicant": case.applicant_name,
                              "received_at": case.received_at, "code": case.code,
                              "original_appointment_at": case.original_appointment_at,
                              "previous_appointment_at": current,
                              "new_appointment_at": new_appointment, "reason": reason.strip(),
                              "signer": user_label(signed_by)})
        return CaseChange(case.code, case.status, now.astimezone(calendar.tz),
                          new_appointment.astimezone(calendar.tz), letter)


def return_result(ctx: ServiceContext, case_code: str, actor: str, *,
                  returned_at: datetime | None = None, receiver: str | None = None) -> CaseChange:
    """The result was handed over (``returned_at``, naive = local time, for a hand-over entered
    later)."""
    now = ctx.now()
    with transaction(ctx) as session:
        case, user, agency, calendar = _open(ctx, session, case_code, actor)
        require_desk(session, user, agency, ctx.settings.desk_roles,
                     f"return the result of dossier {case.code}")
        if case.status != CaseStatus.RESOLVED:
            raise CaseNotOpen(f"dossier {case.code} is {case.status}; only a resolved dossier's "
                              "result can be returned")
        moment = calendar.localize(returned_at) if returned_at is not None else now
        if moment < case.resolved_at or moment > now:
            raise InvalidRequest("the hand-over must be between the resolution and now")
        case.status, case.returned_at = CaseStatus.RETURNED, moment
        record = {"returned_at": moment.isoformat(), "by": user.username, "receiver": receiver}
        update_data(case, **{"return": record})
        append_event(session, chain_key=case_chain(case.id), kind=EventKind.RESULT_RETURNED,
                     at=now, actor=user, case=case,
                     payload={"returned_at": moment, "receiver": receiver,
                              "entered_after_the_fact": returned_at is not None,
                              "outcome": case.outcome})
        return CaseChange(case.code, case.status, moment.astimezone(calendar.tz),
                          case.appointment_at, record)

