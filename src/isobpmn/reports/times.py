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

from sqlalchemy import and_, case, func, literal, select, union_all
from sqlalchemy.orm import Session

from isobpmn.store import (
    Case,
    CasePause,
    Outcome,
    Procedure,
    ProcedureVersion,
    ReportCases,
    ReportCaseTime,
    ReportSteps,
    Task,
    TaskState,
)

from .figures import Grouped, count_if, version_codes
from .officetime import OfficeClock, fenced
from .rollup import Window, rolled_sums, summed, window
from .scope import Period

__all__ = ["ProcessingTime", "StepFigures", "case_measures", "measure_sums",
           "moments_to_measure", "processing_times", "step_figures", "step_sums"]


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


def _of_agencies(column: Any, agency_ids: list[int] | None) -> list[Any]:
    return [] if agency_ids is None else [column.in_(agency_ids)]


def moments_to_measure(session: Session, agency_ids: list[int] | None,
                       period: Period) -> list:
    """The earliest and latest moments the report's measures touch, to size the clock
    (``agency_ids`` None: every agency)."""
    cases = session.execute(
        select(func.min(Case.received_at), func.max(Case.original_appointment_at))
        .where(*_of_agencies(Case.agency_id, agency_ids), _resolved_in(period))).one()
    tasks = session.execute(
        select(func.min(Task.ready_at), func.max(Task.due_at))
        .where(*_of_agencies(Task.agency_id, agency_ids), Task.state == TaskState.COMPLETED,
               Task.completed_at >= period.start, Task.completed_at < period.end)).one()
    return [period.start, period.end, *cases, *tasks]


def _percentile_rank(count: Any) -> Any:
    """``ceil(0.9 n)`` in integer arithmetic (both databases divide integers exactly)."""
    return (count * 9 + 9) // 10


def case_measures(session: Session, clock: OfficeClock, agency_ids: list[int],
                  period: Period) -> Any:
    """A subquery of the dossiers resolved in ``period`` with their office time: ``id``,
    ``agency_id``, ``version_id``, ``outcome``, ``day`` (of the resolution), ``used`` (clock
    start to resolution, pauses excluded) and ``allowed`` (clock start to the appointment of
    the receipt)."""
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
    cases = (select(Case.id, Case.agency_id, Case.procedure_version_id.label("version_id"),
                    Case.outcome, calendar, *clock.columns(start, "cs"),
                    *clock.columns(Case.resolved_at, "re"),
                    *clock.columns(Case.original_appointment_at, "ap"))
             .where(Case.agency_id.in_(agency_ids), _resolved_in(period)))
    cases = fenced(cases)
    cs, re, ap = (clock.measure(cases, n) for n in ("cs", "re", "ap"))
    used = re.value - cs.value - func.coalesce(paused.c.seconds, 0)
    return (select(cases.c.id, cases.c.agency_id, cases.c.version_id, cases.c.outcome,
                   cases.c.re_day.label("day"), used.label("used"),
                   (ap.value - cs.value).label("allowed"))
            .select_from(cases).outerjoin(cs.days, cs.on).outerjoin(re.days, re.on)
            .outerjoin(ap.days, ap.on).outerjoin(paused, paused.c.case_id == cases.c.id)
            .subquery())


def measure_sums(session: Session, measures: Any, *, by_day: bool = False) -> list[Grouped]:
    """Sums and counts of ``used`` and ``allowed`` of :func:`case_measures`, per agency and
    version (and day)."""
    keys = [measures.c.agency_id, measures.c.version_id]
    if by_day:
        keys.append(measures.c.day)
    query = (select(*keys,
                    func.coalesce(func.sum(measures.c.used), 0).label("used_seconds"),
                    func.count(measures.c.used).label("used_count"),
                    func.coalesce(func.sum(measures.c.allowed), 0).label("allowed_seconds"),
                    func.count(measures.c.allowed).label("allowed_count"))
             .group_by(*keys))
    return [Grouped(row[0], row[1], {"used_seconds": float(row.used_seconds),
                                     "used_count": int(row.used_count),
                                     "allowed_seconds": float(row.allowed_seconds),
                                     "allowed_count": int(row.allowed_count)},
                    row[2] if by_day else None)
            for row in session.execute(query)]


