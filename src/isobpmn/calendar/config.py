"""How an agency writes its calendar: the error type and the readers of the ``[calendar]`` values.

An agency configures its calendar in a TOML file that people edit by hand (see
``examples/agency-calendar.toml`` and ``docs/calendar.md``). A mistake there must come back as a
message the person can act on: which file, which key, what is wrong and an example of a right
value. :class:`CalendarConfigError` carries those four parts; the small readers below turn one
TOML value each into a Python value, or raise that error.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

__all__ = [
    "CalendarConfigError",
    "EXAMPLES",
    "read_bool",
    "read_cutoff",
    "read_dates",
    "read_office_hours",
    "read_scope",
    "read_text",
    "read_time",
    "read_weekdays",
]

#: A right value for every key, quoted in error messages and in docs/calendar.md.
EXAMPLES: dict[str, str] = {
    "office_hours": 'office_hours = ["07:00-11:30", "13:30-17:00"]',
    "working_weekdays": 'working_weekdays = ["mon", "tue", "wed", "thu", "fri"]',
    "receipt_cutoff": 'receipt_cutoff = "15:00"   # or false for no cut-off',
    "cutoff_scope": 'cutoff_scope = "all"   # or "same-day"',
    "extra_days_off": 'extra_days_off = ["2026-02-13", "13/02/2026"]',
    "extra_working_days": 'extra_working_days = ["2026-03-07"]',
    "public_holidays": "public_holidays = true",
    "timezone": 'timezone = "Asia/Ho_Chi_Minh"',
}


class CalendarConfigError(ValueError):
    """A calendar setting that cannot be used, with where it is, what is wrong and an example."""

    def __init__(
        self,
        problem: str,
        *,
        key: str | None = None,
        source: str | None = None,
        example: str | None = None,
    ) -> None:
        self.problem = problem
        self.key = key
        self.source = source
        self.example = example if example is not None else EXAMPLES.get(key or "")
        where = source or "calendar settings"
        if key:
            where += f": [calendar] {key}"
        message = f"{where}: {problem}"
        if self.example:
            message += f"; for example: {self.example}"
        super().__init__(message)

    def located(self, source: str) -> CalendarConfigError:
        """The same error, said to come from ``source`` (a file name)."""
        return CalendarConfigError(
            self.problem, key=self.key, source=source, example=self.example
        )


_TIME = re.compile(r"^\s*([01]?\d|2[0-3])\s*[:hH]\s*([0-5]\d)\s*$")
_RANGE = re.compile(r"^\s*(?P<start>[^-–]+?)\s*[-–]\s*(?P<end>[^-–]+?)\s*$")

_WEEKDAYS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        ("mon", "monday", "t2", "thu2", "thứ hai"),
        ("tue", "tuesday", "t3", "thu3", "thứ ba"),
        ("wed", "wednesday", "t4", "thu4", "thứ tư"),
        ("thu", "thursday", "t5", "thu5", "thứ năm"),
        ("fri", "friday", "t6", "thu6", "thứ sáu"),
        ("sat", "saturday", "t7", "thu7", "thứ bảy"),
        ("sun", "sunday", "cn", "chủ nhật"),
    )
):
    for _name in _names:
        _WEEKDAYS[_name] = _number


def read_time(value: object, key: str) -> time:
    """``"15:00"`` (also ``"7:30"``, ``"15h00"``) or a TOML local time → :class:`time`."""
    if isinstance(value, time):
        return value
    match = _TIME.match(value) if isinstance(value, str) else None
    if match is None:
        raise CalendarConfigError(
            f"{value!r} is not a time of day; write hours and minutes as HH:MM (00:00–23:59)",
            key=key,
        )
    return time(int(match.group(1)), int(match.group(2)))


def read_office_hours(value: object, key: str) -> tuple[tuple[time, time], ...]:
    """``["07:00-11:30", "13:30-17:00"]`` → pairs of times (order and overlaps checked later)."""
    if not isinstance(value, list) or not value:
        raise CalendarConfigError(
            f"{value!r} is not a list of office-hour intervals", key=key
        )
    intervals = []
    for item in value:
        match = _RANGE.match(item) if isinstance(item, str) else None
        if match is None:
            raise CalendarConfigError(
                f"{item!r} is not an interval; write it as \"HH:MM-HH:MM\"", key=key
            )
        intervals.append((read_time(match["start"], key), read_time(match["end"], key)))
    return tuple(intervals)


def read_weekdays(value: object, key: str) -> frozenset[int]:
    """``["mon", ..., "fri"]`` (English or ``t2``…``cn``) → weekday numbers, Monday = 0."""
    if not isinstance(value, list) or not value:
        raise CalendarConfigError(f"{value!r} is not a non-empty list of weekdays", key=key)
    days = set()
    for item in value:
        name = " ".join(item.lower().split()) if isinstance(item, str) else None
        if name not in _WEEKDAYS:
            raise CalendarConfigError(
                f"{item!r} is not a weekday; use mon, tue, wed, thu, fri, sat, sun "
                "(or t2 … t7, cn)",
                key=key,
            )
        days.add(_WEEKDAYS[name])
    return frozenset(days)


def read_cutoff(value: object, key: str) -> time | None:
    """``"15:00"`` → 15:00; ``false`` → no cut-off."""
    if value is False:
        return None
    if value is True:
        raise CalendarConfigError("true is not a time; give the hour or false", key=key)
    return read_time(value, key)


def read_scope(value: object, key: str) -> str:
    """``"all"`` or ``"same-day"``."""
    if value not in ("all", "same-day"):
        raise CalendarConfigError(f"{value!r} is not \"all\" or \"same-day\"", key=key)
    return value  # type: ignore[return-value]


def read_dates(value: object, key: str) -> frozenset[date]:
    """ISO ``"2026-02-13"``, Vietnamese ``"13/02/2026"`` or TOML dates → a set of dates."""
    if not isinstance(value, list):
        raise CalendarConfigError(f"{value!r} is not a list of dates", key=key)
    return frozenset(_read_date(item, key) for item in value)


def _read_date(item: object, key: str) -> date:
    if isinstance(item, date) and not isinstance(item, datetime):
        return item
    if isinstance(item, str):
        text = item.strip()
        for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                return datetime.strptime(text, pattern).date()
            except ValueError:
                continue
    raise CalendarConfigError(
        f"{item!r} is not a date; write YYYY-MM-DD or dd/mm/yyyy", key=key
    )


def read_bool(value: object, key: str) -> bool:
    """A TOML boolean, nothing else (``"yes"`` or ``1`` are refused, not guessed)."""
    if not isinstance(value, bool):
        raise CalendarConfigError(f"{value!r} is not true or false", key=key)
    return value


def read_text(value: object, key: str) -> str:
    """A non-empty string."""
    if not isinstance(value, str) or not value.strip():
        raise CalendarConfigError(f"{value!r} is not a non-empty text", key=key)
    return value.strip()
