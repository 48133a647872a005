"""Known answers of the working calendar, on real Vietnamese dates of 2026.

KNOWN_ANSWERS is the reference table: each row was worked out by hand (the reasoning is in the
comments) and every worked example of docs/calendar.md must be one of its rows, word for word
(test_docs_examples_are_known_answers checks this). Change a figure here only together with
docs/calendar.md.
"""

from __future__ import annotations

import doctest
import re
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

import isobpmn.calendar
from isobpmn.calendar import (
    CalendarSettings,
    DayInfo,
    HolidaySource,
    VietnamHolidays,
    WorkingCalendar,
)
from isobpmn.model.duration import Duration, DurationError, TimeUnit

DOC = Path(__file__).resolve().parents[1] / "docs" / "calendar.md"

#: Agency settings used by the known answers, by the label the docs use.
SETTINGS = {
    "national": CalendarSettings(),
    "extra day off 13/02/2026": CalendarSettings(extra_days_off={date(2026, 2, 13)}),
    "extra working day 07/03/2026": CalendarSettings(extra_working_days={date(2026, 3, 7)}),
    "07:30–11:30, 13:00–17:00": CalendarSettings(
        office_hours=((time(7, 30), time(11, 30)), (time(13, 0), time(17, 0)))
    ),
    "cut-off for same-day only": CalendarSettings(cutoff_scope="same-day"),
    "no cut-off": CalendarSettings(receipt_cutoff=None),
}
CALENDARS = {label: WorkingCalendar(settings) for label, settings in SETTINGS.items()}

