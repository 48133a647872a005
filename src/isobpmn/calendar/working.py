"""Working-time arithmetic: when a dossier's clock starts, when it is due, how much time it used.

The rules are spelt out for users in ``docs/calendar.md``; in short:

* Office time is the union of the day's office intervals on working days. Intervals are closed
  at both ends: 11:30 and 17:00 are still working time, so a limit may end exactly there.
* "1 working day" is one standard day of office time (8 h by default): 0.5 day = 4 h. Working
  amounts are walked along office intervals, and the result is the *earliest* moment at which
  the consumed office time equals the amount.
* Calendar days end at the end of the last day (Civil Code); a last day off moves to the end of
  the next working day. "Same day" ends at the close of the working day the clock starts on.
* A working day is decided with this precedence: agency's extra working day, agency's extra day
  off, national make-up working day, public holiday, the agency's working weekdays.

Naive datetimes are local time of the calendar's timezone; results are aware datetimes in it.
Day decisions and office intervals are cached per date, holidays per year, so that millions of
deadlines stay cheap.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from zoneinfo import ZoneInfo

from isobpmn.model.duration import Duration, DurationError, TimeUnit

from .holiday_source import HolidaySource, VietnamHolidays
from .settings import CalendarSettings

__all__ = ["DayInfo", "WorkingCalendar"]

Interval = tuple[datetime, datetime]

_WEEKDAY_NAMES = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
REASON_AGENCY_WORKING = "Làm việc theo quy định của cơ quan"
REASON_AGENCY_OFF = "Nghỉ theo quy định của cơ quan"
REASON_WORKING = "Ngày làm việc"
REASON_WEEKEND = "Cuối tuần"

#: Longest run of days off the calendar accepts before it calls the settings broken.
_MAX_DAYS_OFF = 366
#: How far back :meth:`WorkingCalendar.rewind` walks (ten years).
MAX_REWIND_DAYS = 3660
_MICROSECONDS_PER_HOUR = 3_600_000_000


@dataclass(frozen=True, slots=True)
class DayInfo:
    """Whether a date is worked, and why, in words fit for a citizen-facing screen."""

    date: date
    is_working: bool
    reason: str


class WorkingCalendar:
    """Working time of one agency: its :class:`CalendarSettings` over a :class:`HolidaySource`.

    ``holidays`` defaults to :class:`VietnamHolidays`; it is not consulted at all when the
    settings say ``public_holidays = false``.
    """

    def __init__(
        self,
        settings: CalendarSettings = CalendarSettings(),
        holidays: HolidaySource | None = None,
    ) -> None:
        self.settings = settings
        self.holidays: HolidaySource | None = None
        if settings.public_holidays:
            self.holidays = holidays if holidays is not None else VietnamHolidays()
        self.tz = ZoneInfo(settings.timezone)
        self._standard_day = settings.standard_day
        self._days: dict[date, DayInfo] = {}
        self._intervals: dict[date, tuple[Interval, ...]] = {}
        #: Per year: how many working days of the year fall before each of its days.
        self._before: dict[int, list[int]] = {}

    def __repr__(self) -> str:
        return f"WorkingCalendar({self.settings!r}, holidays={self.holidays!r})"

    # -- days ------------------------------------------------------------------------------

    def localize(self, moment: datetime) -> datetime:
        """``moment`` in the calendar's timezone; a naive one is read as local time."""
        if moment.tzinfo is None:
            return moment.replace(tzinfo=self.tz)
        return moment.astimezone(self.tz)

    def day_info(self, day: date) -> DayInfo:
        """Whether ``day`` is a working day and the reason, by the precedence of the module."""
        info = self._days.get(day)
        if info is None:
            info = self._days[day] = self._decide(day)
        return info

    def is_working_day(self, day: date) -> bool:
        return self.day_info(day).is_working

    def _decide(self, day: date) -> DayInfo:
        settings = self.settings
        if day in settings.extra_working_days:
            return DayInfo(day, True, REASON_AGENCY_WORKING)
        if day in settings.extra_days_off:
            return DayInfo(day, False, REASON_AGENCY_OFF)
        if self.holidays is not None:
            if day in self.holidays.makeup_workdays(day.year):
                return DayInfo(day, True, f"{_WEEKDAY_NAMES[day.weekday()]} làm bù")
            name = self.holidays.public_holidays(day.year).get(day)
            if name is not None:
                return DayInfo(day, False, name)
        if day.weekday() in settings.working_weekdays:
            return DayInfo(day, True, REASON_WORKING)
        return DayInfo(day, False, REASON_WEEKEND)

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        for _ in range(_MAX_DAYS_OFF):
            day += timedelta(days=1)
            if self.is_working_day(day):
                return day
        raise ValueError(
            f"no working day in the {_MAX_DAYS_OFF} days before {day:%d/%m/%Y}; check the "
            "calendar settings and the holiday source"
        )

    def office_intervals(self, day: date) -> tuple[Interval, ...]:
        """The office intervals of ``day`` as aware datetimes; empty on a day off."""
        intervals = self._intervals.get(day)
        if intervals is None:
            intervals = ()
            if self.is_working_day(day):
                intervals = tuple(
                    (datetime.combine(day, start, self.tz), datetime.combine(day, end, self.tz))
                    for start, end in self.settings.office_hours
                )
            self._intervals[day] = intervals
        return intervals

    def _day_start(self, day: date) -> datetime:
        return self.office_intervals(day)[0][0]

    def _day_end(self, day: date) -> datetime:
        return self.office_intervals(day)[-1][1]

    # -- moments ---------------------------------------------------------------------------

    def is_working_time(self, moment: datetime) -> bool:
        """True inside an office interval, both ends included (11:30 and 17:00 count)."""
        moment = self.localize(moment)
        return any(start <= moment <= end for start, end in self.office_intervals(moment.date()))

    def next_working_start(self, moment: datetime) -> datetime:
        """The earliest instant at or after ``moment`` from which office time flows.

        ``moment`` itself inside an interval; the next interval's start in a gap, at an interval
        end (11:30 → 13:30, 17:00 → next working day 07:00) or on a day off.
        """
        moment = self.localize(moment)
        for start, end in self.office_intervals(moment.date()):
            if moment < end:
                return max(moment, start)
        return self._day_start(self.next_working_day(moment.date()))

    def clock_start(self, received_at: datetime, duration: Duration | None = None) -> datetime:
        """When the processing clock starts for a dossier received at ``received_at``.

        Received on a working day strictly after the cut-off, when the cut-off applies to this
        duration (scope ``"all"``, or ``"same-day"`` and a same-day duration): the start of
        the next working day. Otherwise :meth:`next_working_start`.
        """
        received_at = self.localize(received_at)
        settings = self.settings
        applies = settings.cutoff_scope == "all" or (
            duration is not None and duration.unit is TimeUnit.SAME_DAY
        )
        if (
            applies
            and settings.receipt_cutoff is not None
            and received_at.time() > settings.receipt_cutoff
            and self.is_working_day(received_at.date())
        ):
            return self._day_start(self.next_working_day(received_at.date()))
        return self.next_working_start(received_at)

    def deadline(self, received_at: datetime, duration: Duration) -> datetime:
        """The due moment (hẹn trả) of a dossier received at ``received_at``."""
        return self.add(self.clock_start(received_at, duration), duration)

    def add(self, moment: datetime, duration: Duration) -> datetime:
        """The moment ``duration`` after ``moment``, by the unit's rule (see the module)."""
        moment = self.localize(moment)
        unit = duration.unit
        if unit.is_working_time:
            return self._add_office_time(moment, self.to_timedelta(duration))
        if unit is TimeUnit.CALENDAR_DAYS:
            days = duration.value
            if days != days.to_integral_value():
                raise DurationError(
                    f"calendar days must be a whole number, got {duration}; use working days "
                    "or working hours for parts of a day"
                )
            last = moment.date() + timedelta(days=int(days))
            # A day off moves the end on; so does 0 days counted after the day's close.
            if not self.is_working_day(last) or self._day_end(last) < moment:
                last = self.next_working_day(last)
            return self._day_end(last)
        # SAME_DAY: the close of the working day on which office time next flows.
        return self._day_end(self.next_working_start(moment).date())

    def _add_office_time(self, moment: datetime, amount: timedelta) -> datetime:
        if not amount:
            return moment if self.is_working_time(moment) else self.next_working_start(moment)
        day, remaining = moment.date(), amount
        while True:
            for start, end in self.office_intervals(day):
                begin = max(start, moment)
                if begin >= end:
                    continue
                if remaining <= end - begin:
                    return begin + remaining
                remaining -= end - begin
            day = self.next_working_day(day)
            while remaining > self._standard_day:  # whole days need no interval walk
                remaining -= self._standard_day
                day = self.next_working_day(day)

    def rewind(self, moment: datetime, amount: timedelta) -> datetime:
        """The earliest moment from which at most ``amount`` of office time is left until
        ``moment``: ``working_time_between(result, moment) == amount`` when there is that much
        office time before ``moment``, and any later moment leaves less (at the end of an
        office interval when the amount runs out exactly at the start of the next one)."""
        moment = self.localize(moment)
        day, remaining = moment.date(), max(amount, timedelta(0))
        for _ in range(MAX_REWIND_DAYS):
            for start, end in reversed(self.office_intervals(day)):
                finish = min(end, moment)
                if finish <= start:
                    continue
                if remaining < finish - start:
                    return finish - remaining
                remaining -= finish - start
            day -= timedelta(days=1)
        return self._day_start(self.next_working_day(day))

    # -- measuring -------------------------------------------------------------------------

    def working_time_between(
        self,
        start: datetime,
        end: datetime,
        pauses: Iterable[tuple[datetime, datetime | None]] = (),
    ) -> timedelta:
        """Office time in ``[start, end]`` not covered by any pause; 0 when ``end <= start``.

        Pauses (supplement requests, waiting for fees) may overlap one another and are clipped
        to the range; an open pause (end ``None``) runs to ``end``.
        """
        start, end = self.localize(start), self.localize(end)
        if end <= start:
            return timedelta(0)
        total = self._office_time(start, end)
        for pause_start, pause_end in self._merge_pauses(pauses, start, end):
            total -= self._office_time(pause_start, pause_end)
        return total

    def _office_time(self, start: datetime, end: datetime) -> timedelta:
        first, last = start.date(), end.date()
        if first == last:
            return self._office_time_in_day(first, start, end)
        total = self._office_time_in_day(first, start, None)
        total += self._office_time_in_day(last, None, end)
        return total + self._standard_day * self._working_days_between(first, last)

    def _working_days_between(self, first: date, last: date) -> int:
        """How many working days lie strictly between ``first`` and ``last`` (a later day),
        from per-year tables rather than a walk over the days."""
        head = self._year_table(first.year)
        after_first = first.timetuple().tm_yday  # index of the day after ``first``
        before_last = last.timetuple().tm_yday - 1  # index of ``last``
        if first.year == last.year:
            return head[before_last] - head[after_first]
        count = head[-1] - head[after_first]
        for year in range(first.year + 1, last.year):
            count += self._year_table(year)[-1]
        return count + self._year_table(last.year)[before_last]

    def _year_table(self, year: int) -> list[int]:
        """``table[i]``: the working days of ``year`` before its day ``i`` (0 = 1 January);
        the last entry is the year's total."""
        table = self._before.get(year)
        if table is None:
            table, count, day = [], 0, date(year, 1, 1)
            while day.year == year:
                table.append(count)
                count += 1 if self.is_working_day(day) else 0
                day += timedelta(days=1)
            table.append(count)
            self._before[year] = table
        return table

    def _office_time_in_day(
        self, day: date, low: datetime | None, high: datetime | None
    ) -> timedelta:
        total = timedelta(0)
        for start, end in self.office_intervals(day):
            begin = start if low is None else max(start, low)
            finish = end if high is None else min(end, high)
            if finish > begin:
                total += finish - begin
        return total

    def _merge_pauses(
        self,
        pauses: Iterable[tuple[datetime, datetime | None]],
        start: datetime,
        end: datetime,
    ) -> list[Interval]:
        spans: list[Interval] = []
        for pause_start, pause_end in pauses:
            low = self.localize(pause_start)
            high = end if pause_end is None else self.localize(pause_end)
            if pause_end is not None and high < low:
                raise ValueError(
                    f"a pause ends ({high:%d/%m/%Y %H:%M}) before it starts "
                    f"({low:%d/%m/%Y %H:%M}); check the dates of the supplement request"
                )
            low, high = max(low, start), min(high, end)
            if low < high:
                spans.append((low, high))
        merged: list[Interval] = []
        for low, high in sorted(spans):
            if merged and low <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], high))
            else:
                merged.append((low, high))
        return merged

    # -- units -----------------------------------------------------------------------------

    def to_timedelta(self, duration: Duration) -> timedelta:
        """Office time of a working-hours or working-days duration (to the microsecond)."""
        if duration.unit is TimeUnit.WORKING_HOURS:
            per_unit = _MICROSECONDS_PER_HOUR
        elif duration.unit is TimeUnit.WORKING_DAYS:
            per_unit = _microseconds(self._standard_day)
        else:
            raise DurationError(
                f"{duration} is not an amount of office time; only working hours and working "
                "days convert to a time span"
            )
        exact = duration.value * per_unit
        return timedelta(microseconds=int(exact.to_integral_value(ROUND_HALF_EVEN)))

    def as_working_days(self, span: timedelta) -> Decimal:
        """``span`` of office time in working days (``4 h`` → ``0.5`` by default)."""
        return Decimal(_microseconds(span)) / Decimal(_microseconds(self._standard_day))


def _microseconds(span: timedelta) -> int:
    return (span.days * 86_400 + span.seconds) * 1_000_000 + span.microseconds
