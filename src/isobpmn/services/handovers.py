"""A dossier's hand-overs, read from its step history: the rows of the control sheet and the
log book's dates (DOMAIN §6).

Each completed step is a hand-over: its completer gives the dossier to whoever takes the steps
it made ready — the ``ready`` list of its ``task_completed`` (or ``task_returned``) event names
them by engine id. The receiver is the official who claimed the next step, at the moment of the
claim; a step nobody has claimed yet is named by its lane (the responsible unit) and not yet
received. A step that issued a supplement request hands the dossier back to the applicant; the
last step of a returned dossier hands the result to the applicant.

For the log book, the dossier is **sent** to the resolving body when the desk first completes a
step that makes another unit's step ready, and its result **comes back** when the last step
outside the desk is completed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from isobpmn import forms
from isobpmn.model import Step
from isobpmn.store import Case, CaseStatus, Event, Task, TaskState, User

from .kinds import EventKind

__all__ = ["LogDates", "control_sheet_rows", "log_book_dates"]

APPLICANT = "Tổ chức, cá nhân nộp hồ sơ"
_HANDING = (EventKind.TASK_COMPLETED, EventKind.TASK_RETURNED, EventKind.SUPPLEMENT_REQUESTED)


def _responsible(task: Task, steps: Mapping[str, Step]) -> str:
    """The step's lane (printed as the body), else its role and unit codes."""
    step = steps.get(task.bpmn_id)
    if step is not None and step.responsible:
        return step.responsible
    return " / ".join(part for part in (task.role_code, task.unit_code) if part)


def _title(task: Task) -> str:
    return f"{task.step_number}. {task.name}" if task.step_number else task.name


def control_sheet_rows(session: Session, case: Case, steps: Mapping[str, Step],
                       tz: ZoneInfo) -> list[forms.ControlSheetRow]:
    """One row per completed step of ``case``, in the order they were done (module doc)."""
    tasks = list(session.scalars(select(Task).where(Task.case_id == case.id).order_by(Task.id)))
    by_uuid = {t.task_uuid: t for t in tasks}
    names = dict(session.execute(select(User.id, User.full_name).where(User.id.in_(
        {u for t in tasks for u in (t.claimed_by, t.completed_by) if u is not None}))).all())
    made_ready: dict[int, list[Task]] = {}
    returned: dict[int, str] = {}
    supplement: set[int] = set()
    for kind, task_id, payload in session.execute(
            select(Event.kind, Event.task_id, Event.payload)
            .where(Event.case_id == case.id, Event.kind.in_([str(k) for k in _HANDING]),
                   Event.task_id.is_not(None))):
        if kind == EventKind.SUPPLEMENT_REQUESTED:
            supplement.add(task_id)
            continue
        made_ready[task_id] = [by_uuid[r["task_uuid"]] for r in (payload or {}).get("ready", [])
                               if r.get("task_uuid") in by_uuid]
        if kind == EventKind.TASK_RETURNED:
            returned[task_id] = str((payload or {}).get("reason") or "")

    def local(moment: datetime | None) -> datetime | None:
        return moment.astimezone(tz) if moment is not None else None

    done = sorted((t for t in tasks if t.state == TaskState.COMPLETED and t.completed_at),
                  key=lambda t: (t.completed_at, t.id))
    rows = []
    for index, task in enumerate(done):
        receivers = made_ready.get(task.id, [])
        note = ""
        if receivers:
            receiver_body = "; ".join(dict.fromkeys(_responsible(t, steps) for t in receivers))
            receiver = "; ".join(names.get(t.claimed_by, "") for t in receivers
                                 if t.claimed_by is not None)
            claimed = [t.claimed_at for t in receivers if t.claimed_at is not None]
            received_at = min(claimed) if claimed else None
        elif task.id in supplement:
            receiver_body, receiver = APPLICANT, case.applicant_name
            received_at, note = task.completed_at, "Yêu cầu bổ sung, hoàn thiện hồ sơ"
        elif index == len(done) - 1 and case.status == CaseStatus.RETURNED:
            handed = (case.data or {}).get("return") or {}
            receiver_body, receiver = APPLICANT, handed.get("receiver") or case.applicant_name
            received_at, note = case.returned_at, "Trả kết quả"
        else:
            receiver_body = receiver = ""
            received_at = None
        if task.id in returned:
            note = "Trả lại bước trước" + (f": {returned[task.id]}" if returned[task.id] else "")
        rows.append(forms.ControlSheetRow(
            _title(task), _responsible(task, steps), names.get(task.completed_by, ""),
            receiver_body, receiver, local(task.completed_at), local(received_at),
            task.outcome, note))
    return rows


@dataclass(frozen=True)
class LogDates:
    """A dossier's log book columns that come from its steps."""

    body: str
    sent_at: datetime | None
    result_at: datetime | None


def log_book_dates(tasks: Iterable[Task], case: Case, steps: Mapping[str, Step],
                   desk_roles: tuple[str, ...], tz: ZoneInfo) -> LogDates:
    """When the desk sent the dossier to the resolving body (and which), and when the result
    came back (module doc); ``tasks`` are the dossier's, in id order."""
    tasks = [t for t in tasks if t.state != TaskState.CANCELLED]
    body, sent_at, result_at = "", None, None
    for index, task in enumerate(tasks):
        if task.role_code in desk_roles:
            continue
        if not body:
            body = _responsible(task, steps)
            before = [t for t in tasks[:index] if t.role_code in desk_roles and t.completed_at]
            sent_at = before[-1].completed_at if before else task.ready_at
        if task.completed_at is not None and case.status in (
                CaseStatus.RESOLVED, CaseStatus.RETURNED) and \
                all(t.role_code in desk_roles for t in tasks[index + 1:]):
            result_at = task.completed_at
    return LogDates(body, sent_at.astimezone(tz) if sent_at else None,
                    result_at.astimezone(tz) if result_at else None)
