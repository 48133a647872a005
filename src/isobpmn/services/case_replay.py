"""An auditor's replay of one dossier on its diagram: one frame per audit event.

The re-execution check (:mod:`.replay`) asks the engine whether the log describes a run the
diagram allows. This module only reads the log and says, after each event of the dossier's
chain, where the dossier stood: the steps done and the steps open, the office time each step
had used against its allotment, the pauses running, and the forms that existed by then
(docs/replay.md, *Replay on the diagram*). What each event changes is :mod:`.case_tape`'s
reading of the log, never the engine's state. Working time is counted as
:func:`.catalogue.case_timeline` counts it: the agency's calendar, pauses excluded (a pause
still running counts up to the frame's moment).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from isobpmn import forms
from isobpmn.audit import case_chain
from isobpmn.calendar import WorkingCalendar
from isobpmn.model import Duration
from isobpmn.store import Agency, Case, Event, Procedure, ProcedureVersion

from .access import find_user, require_member
from .case_tape import CaseTape, Occurrence
from .casework import spec_of, steps_of
from .context import ServiceContext
from .errors import InvalidRequest, UnknownCase
from .views import ONE_DAY

__all__ = ["CaseReplay", "ReplayForm", "ReplayFrame", "ReplayPause", "ReplayStep",
           "case_replay"]


@dataclass(frozen=True)
class ReplayStep:
    """One occurrence of a step as it stood at a frame (a step done again after a return
    has a row per time). ``state`` is a task's: ``ready``, ``claimed``, ``completed`` or
    ``cancelled``; ``holder`` is who claimed or completed it; ``used`` is office time from
    ``ready_at`` to its end (or to the frame's moment while open), pauses excluded;
    ``allotted`` is the allotment as office time (None without one, or in calendar days)."""

    bpmn_id: str
    name: str
    number: str | None
    state: str
    ready_at: datetime
    ended_at: datetime | None
    holder: str | None
    outcome: str | None
    used: timedelta
    allotted: timedelta | None
    allotment: Duration | None


@dataclass(frozen=True)
class ReplayPause:
    """A pause running at a frame: ``supplement`` or ``fee``, since when, asked by whom."""

    reason: str
    started_at: datetime
    requested_by: str | None
    note: str | None


@dataclass(frozen=True)
class ReplayForm:
    """A form that existed at a frame; ``no`` picks a supplement request or apology letter."""

    kind: str
    number: str
    title: str
    no: int | None = None


@dataclass(frozen=True)
class ReplayFrame:
    """The dossier right after the audit event ``seq``: the event (kind, moment, who, the
    step or end event it concerns) and the dossier's state then."""

    seq: int
    at: datetime
    kind: str
    actor: str | None
    bpmn_id: str | None
    step_name: str | None
    status: str
    appointment_at: datetime | None
    done: tuple[str, ...]
    current: tuple[str, ...]
    steps: tuple[ReplayStep, ...]
    pauses: tuple[ReplayPause, ...]
    forms: tuple[ReplayForm, ...]


@dataclass(frozen=True)
class CaseReplay:
    """A dossier's diagram (the version it ran on) and its frames, in the log's order."""

    case_code: str
    procedure_code: str
    procedure_title: str
    revision: int
    agency_name: str
    bpmn_xml: str
    working_day: timedelta
    frames: tuple[ReplayFrame, ...]


def case_replay(ctx: ServiceContext, code: str, actor: str, *,
                form_set: str = forms.DEFAULT_FORM_SET) -> CaseReplay:
    """The frames of dossier ``code`` for the replay player; a member of its agency or an
    administrator. Forms are numbered by ``form_set``."""
    try:
        chosen = forms.form_set(form_set)
    except forms.FormError as exc:
        raise InvalidRequest(str(exc)) from None
    with ctx.db.read() as session:
        case = session.scalar(select(Case).where(Case.code == code))
        if case is None:
            raise UnknownCase(f"no dossier with the code {code!r}")
        agency = session.get(Agency, case.agency_id)
        require_member(session, find_user(session, actor), agency, f"replay dossier {case.code}")
        calendar = ctx.calendars.of(agency.id, agency.calendar)
        procedure = session.execute(
            select(Procedure.code, Procedure.title, ProcedureVersion.revision,
                   ProcedureVersion.bpmn_xml)
            .join(ProcedureVersion, ProcedureVersion.procedure_id == Procedure.id)
            .where(ProcedureVersion.id == case.procedure_version_id)).one()
        spec = spec_of(ctx, session, case.procedure_version_id)
        tape = CaseTape(session, case, calendar.tz, spec.procedure, steps_of(spec))
        frames = []
        for event in session.scalars(select(Event).where(Event.chain_key == case_chain(case.id))
                                     .order_by(Event.seq)):
            at, payload = event.at.astimezone(calendar.tz), dict(event.payload or {})
            tape.apply(event, at, payload)
            frames.append(_frame(tape, event, at, payload, calendar, chosen))
        return CaseReplay(case.code, procedure.code, procedure.title, procedure.revision,
                          agency.name, procedure.bpmn_xml, calendar.to_timedelta(ONE_DAY),
                          tuple(frames))


def _frame(tape: CaseTape, event: Event, at: datetime, payload: dict, calendar: WorkingCalendar,
           form_set: forms.FormSet) -> ReplayFrame:
    bpmn_id = tape.step_of(event, payload)
    step = tape.steps.get(bpmn_id) if bpmn_id else None
    name = payload.get("name") or payload.get("end_event_name") or (step.name if step else None)
    pauses = [(p.started_at, p.ended_at) for p in tape.pauses]
    return ReplayFrame(
        event.seq, at, event.kind, event.actor_name, bpmn_id, name, tape.status,
        tape.appointment, tape.done(), tape.current(),
        tuple(_step(tape, o, at, pauses, calendar) for o in tape.occurrences),
        tuple(ReplayPause(p.reason, p.started_at, p.requested_by, p.note)
              for p in tape.open_pauses()),
        tuple(ReplayForm(kind, spec.number, spec.title, no) for kind, no in tape.issued
              for spec in form_set.forms if spec.kind == kind))


def _step(tape: CaseTape, occurrence: Occurrence, at: datetime, pauses: list,
          calendar: WorkingCalendar) -> ReplayStep:
    step = tape.steps.get(occurrence.bpmn_id)
    allotment = step.allotment if step is not None else None
    allotted = calendar.to_timedelta(allotment) \
        if allotment is not None and allotment.unit.is_working_time else None
    used = calendar.working_time_between(occurrence.ready_at, occurrence.ended_at or at, pauses)
    return ReplayStep(occurrence.bpmn_id, occurrence.name, step.number if step else None,
                      occurrence.state, occurrence.ready_at, occurrence.ended_at,
                      occurrence.holder, occurrence.outcome, used, allotted, allotment)
