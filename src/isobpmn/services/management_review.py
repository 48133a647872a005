"""The management review's inputs (xem xét của lãnh đạo, ISO 9001 9.3) for one agency and
period, gathered in one read.

- the **quality objectives** of the years the period touches, each measured over the part of
  the period inside its year (and not beyond today);
- the **dossiers**: received (online among them), resolved by outcome, refused, withdrawn,
  the on-time rate and the average share of the statutory time used (:mod:`.quality_metrics`);
- **satisfaction**: ratings by score, the average, the share satisfied, the latest comments;
- **nonconformities**: opened in the period (by source), closed in it (verified effective),
  still open at its end, and corrective actions **overdue** at its end (or today, if the
  period has not ended): due before that day and not implemented by then.

For the quality staff of the agency (:mod:`.quality_access`). docs/quality.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, or_, select

from isobpmn.store import Nonconformity, NonconformityStatus, QualityObjective, Rating

from .access import find_agency, find_user
from .context import ServiceContext
from .nonconformity_views import NonconformityRow, nonconformity_rows
from .quality import ObjectiveView, measure_objectives
from .quality_access import check_period, period_bounds, require_quality_staff
from .quality_metrics import Measures, measure, metric_value
from .version_views import Person
from .views import local

__all__ = ["ManagementReview", "NonconformitySummary", "RatingComment", "SatisfactionSummary",
           "management_review"]

#: Rows of each nonconformity list and comments shown at most.
LIST_LIMIT = 200
COMMENTS = 20


@dataclass(frozen=True)
class RatingComment:
    score: int
    comment: str
    at: datetime


@dataclass(frozen=True)
class SatisfactionSummary:
    """Ratings given in the period: ``scores[0]`` ones … ``scores[4]`` fives."""

    ratings: int
    average: Decimal | None
    satisfied_rate: Decimal | None
    scores: tuple[int, int, int, int, int]
    comments: tuple[RatingComment, ...]


@dataclass(frozen=True)
class NonconformitySummary:
    opened: int
    opened_by_source: dict[str, int]
    closed: int
    open_at_end: int
    overdue: int
    opened_rows: tuple[NonconformityRow, ...]
    overdue_rows: tuple[NonconformityRow, ...]


@dataclass(frozen=True)
class ManagementReview:
    agency_code: str
    agency_name: str
    start: date
    end: date
    prepared_at: datetime
    prepared_by: Person
    objectives: tuple[ObjectiveView, ...]
    dossiers: Measures
    on_time_rate: Decimal | None
    satisfaction: SatisfactionSummary
    nonconformities: NonconformitySummary


def management_review(ctx: ServiceContext, agency: str, start: date, end: date, *,
                      actor: str) -> ManagementReview:
    """What the leaders review for ``agency`` from ``start`` to ``end`` (both included, at most
    a year; see the module)."""
    check_period(start, end, "management review")
    now = ctx.now()
    with ctx.db.read() as session:
        user = find_user(session, actor)
        office = find_agency(session, agency)
        require_quality_staff(ctx, session, user, office, "prepare the management review")
        calendar = ctx.calendars.of(office.id, office.calendar)
        today = calendar.localize(now).date()
        low, high = period_bounds(calendar, start, end)
        dossiers = measure(session, office.id, calendar, low, high)

        objectives: list[ObjectiveView] = []
        for year in range(start.year, end.year + 1):
            rows = list(session.scalars(select(QualityObjective).where(
                QualityObjective.agency_id == office.id, QualityObjective.year == year)
                .order_by(QualityObjective.id)))
            part = (max(start, date(year, 1, 1)), min(end, date(year, 12, 31), today))
            same = part == (start, end)
            objectives += measure_objectives(ctx, session, office, rows, *part,
                                             measures=dossiers if same else None)

        comments = session.execute(
            select(Rating.score, Rating.comment, Rating.created_at)
            .where(Rating.agency_id == office.id, Rating.created_at >= low,
                   Rating.created_at < high, Rating.comment.is_not(None))
            .order_by(Rating.created_at.desc(), Rating.id.desc()).limit(COMMENTS)).all()
        satisfaction = SatisfactionSummary(
            dossiers.ratings, dossiers.rating_avg,
            metric_value(dossiers, "satisfied_rate")[0], dossiers.scores,
            tuple(RatingComment(s, c, local(at, calendar.tz)) for s, c, at in comments))

        as_of = min(high, now)
        as_of_day = calendar.localize(as_of).date()
        nc = Nonconformity
        in_period = (nc.opened_at >= low, nc.opened_at < high)
        overdue = (nc.due_on.is_not(None), nc.due_on < as_of_day, nc.planned_at < as_of,
                   or_(nc.implemented_at.is_(None), nc.implemented_at >= as_of),
                   or_(nc.status != NonconformityStatus.CLOSED, nc.verified_at >= as_of))
        opened = dict(session.execute(select(nc.source, func.count())
                                      .where(nc.agency_id == office.id, *in_period)
                                      .group_by(nc.source)).all())

        def count(*conditions) -> int:
            return session.scalar(select(func.count()).select_from(nc)
                                  .where(nc.agency_id == office.id, *conditions))

        summary = NonconformitySummary(
            opened=sum(opened.values()), opened_by_source=opened,
            closed=count(nc.status == NonconformityStatus.CLOSED, nc.verified_at >= low,
                         nc.verified_at < high),
            open_at_end=count(nc.opened_at < high,
                              or_(nc.status != NonconformityStatus.CLOSED,
                                  nc.verified_at >= high)),
            overdue=count(*overdue),
            opened_rows=tuple(nonconformity_rows(ctx, session, office, *in_period,
                                                 limit=LIST_LIMIT)),
            overdue_rows=tuple(nonconformity_rows(ctx, session, office, *overdue,
                                                  limit=LIST_LIMIT)))
        return ManagementReview(
            agency_code=office.code, agency_name=office.name, start=start, end=end,
            prepared_at=local(now, calendar.tz), prepared_by=Person(user.username,
                                                                    user.full_name),
            objectives=tuple(objectives), dossiers=dossiers,
            on_time_rate=metric_value(dossiers, "on_time_rate")[0],
            satisfaction=satisfaction, nonconformities=summary)
