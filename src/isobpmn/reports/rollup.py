"""The pre-aggregates: what happened on each day that is over, summed once, and how a report
splits its period between them and the projections.

**Summing** (:func:`roll_up`): for a run of local days, the dossiers received and ended each
day per agency and procedure version (with the office time of the resolved ones), the steps
completed per step, and the steps each official completed — computed by the same queries and
the same office-time axis (:mod:`.officetime`) as a report over the projections, grouped by
day — replace that run's rows of ``report_cases``, ``report_steps``, ``report_officials`` and
``report_case_times``; each month touched is then re-summed from its days. The watermark
``report_rollup.rolled_until`` moves to the run's end. Only days that ended
:data:`~isobpmn.store.rollups.SETTLE` ago are summed.

**Reading** (:func:`window`): a period's days before the watermark come from the sums (whole
months from month rows, the other days from day rows), the rest — normally today — from the
projections. Counts and sums add up exactly; percentiles read the resolved dossiers' own
times (``report_case_times``). A period that does not start and end at local midnight, or a
watermark kept in another zone, reads everything from the projections.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import and_, delete, false, func, insert, literal, or_, select, text
from sqlalchemy.orm import Session

from isobpmn.calendar import WorkingCalendar
from isobpmn.store import (
    Case,
    ReportCases,
    ReportCaseTime,
    ReportOfficials,
    ReportRollup,
    ReportSteps,
    RollupSpan,
    Task,
)
from isobpmn.store.rollups import SETTLE

from .officetime import OfficeClock
from .scope import Period

__all__ = ["MAX_RUN", "RollupRun", "Window", "cumulative_before", "day_number", "day_start",
           "refresh_statistics", "roll_up", "rolled_sums", "summed", "window"]

#: The most days one call of :func:`roll_up` sums (one transaction each).
MAX_RUN = 31
_EPOCH = date(1970, 1, 1)
_CASE_SUMS = ("received", "online", "in_person", "post", "ended", "resolved", "early",
              "on_time", "late", "refused", "withdrawn", "used_count", "allowed_count")
_CASE_FLOATS = ("used_seconds", "allowed_seconds")
_STEP_SUMS = ("completed", "late", "used_count", "allotted_count")
_STEP_FLOATS = ("used_seconds", "allotted_seconds")
_OFFICIAL_SUMS = ("completed", "on_time", "late")


def day_number(moment: datetime, offset: int) -> int:
    """The local day of ``moment`` (days since 1970-01-01) at UTC ``offset`` seconds."""
    return math.floor((moment.timestamp() + offset) / 86400)


def day_start(day: int, offset: int) -> datetime:
    """Local midnight starting ``day``, as an aware UTC moment."""
    return datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(days=day, seconds=-offset)


def _date(day: int) -> date:
    return _EPOCH + timedelta(days=day)


def _number(moment: date) -> int:
    return (moment - _EPOCH).days


def _month_first(day: int) -> int:
    return _number(_date(day).replace(day=1))


def _next_month(day: int) -> int:
    first = _date(day).replace(day=1)
    return _number((first + timedelta(days=32)).replace(day=1))


@dataclass(frozen=True)
class Window:
    """How a report reads its period: days ``[first, rolled_end)`` from the sums — month rows
    for ``[month_first, month_end)``, day rows for the rest — and ``live`` from the
    projections. ``rolled_until`` is the watermark (None: nothing summed)."""

    first: int
    rolled_end: int
    month_first: int
    month_end: int
    live: Period | None
    rolled_until: int | None
    offset: int

    @property
    def any_summed(self) -> bool:
        return self.rolled_end > self.first


def _watermark(session: Session) -> tuple[int, int] | None:
    row = session.execute(select(ReportRollup.rolled_until, ReportRollup.utc_offset)
                          .where(ReportRollup.id == 1)).first()
    return None if row is None else (int(row.rolled_until), int(row.utc_offset))


def window(session: Session, period: Period) -> Window:
    """How ``period`` is read (see the module)."""
    offset = int(period.start.utcoffset().total_seconds())
    first = day_number(period.start, offset)
    mark = _watermark(session)
    aligned = (day_start(first, offset) == period.start
               and day_start(day_number(period.end, offset), offset) == period.end)
    if mark is None or mark[1] != offset or not aligned:
        return Window(first, first, first, first, period, None, offset)
    rolled_until = mark[0]
    end = day_number(period.end, offset)
    rolled_end = max(first, min(end, rolled_until))
    month_first = first if _date(first).day == 1 else _next_month(first)
    month_end = month_first
    while month_end < rolled_end and _next_month(month_end) <= rolled_end:
        month_end = _next_month(month_end)
    if month_end == month_first:
        month_first = month_end = rolled_end
    live = None
    if rolled_end < end:
        live = Period(max(period.start, day_start(rolled_end, offset)), period.end)
    return Window(first, rolled_end, month_first, month_end, live, rolled_until, offset)


def summed(table: Any, w: Window) -> Any:
    """The rows of a pre-aggregate table that cover the summed days of ``w``, once each."""
    if not w.any_summed:
        return false()
    return or_(and_(table.span == RollupSpan.MONTH, table.day >= w.month_first,
                    table.day < w.month_end),
               and_(table.span == RollupSpan.DAY,
                    or_(and_(table.day >= w.first, table.day < w.month_first),
                        and_(table.day >= w.month_end, table.day < w.rolled_end))))


def cumulative_before(table: Any, day: int) -> Any:
    """The rows covering every summed day before ``day`` (``day`` at most the watermark):
    whole months before its month, and its month's days before it."""
    month = _month_first(day)
    return or_(and_(table.span == RollupSpan.MONTH, table.day < month),
               and_(table.span == RollupSpan.DAY, table.day >= month, table.day < day))


