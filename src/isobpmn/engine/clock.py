"""Where the engine takes the time from: an injectable clock.

Timers, ``today()`` / ``now()`` in expressions and the working-time helpers all ask a
:class:`Clock`, never :func:`datetime.now`, so that tests and replays decide what time it is.
Every clock returns aware datetimes; naive ones would be read in the server's zone.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable
from zoneinfo import ZoneInfo

__all__ = ["VIETNAM", "Clock", "FixedClock", "ManualClock", "SystemClock"]

#: The zone of every Vietnamese agency (UTC+7, no daylight saving).
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


@runtime_checkable
class Clock(Protocol):
    """Anything with ``now()`` returning an aware datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real time, in Asia/Ho_Chi_Minh (or another zone)."""

    def __init__(self, tz: ZoneInfo = VIETNAM) -> None:
        self.tz = tz

    def now(self) -> datetime:
        return datetime.now(self.tz)

    def __repr__(self) -> str:
        return f"SystemClock({self.tz.key!r})"


class FixedClock:
    """Always the same moment: for a test that must not see time pass."""

    def __init__(self, moment: datetime) -> None:
        self._moment = _aware(moment)

    def now(self) -> datetime:
        return self._moment

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._moment.isoformat()})"


class ManualClock(FixedClock):
    """A clock moved by hand: ``set`` it to a moment or ``advance`` it, e.g. past a deadline."""

    def set(self, moment: datetime) -> None:
        self._moment = _aware(moment)

    def advance(self, delta: timedelta | None = None, **units: float) -> datetime:
        """Move forward by ``delta`` or by ``timedelta(**units)`` (``days=31``); returns now."""
        step = delta if delta is not None else timedelta(**units)
        if step < timedelta(0):
            raise ValueError("a clock only moves forward; use set() to go back in a replay")
        self._moment += step
        return self._moment


def _aware(moment: datetime) -> datetime:
    """``moment`` with a zone; a naive one is read as Vietnamese local time."""
    return moment.replace(tzinfo=VIETNAM) if moment.tzinfo is None else moment