# (settings, received, duration, clock starts, deadline): the same figures as docs/calendar.md.
KNOWN_ANSWERS = [
    # Tết 2026: holidays Mon 16/02–Fri 20/02, weekends 14–15/02 and 21–22/02.
    # Thu 14:00 → Fri 14:00 (1) → Mon 23/02 14:00 (2) → Tue 24/02 14:00 (3).
    ("national", "12/02/2026 14:00", "3 working days", "12/02/2026 14:00", "24/02/2026 14:00"),
    # 4 h: Thu 14:00–17:00 is 3 h, then Fri 07:00 + 1 h.
    ("national", "12/02/2026 14:00", "0.5 working day", "12/02/2026 14:00", "13/02/2026 08:00"),
    ("national", "13/02/2026 10:00", "1 working day", "13/02/2026 10:00", "23/02/2026 10:00"),
    # After the cut-off on the last day before Tết: the clock starts after Tết.
    ("national", "13/02/2026 15:30", "1 working day", "23/02/2026 07:00", "23/02/2026 17:00"),
    # Received online on a holiday: the clock starts on the next working day.
    ("national", "17/02/2026 09:00", "2 working days", "23/02/2026 07:00", "24/02/2026 17:00"),
    # 02/02 + 15 days = Tue 17/02, a Tết holiday: the period ends with Mon 23/02.
    ("national", "02/02/2026 09:00", "15 calendar days", "02/02/2026 09:00", "23/02/2026 17:00"),
    # 30/04 (Thu) and 01/05 (Fri), then the weekend: Wed 10:00 → Mon 04/05 → Tue 05/05.
    ("national", "29/04/2026 10:00", "2 working days", "29/04/2026 10:00", "05/05/2026 10:00"),
    ("national", "29/04/2026 16:00", "same day", "04/05/2026 07:00", "04/05/2026 17:00"),
    # Hùng Kings 26/04 falls on Sunday; Mon 27/04 is given off instead.
    ("national", "24/04/2026 09:00", "1 working day", "24/04/2026 09:00", "28/04/2026 09:00"),
    # 15/04 + 10 days = Sat 25/04; Sun 26 and Mon 27 are off: ends with Tue 28/04.
    ("national", "15/04/2026 10:00", "10 calendar days", "15/04/2026 10:00", "28/04/2026 17:00"),
    # Sat 22/08/2026 is worked; Mon 31/08 is off in exchange; 01/09 and 02/09 National Day.
    ("national", "21/08/2026 14:00", "1 working day", "21/08/2026 14:00", "22/08/2026 14:00"),
    ("national", "20/08/2026 14:00", "2 working days", "20/08/2026 14:00", "22/08/2026 14:00"),
    ("national", "22/08/2026 09:00", "same day", "22/08/2026 09:00", "22/08/2026 17:00"),
    ("national", "22/08/2026 15:30", "1 working day", "24/08/2026 07:00", "24/08/2026 17:00"),
    ("national", "28/08/2026 10:00", "1 working day", "28/08/2026 10:00", "03/09/2026 10:00"),
    # 2 h: 10:00–11:30 is 1.5 h, then 13:30 + 0.5 h.
    ("national", "28/08/2026 10:00", "0.25 working day", "28/08/2026 10:00", "28/08/2026 14:00"),
    ("national", "28/08/2026 16:00", "1 working day", "03/09/2026 07:00", "03/09/2026 17:00"),
    # An ordinary week (March 2026: Mon 02/03, Sat 07/03, Mon 09/03, Sat 14/03).
    # 4 h: 09:00–11:30 is 2.5 h, then 13:30 + 1.5 h.
    ("national", "03/03/2026 09:00", "0.5 working day", "03/03/2026 09:00", "03/03/2026 15:00"),
    ("national", "03/03/2026 10:30", "0.25 working day", "03/03/2026 10:30", "03/03/2026 14:30"),
    ("national", "03/03/2026 10:00", "4 working hours", "03/03/2026 10:00", "03/03/2026 16:00"),
    # Ends exactly at the close of the morning: 11:30 stays 11:30.
    ("national", "02/03/2026 07:00", "4.5 working hours", "02/03/2026 07:00", "02/03/2026 11:30"),
    ("national", "02/03/2026 07:00", "1 working day", "02/03/2026 07:00", "02/03/2026 17:00"),
    # Received during the lunch break: the clock starts at 13:30.
    ("national", "03/03/2026 12:15", "2 working hours", "03/03/2026 13:30", "03/03/2026 15:30"),
    ("national", "03/03/2026 06:30", "2 working hours", "03/03/2026 07:00", "03/03/2026 09:00"),
    # Cut-off: strictly after 15:00.
    ("national", "03/03/2026 15:30", "1 working day", "04/03/2026 07:00", "04/03/2026 17:00"),
    ("national", "03/03/2026 15:00", "1 working day", "03/03/2026 15:00", "04/03/2026 15:00"),
    ("national", "03/03/2026 09:00", "same day", "03/03/2026 09:00", "03/03/2026 17:00"),
    ("national", "03/03/2026 15:30", "same day", "04/03/2026 07:00", "04/03/2026 17:00"),
    ("national", "14/03/2026 09:00", "1 working day", "16/03/2026 07:00", "16/03/2026 17:00"),
    ("national", "06/03/2026 14:00", "1 working day", "06/03/2026 14:00", "09/03/2026 14:00"),
    ("national", "06/03/2026 14:00", "3 working days", "06/03/2026 14:00", "11/03/2026 14:00"),
    ("national", "03/03/2026 10:00", "10 calendar days", "03/03/2026 10:00", "13/03/2026 17:00"),
    # Agency overrides.
    (
        "extra day off 13/02/2026",
        "12/02/2026 14:00", "3 working days", "12/02/2026 14:00", "25/02/2026 14:00",
    ),
    (
        "extra working day 07/03/2026",
        "06/03/2026 14:00", "1 working day", "06/03/2026 14:00", "07/03/2026 14:00",
    ),
    # Another agency's office hours: 07:30–11:30 and 13:00–17:00 (still 8 h a day).
    (
        "07:30–11:30, 13:00–17:00",
        "03/03/2026 10:00", "0.5 working day", "03/03/2026 10:00", "03/03/2026 15:30",
    ),
    (
        "07:30–11:30, 13:00–17:00",
        "03/03/2026 12:00", "2 working hours", "03/03/2026 13:00", "03/03/2026 15:00",
    ),
    (
        "07:30–11:30, 13:00–17:00",
        "03/03/2026 07:00", "1 working day", "03/03/2026 07:30", "03/03/2026 17:00",
    ),
    # Cut-off scope and no cut-off.
    (
        "cut-off for same-day only",
        "03/03/2026 15:30", "1 working day", "03/03/2026 15:30", "04/03/2026 15:30",
    ),
    (
        "cut-off for same-day only",
        "03/03/2026 15:30", "same day", "04/03/2026 07:00", "04/03/2026 17:00",
    ),
    ("no cut-off", "03/03/2026 15:30", "same day", "03/03/2026 15:30", "03/03/2026 17:00"),
    ("no cut-off", "03/03/2026 17:30", "1 working day", "04/03/2026 07:00", "04/03/2026 17:00"),
]