def _p90(session: Session, every: Any, codes: dict[int, tuple[str, int]]) -> dict[str, Any]:
    """The nearest-rank 90th percentile of ``used`` per procedure code: PostgreSQL's
    ``percentile_disc(0.9)`` (the first value whose cumulative share reaches 0.9, which is the
    value at rank ``ceil(0.9 n)``); elsewhere the same rank found with window functions."""
    versions = {}
    for version_id, (code, _) in codes.items():
        versions.setdefault(code, []).append(version_id)
    key = case(*((every.c.version_id.in_(ids), literal(code))
                 for code, ids in versions.items()), else_=literal(""))
    if session.get_bind().dialect.name == "postgresql":
        keyed = select(key.label("key"), every.c.used).where(every.c.used.is_not(None)) \
            .subquery()
        query = (select(keyed.c.key, func.percentile_disc(0.9).within_group(keyed.c.used)
                        .label("p90")).group_by(keyed.c.key))
        return {row.key: row.p90 for row in session.execute(query)}
    keyed = select(key.label("key"), every.c.used).where(every.c.used.is_not(None)).subquery()
    ranked = select(keyed.c.key, keyed.c.used,
                    func.row_number().over(partition_by=keyed.c.key,
                                           order_by=keyed.c.used).label("rank"),
                    func.count().over(partition_by=keyed.c.key).label("n")).subquery()
    return {row.key: row.p90 for row in session.execute(
        select(ranked.c.key, func.max(case((ranked.c.rank == _percentile_rank(ranked.c.n),
                                            ranked.c.used))).label("p90"))
        .group_by(ranked.c.key))}


def processing_times(session: Session, clock: OfficeClock | None, agency_ids: list[int],
                     period: Period, w: Window | None = None) -> dict[str, ProcessingTime]:
    """:class:`ProcessingTime` per procedure code, of dossiers resolved in ``period``:
    summed days from the pre-aggregates, the rest measured on ``clock`` (needed when the
    window has a part read from the projections)."""
    w = w or window(session, period)
    sums: dict[int, list[float]] = {}

    def add(version_id: int, counts: dict[str, Any]) -> None:
        found = sums.setdefault(version_id, [0.0, 0, 0.0, 0])
        found[0] += float(counts["used_seconds"])
        found[1] += int(counts["used_count"])
        found[2] += float(counts["allowed_seconds"])
        found[3] += int(counts["allowed_count"])

    for row in rolled_sums(session, ReportCases, [ReportCases.procedure_version_id],
                           ("used_seconds", "used_count", "allowed_seconds", "allowed_count"),
                           summed(ReportCases, w), agency_ids):
        add(row[0], row._mapping)
    times = [select(ReportCaseTime.procedure_version_id.label("version_id"),
                    ReportCaseTime.used_seconds.label("used"))
             .where(ReportCaseTime.agency_id.in_(agency_ids), ReportCaseTime.day >= w.first,
                    ReportCaseTime.day < w.rolled_end)]
    if w.live is not None:
        if clock is None:
            raise ValueError("processing times of days not summed need an office clock")
        measures = case_measures(session, clock, agency_ids, w.live)
        for found in measure_sums(session, measures):
            add(found.version_id, found.counts)
        times.append(select(measures.c.version_id, measures.c.used))
    codes = version_codes(session, sums)
    if not codes:
        return {}
    every = union_all(*times).subquery() if len(times) > 1 else times[0].subquery()
    p90 = _p90(session, every, codes)
    by_code: dict[str, list[float]] = {}
    for version_id, (used, used_n, allowed, allowed_n) in sums.items():
        found = by_code.setdefault(codes[version_id][0], [0.0, 0, 0.0, 0])
        found[0] += used
        found[1] += used_n
        found[2] += allowed
        found[3] += allowed_n
    return {code: ProcessingTime(int(used_n), _span(used / used_n if used_n else None),
                                 _span(p90.get(code)),
                                 _span(allowed / allowed_n if allowed_n else None))
            for code, (used, used_n, allowed, allowed_n) in by_code.items()
            if used_n or allowed_n}


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


