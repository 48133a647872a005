"""An agency's calendar settings: office hours, working weekdays, cut-off and its own overrides.

Agencies differ (DOMAIN §5): office hours, the receipt cut-off, the days a province gives off
or asks to be worked. :class:`CalendarSettings` holds these as one immutable, validated value,
so a :class:`~isobpmn.calendar.working.WorkingCalendar` never has to doubt its input. The
defaults are the national ones: Monday–Friday, 07:00–11:30 and 13:30–17:00, cut-off 15:00.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from os import PathLike
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .config import (
    CalendarConfigError,
    read_bool,
    read_cutoff,
    read_dates,
    read_office_hours,
    read_scope,
    read_text,
    read_weekdays,
)

__all__ = ["CalendarSettings", "load_settings"]

CutoffScope = Literal["all", "same-day"]

_DEFAULT_OFFICE_HOURS = ((time(7, 0), time(11, 30)), (time(13, 30), time(17, 0)))

#: Reader of each TOML key, called as ``reader(value, key)``; the keys are the dataclass fields.
_READERS = {
    "office_hours": read_office_hours,
    "working_weekdays": read_weekdays,
    "receipt_cutoff": read_cutoff,
    "cutoff_scope": read_scope,
    "extra_days_off": read_dates,
    "extra_working_days": read_dates,
    "public_holidays": read_bool,
    "timezone": read_text,
}


@dataclass(frozen=True, slots=True)
class CalendarSettings:
    """The working-time rules of one agency.

    Lists and sets given to the constructor are turned into tuples and frozensets, so settings
    are hashable and can key caches. Invalid combinations raise :class:`CalendarConfigError`.
    """

    office_hours: tuple[tuple[time, time], ...] = _DEFAULT_OFFICE_HOURS
    working_weekdays: frozenset[int] = frozenset(range(5))
    receipt_cutoff: time | None = time(15, 0)
    cutoff_scope: CutoffScope = "all"
    extra_days_off: frozenset[date] = field(default_factory=frozenset)
    extra_working_days: frozenset[date] = field(default_factory=frozenset)
    public_holidays: bool = True
    timezone: str = "Asia/Ho_Chi_Minh"

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "office_hours", tuple((start, end) for start, end in self.office_hours))
        set_(self, "working_weekdays", frozenset(self.working_weekdays))
        set_(self, "extra_days_off", frozenset(self.extra_days_off))
        set_(self, "extra_working_days", frozenset(self.extra_working_days))
        _check_office_hours(self.office_hours)
        if not self.working_weekdays or not self.working_weekdays <= set(range(7)):
            raise CalendarConfigError(
                f"{sorted(self.working_weekdays)} is not a non-empty set of weekdays 0–6 "
                "(Monday = 0)",
                key="working_weekdays",
            )
        if self.receipt_cutoff is not None and not _is_plain_time(self.receipt_cutoff):
            raise CalendarConfigError(
                f"{self.receipt_cutoff!r} is not a time of day without time zone",
                key="receipt_cutoff",
            )
        read_scope(self.cutoff_scope, "cutoff_scope")
        both = self.extra_days_off & self.extra_working_days
        if both:
            listed = ", ".join(d.isoformat() for d in sorted(both))
            raise CalendarConfigError(
                f"{listed} is listed both as a day off and as a working day; keep it in one "
                "of extra_days_off and extra_working_days",
                key="extra_days_off",
            )
        _check_timezone(self.timezone)

    @property
    def standard_day(self) -> timedelta:
        """Office time of one working day (8 h by default): the size of "1 working day"."""
        return sum((_length(start, end) for start, end in self.office_hours), timedelta())

    @classmethod
    def from_mapping(
        cls, mapping: Mapping[str, object], source: str = "<settings>"
    ) -> CalendarSettings:
        """Settings from the contents of a ``[calendar]`` table; absent keys keep defaults.

        ``source`` names where the table came from (a file name) in error messages.
        """
        values = {}
        for key, value in mapping.items():
            reader = _READERS.get(key)
            if reader is None:
                raise CalendarConfigError(
                    f"unknown key{_did_you_mean(key)}; the keys are {', '.join(_READERS)}",
                    key=key,
                    source=source,
                    example="",
                )
            try:
                values[key] = reader(value, key)
            except CalendarConfigError as error:
                raise error.located(source) from None
        try:
            return cls(**values)
        except CalendarConfigError as error:
            raise error.located(source) from None


def load_settings(path: str | PathLike[str]) -> CalendarSettings:
    """Read the ``[calendar]`` table of a TOML file (an empty table means the defaults)."""
    source = str(path)
    try:
        document = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise CalendarConfigError(
            f"cannot read the file ({error.strerror})", source=source
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise CalendarConfigError(f"not valid TOML: {error}", source=source) from None
    table = document.get("calendar")
    if not isinstance(table, dict):
        raise CalendarConfigError(
            "there is no [calendar] table; add one (an empty table keeps the national "
            "defaults)",
            source=source,
            example="[calendar] on a line of its own, above the calendar keys",
        )
    return CalendarSettings.from_mapping(table, source=source)


def _check_office_hours(intervals: Iterable[tuple[time, time]]) -> None:
    previous_end: time | None = None
    intervals = tuple(intervals)
    if not intervals:
        raise CalendarConfigError("there must be at least one interval", key="office_hours")
    for start, end in intervals:
        if not _is_plain_time(start, end):
            raise CalendarConfigError(
                f"{(start, end)!r} is not a pair of times of day without time zone",
                key="office_hours",
            )
        label = f"{start:%H:%M}-{end:%H:%M}"
        if start >= end:
            raise CalendarConfigError(
                f"{label} ends before it starts; write the earlier time first",
                key="office_hours",
            )
        if previous_end is not None and start <= previous_end:
            raise CalendarConfigError(
                f"{label} overlaps or touches the interval before it; list intervals in time "
                "order with a gap between them (merge touching ones)",
                key="office_hours",
            )
        previous_end = end


def _check_timezone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise CalendarConfigError(
            f"{name!r} is not a known IANA time zone", key="timezone"
        ) from None


def _is_plain_time(*values: object) -> bool:
    return all(isinstance(value, time) and value.tzinfo is None for value in values)


def _length(start: time, end: time) -> timedelta:
    day = date(2000, 1, 1)
    return datetime.combine(day, end) - datetime.combine(day, start)


def _did_you_mean(key: str) -> str:
    close = difflib.get_close_matches(key, _READERS, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""

