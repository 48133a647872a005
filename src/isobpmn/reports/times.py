"""Office time used: per procedure by its dossiers (against the statutory limit), per step
by its tasks (against the step's allotment).

Both are measured on the office-time axis of :mod:`.officetime`, so they are office time
(working hours and days of each agency's calendar), pauses excluded, averaged and ranked in
SQL:

- a dossier's **processing time** runs from its clock start (receipt, or the next office
  time after the cut-off) to its resolution, less the office time of its pauses; its
  **allowance** from the clock start to the appointment of the receipt
  (``original_appointment_at``): the statutory limit in office time;
- a step's **time used** runs from the moment it became ready to its completion, less the
  office time the dossier was paused meanwhile (``tasks.paused_seconds``); its **allotment**
  from ready to due, less the same pause (the due moment was pushed by it).

The 90th percentile is the nearest-rank one: the value at rank ``ceil(0.9 n)`` of the ``n``
values sorted, found with window functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from isobpmn.store import Case, CasePause, Outcome, Procedure, ProcedureVersion, Task, TaskState

from .figures import count_if
from .officetime import OfficeClock, fenced
from .scope import Period

__all__ = ["ProcessingTime", "StepFigures", "moments_to_measure", "processing_times",
           "step_figures"]


def _span(value: Any) -> timedelta | None:
    return None if value is None else timedelta(seconds=round(float(value), 3))


@dataclass(frozen=True)
class ProcessingTime:
    """Office time from clock start to resolution of a procedure's dossiers resolved in the
    period (pauses excluded), and their average statutory allowance."""

    measured: int = 0
    average: timedelta | None = None
    p90: timedelta | None = None
    allowed: timedelta | None = None


def _resolved_in(period: Period) -> Any:
    return and_(Case.resolved_at >= period.start, Case.resolved_at < period.end,
                Case.outcome.is_not(None))


def moments_to_measure(session: Session, agency_ids: list[int], period: Period) -> list:
    """The earliest and latest moments the report's measures touch, to size the clock."""
    cases = session.execute(
        select(func.min(Case.received_at), func.max(Case.original_appointment_at))
        .where(Case.agency_id.in_(agency_ids), _resolved_in(period))).one()
    tasks = session.execute(
        select(func.min(Task.ready_at), func.max(Task.due_at))
        .where(Task.agency_id.in_(agency_ids), Task.state == TaskState.COMPLETED,
               Task.completed_at >= period.start, Task.completed_at < period.end)).one()
    return [period.start, period.end, *cases, *tasks]


def _percentile_rank(count: Any) -> Any:
    """``ceil(0.9 n)`` in integer arithmetic (both databases divide integers exactly)."""
    return (count * 9 + 9) // 10


def processing_times(session: Session, clock: OfficeClock, agency_ids: list[int],
                     period: Period) -> dict[str, ProcessingTime]:
    """:class:`ProcessingTime` per procedure code, of dossiers resolved in ``period``."""
    start = func.coalesce(Case.clock_started_at, Case.received_at)
    calendar = clock.calendar_of(Case.agency_id).label("cal")
    pauses = (select(CasePause.case_id, calendar,
                     *clock.columns(CasePause.started_at, "ps"),
                     *clock.columns(func.coalesce(CasePause.ended_at, Case.resolved_at), "pe"))
              .join(Case, Case.id == CasePause.case_id)
              .where(Case.agency_id.in_(agency_ids), _resolved_in(period)))
    pauses = fenced(pauses)
    ps, pe = clock.measure(pauses, "ps"), clock.measure(pauses, "pe")
    paused = (select(pauses.c.case_id, func.sum(pe.value - ps.value).label("seconds"))
              .select_from(pauses).join(ps.days, ps.on).join(pe.days, pe.on)
              .group_by(pauses.c.case_id).subquery())
    cases = (select(Case.id, Procedure.code.label("key"), calendar,
                    *clock.columns(start, "cs"), *clock.columns(Case.resolved_at, "re"),
                    *clock.columns(Case.original_appointment_at, "ap"))
             .join(ProcedureVersion, ProcedureVersion.id == Case.procedure_version_id)
             .join(Procedure, Procedure.id == ProcedureVersion.procedure_id)
             .where(Case.agency_id.in_(agency_ids), _resolved_in(period)))
    cases = fenced(cases)
    cs, re, ap = (clock.measure(cases, n) for n in ("cs", "re", "ap"))
    used = re.value - cs.value - func.coalesce(paused.c.seconds, 0)
    measured = (select(cases.c.key, used.label("used"), (ap.value - cs.value).label("allowed"))
                .select_from(cases).join(cs.days, cs.on).join(re.days, re.on)
                .outerjoin(ap.days, ap.on).outerjoin(paused, paused.c.case_id == cases.c.id)
                .subquery())
    ranked = select(measured.c.key, measured.c.used, measured.c.allowed,
                    func.row_number().over(partition_by=measured.c.key,
                                           order_by=measured.c.used).label("rank"),
                    func.count().over(partition_by=measured.c.key).label("n")).subquery()
    query = (select(ranked.c.key, func.count().label("measured"),
                    func.avg(ranked.c.used).label("average"),
                    func.max(case((ranked.c.rank == _percentile_rank(ranked.c.n),
                                   ranked.c.used))).label("p90"),
                    func.avg(ranked.c.allowed).label("allowed"))
             .group_by(ranked.c.key))
    return {row.key: ProcessingTime(int(row.measured), _span(row.average), _span(row.p90),
                                    _span(row.allowed))
            for row in session.execute(query)}


