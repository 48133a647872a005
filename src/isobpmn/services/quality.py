"""Quality objectives (ISO 9001 6.2, 9.1): each agency's yearly targets and how it stands.

An objective is a metric of :class:`~isobpmn.store.ObjectiveMetric` (on-time rate, share of
the statutory time used, satisfaction …), a comparison (at least / at most) and a target,
one per metric, agency and year: "≥ 98 % of dossiers resolved early or on time in 2026".
Its current value is measured when read, from the dossiers and ratings of the year so far
(:mod:`.quality_metrics`), and its state is ``met`` (green), ``not_met`` (red) or
``no_data``.

Setting and removing are the quality staff's (:mod:`.quality_access`), one transaction each
with an event on the agency's ``quality:<agency id>`` chain; any member of the agency reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from isobpmn.store import Agency, Comparison, ObjectiveMetric, QualityObjective, User

from .access import find_agency, find_user
from .casework import transaction
from .context import ServiceContext
from .errors import InvalidRequest, UnknownRecord
from .kinds import EventKind
from .quality_access import (
    period_bounds,
    quality_event,
    require_quality_reader,
    require_quality_staff,
)
from .quality_metrics import (
    DEFAULT_COMPARISON,
    METRIC_UNITS,
    Measures,
    measure,
    metric_value,
    objective_state,
)
from .version_views import Person
from .views import local

__all__ = ["METRIC_TITLES", "ObjectiveView", "measure_objectives", "quality_objectives",
           "remove_quality_objective", "set_quality_objective"]

#: A default title per metric (the records are kept in Vietnamese).
METRIC_TITLES = {
    ObjectiveMetric.ON_TIME_RATE: "Tỷ lệ hồ sơ giải quyết trước hạn và đúng hạn",
    ObjectiveMetric.AVG_TIME_SHARE: "Thời gian giải quyết trung bình so với thời hạn quy định",
    ObjectiveMetric.SATISFACTION_AVG: "Điểm hài lòng trung bình (1–5)",
    ObjectiveMetric.SATISFIED_RATE: "Tỷ lệ đánh giá hài lòng (4–5 điểm)",
    ObjectiveMetric.ONLINE_RATE: "Tỷ lệ hồ sơ tiếp nhận trực tuyến",
}
_MAXIMUM = {"%": Decimal(100), "/5": Decimal(5)}


@dataclass(frozen=True)
class ObjectiveView:
    """An objective with its value measured from ``start`` to ``end`` (both included):
    ``value`` in ``unit`` over ``basis`` dossiers or ratings, ``state`` met / not_met /
    no_data."""

    id: int
    agency_code: str
    year: int
    metric: str
    comparison: str
    target: Decimal
    title: str
    unit: str
    value: Decimal | None
    basis: int
    state: str
    start: date
    end: date
    set_by: Person | None
    updated_at: datetime


def _metric(metric: str) -> ObjectiveMetric:
    try:
        return ObjectiveMetric(metric)
    except ValueError:
        raise InvalidRequest(f"unknown metric {metric!r}; choose one of "
                             f"{', '.join(m.value for m in ObjectiveMetric)}") from None


def _target(value: Decimal | int | float | str, metric: ObjectiveMetric) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", ".").rstrip("%").strip())
    except InvalidOperation:
        raise InvalidRequest(f"the target {value!r} is not a number (write 98 or 98,5)") from None
    if not number.is_finite():
        raise InvalidRequest(f"the target {value!r} is not a number (write 98 or 98,5)")
    unit = METRIC_UNITS[metric]
    if not 0 <= number <= _MAXIMUM[unit]:
        raise InvalidRequest(f"a target for {metric.value} lies between 0 and "
                             f"{_MAXIMUM[unit]} ({unit}), not {number}")
    return number.quantize(Decimal("0.01"))


def _year(year: int) -> int:
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise InvalidRequest(f"the year must be a whole number from 2000 to 2100, not {year!r}")
    return year


def set_quality_objective(ctx: ServiceContext, agency: str, year: int, metric: str,
                          target: Decimal | int | float | str, *, actor: str,
                          title: str | None = None,
                          comparison: str | None = None) -> ObjectiveView:
    """Set ``agency``'s objective for ``metric`` in ``year`` (a new one, or a new target and
    title for the existing one); ``comparison`` defaults to the metric's usual sense."""
    kind = _metric(metric)
    sense = comparison or DEFAULT_COMPARISON[kind]
    if sense not in {c.value for c in Comparison}:
        raise InvalidRequest(f"unknown comparison {sense!r}; choose at_least or at_most")
    number, year = _target(target, kind), _year(year)
    name = (title or "").strip() or METRIC_TITLES[kind]
    if len(name) > 500:
        raise InvalidRequest(f"the title has {len(name)} characters; shorten it to 500 at most")
    now = ctx.now()
    with transaction(ctx) as session:
        user = find_user(session, actor)
        office = find_agency(session, agency)
        require_quality_staff(ctx, session, user, office, "set quality objectives")
        row = session.scalar(select(QualityObjective).where(
            QualityObjective.agency_id == office.id, QualityObjective.year == year,
            QualityObjective.metric == kind).with_for_update())
        before = None
        if row is None:
            row = QualityObjective(agency_id=office.id, year=year, metric=kind, created_at=now)
            session.add(row)
        else:
            before = {"target": row.target, "comparison": row.comparison, "title": row.title}
        row.comparison, row.target, row.title = sense, number, name
        row.set_by, row.updated_at = user.id, now
        session.flush()
        quality_event(session, office, EventKind.QUALITY_OBJECTIVE_SET, now, user,
                      {"objective": row.id, "year": year, "metric": kind.value,
                       "comparison": sense, "target": number, "title": name,
                       "before": before})
        [view] = measure_objectives(ctx, session, office, [row], *_year_so_far(ctx, office,
                                                                               year))
        return view