def step_sums(session: Session, clock: OfficeClock, agency_ids: list[int], period: Period,
              *, by_day: bool = False,
              procedure_code: str | None = None) -> list[dict[str, Any]]:
    """Steps completed in ``period`` per agency, procedure version and step (and local day of
    the completion): how many, how many late, office time used and allotted (sums and how
    many were measured), a name and number."""
    calendar = clock.calendar_of(Task.agency_id).label("cal")
    tasks = (select(Task.agency_id, Case.procedure_version_id, Task.bpmn_id, Task.name,
                    Task.step_number, Task.outcome, Task.paused_seconds, calendar,
                    *clock.columns(Task.ready_at, "rd"), *clock.columns(Task.completed_at, "cp"),
                    *clock.columns(Task.due_at, "du"))
             .join(Case, Case.id == Task.case_id)
             .where(Task.agency_id.in_(agency_ids), Task.state == TaskState.COMPLETED,
                    Task.completed_at >= period.start, Task.completed_at < period.end))
    if procedure_code is not None:
        tasks = (tasks.join(ProcedureVersion, ProcedureVersion.id == Case.procedure_version_id)
                 .join(Procedure, Procedure.id == ProcedureVersion.procedure_id)
                 .where(Procedure.code == procedure_code))
    tasks = fenced(tasks)
    rd, cp, du = (clock.measure(tasks, n) for n in ("rd", "cp", "du"))
    paused = func.coalesce(tasks.c.paused_seconds, 0)
    used, allotted = cp.value - rd.value - paused, du.value - rd.value - paused
    keys = [tasks.c.agency_id, tasks.c.procedure_version_id, tasks.c.bpmn_id]
    if by_day:
        keys.append(tasks.c.cp_day)
    query = (select(*keys, func.max(tasks.c.name).label("name"),
                    func.min(tasks.c.step_number).label("number"),
                    func.count().label("completed"),
                    count_if(tasks.c.outcome == Outcome.LATE).label("late"),
                    func.coalesce(func.sum(used), 0).label("used_seconds"),
                    func.count(used).label("used_count"),
                    func.coalesce(func.sum(allotted), 0).label("allotted_seconds"),
                    func.count(allotted).label("allotted_count"))
             .select_from(tasks).outerjoin(rd.days, rd.on).outerjoin(cp.days, cp.on)
             .outerjoin(du.days, du.on).group_by(*keys))
    found = []
    for row in session.execute(query):
        item = {"agency_id": row[0], "procedure_version_id": row[1], "bpmn_id": row[2],
                "name": row.name, "step_number": row.number,
                "completed": int(row.completed), "late": int(row.late),
                "used_seconds": float(row.used_seconds), "used_count": int(row.used_count),
                "allotted_seconds": float(row.allotted_seconds),
                "allotted_count": int(row.allotted_count)}
        if by_day:
            item["day"] = row[3]
        found.append(item)
    return found


_STEP_SUMS = ("completed", "late", "used_seconds", "used_count", "allotted_seconds",
              "allotted_count")


def step_figures(session: Session, clock: OfficeClock | None, agency_ids: list[int],
                 period: Period, *, procedure_code: str | None = None,
                 by_revision: bool = True, w: Window | None = None) -> list[StepFigures]:
    """:class:`StepFigures` of the tasks completed in ``period``, per procedure revision and
    step (``by_revision=False``: per procedure code and step, revisions together); summed
    days from the pre-aggregates, the rest measured on ``clock``."""
    w = w or window(session, period)
    parts: list[dict[str, Any]] = []
    condition = summed(ReportSteps, w)
    if procedure_code is not None:
        condition = and_(condition, ReportSteps.procedure_version_id.in_(
            select(ProcedureVersion.id).join(Procedure)
            .where(Procedure.code == procedure_code)))
    for row in session.execute(
            select(ReportSteps.procedure_version_id, ReportSteps.bpmn_id,
                   func.max(ReportSteps.name).label("name"),
                   func.min(ReportSteps.step_number).label("step_number"),
                   *(func.sum(getattr(ReportSteps, n)).label(n) for n in _STEP_SUMS))
            .where(ReportSteps.agency_id.in_(agency_ids), condition)
            .group_by(ReportSteps.procedure_version_id, ReportSteps.bpmn_id)):
        parts.append(dict(row._mapping))
    if w.live is not None:
        if clock is None:
            raise ValueError("step figures of days not summed need an office clock")
        parts.extend(step_sums(session, clock, agency_ids, w.live,
                               procedure_code=procedure_code))
    codes = version_codes(session, (p["procedure_version_id"] for p in parts))
    folded: dict[tuple, dict[str, Any]] = {}
    for part in parts:
        code, revision = codes[part["procedure_version_id"]]
        key = (code, revision if by_revision else None, part["bpmn_id"])
        found = folded.setdefault(key, {"name": part["name"], "number": part["step_number"],
                                        **dict.fromkeys(_STEP_SUMS, 0)})
        found["name"] = max(found["name"], part["name"])
        if part["step_number"] is not None and (found["number"] is None
                                                or part["step_number"] < found["number"]):
            found["number"] = part["step_number"]
        for name in _STEP_SUMS:
            found[name] += part[name] or 0
    rows = [StepFigures(code, revision, bpmn_id, f["name"], f["number"], int(f["completed"]),
                        int(f["late"]),
                        _span(f["used_seconds"] / f["used_count"] if f["used_count"] else None),
                        _span(f["allotted_seconds"] / f["allotted_count"]
                              if f["allotted_count"] else None))
            for (code, revision, bpmn_id), f in folded.items()]
    return sorted(rows, key=lambda s: (s.procedure_code, -(s.revision or 0),
                                       _number_key(s.number), s.name))
