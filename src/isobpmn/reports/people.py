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

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from isobpmn.store import Outcome, Rating, Task, TaskState, User

from .figures import count_if
from .scope import Period

__all__ = ["OfficialFigures", "Satisfaction", "official_figures", "satisfaction"]

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


def official_figures(session: Session, agency_ids: list[int], period: Period,
                     now: datetime) -> list[OfficialFigures]:
    """:class:`OfficialFigures` of everyone who completed or holds a step of the agencies,
    busiest first."""
    done = (select(Task.completed_by.label("user_id"), func.count().label("completed"),
                   count_if(Task.outcome.in_([Outcome.EARLY, Outcome.ON_TIME])).label("on_time"),
                   count_if(Task.outcome == Outcome.LATE).label("late"))
            .where(Task.agency_id.in_(agency_ids), Task.state == TaskState.COMPLETED,
                   Task.completed_at >= period.start, Task.completed_at < period.end,
                   Task.completed_by.is_not(None))
            .group_by(Task.completed_by))
    held = (select(Task.claimed_by.label("user_id"), func.count().label("claimed"),
                   count_if(Task.due_at < now).label("overdue"))
            .where(Task.agency_id.in_(agency_ids), Task.state == TaskState.CLAIMED,
                   Task.claimed_by.is_not(None))
            .group_by(Task.claimed_by))
    figures: dict[int, dict[str, int]] = {}
    for row in session.execute(done):
        figures.setdefault(row.user_id, {}).update(
            completed=int(row.completed), on_time=int(row.on_time), late=int(row.late))
    for row in session.execute(held):
        figures.setdefault(row.user_id, {}).update(
            open_claimed=int(row.claimed), open_overdue=int(row.overdue))
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