def remove_quality_objective(ctx: ServiceContext, objective_id: int, *, actor: str) -> None:
    """Withdraw an objective (set by mistake, or dropped at a management review)."""
    now = ctx.now()
    with transaction(ctx) as session:
        user = find_user(session, actor)
        row = session.get(QualityObjective, objective_id)
        if row is None:
            raise UnknownRecord(f"no quality objective #{objective_id} (removed already?)")
        office = session.get(Agency, row.agency_id)
        require_quality_staff(ctx, session, user, office, "remove quality objectives")
        quality_event(session, office, EventKind.QUALITY_OBJECTIVE_REMOVED, now, user,
                      {"objective": row.id, "year": row.year, "metric": row.metric,
                       "comparison": row.comparison, "target": row.target, "title": row.title})
        session.delete(row)


def quality_objectives(ctx: ServiceContext, agency: str, year: int, *,
                       actor: str) -> list[ObjectiveView]:
    """``agency``'s objectives for ``year``, each measured over the year so far."""
    year = _year(year)
    with ctx.db.read() as session:
        user = find_user(session, actor)
        office = find_agency(session, agency)
        require_quality_reader(session, user, office, "read the quality objectives")
        rows = list(session.scalars(select(QualityObjective).where(
            QualityObjective.agency_id == office.id, QualityObjective.year == year)
            .order_by(QualityObjective.id)))
        return measure_objectives(ctx, session, office, rows, *_year_so_far(ctx, office, year))


def _year_so_far(ctx: ServiceContext, agency: Agency, year: int) -> tuple[date, date]:
    today = ctx.calendars.of(agency.id, agency.calendar).localize(ctx.now()).date()
    return date(year, 1, 1), min(date(year, 12, 31), today)


def measure_objectives(ctx: ServiceContext, session: Session, agency: Agency,
                       rows: list[QualityObjective], start: date, end: date,
                       measures: Measures | None = None) -> list[ObjectiveView]:
    """The objectives ``rows`` measured from ``start`` to ``end`` (nothing to measure when the
    period has not begun); ``measures`` of that period when already at hand."""
    if not rows:
        return []
    calendar = ctx.calendars.of(agency.id, agency.calendar)
    if measures is None and start <= end:
        measures = measure(session, agency.id, calendar, *period_bounds(calendar, start, end))
    setters = {uid: Person(username, name) for uid, username, name in session.execute(
        select(User.id, User.username, User.full_name)
        .where(User.id.in_({r.set_by for r in rows if r.set_by})))}
    views = []
    for row in rows:
        value, basis = metric_value(measures, row.metric) if measures else (None, 0)
        target = Decimal(row.target).quantize(Decimal("0.01"))
        views.append(ObjectiveView(
            id=row.id, agency_code=agency.code, year=row.year, metric=str(row.metric),
            comparison=str(row.comparison), target=target, title=row.title,
            unit=METRIC_UNITS[ObjectiveMetric(row.metric)], value=value, basis=basis,
            state=objective_state(value, row.comparison, target), start=start, end=end,
            set_by=setters.get(row.set_by), updated_at=local(row.updated_at, calendar.tz)))
    return views
