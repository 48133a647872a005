"""What every service call needs: the database, the clock, the settings, shared caches.

A :class:`ServiceContext` is made once per process (per web app, per worker) and shared by
its threads. It holds no ORM object between calls. Its two caches are small and safe to lose:

- :class:`Calendars`: one :class:`~isobpmn.calendar.WorkingCalendar` per agency, rebuilt when
  the agency's ``calendar`` settings change;
- :class:`RunCache`: restored engine runs keyed by (case id, state version). A call *takes* a
  run out (so no two calls share one), and puts it back only after its transaction committed,
  under the new state version; a run touched by a call that failed is simply dropped. A
  version mismatch (another process moved the case on) means a fresh restore.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from isobpmn.calendar import CalendarSettings, WorkingCalendar
from isobpmn.engine import Clock, EngineRun, SystemClock
from isobpmn.store import Database

__all__ = ["Calendars", "RunCache", "ServiceContext", "ServiceSettings"]


@dataclass(frozen=True)
class ServiceSettings:
    """Rules a province may tune; the defaults follow ../shared/DOMAIN.md (docs/services.md)."""

    #: A step is "due soon" when the office time left is at most this share of its allotment…
    due_soon_fraction: Decimal = Decimal("0.2")
    #: … or at most this much office time, whichever is larger.
    due_soon_minimum: timedelta = timedelta(hours=1)
    #: Roles that may reassign tasks and sign apology letters (admins may too).
    leader_roles: tuple[str, ...] = ("lanh-dao",)
    #: Roles of the one-stop desk: receive dossiers and supplements, refuse, return results.
    desk_roles: tuple[str, ...] = ("mot-cua",)
    #: Roles that draft, submit and review procedure versions in their agency (leaders may
    #: too; approval needs a leader): the ISO secretary and heads of division.
    procedure_roles: tuple[str, ...] = ("thu-ky-iso", "lanh-dao-phong")
    #: Roles that keep the quality records of their agency (objectives, nonconformities,
    #: management review), besides leaders and admins: the ISO officer.
    quality_roles: tuple[str, ...] = ("thu-ky-iso",)
    #: Names of the engine messages that bring a supplement in (a wait for one pauses the case).
    supplement_messages: tuple[str, ...] = ("Hồ sơ bổ sung",)
    #: Restored runs kept in memory per process (0 turns the cache off).
    run_cache_size: int = 256
    #: Attempts at a fresh dossier code when another desk took the same one meanwhile.
    code_attempts: int = 5


class Calendars:
    """One working calendar per agency, by the agency's settings (thread-safe)."""

    def __init__(self) -> None:
        self._calendars: dict[int, tuple[str, WorkingCalendar]] = {}
        self._lock = threading.Lock()

    def of(self, agency_id: int, settings: dict[str, Any] | None) -> WorkingCalendar:
        key = json.dumps(settings or {}, sort_keys=True)
        with self._lock:
            known = self._calendars.get(agency_id)
            if known is not None and known[0] == key:
                return known[1]
        calendar = WorkingCalendar(CalendarSettings.from_mapping(settings or {},
                                                                 f"agency {agency_id}"))
        with self._lock:
            self._calendars[agency_id] = (key, calendar)
        return calendar


class RunCache:
    """Restored runs by case id, each tagged with the state version it matches."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self.hits = 0
        self.misses = 0
        self._runs: OrderedDict[int, tuple[int, EngineRun]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, case_id: int, version: int) -> EngineRun | None:
        """The run of ``case_id`` at ``version``, removed from the cache; ``None`` if absent."""
        with self._lock:
            entry = self._runs.pop(case_id, None)
            if entry is not None and entry[0] == version:
                self.hits += 1
                return entry[1]
            self.misses += 1
            return None

    def put(self, case_id: int, version: int, run: EngineRun) -> None:
        if self.maxsize <= 0:
            return
        with self._lock:
            self._runs[case_id] = (version, run)
            self._runs.move_to_end(case_id)
            while len(self._runs) > self.maxsize:
                self._runs.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._runs.clear()


@dataclass
class ServiceContext:
    """The database, the clock and the settings every service function takes first."""

    db: Database
    clock: Clock = field(default_factory=SystemClock)
    settings: ServiceSettings = field(default_factory=ServiceSettings)
    calendars: Calendars = field(default_factory=Calendars)
    runs: RunCache = field(init=False)
    #: procedure version id -> content hash (published versions never change)
    version_hashes: dict[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.runs = RunCache(self.settings.run_cache_size)

    def now(self):
        """The clock's now (aware)."""
        return self.clock.now()