def at(text: str) -> datetime:
    """``"12/02/2026 14:00"`` as local time of Vietnam (how the docs and the CLI write it)."""
    return datetime.strptime(text, "%d/%m/%Y %H:%M")


@pytest.mark.parametrize(("label", "received", "duration", "clock", "due"), KNOWN_ANSWERS)
def test_known_answers(label: str, received: str, duration: str, clock: str, due: str) -> None:
    calendar = CALENDARS[label]
    limit = Duration.parse(duration)
    started = calendar.clock_start(at(received), limit)
    deadline = calendar.deadline(at(received), limit)
    assert started.strftime("%d/%m/%Y %H:%M") == clock
    assert deadline.strftime("%d/%m/%Y %H:%M") == due
    assert deadline.tzinfo is calendar.tz
    assert calendar.is_working_time(deadline)


def _doc_examples() -> list[tuple[str, ...]]:
    """Rows of the worked-example tables of docs/calendar.md (header ``| Settings | ...``)."""
    rows, in_table = [], False
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("| Settings | Received |"):
            in_table = True
        elif not line.startswith("|"):
            in_table = False
        elif in_table and not re.fullmatch(r"[-: ]+", cells[0]):
            rows.append(tuple(cells[:5]))
    return rows


def test_docs_examples_are_known_answers() -> None:
    examples = _doc_examples()
    assert len(examples) >= 10
    missing = [row for row in examples if row not in set(KNOWN_ANSWERS)]
    assert not missing, f"docs/calendar.md examples not in KNOWN_ANSWERS: {missing}"


def test_docs_pause_example() -> None:
    # docs/calendar.md, "Pauses": 3 working days, paused from 04/03 10:00 to 09/03 14:00.
    calendar = CALENDARS["national"]
    limit = Duration.parse("3 working days")
    start = calendar.clock_start(at("03/03/2026 09:00"), limit)
    used = calendar.working_time_between(start, at("04/03/2026 10:00"))
    assert used == timedelta(hours=9)
    remaining = calendar.to_timedelta(limit) - used
    assert calendar.as_working_days(remaining) == Decimal("1.875")
    due = calendar.add(at("09/03/2026 14:00"), Duration(Decimal(15), TimeUnit.WORKING_HOURS))
    assert due == calendar.localize(at("11/03/2026 11:00"))
    pause = (at("04/03/2026 10:00"), at("09/03/2026 14:00"))
    assert calendar.working_time_between(start, due, [pause]) == timedelta(hours=24)


def test_package_doctest() -> None:
    assert doctest.testmod(isobpmn.calendar).failed == 0


# -- days ------------------------------------------------------------------------------------

DAYS_2026 = [
    (date(2026, 2, 13), True, "Ngày làm việc"),
    (date(2026, 2, 14), False, "Cuối tuần"),
    (date(2026, 2, 16), False, "Giao thừa Tết Nguyên Đán"),
    (date(2026, 2, 17), False, "Tết Nguyên Đán"),
    (date(2026, 2, 20), False, "Mùng bốn Tết Nguyên Đán"),
    (date(2026, 2, 23), True, "Ngày làm việc"),
    (date(2026, 4, 26), False, "Ngày Giỗ Tổ Hùng Vương"),
    (date(2026, 4, 27), False, "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"),
    (date(2026, 4, 30), False, "Ngày Chiến thắng"),
    (date(2026, 5, 1), False, "Ngày Quốc tế Lao động"),
    (date(2026, 8, 22), True, "Thứ Bảy làm bù"),
    (date(2026, 8, 29), False, "Cuối tuần"),
    (date(2026, 8, 31), False, "Ngày nghỉ (thay cho ngày 22/08/2026)"),
    (date(2026, 9, 1), False, "Quốc khánh"),
    (date(2026, 9, 2), False, "Quốc khánh"),
    (date(2026, 9, 3), True, "Ngày làm việc"),
]


