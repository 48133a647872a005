"""Properties of working-time arithmetic that must hold for every moment and amount.

Moments are drawn from 2025–2027 (three years of real Vietnamese holidays, make-up Saturdays
included), to the microsecond; amounts are 0–40 working days in quarter days and 0–100 working
hours in quarter hours, as procedures state them.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from isobpmn.calendar import CalendarSettings, WorkingCalendar
from isobpmn.model.duration import Duration, TimeUnit

CALENDAR = WorkingCalendar(CalendarSettings())

# Arbitrary instants, and instants on the edges where off-by-one mistakes live.
edges = [time(7), time(11, 30), time(12), time(13, 30), time(15), time(15, 0, 0, 1), time(17)]
moments = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31, 23, 59)
) | st.builds(
    datetime.combine,
    st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)),
    st.sampled_from(edges),
)
quarter_days = st.integers(0, 160).map(
    lambda n: Duration(Decimal(n) / 4, TimeUnit.WORKING_DAYS)
)
quarter_hours = st.integers(0, 400).map(
    lambda n: Duration(Decimal(n) / 4, TimeUnit.WORKING_HOURS)
)
working_amounts = quarter_days | quarter_hours
other_limits = st.integers(0, 60).map(
    lambda n: Duration(Decimal(n), TimeUnit.CALENDAR_DAYS)
) | st.just(Duration(Decimal(0), TimeUnit.SAME_DAY))

fast = settings(max_examples=200, deadline=None)


@fast
@given(moments, working_amounts | other_limits)
def test_result_is_working_time_after_the_moment(moment: datetime, duration: Duration) -> None:
    result = CALENDAR.add(moment, duration)
    assert CALENDAR.is_working_time(result)
    assert result >= CALENDAR.localize(moment)
    assert result.tzinfo is CALENDAR.tz


@fast
@given(moments, moments, working_amounts | other_limits)
def test_add_is_monotonic_in_the_moment(first: datetime, second: datetime, duration) -> None:
    early, late = sorted((first, second))
    assert CALENDAR.add(early, duration) <= CALENDAR.add(late, duration)


@fast
@given(moments, st.integers(0, 160), st.integers(0, 160))
def test_add_is_monotonic_in_the_amount(moment: datetime, first: int, second: int) -> None:
    small, large = sorted((first, second))
    assert CALENDAR.add(moment, Duration(Decimal(small) / 4, TimeUnit.WORKING_DAYS)) <= (
        CALENDAR.add(moment, Duration(Decimal(large) / 4, TimeUnit.WORKING_DAYS))
    )


@fast
@given(moments, working_amounts)
def test_measuring_what_was_added_gives_it_back(moment: datetime, duration: Duration) -> None:
    result = CALENDAR.add(moment, duration)
    assert CALENDAR.working_time_between(moment, result) == CALENDAR.to_timedelta(duration)


@fast
@given(moments, moments)
def test_adding_what_was_measured_stays_within(first: datetime, second: datetime) -> None:
    start, end = sorted((first, second))
    used = CALENDAR.working_time_between(start, end)
    result = CALENDAR.add(start, Duration(CALENDAR.as_working_days(used), TimeUnit.WORKING_DAYS))
    if used:
        assert result <= CALENDAR.localize(end)
    else:  # nothing to add: the moment itself, or the next start if it is not working time
        assert result in (CALENDAR.localize(start), CALENDAR.next_working_start(start))


@fast
@given(moments, moments, moments)
def test_measuring_is_additive(first: datetime, second: datetime, third: datetime) -> None:
    a, b, c = sorted((first, second, third))
    between = CALENDAR.working_time_between
    assert between(a, b) + between(b, c) == between(a, c)


pauses = st.lists(st.tuples(moments, moments | st.none()), max_size=4)


@fast
@given(moments, moments, pauses)
def test_pauses_never_add_time(first: datetime, second: datetime, spans) -> None:
    start, end = sorted((first, second))
    ordered = [(low, high) if high is None else tuple(sorted((low, high))) for low, high in spans]
    with_pauses = CALENDAR.working_time_between(start, end, ordered)
    assert timedelta(0) <= with_pauses <= CALENDAR.working_time_between(start, end)


@fast
@given(moments)
def test_clock_start_is_the_next_start_or_later(received: datetime) -> None:
    started = CALENDAR.clock_start(received)
    assert started >= CALENDAR.next_working_start(received)
    assert CALENDAR.next_working_start(started) == started


@fast
@given(moments, st.integers(0, 400))
def test_rewind_leaves_exactly_the_amount_and_no_earlier_moment_does(moment: datetime,
                                                                     quarters: int) -> None:
    """``rewind(m, a)`` is the earliest moment with at most ``a`` of office time left until
    ``m``: exactly ``a`` from it, more from any moment a second before."""
    moment = CALENDAR.localize(moment)
    amount = timedelta(minutes=15 * quarters)
    found = CALENDAR.rewind(moment, amount)
    assert found <= moment
    assert CALENDAR.working_time_between(found, moment) == amount
    assert CALENDAR.working_time_between(found - timedelta(seconds=1), moment) > amount


def test_rewind_stops_at_the_end_of_the_interval_before():
    """1 h before 14:30 on a Monday lands on 13:30, the start of the afternoon; the earliest
    moment with only that hour left is the end of the morning, 11:30."""
    monday = datetime(2026, 3, 2, 14, 30)
    assert CALENDAR.rewind(monday, timedelta(hours=1)).replace(tzinfo=None) == \
        datetime(2026, 3, 2, 11, 30)
    # across the weekend: 2 h before Monday 08:00 is Friday 16:00
    assert CALENDAR.rewind(datetime(2026, 3, 2, 8, 0), timedelta(hours=2)).replace(
        tzinfo=None) == datetime(2026, 2, 27, 16, 0)