# --- summing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RollupRun:
    """What one call of :func:`roll_up` summed: days ``[first, until)`` (as dates), and the
    rows written; ``first`` None when there was nothing to sum."""

    first: date | None
    until: date | None
    case_rows: int = 0
    step_rows: int = 0
    official_rows: int = 0
    remaining_days: int = 0


def _first_fact(session: Session) -> datetime | None:
    moments = [session.scalar(select(func.min(Case.received_at))),
               session.scalar(select(func.min(Task.completed_at)))]
    known = [m for m in moments if m is not None]
    return min(known) if known else None


def roll_up(session: Session, calendars: Mapping[int, WorkingCalendar], now: datetime, *,
            max_days: int = MAX_RUN) -> RollupRun:
    """Sum the next run of at most ``max_days`` days that are over (from the watermark, or
    from the first fact), in ``session``'s transaction; the caller commits and calls again
    while ``remaining_days``."""
    if not calendars:
        return RollupRun(None, None)
    tz = next(iter(calendars.values())).tz
    offset = int(now.astimezone(tz).utcoffset().total_seconds())
    # lock the watermark so two workers never sum the same days at once
    row = session.execute(select(ReportRollup).where(ReportRollup.id == 1)
                          .with_for_update()).scalar_one_or_none()
    if row is not None and row.utc_offset != offset:
        session.execute(delete(ReportRollup))
        for table in (ReportCases, ReportSteps, ReportOfficials, ReportCaseTime):
            session.execute(delete(table))
        row = None
    last = day_number(now - SETTLE, offset)  # days before this one are over
    if row is None:
        first_fact = _first_fact(session)
        if first_fact is None:
            return RollupRun(None, None)
        first = day_number(first_fact, offset)
        # the row is the lock: a second worker starting at the same time fails to insert it
        # (IntegrityError) once this transaction commits, and leaves the summing to this one
        row = ReportRollup(id=1, rolled_until=first, utc_offset=offset, updated_at=now)
        session.add(row)
        session.flush()
    else:
        first = row.rolled_until
    if first >= last:
        return RollupRun(None, None)
    until = min(last, first + max_days)
    period = Period(day_start(first, offset), day_start(until, offset))
    agency_ids = list(calendars)
    clock = OfficeClock.spanning(session.get_bind().dialect.name, calendars,
                                 _moments(session, agency_ids, period))
    for table in (ReportCases, ReportSteps, ReportOfficials):
        session.execute(delete(table).where(table.span == RollupSpan.DAY, table.day >= first,
                                            table.day < until))
    session.execute(delete(ReportCaseTime).where(ReportCaseTime.day >= first,
                                                 ReportCaseTime.day < until))
    cases = _case_rows(session, clock, agency_ids, period)
    steps = _step_rows(session, clock, agency_ids, period)
    officials = _official_rows(session, clock, agency_ids, period)
    for table, rows in ((ReportCases, cases), (ReportSteps, steps),
                        (ReportOfficials, officials)):
        if rows:
            session.execute(insert(table), rows)
    month = _month_first(first)
    while month < until:
        _sum_month(session, month)
        month = _next_month(month)
    row.rolled_until = until
    row.updated_at = now
    session.flush()
    return RollupRun(_date(first), _date(until), len(cases), len(steps), len(officials),
                     last - until)


def _moments(session: Session, agency_ids: list[int],
             period: Period) -> list[datetime | None]:
    """The earliest and latest moments the sums of ``period`` measure."""
    from .times import moments_to_measure

    return moments_to_measure(session, agency_ids, period)