@pytest.mark.parametrize(("day", "working", "reason"), DAYS_2026)
def test_day_info_2026(day: date, working: bool, reason: str) -> None:
    calendar = CALENDARS["national"]
    assert calendar.day_info(day) == DayInfo(day, working, reason)
    assert calendar.is_working_day(day) is working
    assert bool(calendar.office_intervals(day)) is working


@pytest.mark.parametrize(
    ("year", "makeup", "swapped"),
    [(2024, date(2024, 5, 4), date(2024, 4, 29)), (2025, date(2025, 4, 26), date(2025, 5, 2)),
     (2026, date(2026, 8, 22), date(2026, 8, 31))],
)
def test_vietnam_makeup_saturdays(year: int, makeup: date, swapped: date) -> None:
    source = VietnamHolidays()
    assert isinstance(source, HolidaySource)
    assert makeup in source.makeup_workdays(year)
    assert all(day.year == year for day in source.makeup_workdays(year))
    assert swapped in source.public_holidays(year)
    calendar = CALENDARS["national"]
    assert calendar.is_working_day(makeup) and not calendar.is_working_day(swapped)


class TableHolidays:
    """An agency's own holiday table: any object with the two methods will do."""

    def public_holidays(self, year: int) -> dict[date, str]:
        return {date(year, 3, 3): "Ngày lễ thử"}

    def makeup_workdays(self, year: int) -> frozenset[date]:
        return frozenset({date(year, 3, 7)})


def test_custom_holiday_source() -> None:
    calendar = WorkingCalendar(holidays=TableHolidays())
    assert calendar.day_info(date(2026, 3, 3)) == DayInfo(date(2026, 3, 3), False, "Ngày lễ thử")
    assert calendar.day_info(date(2026, 3, 7)).reason == "Thứ Bảy làm bù"
    assert calendar.is_working_day(date(2026, 2, 17))  # the national table is not consulted


def test_precedence_of_overrides() -> None:
    settings = CalendarSettings(
        extra_working_days={date(2026, 2, 17)}, extra_days_off={date(2026, 8, 22)}
    )
    calendar = WorkingCalendar(settings)
    assert calendar.day_info(date(2026, 2, 17)) == DayInfo(
        date(2026, 2, 17), True, "Làm việc theo quy định của cơ quan"
    )
    assert calendar.day_info(date(2026, 8, 22)) == DayInfo(
        date(2026, 8, 22), False, "Nghỉ theo quy định của cơ quan"
    )


def test_without_public_holidays() -> None:
    calendar = WorkingCalendar(CalendarSettings(public_holidays=False), holidays=TableHolidays())
    assert calendar.holidays is None
    assert calendar.is_working_day(date(2026, 2, 17))
    assert not calendar.is_working_day(date(2026, 8, 22))


def test_saturday_working_agency() -> None:
    calendar = WorkingCalendar(CalendarSettings(working_weekdays=frozenset(range(6))))
    assert calendar.is_working_day(date(2026, 3, 7))
    assert not calendar.is_working_day(date(2026, 3, 8))


# -- moments ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "working", "next_start"),
    [
        ("03/03/2026 06:59", False, "03/03/2026 07:00"),
        ("03/03/2026 07:00", True, "03/03/2026 07:00"),
        ("03/03/2026 10:00", True, "03/03/2026 10:00"),
        ("03/03/2026 11:30", True, "03/03/2026 13:30"),
        ("03/03/2026 12:00", False, "03/03/2026 13:30"),
        ("03/03/2026 13:30", True, "03/03/2026 13:30"),
        ("03/03/2026 17:00", True, "04/03/2026 07:00"),
        ("06/03/2026 17:00", True, "09/03/2026 07:00"),
        ("07/03/2026 10:00", False, "09/03/2026 07:00"),
        ("21/08/2026 17:30", False, "22/08/2026 07:00"),
        ("13/02/2026 17:00", True, "23/02/2026 07:00"),
    ],
)
def test_working_time_and_next_start(moment: str, working: bool, next_start: str) -> None:
    calendar = CALENDARS["national"]
    assert calendar.is_working_time(at(moment)) is working
    assert calendar.next_working_start(at(moment)) == calendar.localize(at(next_start))