@dataclass(frozen=True)
class StepFigures:
    """One step of a procedure (of one revision, or of all its revisions by diagram id):
    the tasks completed in the period, how many late, the office time used and allotted."""

    procedure_code: str
    revision: int | None
    bpmn_id: str
    name: str
    number: str | None
    completed: int
    late: int
    average_used: timedelta | None
    average_allotted: timedelta | None

    @property
    def late_share(self) -> float | None:
        return self.late / self.completed if self.completed else None

    @property
    def load(self) -> float | None:
        """Average time used over average allotment (1.0: the whole allotment)."""
        if self.average_used is None or not self.average_allotted:
            return None
        return self.average_used / self.average_allotted


def _number_key(number: str | None) -> tuple:
    parts = (number or "").split(".")
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts)


def step_figures(session: Session, clock: OfficeClock, agency_ids: list[int], period: Period,
                 *, procedure_code: str | None = None,
                 by_revision: bool = True) -> list[StepFigures]:
    """:class:`StepFigures` of the tasks completed in ``period``, per procedure revision and
    step (``by_revision=False``: per procedure code and step, revisions together)."""
    calendar = clock.calendar_of(Task.agency_id).label("cal")
    tasks = (select(Procedure.code, ProcedureVersion.revision, Task.bpmn_id, Task.name,
                    Task.step_number, Task.outcome, Task.paused_seconds, calendar,
                    *clock.columns(Task.ready_at, "rd"), *clock.columns(Task.completed_at, "cp"),
                    *clock.columns(Task.due_at, "du"))
             .join(Case, Case.id == Task.case_id)
             .join(ProcedureVersion, ProcedureVersion.id == Case.procedure_version_id)
             .join(Procedure, Procedure.id == ProcedureVersion.procedure_id)
             .where(Task.agency_id.in_(agency_ids), Task.state == TaskState.COMPLETED,
                    Task.completed_at >= period.start, Task.completed_at < period.end))
    if procedure_code is not None:
        tasks = tasks.where(Procedure.code == procedure_code)
    tasks = fenced(tasks)
    rd, cp, du = (clock.measure(tasks, n) for n in ("rd", "cp", "du"))
    paused = func.coalesce(tasks.c.paused_seconds, 0)
    keys = [tasks.c.code, tasks.c.bpmn_id]
    if by_revision:
        keys.insert(1, tasks.c.revision)
    query = (select(*keys, func.max(tasks.c.name).label("name"),
                    func.min(tasks.c.step_number).label("number"),
                    func.count().label("completed"),
                    count_if(tasks.c.outcome == Outcome.LATE).label("late"),
                    func.avg(cp.value - rd.value - paused).label("used"),
                    func.avg(du.value - rd.value - paused).label("allotted"))
             .select_from(tasks).outerjoin(rd.days, rd.on).outerjoin(cp.days, cp.on)
             .outerjoin(du.days, du.on).group_by(*keys))
    rows = [StepFigures(row.code, row.revision if by_revision else None, row.bpmn_id, row.name,
                        row.number, int(row.completed), int(row.late), _span(row.used),
                        _span(row.allotted))
            for row in session.execute(query)]
    return sorted(rows, key=lambda s: (s.procedure_code, -(s.revision or 0),
                                       _number_key(s.number), s.name))
