"""Measuring an agency's quality over a period, from its dossiers and ratings (ISO 9001 9.1).

Counts come from SQL aggregates (``COUNT … GROUP BY``) over ``cases`` and ``ratings``, so a
year of a busy agency is a few grouped rows, not a walk over its dossiers:

- **dossiers resolved** in the period: status ``resolved`` or ``returned`` with
  ``resolved_at`` inside it, by outcome (early, on time, late, none — a procedure without a
  statutory time); refused and withdrawn dossiers by the moment they ended;
- **dossiers received** in the period, and those that came online;
- **ratings** given in the period, by score.

The **time share** of a resolved dossier is the office time it used (clock start → resolution,
pauses excluded) over the office time its statutory limit allowed (clock start → the receipt's
appointment), both by the agency's calendar: a ratio of calendar hours would count weekends
and Tết. SQL selects the dossiers and their pauses; the calendar measures each one.

Values are :class:`~decimal.Decimal` rounded to two places: percentages for rates and shares,
a score 1–5 for the satisfaction average. ``None`` means nothing to measure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from isobpmn.calendar import WorkingCalendar
from isobpmn.store import (
    Case,
    CasePause,
    CaseStatus,
    Channel,
    Comparison,
    ObjectiveMetric,
    Outcome,
    Rating,
)

__all__ = ["METRIC_UNITS", "DEFAULT_COMPARISON", "Measures", "measure", "metric_value",
           "objective_state"]

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
#: How a metric is written: "%" or "/5".
METRIC_UNITS = {
    ObjectiveMetric.ON_TIME_RATE: "%", ObjectiveMetric.AVG_TIME_SHARE: "%",
    ObjectiveMetric.SATISFACTION_AVG: "/5", ObjectiveMetric.SATISFIED_RATE: "%",
    ObjectiveMetric.ONLINE_RATE: "%",
}
#: The usual sense of each metric: more is better, except the share of time used.
DEFAULT_COMPARISON = {
    ObjectiveMetric.ON_TIME_RATE: Comparison.AT_LEAST,
    ObjectiveMetric.AVG_TIME_SHARE: Comparison.AT_MOST,
    ObjectiveMetric.SATISFACTION_AVG: Comparison.AT_LEAST,
    ObjectiveMetric.SATISFIED_RATE: Comparison.AT_LEAST,
    ObjectiveMetric.ONLINE_RATE: Comparison.AT_LEAST,
}
_FINISHED = (CaseStatus.RESOLVED, CaseStatus.RETURNED)
_BATCH = 500


@dataclass(frozen=True)
class Measures:
    """What happened in an agency in a period (module docstring)."""

    received: int
    received_online: int
    resolved: int
    early: int
    on_time: int
    late: int
    without_outcome: int
    refused: int
    withdrawn: int
    #: Average share of the statutory time used, in %, over ``time_share_basis`` dossiers.
    time_share: Decimal | None
    time_share_basis: int
    ratings: int
    #: Ratings by score: ``scores[0]`` is the number of 1s … ``scores[4]`` of 5s.
    scores: tuple[int, int, int, int, int]

    @property
    def rating_avg(self) -> Decimal | None:
        if not self.ratings:
            return None
        total = sum(score * n for score, n in enumerate(self.scores, 1))
        return (Decimal(total) / self.ratings).quantize(CENT, ROUND_HALF_UP)

    @property
    def satisfied(self) -> int:
        """Ratings of 4 or 5."""
        return self.scores[3] + self.scores[4]

    @property
    def with_outcome(self) -> int:
        return self.early + self.on_time + self.late


def _rate(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) * HUNDRED / whole).quantize(CENT, ROUND_HALF_UP) if whole else None


def metric_value(measures: Measures, metric: str) -> tuple[Decimal | None, int]:
    """The value of ``metric`` and the number of dossiers or ratings it rests on."""
    m = measures
    if metric == ObjectiveMetric.ON_TIME_RATE:
        return _rate(m.early + m.on_time, m.with_outcome), m.with_outcome
    if metric == ObjectiveMetric.AVG_TIME_SHARE:
        return m.time_share, m.time_share_basis
    if metric == ObjectiveMetric.SATISFACTION_AVG:
        return m.rating_avg, m.ratings
    if metric == ObjectiveMetric.SATISFIED_RATE:
        return _rate(m.satisfied, m.ratings), m.ratings
    if metric == ObjectiveMetric.ONLINE_RATE:
        return _rate(m.received_online, m.received), m.received
    raise ValueError(f"unknown metric {metric!r}")


def objective_state(value: Decimal | None, comparison: str, target: Decimal) -> str:
    """``met`` (green), ``not_met`` (red) or ``no_data``."""
    if value is None:
        return "no_data"
    met = value >= target if comparison == Comparison.AT_LEAST else value <= target
    return "met" if met else "not_met"


def measure(session: Session, agency_id: int, calendar: WorkingCalendar, start: datetime,
            end: datetime) -> Measures:
    """The measures of ``agency_id`` over [``start``, ``end``)."""
    ended = and_(Case.agency_id == agency_id, Case.resolved_at >= start, Case.resolved_at < end)
    by_outcome: dict[tuple[str, str | None], int] = {
        (status, result): n for status, result, n in session.execute(
            select(Case.status, Case.outcome, func.count()).where(ended)
            .group_by(Case.status, Case.outcome))}

    def finished(result: str | None) -> int:
        return sum(by_outcome.get((status, result), 0) for status in _FINISHED)

    def stopped(status: str) -> int:
        return sum(n for (s, _), n in by_outcome.items() if s == status)

    received, online = session.execute(
        select(func.count(), func.count().filter(Case.channel == Channel.ONLINE))
        .where(Case.agency_id == agency_id, Case.received_at >= start,
               Case.received_at < end)).one()
    scores = dict(session.execute(
        select(Rating.score, func.count())
        .where(Rating.agency_id == agency_id, Rating.created_at >= start, Rating.created_at < end)
        .group_by(Rating.score)).all())
    share, basis = _time_share(session, ended, calendar)
    early, on_time, late, none = (finished(Outcome.EARLY), finished(Outcome.ON_TIME),
                                  finished(Outcome.LATE), finished(None))
    return Measures(
        received=received, received_online=online or 0,
        resolved=early + on_time + late + none, early=early, on_time=on_time, late=late,
        without_outcome=none, refused=stopped(CaseStatus.REFUSED),
        withdrawn=stopped(CaseStatus.WITHDRAWN), time_share=share, time_share_basis=basis,
        ratings=sum(scores.values()),
        scores=tuple(scores.get(score, 0) for score in range(1, 6)))  # type: ignore[arg-type]


def _time_share(session: Session, ended, calendar: WorkingCalendar) -> tuple[Decimal | None, int]:
    """Average share (%) of the statutory office time the resolved dossiers used."""
    rows = session.execute(
        select(Case.id, Case.clock_started_at, Case.original_appointment_at, Case.resolved_at)
        .where(ended, Case.status.in_(_FINISHED), Case.clock_started_at.is_not(None),
               Case.original_appointment_at.is_not(None))
        .order_by(Case.id)).all()
    total, counted = Decimal(0), 0
    for batch in _batches(rows):
        pauses: dict[int, list[tuple[datetime, datetime | None]]] = {}
        for case_id, started, stopped in session.execute(
                select(CasePause.case_id, CasePause.started_at, CasePause.ended_at)
                .where(CasePause.case_id.in_([row.id for row in batch]))):
            pauses.setdefault(case_id, []).append((started, stopped))
        for row in batch:
            allowed = calendar.working_time_between(row.clock_started_at,
                                                    row.original_appointment_at)
            if allowed.total_seconds() <= 0:
                continue
            used = calendar.working_time_between(row.clock_started_at, row.resolved_at,
                                                 pauses.get(row.id, ()))
            total += Decimal(used.total_seconds()) / Decimal(allowed.total_seconds())
            counted += 1
    if not counted:
        return None, 0
    return (total * HUNDRED / counted).quantize(CENT, ROUND_HALF_UP), counted


def _batches(rows: list, size: int = _BATCH) -> Iterable[list]:
    for first in range(0, len(rows), size):
        yield rows[first:first + size]
