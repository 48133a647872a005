"""Calendar settings: defaults, invariants and reading an agency's ``[calendar]`` TOML table."""

from __future__ import annotations

import re
from dataclasses import fields
from datetime import date, time, timedelta
from pathlib import Path

import pytest

from isobpmn.calendar import CalendarConfigError, CalendarSettings, load_settings

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "agency-calendar.toml"
KEYS = [f.name for f in fields(CalendarSettings)]


def test_defaults_are_the_national_rules() -> None:
    settings = CalendarSettings()
    assert settings.office_hours == ((time(7), time(11, 30)), (time(13, 30), time(17)))
    assert settings.working_weekdays == frozenset({0, 1, 2, 3, 4})
    assert settings.receipt_cutoff == time(15)
    assert settings.cutoff_scope == "all"
    assert settings.standard_day == timedelta(hours=8)
    assert hash(settings) == hash(CalendarSettings())


def test_example_file_sets_every_key() -> None:
    settings = load_settings(EXAMPLE)
    assert settings == CalendarSettings(
        office_hours=((time(7, 30), time(11, 30)), (time(13), time(17))),
        extra_days_off={date(2026, 2, 13)},
        extra_working_days={date(2026, 3, 7)},
    )
    text = EXAMPLE.read_text(encoding="utf-8")
    assert all(f"\n{key} = " in text for key in KEYS)


def test_every_key_is_documented() -> None:
    doc = (ROOT / "docs" / "calendar.md").read_text(encoding="utf-8")
    assert [key for key in KEYS if f"`{key}`" not in doc] == []


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "agency.toml"
    path.write_text(f"[calendar]\n{body}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("", CalendarSettings()),
        ('receipt_cutoff = "16:00"', CalendarSettings(receipt_cutoff=time(16))),
        ("receipt_cutoff = false", CalendarSettings(receipt_cutoff=None)),
        ('receipt_cutoff = "15h30"', CalendarSettings(receipt_cutoff=time(15, 30))),
        ('cutoff_scope = "same-day"', CalendarSettings(cutoff_scope="same-day")),
        (
            'working_weekdays = ["T2", "t3", "wed", "Thursday", "fri", "sat"]',
            CalendarSettings(working_weekdays=frozenset(range(6))),
        ),
        (
            'office_hours = ["7:30 - 11:30", "13:00–16:30"]',
            CalendarSettings(office_hours=((time(7, 30), time(11, 30)), (time(13), time(16, 30)))),
        ),
        (
            'extra_days_off = ["2026-02-13", "02/01/2026", 2026-12-31]',
            CalendarSettings(
                extra_days_off={date(2026, 2, 13), date(2026, 1, 2), date(2026, 12, 31)}
            ),
        ),
        ("public_holidays = false", CalendarSettings(public_holidays=False)),
        ('timezone = "Asia/Bangkok"', CalendarSettings(timezone="Asia/Bangkok")),
    ],
)
def test_good_values(tmp_path: Path, body: str, expected: CalendarSettings) -> None:
    assert load_settings(write(tmp_path, body)) == expected


def test_standard_day_follows_office_hours(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, 'office_hours = ["07:30-11:30", "13:00-16:30"]'))
    assert settings.standard_day == timedelta(hours=7, minutes=30)


@pytest.mark.parametrize(
    ("body", "key", "problem"),
    [
        ('office_hour = ["07:00-11:30"]', "office_hour", "did you mean 'office_hours'"),
        ('colour = "red"', "colour", "unknown key"),
        ('office_hours = ["07:00-25:00"]', "office_hours", "not a time of day"),
        ('office_hours = ["07:00"]', "office_hours", "not an interval"),
        ('office_hours = "07:00-11:30"', "office_hours", "not a list"),
        ('office_hours = ["11:30-07:00"]', "office_hours", "ends before it starts"),
        ('office_hours = ["07:00-12:00", "11:30-17:00"]', "office_hours", "overlaps"),
        ('office_hours = ["13:30-17:00", "07:00-11:30"]', "office_hours", "overlaps"),
        ('office_hours = ["07:00-11:30", "11:30-17:00"]', "office_hours", "touches"),
        ("office_hours = []", "office_hours", "not a list"),
        ('working_weekdays = ["mon", "funday"]', "working_weekdays", "not a weekday"),
        ("working_weekdays = [0, 1]", "working_weekdays", "not a weekday"),
        ('receipt_cutoff = "3pm"', "receipt_cutoff", "not a time of day"),
        ("receipt_cutoff = true", "receipt_cutoff", "true is not a time"),
        ('cutoff_scope = "some"', "cutoff_scope", "not \"all\" or \"same-day\""),
        ('extra_days_off = ["31/02/2026"]', "extra_days_off", "not a date"),
        ('extra_days_off = "2026-02-13"', "extra_days_off", "not a list of dates"),
        ('extra_working_days = ["next monday"]', "extra_working_days", "not a date"),
        (
            'extra_days_off = ["2026-03-07"]\nextra_working_days = ["07/03/2026"]',
            "extra_days_off",
            "both as a day off and as a working day",
        ),
        ('public_holidays = "yes"', "public_holidays", "not true or false"),
        ('timezone = "Asia/Hanoi"', "timezone", "not a known IANA time zone"),
        ('timezone = ""', "timezone", "not a non-empty text"),
    ],
)
def test_bad_values(tmp_path: Path, body: str, key: str, problem: str) -> None:
    path = write(tmp_path, body)
    with pytest.raises(CalendarConfigError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: [calendar] {key}: ")
    assert problem in message
    assert caught.value.key == key and caught.value.source == str(path)
    if key in KEYS:
        assert "for example: " in message


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[calendar\n", "not valid TOML"),
        ("[agency]\nname = 'UBND'\n", "there is no [calendar] table"),
        ("calendar = 3\n", "there is no [calendar] table"),
    ],
)
def test_bad_files(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "agency.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CalendarConfigError, match=re.escape(problem)) as caught:
        load_settings(path)
    assert str(caught.value).startswith(str(path))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CalendarConfigError, match="cannot read the file"):
        load_settings(tmp_path / "missing.toml")


def test_from_mapping_names_its_source() -> None:
    with pytest.raises(CalendarConfigError, match=r"^agency db: \[calendar\] timezone: "):
        CalendarSettings.from_mapping({"timezone": "Mars/Base"}, source="agency db")


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"office_hours": ()}, "office_hours"),
        ({"working_weekdays": frozenset({7})}, "working_weekdays"),
        ({"working_weekdays": frozenset()}, "working_weekdays"),
        ({"cutoff_scope": "none"}, "cutoff_scope"),
        ({"timezone": "Nowhere/City"}, "timezone"),
    ],
)
def test_constructor_checks_invariants(kwargs: dict, key: str) -> None:
    with pytest.raises(CalendarConfigError) as caught:
        CalendarSettings(**kwargs)
    assert caught.value.key == key
    assert str(caught.value).startswith(f"calendar settings: [calendar] {key}: ")