def test_aware_moments_are_converted() -> None:
    calendar = CALENDARS["national"]
    received = datetime(2026, 3, 3, 2, 0, tzinfo=timezone.utc)  # 09:00 in Vietnam
    assert calendar.localize(received) == calendar.localize(at("03/03/2026 09:00"))
    deadline = calendar.deadline(received, Duration.parse("0.5 working day"))
    assert deadline == calendar.localize(at("03/03/2026 15:00"))
    assert deadline.tzinfo is calendar.tz


def test_zero_amount() -> None:
    calendar = CALENDARS["national"]
    zero = Duration.parse("0 working hours")
    assert calendar.add(at("03/03/2026 11:30"), zero) == calendar.localize(at("03/03/2026 11:30"))
    assert calendar.add(at("03/03/2026 12:00"), zero) == calendar.localize(at("03/03/2026 13:30"))


def test_units_and_conversions() -> None:
    calendar = CALENDARS["national"]
    assert calendar.settings.standard_day == timedelta(hours=8)
    assert calendar.to_timedelta(Duration.parse("0.5 working day")) == timedelta(hours=4)
    assert calendar.to_timedelta(Duration.parse("0.25 working day")) == timedelta(hours=2)
    assert calendar.to_timedelta(Duration.parse("2.5 working hours")) == timedelta(minutes=150)
    assert calendar.as_working_days(timedelta(hours=4)) == Decimal("0.5")
    assert calendar.as_working_days(timedelta(hours=20)) == Decimal("2.5")
    with pytest.raises(DurationError, match="not an amount of office time"):
        calendar.to_timedelta(Duration.parse("3 calendar days"))


def test_zero_calendar_days_after_closing() -> None:
    calendar = CALENDARS["national"]
    zero = Duration.parse("0 calendar days")
    assert calendar.add(at("03/03/2026 17:00"), zero) == calendar.localize(at("03/03/2026 17:00"))
    assert calendar.add(at("03/03/2026 17:01"), zero) == calendar.localize(at("04/03/2026 17:00"))


def test_fractional_calendar_days_are_refused() -> None:
    with pytest.raises(DurationError, match="whole number"):
        CALENDARS["national"].add(at("03/03/2026 09:00"), Duration.parse("1.5 calendar days"))


# -- measuring -------------------------------------------------------------------------------


def test_working_time_between_over_tet_and_a_year() -> None:
    calendar = CALENDARS["national"]
    assert calendar.working_time_between(
        at("12/02/2026 14:00"), at("24/02/2026 14:00")
    ) == timedelta(hours=24)
    assert calendar.working_time_between(at("24/02/2026 14:00"), at("12/02/2026 14:00")) == (
        timedelta(0)
    )
    year = calendar.working_time_between(at("01/01/2026 00:00"), at("01/01/2027 00:00"))
    working_days = sum(
        calendar.is_working_day(date(2026, 1, 1) + timedelta(days=n)) for n in range(365)
    )
    assert year == working_days * timedelta(hours=8)
    assert calendar.as_working_days(year) == working_days


def test_pauses() -> None:
    calendar = CALENDARS["national"]
    start, end = at("02/03/2026 07:00"), at("06/03/2026 17:00")  # Mon–Fri: 40 h
    pauses = [
        (at("03/03/2026 07:00"), at("03/03/2026 17:00")),  # 8 h
        (at("03/03/2026 13:30"), at("04/03/2026 11:30")),  # overlaps: +4.5 h
        (at("01/03/2026 00:00"), at("02/03/2026 09:00")),  # clipped: 2 h
    ]
    assert calendar.working_time_between(start, end, pauses) == timedelta(hours=25.5)
    open_pause = [(at("06/03/2026 13:30"), None)]
    assert calendar.working_time_between(start, end, open_pause) == timedelta(hours=36.5)
    backwards = [(at("04/03/2026 10:00"), at("03/03/2026 10:00"))]
    with pytest.raises(ValueError, match="before it starts"):
        calendar.working_time_between(start, end, backwards)
