"""The engine's clocks (isobpmn.engine.clock)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from isobpmn.engine import Clock, FixedClock, ManualClock, SystemClock
from isobpmn.engine.clock import VIETNAM


def test_system_clock_is_aware_and_in_vietnam():
    now = SystemClock().now()
    assert now.tzinfo is VIETNAM and now.utcoffset() == timedelta(hours=7)
    assert abs(now - datetime.now(UTC)) < timedelta(seconds=5)


def test_naive_moments_are_read_as_vietnamese_time():
    assert FixedClock(datetime(2026, 2, 13, 15, 30)).now().utcoffset() == timedelta(hours=7)
    clock = ManualClock(datetime(2026, 2, 13, 15, 30))
    clock.set(datetime(2026, 2, 23, 7, 0))
    assert clock.now() == datetime(2026, 2, 23, 7, 0, tzinfo=VIETNAM)


def test_manual_clock_moves_forward_only():
    clock = ManualClock(datetime(2026, 2, 13, 15, 30, tzinfo=VIETNAM))
    assert clock.advance(days=31) == datetime(2026, 3, 16, 15, 30, tzinfo=VIETNAM)
    assert clock.advance(timedelta(minutes=1)).minute == 31
    with pytest.raises(ValueError, match="forward"):
        clock.advance(hours=-1)


def test_every_clock_is_a_clock():
    moment = datetime(2026, 1, 1)
    for clock in (SystemClock(), FixedClock(moment), ManualClock(moment)):
        assert isinstance(clock, Clock) and repr(clock)
