"""Supplements (bổ sung): the written request that pauses a dossier, and the papers' arrival.

DOMAIN §5: the desk or the specialist asks **once, in writing** (Mẫu 02) for what is missing;
the time until the supplement arrives does not count; a dossier with more than one request
counts as late (Bộ chỉ số 766).

- The request is a step of the diagram (*Hướng dẫn bổ sung*, *Thông báo bổ sung*) followed by
  a wait for the message "Hồ sơ bổ sung". :func:`request_supplement` completes that step with
  the Mẫu 02 data (what to add, quantity and kind of copy, reason, contact official) and
  checks that the engine now waits for the supplement. Completing the same step with
  ``complete_task`` has the same effect, with the step's own text as the request: whenever a
  change leaves the engine newly waiting for a supplement, the dossier is paused
  (``case_pauses``, status ``paused``) and the request counted. A second request is allowed;
  its event says ``counts_late`` and the dossier's outcome will be late.
- :func:`receive_supplement` closes the pause, pushes the appointment and the due moment of
  every step open during the pause by the office time it covered, and delivers the engine
  message so that the diagram goes on (back to the check, in the library's procedures).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from isobpmn.audit import append_event, case_chain
from isobpmn.store import Agency, CaseStatus, PauseReason, Task

from .access import find_user, require_member
from .casework import CaseWork, find_case, transaction
from .context import ServiceContext
from .errors import CaseNotOpen, InvalidRequest
from .fields import validate_fields
from .kinds import EventKind
from .lifecycle import close_pauses, open_pause_of
from .progress import StepDone, finish_step, resolve_case, supplement_waits
from .views import TaskView, task_views

__all__ = ["SupplementReceived", "receive_supplement", "request_supplement"]


def _items(items: Sequence[Any] | None) -> list[dict[str, Any]]:
    """Mẫu 02's table: each item a paper name, or ``{"name", "quantity", "copy"}``."""
    out = []
    for item in items or ():
        if isinstance(item, str):
            item = {"name": item}
        if not isinstance(item, Mapping) or not str(item.get("name") or "").strip():
            raise InvalidRequest(f"a supplement item needs the name of the paper: {item!r}")
        out.append({"name": str(item["name"]).strip(), "quantity": int(item.get("quantity", 1)),
                    "copy": str(item.get("copy") or "original")})
    return out


def request_supplement(ctx: ServiceContext, task_id: int, actor: str, *, reason: str,
                       items: Sequence[Any] | None = None, contact: str | None = None,
                       data: Mapping[str, Any] | None = None,
                       expected_version: int | None = None) -> StepDone:
    """Issue the written supplement request (Mẫu 02) by completing the step that makes it.

    ``data`` fills the step's own fields; a missing ``noi_dung_bo_sung`` is written from the
    items and the reason.
    """
    if not reason or not reason.strip():
        raise InvalidRequest("a supplement request needs its reason")
    listed = _items(items)

    def prepare(work: CaseWork, task: Task) -> tuple[dict[str, Any], dict[str, Any]]:
        step = work.step(task.bpmn_id)
        entered = dict(data or {})
        declared = {f.name for f in step.info.fields} if step is not None else set()
        if "noi_dung_bo_sung" in declared and not entered.get("noi_dung_bo_sung"):
            papers = "; ".join(i["name"] for i in listed)
            entered["noi_dung_bo_sung"] = f"{papers}. {reason.strip()}" if papers else reason
        return validate_fields(step, entered), {}

    return finish_step(ctx, task_id, actor, prepare, expected_version=expected_version,
                       supplement={"reason": reason.strip(), "items": listed,
                                   "contact": contact})


@dataclass(frozen=True)
class SupplementReceived:
    """What :func:`receive_supplement` did: the office time the clock stood still, the new
    appointment, the tasks now ready."""

    case_code: str
    paused_seconds: int
    appointment_at: datetime | None
    ready: list[TaskView]


def receive_supplement(ctx: ServiceContext, case_code: str, actor: str, *,
                       received_at: datetime | None = None, note: str | None = None,
                       data: Mapping[str, Any] | None = None) -> SupplementReceived:
    """The applicant brought the supplement: resume the clock and the diagram (module doc).

    ``received_at`` is when it arrived (naive = the agency's local time), for papers that came
    by post or are entered later (default: now); ``data`` joins the case data with the engine message.
    """
    now = ctx.now()
    with transaction(ctx) as session:
        case = find_case(session, case_code)
        user = find_user(session, actor)
        agency = session.get(Agency, case.agency_id)
        require_member(session, user, agency, f"receive a supplement for dossier {case.code}")
        if case.status != CaseStatus.PAUSED:
            raise CaseNotOpen(f"dossier {case.code} is {case.status}, not waiting for a "
                              "supplement")
        pause = open_pause_of(session, case)
        if pause is None or pause.reason != PauseReason.SUPPLEMENT:
            raise InvalidRequest(f"no supplement was requested for dossier {case.code}")
        work = CaseWork.load(ctx, session, case)
        moment = work.calendar.localize(received_at) if received_at is not None else now
        if moment < pause.started_at or moment > now:
            raise InvalidRequest("the supplement's arrival must be between the request and now")
        previous = case.appointment_at
        held = close_pauses(session, case, moment, work.calendar, ctx.settings)
        waits = supplement_waits(work)
        delivered = None
        payload = dict(data or {})
        if waits:
            message = work.waiting_message_tasks()[next(iter(waits))]
            work.engine(lambda: work.run.receive_message(message, payload))
            delivered = message
        projection = work.project(now, ready_at=moment)
        append_event(session, chain_key=case_chain(case.id), kind=EventKind.SUPPLEMENT_RECEIVED,
                     at=now, actor=user, case=case,
                     payload={"received_at": moment, "entered_after_the_fact": received_at
                              is not None, "note": note, "paused_office_seconds":
                              int(held.total_seconds()), "appointment_before": previous,
                              "appointment_at": case.appointment_at, "message": delivered,
                              "data": payload if delivered else {},
                              **projection.payload()})
        if work.run.is_completed:  # a diagram that ends on the supplement's arrival
            resolve_case(session, work, now, user)
        work.save()
        return SupplementReceived(case.code, int(held.total_seconds()),
                                  case.appointment_at.astimezone(work.calendar.tz)
                                  if case.appointment_at else None,
                                  task_views(session, projection.ready, case.code,
                                             work.calendar.tz))

