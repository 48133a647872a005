"""Durations: exact values with explicit units, read from free text, shown in vi and en."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

import pytest

from isobpmn.model.duration import MAX_VALUE, Duration, DurationError, TimeUnit, format_number
from isobpmn.model.order import WORKING_DAY_HOURS, hours_of, sum_durations

WH, WD, CD, SD = (TimeUnit.WORKING_HOURS, TimeUnit.WORKING_DAYS, TimeUnit.CALENDAR_DAYS,
                  TimeUnit.SAME_DAY)


def d(value: str, unit: TimeUnit) -> Duration:
    return Duration(Decimal(value), unit)


# --- parse ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("3 working days", d("3", WD)),
    ("3 working-days", d("3", WD)),
    ("1 working day", d("1", WD)),
    ("3wd", d("3", WD)),
    ("  3   WORKING   Days ", d("3", WD)),
    ("0,5 ngày làm việc", d("0.5", WD)),
    ("0.5 ngày làm việc", d("0.5", WD)),
    ("1,25 Ngày Làm Việc", d("1.25", WD)),
    ("2 ngay lam viec", d("2", WD)),
    ("2h", d("2", WH)),
    ("2 h", d("2", WH)),
    ("1.5 hours", d("1.5", WH)),
    ("4 working hours", d("4", WH)),
    ("2 giờ", d("2", WH)),
    ("0,5 giờ làm việc", d("0.5", WH)),
    ("3 gio", d("3", WH)),
    ("15 calendar days", d("15", CD)),
    ("15 days", d("15", CD)),
    ("15 ngày", d("15", CD)),
    ("30 ngày dương lịch", d("30", CD)),
    ("0 working days", d("0", WD)),
    ("same day", d("0", SD)),
    ("same-day", d("0", SD)),
    ("Same Working Day", d("0", SD)),
    ("trong ngày", d("0", SD)),
    ("trong ngày làm việc", d("0", SD)),
    ("1 same day", d("0", SD)),
    ("3000 working days", d("3000", WD)),
], ids=lambda v: v if isinstance(v, str) else "")
def test_parse_accepts(text, expected):
    parsed = Duration.parse(text)
    assert parsed == expected
    assert parsed.unit is expected.unit
    assert isinstance(parsed.value, Decimal)


def test_parse_accepts_decomposed_vietnamese():
    # the same words typed with combining accents (NFD), as some systems send them
    assert Duration.parse(unicodedata.normalize("NFD", "3 ngày làm việc")) == d("3", WD)
    assert Duration.parse(unicodedata.normalize("NFD", "trong ngày")) == d("0", SD)


@pytest.mark.parametrize(("text", "fragments"), [
    ("", ["cannot read duration ''", "write a number and a unit", "'3 working days'",
          "'0.5 ngày làm việc'"]),
    ("3", ["cannot read duration '3'", "write a number and a unit"]),
    ("   ", ["write a number and a unit"]),
    ("ngày làm việc", ["'ngày làm việc'", "the number is missing"]),
    ("3 weeks", ["unknown time unit 'weeks'",
                 "working-hours, working-days, calendar-days, same-day"]),
    ("ba ngày", ["unknown time unit 'ba ngày'"]),
    ("-1 working days", ["unknown time unit"]),
    ("2 same day", ["'2 same day'", "'same day' takes no number"]),
    ("3001 working days", ["3001", f"larger than the limit {MAX_VALUE}"]),
    ("1e3 days", ["unknown time unit 'e3 days'"]),
])
def test_parse_rejects_with_a_clear_message(text, fragments):
    with pytest.raises(DurationError) as caught:
        Duration.parse(text)
    message = str(caught.value)
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message


def test_parse_none_is_rejected():
    with pytest.raises(DurationError, match="write a number and a unit"):
        Duration.parse(None)  # type: ignore[arg-type]


# --- construction --------------------------------------------------------------------------


def test_of_reads_unit_spellings_and_comma_decimals():
    assert Duration.of("0,5", "working-days") == d("0.5", WD)
    assert Duration.of(2, "giờ") == d("2", WH)
    assert Duration.of(Decimal("1.5"), WD) == d("1.5", WD)
    assert Duration.of(" 3 ", "ngày") == d("3", CD)


def test_float_input_is_taken_as_written_not_as_binary():
    assert Duration.of(0.1, WD).value == Decimal("0.1")
    assert Duration.of(0.1, WD).value != Decimal(0.1)


def test_int_input_becomes_decimal():
    duration = Duration(3, WD)  # type: ignore[arg-type]
    assert duration.value == Decimal(3) and isinstance(duration.value, Decimal)


@pytest.mark.parametrize(("value", "fragment"), [
    ("ba", "'ba' is not a number; write e.g. 0.5 or 3"),
    ("", "is not a number"),
    (True, "True is not a number"),
    ("NaN", "is not a number"),
    ("Infinity", "is not a number"),
    ("1_0", "is not a number"),
    ("1e2", "is not a number"),
    (Decimal("-0.5"), "non-negative number, got -0.5"),
    (-1, "non-negative number"),
    ("3001", "larger than the limit 3000"),
    (None, "None is not a number"),
])
def test_of_rejects_bad_values(value, fragment):
    with pytest.raises(DurationError) as caught:
        Duration.of(value, WD)  # type: ignore[arg-type]
    assert fragment in str(caught.value)


def test_of_rejects_unknown_units():
    with pytest.raises(DurationError, match="unknown time unit 'fortnights'; use one of: "
                                            "working-hours, working-days"):
        Duration.of(1, "fortnights")


def test_same_day_has_no_amount():
    assert Duration(Decimal(0), SD).value == 0
    with pytest.raises(DurationError, match="same-day limit has no amount"):
        Duration(Decimal(1), SD)


def test_durations_are_immutable_and_equal_by_value():
    duration = d("0.5", WD)
    with pytest.raises(AttributeError):
        duration.value = Decimal(1)  # type: ignore[misc]
    assert d("0.50", WD) == duration and hash(d("0.50", WD)) == hash(duration)
    assert d("0.5", WD) != d("0.5", WH)


# --- describe ------------------------------------------------------------------------------


@pytest.mark.parametrize(("duration", "vi", "en"), [
    (d("0.5", WD), "0,5 ngày làm việc", "0.5 working days"),
    (d("1.50", WD), "1,5 ngày làm việc", "1.5 working days"),
    (d("3.0", WD), "3 ngày làm việc", "3 working days"),
    (d("100", CD), "100 ngày", "100 calendar days"),
    (d("0.25", WH), "0,25 giờ làm việc", "0.25 working hours"),
    (d("0", WH), "0 giờ làm việc", "0 working hours"),
    (d("0", SD), "trong ngày làm việc", "within the working day"),
])
def test_describe(duration, vi, en):
    assert duration.describe() == vi
    assert duration.describe("vi") == vi
    assert duration.describe("en") == en


def test_str_uses_the_file_spelling():
    assert str(d("0.50", WD)) == "0.5 working-days"
    assert str(d("1E+1", CD)) == "10 calendar-days"
    assert str(d("0", SD)) == "same-day"
    assert Duration.parse(str(d("2.5", WH))) == d("2.5", WH)


def test_format_number():
    assert format_number(Decimal("1.50")) == "1,5"
    assert format_number(Decimal("1.50"), "en") == "1.5"
    assert format_number(Decimal("2E+2"), "en") == "200"
    assert format_number(Decimal("0.125")) == "0,125"


def test_unit_properties():
    assert WH.is_working_time and WD.is_working_time
    assert not CD.is_working_time and not SD.is_working_time
    assert WD.label() == "ngày làm việc" and WD.label("en") == "working days"
    assert [u.value for u in TimeUnit] == ["working-hours", "working-days", "calendar-days",
                                           "same-day"]


# --- exact arithmetic: hours_of and sum_durations ------------------------------------------


def test_hours_of():
    assert WORKING_DAY_HOURS == 8
    assert hours_of(None) == 0
    assert hours_of(d("2.5", WH)) == Decimal("2.5")
    assert hours_of(d("0.125", WD)) == Decimal(1)
    assert hours_of(d("1.5", WD)) == Decimal(12)
    assert hours_of(d("2", CD)) == Decimal(16)
    assert hours_of(d("0", SD)) == WORKING_DAY_HOURS


def test_sum_is_exact_in_decimal():
    tenths = [d("0.1", WD)] * 3
    total = sum_durations(tenths)
    assert total == d("0.3", WD)
    assert total.value == Decimal("0.3")  # 0.1 + 0.1 + 0.1 != 0.3 in binary floating point
    assert sum_durations([d("0.125", WD)] * 8) == d("1", WD)


def test_sum_keeps_a_common_unit_and_skips_missing_allotments():
    total = sum_durations([d("0.5", WD), None, d("2.5", WD)])
    assert total == d("3", WD) and total.unit is WD


def test_sum_of_nothing_is_zero_hours():
    assert sum_durations([]) == d("0", WH)
    assert sum_durations([None, None]) == d("0", WH)


def test_sum_of_mixed_units_is_in_working_hours():
    total = sum_durations([d("0.5", WD), d("2", WH)])
    assert total == d("6", WH)


def test_sum_in_a_requested_unit():
    assert sum_durations([d("0.5", WD), d("4", WH)], WD) == d("1", WD)
    assert sum_durations([d("1", WH)], WD) == d("0.125", WD)
    assert sum_durations([d("2", WD)], WH) == d("16", WH)


def test_sum_against_a_same_day_limit_is_in_working_hours():
    # a same-day procedure: the steps' hours must fit in one working day
    total = sum_durations([d("0.5", WH), d("2", WH), d("1", WH)], SD)
    assert total == d("3.5", WH)
    assert sum_durations([d("0", SD)]) == d("8", WH)
