"""Durations with their unit, as procedures state them.

Every figure in a procedure carries its unit (DOMAIN §5): a statutory limit of "3 working days"
and a step allotment of "2 working hours" are different things, and "15 days" in calendar days
is different again. :class:`Duration` keeps the value exact (``Decimal``) and the unit explicit;
what a unit *means* in clock time is the calendar's business (``isobpmn.calendar``).
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

__all__ = ["Duration", "DurationError", "TimeUnit"]


class DurationError(ValueError):
    """A duration text or value that cannot be understood."""


class TimeUnit(enum.Enum):
    """The unit of a time figure. The value is the spelling used in the ``iso`` extension."""

    WORKING_HOURS = "working-hours"
    WORKING_DAYS = "working-days"
    CALENDAR_DAYS = "calendar-days"
    SAME_DAY = "same-day"

    @property
    def is_working_time(self) -> bool:
        """True for units measured in office time (hours and working days)."""
        return self in (TimeUnit.WORKING_HOURS, TimeUnit.WORKING_DAYS)

    def label(self, lang: str = "vi") -> str:
        return _UNIT_LABELS[self][0 if lang == "vi" else 1]


_UNIT_LABELS = {
    TimeUnit.WORKING_HOURS: ("giờ làm việc", "working hours"),
    TimeUnit.WORKING_DAYS: ("ngày làm việc", "working days"),
    TimeUnit.CALENDAR_DAYS: ("ngày", "calendar days"),
    TimeUnit.SAME_DAY: ("trong ngày làm việc", "within the working day"),
}

# Spellings accepted in free text (CLI, forms); keys are compared lower-cased with single spaces.
_UNIT_WORDS: dict[str, TimeUnit] = {}
for _unit, _words in {
    TimeUnit.WORKING_HOURS: (
        "working-hours", "working-hour", "working hours", "working hour", "wh", "h", "hour",
        "hours", "giờ", "giờ làm việc", "gio", "gio lam viec",
    ),
    TimeUnit.WORKING_DAYS: (
        "working-days", "working-day", "working days", "working day", "wd", "ngày làm việc",
        "ngay lam viec",
    ),
    TimeUnit.CALENDAR_DAYS: (
        "calendar-days", "calendar-day", "calendar days", "calendar day", "days", "day",
        "ngày", "ngay", "ngày dương lịch",
    ),
    TimeUnit.SAME_DAY: (
        "same-day", "same day", "same working day", "trong ngày", "trong ngay",
        "trong ngày làm việc",
    ),
}.items():
    for _word in _words:
        _UNIT_WORDS[_word] = _unit

_TEXT = re.compile(r"^\s*(?P<value>[0-9]+(?:[.,][0-9]+)?)?\s*(?P<unit>[^\d].*?)?\s*$")

_PLAIN_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")

#: Largest figure accepted: ten years of working days is already absurd for a procedure.
MAX_VALUE = Decimal(3000)


@dataclass(frozen=True, slots=True)
class Duration:
    """A non-negative amount of time in a stated unit.

    ``SAME_DAY`` ("trả trong ngày") has no amount: its value is always 0 and it means "by the
    end of the working day on which the clock starts".
    """

    value: Decimal
    unit: TimeUnit

    def __post_init__(self) -> None:
        if not isinstance(self.value, Decimal):
            object.__setattr__(self, "value", _to_decimal(self.value))
        if not self.value.is_finite() or self.value < 0:
            raise DurationError(f"duration must be a non-negative number, got {self.value}")
        if self.value > MAX_VALUE:
            raise DurationError(f"duration {self.value} is larger than the limit {MAX_VALUE}")
        if self.unit is TimeUnit.SAME_DAY and self.value != 0:
            raise DurationError("a same-day limit has no amount; write it without a value")

    @classmethod
    def of(cls, value: str | int | float | Decimal, unit: TimeUnit | str) -> Duration:
        """Build from a value and a unit spelling (``"working-days"`` or a free-text unit)."""
        return cls(_to_decimal(value), _to_unit(unit))

    @classmethod
    def parse(cls, text: str) -> Duration:
        """Parse free text such as ``"3 working days"``, ``"0,5 ngày làm việc"``, ``"2h"``.

        Raises :class:`DurationError` with the accepted forms when the text is not understood.
        """
        match = _TEXT.match(text or "")
        unit_text = (match.group("unit") or "") if match else ""
        value_text = match.group("value") if match else None
        if not match or not unit_text:
            raise DurationError(
                f"cannot read duration {text!r}: write a number and a unit, "
                "e.g. '3 working days', '0.5 ngày làm việc', '2 working hours', "
                "'15 calendar days' or 'same day'"
            )
        unit = _to_unit(unit_text)
        if unit is TimeUnit.SAME_DAY:
            if value_text not in (None, "0", "1"):
                raise DurationError(f"cannot read duration {text!r}: 'same day' takes no number")
            return cls(Decimal(0), unit)
        if value_text is None:
            raise DurationError(f"cannot read duration {text!r}: the number is missing")
        return cls(_to_decimal(value_text), unit)

    def describe(self, lang: str = "vi") -> str:
        """Human text: ``"1,5 ngày làm việc"`` / ``"1.5 working days"``."""
        if self.unit is TimeUnit.SAME_DAY:
            return self.unit.label(lang)
        return f"{format_number(self.value, lang)} {self.unit.label(lang)}"

    def __str__(self) -> str:
        if self.unit is TimeUnit.SAME_DAY:
            return self.unit.value
        return f"{format_number(self.value, 'en')} {self.unit.value}"


def format_number(value: Decimal, lang: str = "vi") -> str:
    """``Decimal('1.50')`` → ``"1,5"`` (vi) or ``"1.5"`` (en); integers without decimals."""
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "vi" else text


def _to_decimal(value: object) -> Decimal:
    if isinstance(value, bool):
        raise DurationError(f"{value!r} is not a number")
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, str):
        value = value.strip().replace(",", ".")
        if not _PLAIN_NUMBER.match(value):
            raise DurationError(f"{value!r} is not a number; write e.g. 0.5 or 3")
    try:
        result = Decimal(value)  # type: ignore[arg-type]
    except (InvalidOperation, TypeError, ValueError):
        raise DurationError(f"{value!r} is not a number; write e.g. 0.5 or 3") from None
    if not result.is_finite():
        raise DurationError(f"{value!r} is not a finite number")
    return result


def _to_unit(unit: TimeUnit | str) -> TimeUnit:
    if isinstance(unit, TimeUnit):
        return unit
    # NFC: the same Vietnamese word typed on another system may arrive decomposed ("ngày" as
    # "nga" + combining grave + "y") and would otherwise not match.
    key = " ".join(unicodedata.normalize("NFC", str(unit)).lower().split())
    try:
        return _UNIT_WORDS[key]
    except KeyError:
        allowed = ", ".join(u.value for u in TimeUnit)
        raise DurationError(f"unknown time unit {unit!r}; use one of: {allowed}") from None
