"""Where public holidays and make-up working days come from.

The calendar needs two facts per year: which dates are public holidays (with a name to show)
and which weekend dates are make-up working days (ngày làm bù). :class:`HolidaySource` is that
seam; :class:`VietnamHolidays` answers from the ``holidays`` package, which knows Tết, Hùng
Kings, the days off given for holidays that fall on a weekend (they are listed as holidays
already) and the Saturdays swapped against a weekday off (``weekend_workdays``). A test or an
agency with its own table can pass any object with the same two methods.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import date
from types import MappingProxyType
from typing import Protocol, runtime_checkable

__all__ = ["HolidaySource", "VietnamHolidays"]


@runtime_checkable
class HolidaySource(Protocol):
    """Public holidays and make-up working days, one year at a time."""

    def public_holidays(self, year: int) -> Mapping[date, str]:
        """Dates of ``year`` that are public holidays, with their names."""
        ...

    def makeup_workdays(self, year: int) -> frozenset[date]:
        """Dates of ``year`` that are worked although they fall on a weekend."""
        ...


class VietnamHolidays:
    """Vietnamese public holidays from the ``holidays`` package (country ``VN``).

    Building a ``holidays`` object is slow next to a date lookup, so each (year, language) is
    built once per process and shared by every instance.
    """

    def __init__(self, language: str = "vi") -> None:
        self.language = language

    def public_holidays(self, year: int) -> Mapping[date, str]:
        return _vietnam_year(year, self.language)[0]

    def makeup_workdays(self, year: int) -> frozenset[date]:
        return _vietnam_year(year, self.language)[1]

    def __repr__(self) -> str:
        return f"VietnamHolidays(language={self.language!r})"


@functools.lru_cache(maxsize=None)
def _vietnam_year(year: int, language: str) -> tuple[Mapping[date, str], frozenset[date]]:
    # Imported here: the package takes a noticeable time to import and most commands that
    # import isobpmn.calendar never compute a deadline.
    import holidays

    table = holidays.country_holidays("VN", years=year, language=language)
    names = MappingProxyType({day: name for day, name in table.items() if day.year == year})
    # weekend_workdays is the package's whole list, not only this year's.
    makeup = frozenset(day for day in getattr(table, "weekend_workdays", ()) if day.year == year)
    return names, makeup
