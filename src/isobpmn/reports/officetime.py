"""Office time measured inside SQL, so averages and percentiles stay ``GROUP BY`` queries.

How much office time lies between two moments depends on each agency's calendar (office
hours, weekends, holidays, make-up Saturdays): arithmetic the database cannot do by itself.
Rather than fetch every row and ask :class:`~isobpmn.calendar.WorkingCalendar` one by one,
a report describes the calendars as a small table of days, built in Python once per report:

    office_days(cal, day, base, a0, b0, a1, b1, …)

``day`` is a local day as a number (days since 1970-01-01), ``base`` the office time
(seconds) of all working days before it since the table's first day; ``a_i``/``b_i`` are the
day's office intervals as seconds after local midnight (``0``/``0`` on a day off). The
office-time position of a moment ``t`` on local ``day`` at ``s`` seconds after midnight is
then

    f(t) = base + Σ_i clamp(s - a_i, 0, b_i - a_i)

and the office time between two moments is ``f(end) - f(start)``: exactly what
``WorkingCalendar.working_time_between`` computes, for every row at once. The table goes to
the database as a ``VALUES`` common table expression (literal numbers and dates the report
made itself), joined on ``(cal, local day)``.

Local days and seconds are plain arithmetic on the moment's seconds since 1970 plus the
zone's UTC offset (Vietnam keeps one offset all year), the same on SQLite and PostgreSQL and
cheaper than time-zone functions. All agencies of one report must share a time zone. The
subqueries that select the moments are fenced (:func:`fenced`) so that each is computed once
per row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Float, Integer, and_, case, cast, column, func, literal, values

from isobpmn.calendar import WorkingCalendar

from .scope import ReportError

__all__ = ["MAX_DAYS", "Measure", "OfficeClock", "fenced"]

#: The longest run of days one report describes; moments before it are not measured.
MAX_DAYS = 3700
_EPOCH = date(1970, 1, 1)


def _seconds(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def _clamp(value: Any, high: Any) -> Any:
    """``value`` held within ``[0, high]``, written with ``CASE`` (portable)."""
    return case((value <= 0, literal(0)), (value >= high, high), else_=value)


def fenced(query: Any) -> Any:
    """``query`` as a subquery the database computes once per row before joining it
    (``OFFSET 0`` keeps SQLite and PostgreSQL from inlining it, which would repeat the local
    day and time expressions in every use of :meth:`OfficeClock.measure`)."""
    return query.offset(0).subquery()


@dataclass(frozen=True)
class Measure:
    """A moment of a subquery's rows placed on the office-time axis: join ``days`` on ``on``
    (an outer join: a NULL moment gives a NULL ``value``) and use ``value`` (seconds)."""

    days: Any
    on: Any
    value: Any


class OfficeClock:
    """The calendars of a report's agencies as an ``office_days`` table over ``[first, last]``.

    ``dialect`` is the database's (``sqlite`` or ``postgresql``); ``calendars`` maps each
    agency id to its working calendar. Agencies with equal settings share one calendar key.
    """

    def __init__(self, dialect: str, calendars: Mapping[int, WorkingCalendar], first: date,
                 last: date) -> None:
        if not calendars:
            raise ReportError("a report needs at least one agency")
        self.dialect = dialect
        keys: dict[Any, int] = {}
        distinct: list[WorkingCalendar] = []
        self._key_of: dict[int, int] = {}
        for agency_id, calendar in calendars.items():
            key = keys.get(calendar.settings)
            if key is None:
                key = keys[calendar.settings] = len(distinct)
                distinct.append(calendar)
            self._key_of[agency_id] = key
        zones = {c.settings.timezone for c in distinct}
        if len(zones) > 1:
            raise ReportError(f"the agencies of this report keep their calendars in different "
                              f"time zones ({', '.join(sorted(zones))}); report on each zone's "
                              "agencies separately")
        self.tz = distinct[0].tz
        #: The zone's offset from UTC in seconds (Vietnam keeps one all year).
        self._offset = int(datetime.combine(first, time(12), self.tz).utcoffset().total_seconds())
        if (last - first).days >= MAX_DAYS:
            first = last - timedelta(days=MAX_DAYS - 1)
        self.first, self.last = first, last
        self._width = max(len(c.settings.office_hours) for c in distinct)
        rows = []
        for key, calendar in enumerate(distinct):
            rows.extend(self._rows(key, calendar))
        names = ["cal", "day", "base"] + [f"{e}{i}" for i in range(self._width) for e in "ab"]
        columns = [column(n, Integer) for n in names]
        self.table = values(*columns, name="office_days", literal_binds=True).data(rows) \
            .cte("office_days")
        #: The office time of one working day of the first calendar (8 h by default).
        self.working_day: timedelta = distinct[0].settings.standard_day

    def _rows(self, key: int, calendar: WorkingCalendar) -> list[tuple]:
        hours = [(_seconds(a), _seconds(b)) for a, b in calendar.settings.office_hours]
        hours += [(0, 0)] * (self._width - len(hours))
        closed = [0] * (2 * self._width)
        opened = [s for interval in hours for s in interval]
        standard = sum(b - a for a, b in hours)
        rows, base, day = [], 0, self.first
        while day <= self.last:
            working = calendar.is_working_day(day)
            rows.append((key, (day - _EPOCH).days, base, *(opened if working else closed)))
            base += standard if working else 0
            day += timedelta(days=1)
        return rows

    @classmethod
    def spanning(cls, dialect: str, calendars: Mapping[int, WorkingCalendar],
                 moments: list[datetime | None]) -> OfficeClock:
        """A clock whose table covers every moment given (the first calendar's zone)."""
        known = [m for m in moments if m is not None]
        if not known:
            raise ReportError("no moment to measure: give at least the period's bounds")
        tz = next(iter(calendars.values())).tz
        days = [m.astimezone(tz).date() for m in known]
        return cls(dialect, calendars, min(days), max(days))

    # -- expressions -----------------------------------------------------------------------

    def calendar_of(self, agency_id: Any) -> Any:
        """The calendar key of an agency id column (``0`` for all but a few agencies)."""
        special = {a: k for a, k in self._key_of.items() if k != 0}
        if not special:
            return literal(0, Integer)
        return case(special, value=agency_id, else_=literal(0, Integer))

    def _local_epoch(self, moment: Any) -> Any:
        """Seconds from 1970-01-01 00:00 local time to a moment column."""
        if self.dialect == "sqlite":
            epoch = (func.julianday(moment) - 2440587.5) * 86400.0
        else:
            epoch = cast(func.extract("epoch", moment), Float)  # numeric is slow to sum
        return epoch + self._offset

    def columns(self, moment: Any, name: str) -> list[Any]:
        """The two columns a subquery selects so that :meth:`measure` can place ``moment``:
        its local time in seconds since 1970 (``<name>_t``) and its local day as a day number
        (``<name>_day``)."""
        local = self._local_epoch(moment)
        if self.dialect == "sqlite":
            day = cast(local / 86400, Integer)  # positive: truncation is the floor
        else:
            day = cast(func.floor(local / 86400), Integer)
        return [local.label(f"{name}_t"), day.label(f"{name}_day")]

    def measure(self, rows: Any, name: str, calendar: str = "cal") -> Measure:
        """The office-time position of the moment ``name`` of subquery ``rows`` (selected with
        :meth:`columns`), whose calendar key is the column ``calendar``."""
        days = self.table.alias(f"od_{name}")
        seconds = rows.c[f"{name}_t"] - rows.c[f"{name}_day"] * 86400
        value = days.c.base
        for i in range(self._width):
            start, end = days.c[f"a{i}"], days.c[f"b{i}"]
            value = value + _clamp(seconds - start, end - start)
        # "+ 0" drops the column's type affinity on SQLite, which then indexes the day too
        on = and_(days.c.cal == rows.c[calendar], days.c.day == rows.c[f"{name}_day"] + 0)
        return Measure(days, on, value)
