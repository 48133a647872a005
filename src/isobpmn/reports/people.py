"""The people behind the figures: each official's workload, and the applicants' satisfaction.

- **Officials**: per user, the steps they completed in the period (how many early or on time,
  how many late) and the steps they hold now (claimed, not completed; how many past due).
  A step counts for the agency that runs its dossier, whoever completed it.
- **Satisfaction**: the ratings applicants gave in the period (``ratings.created_at``) to
  dossiers of the agencies: how many, the average score, how many of each score 1–5.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from isobpmn.store import TASK_IS_CLAIMED, Outcome, Rating, ReportOfficials, Task, TaskState, User

from .figures import count_if
from .officetime import OfficeClock, fenced
from .rollup import Window, rolled_sums, summed, window
from .scope import Period

__all__ = ["OfficialFigures", "Satisfaction", "completed_counts", "official_figures",
           "satisfaction"]

SCORES = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class OfficialFigures:
    """One official's steps: completed in the period (by outcome) and held open now."""

    username: str
    full_name: str
    completed: int = 0
    on_time: int = 0
    late: int = 0
    open_claimed: int = 0
    open_overdue: int = 0

    @property
    def on_time_rate(self) -> float | None:
        """Share of the completed steps with an outcome that were early or on time."""
        judged = self.on_time + self.late
        return self.on_time / judged if judged else None


def completed_counts(session: Session, clock: OfficeClock | None, agency_ids: list[int],
                     period: Period, *, by_day: bool = False) -> list[dict[str, Any]]:
    """Steps completed in ``period`` per agency and official (and local day of completion, on
    ``clock``'s axis): how many, how many early or on time, how many late."""
    where = [Task.agency_id.in_(agency_ids), Task.state == TaskState.COMPLETED,
             Task.completed_at >= period.start, Task.completed_at < period.end,
             Task.completed_by.is_not(None)]
    if by_day:
        source = fenced(select(Task.agency_id, Task.completed_by, Task.outcome,
                               *clock.columns(Task.completed_at, "cp")).where(*where))
        where, keys = [], [source.c.agency_id, source.c.completed_by, source.c.cp_day]
    else:
        source = Task.__table__
        keys = [source.c.agency_id, source.c.completed_by]
    outcome = source.c.outcome
    query = (select(*keys, func.count().label("completed"),
                    count_if(outcome.in_([Outcome.EARLY, Outcome.ON_TIME])).label("on_time"),
                    count_if(outcome == Outcome.LATE).label("late"))
             .where(*where).group_by(*keys))
    found = []
    for row in session.execute(query):
        item = {"agency_id": row[0], "user_id": row[1], "completed": int(row.completed),
                "on_time": int(row.on_time), "late": int(row.late)}
        if by_day:
            item["day"] = row[2]
        found.append(item)
    return found


def official_figures(session: Session, agency_ids: list[int], period: Period,
                     now: datetime, w: Window | None = None) -> list[OfficialFigures]:
    """:class:`OfficialFigures` of everyone who completed or holds a step of the agencies,
    busiest first."""
    w = w or window(session, period)
    figures: dict[int, dict[str, int]] = {}

    def add(user_id: int, counts: dict[str, Any]) -> None:
        found = figures.setdefault(user_id, {})
        for name, value in counts.items():
            found[name] = found.get(name, 0) + int(value)

    for row in rolled_sums(session, ReportOfficials, [ReportOfficials.user_id],
                           ("completed", "on_time", "late"), summed(ReportOfficials, w),
                           agency_ids):
        add(row[0], {"completed": row.completed, "on_time": row.on_time, "late": row.late})
    if w.live is not None:
        for found in completed_counts(session, None, agency_ids, w.live):
            add(found["user_id"], {n: found[n] for n in ("completed", "on_time", "late")})
    held = (select(Task.claimed_by.label("user_id"), func.count().label("claimed"),
                   count_if(Task.due_at < now).label("overdue"))
            .where(Task.agency_id.in_(agency_ids), TASK_IS_CLAIMED,
                   Task.claimed_by.is_not(None))
            .group_by(Task.claimed_by))
    for row in session.execute(held):
        add(row.user_id, {"open_claimed": row.claimed, "open_overdue": row.overdue})
    if not figures:
        return []
    names = {row.id: (row.username, row.full_name) for row in session.execute(
        select(User.id, User.username, User.full_name).where(User.id.in_(list(figures))))}
    rows = [OfficialFigures(*names[user_id], **counts) for user_id, counts in figures.items()]
    return sorted(rows, key=lambda o: (-(o.completed + o.open_claimed), o.username))


@dataclass(frozen=True)
class Satisfaction:
    """The ratings of the period: ``distribution`` maps each score 1–5 to its count."""

    count: int
    average: float | None
    distribution: dict[int, int]

    def share(self, score: int) -> float:
        return self.distribution.get(score, 0) / self.count if self.count else 0.0


def satisfaction(session: Session, agency_ids: list[int], period: Period) -> Satisfaction:
    """The applicants' ratings given in ``period`` to dossiers of the agencies."""
    rows = session.execute(
        select(Rating.score, func.count().label("n"))
        .where(Rating.agency_id.in_(agency_ids), Rating.created_at >= period.start,
               Rating.created_at < period.end)
        .group_by(Rating.score)).all()
    distribution = {score: 0 for score in SCORES}
    distribution.update({int(r.score): int(r.n) for r in rows})
    count = sum(distribution.values())
    total = sum(score * n for score, n in distribution.items())
    return Satisfaction(count, total / count if count else None, distribution)