def _case_rows(session: Session, clock: OfficeClock, agency_ids: list[int],
               period: Period) -> list[dict[str, Any]]:
    from .figures import ended_counts, received_counts
    from .times import case_measures

    rows: dict[tuple, dict[str, Any]] = {}

    def row(day: int, agency_id: int, version_id: int) -> dict[str, Any]:
        key = (day, agency_id, version_id)
        if key not in rows:
            rows[key] = {"span": RollupSpan.DAY, "day": day, "agency_id": agency_id,
                         "procedure_version_id": version_id,
                         **dict.fromkeys(_CASE_SUMS, 0), **dict.fromkeys(_CASE_FLOATS, 0.0)}
        return rows[key]

    for found in received_counts(session, agency_ids, period, clock=clock):
        row(found.day, found.agency_id, found.version_id).update(found.counts)
    for found in ended_counts(session, agency_ids, period, clock=clock):
        row(found.day, found.agency_id, found.version_id).update(found.counts)
    measures = case_measures(session, clock, agency_ids, period)
    times = []
    for found in session.execute(select(measures).where(measures.c.outcome.is_not(None))):
        sums = row(found.day, found.agency_id, found.version_id)
        if found.used is not None:
            sums["used_seconds"] += float(found.used)
            sums["used_count"] += 1
        if found.allowed is not None:
            sums["allowed_seconds"] += float(found.allowed)
            sums["allowed_count"] += 1
        times.append({"case_id": found.id, "day": found.day, "agency_id": found.agency_id,
                      "procedure_version_id": found.version_id,
                      "used_seconds": None if found.used is None else float(found.used)})
    if times:
        session.execute(insert(ReportCaseTime), times)
    return list(rows.values())


def _step_rows(session: Session, clock: OfficeClock, agency_ids: list[int],
               period: Period) -> list[dict[str, Any]]:
    from .times import step_sums

    return [{"span": RollupSpan.DAY, **found}
            for found in step_sums(session, clock, agency_ids, period, by_day=True)]


def _official_rows(session: Session, clock: OfficeClock, agency_ids: list[int],
                   period: Period) -> list[dict[str, Any]]:
    from .people import completed_counts

    return [{"span": RollupSpan.DAY, **found}
            for found in completed_counts(session, clock, agency_ids, period, by_day=True)]


def _sum_month(session: Session, month: int) -> None:
    """Replace the month rows starting ``month`` by the sums of its day rows."""
    end = _next_month(month)
    for table, keys, sums, extra in (
            (ReportCases, ("agency_id", "procedure_version_id"), _CASE_SUMS + _CASE_FLOATS, ()),
            (ReportSteps, ("agency_id", "procedure_version_id", "bpmn_id"),
             _STEP_SUMS + _STEP_FLOATS, (("name", func.max), ("step_number", func.min))),
            (ReportOfficials, ("agency_id", "user_id"), _OFFICIAL_SUMS, ())):
        session.execute(delete(table).where(table.span == RollupSpan.MONTH, table.day == month))
        columns = [getattr(table, k) for k in keys]
        select_list = [literal(RollupSpan.MONTH.value).label("span"),
                       literal(month).label("day"), *columns,
                       *(f(getattr(table, n)).label(n) for n, f in extra),
                       *(func.sum(getattr(table, n)).label(n) for n in sums)]
        names = ["span", "day", *keys, *(n for n, _ in extra), *sums]
        session.execute(insert(table).from_select(
            names, select(*select_list)
            .where(table.span == RollupSpan.DAY, table.day >= month, table.day < end)
            .group_by(*columns)))


def rolled_sums(session: Session, table: Any, keys: list[Any], sums: tuple[str, ...],
                condition: Any, agency_ids: list[int]) -> list[Any]:
    """``SUM`` of ``sums`` of ``table``'s rows meeting ``condition`` for the agencies,
    grouped by ``keys``."""
    return session.execute(
        select(*keys, *(func.coalesce(func.sum(getattr(table, n)), 0).label(n) for n in sums))
        .where(table.agency_id.in_(agency_ids), condition).group_by(*keys)).all()


def refresh_statistics(engine: Any) -> None:
    """Refresh the planner's statistics of the sums after a large roll-up (``ANALYZE``), so
    the first reports after it do not run on estimates of empty tables."""
    names = ", ".join(t.__tablename__ for t in (ReportCases, ReportSteps, ReportOfficials,
                                                ReportCaseTime))
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text(f"ANALYZE {names}"))
        else:
            connection.execute(text("ANALYZE"))
        connection.commit()
