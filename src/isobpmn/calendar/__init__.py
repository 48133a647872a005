"""Working-time arithmetic for Vietnamese public administration (DOMAIN §5).

Pure computation over an agency's :class:`CalendarSettings` and a :class:`HolidaySource`: when
the clock of a dossier starts, when it is due, and how much office time a span used. No web,
database or engine here. The rules for users are in ``docs/calendar.md``.

    >>> from datetime import datetime
    >>> from isobpmn.model.duration import Duration
    >>> calendar = WorkingCalendar()
    >>> calendar.deadline(datetime(2026, 2, 12, 14, 0), Duration.parse("3 working days"))
    datetime.datetime(2026, 2, 24, 14, 0, tzinfo=zoneinfo.ZoneInfo(key='Asia/Ho_Chi_Minh'))
"""

from .config import CalendarConfigError
from .holiday_source import HolidaySource, VietnamHolidays
from .settings import CalendarSettings, load_settings
from .working import DayInfo, WorkingCalendar

__all__ = [
    "CalendarConfigError",
    "CalendarSettings",
    "DayInfo",
    "HolidaySource",
    "VietnamHolidays",
    "WorkingCalendar",
    "load_settings",
]
