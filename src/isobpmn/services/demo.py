"""The demo province: a directory, the procedure library and dossiers at every stage.

:func:`seed_demo` builds, through the other services only, what ``make demo`` shows
(docs/demo.md): the province TINH-DEMO with the department SO-KHDT and the communes XA-HOA-AN
and XA-BINH-MINH (units matching the lanes of the library's diagrams), an official for every
lane role, an ISO officer and an administrator, the library published province-wide, and
twenty dossiers driven to their stage by a :class:`~isobpmn.engine.ManualClock` set in the
past: received just now, half-way, overdue, waiting for a supplement, sent back by the head of
division, finished early, on time and late (one after an apology letter), returned, refused.

Moments are counted in working days before today on the demo agencies' calendar
(:class:`~.demo_data.When`), so the dossiers sit at the same stages whatever the day the demo
is seeded: a dossier due three working days after its receipt seven working days ago is
overdue today.

A database that already holds the province is left as it is (:attr:`DemoSeed.created` False).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from isobpmn.calendar import WorkingCalendar
from isobpmn.engine import ManualClock
from isobpmn.model import ModelError, read_procedure

from . import (
    accounts,
    claims,
    completion,
    directory,
    endings,
    intake,
    public,
    publish,
    queries,
    sla,
    supplements,
)
from .access import find_agency
from .context import ServiceContext
from .demo_data import (
    AGENCIES,
    DOSSIERS,
    GPXD,
    HKD,
    KS,
    PROVINCE,
    STAFF,
    UNITS,
    Dossier,
    Step,
    When,
)
from .errors import InvalidRequest, ProcedureInvalid, UnknownAgency

__all__ = ["DEMO_PASSWORD", "NEEDED", "DemoCase", "DemoLogin", "DemoSeed", "is_seeded", "logins",
           "seed_demo"]

#: The password every demo user gets unless another is given.
DEMO_PASSWORD = "isobpmn-demo"
#: Procedures the demo dossiers run on: they must be among the diagrams given.
NEEDED = (KS, HKD, GPXD)
_TODAY = re.compile(r"\{today(?:-(\d+))?\}")


@dataclass(frozen=True)
class DemoLogin:
    """A demo user: user name, full name, what they do where."""

    username: str
    full_name: str
    roles: str


@dataclass(frozen=True)
class DemoCase:
    """A demo dossier: its codes (the receipt's), procedure, agency, stage, status, outcome."""

    code: str
    lookup_code: str
    procedure: str
    agency: str
    stage: str
    status: str
    outcome: str | None


@dataclass(frozen=True)
class DemoSeed:
    """What :func:`seed_demo` did; ``created`` is False when the province was there already."""

    created: bool
    password: str
    logins: list[DemoLogin]
    published: list[str] = field(default_factory=list)
    dossiers: list[DemoCase] = field(default_factory=list)


def logins() -> list[DemoLogin]:
    """The demo users, as the seed creates them: roles with their units, per agency."""
    out = []
    for username, full_name, memberships, is_admin in STAFF:
        held: dict[tuple[str, str], list[str]] = {}
        for agency, role, unit in memberships:
            held.setdefault((agency, role), []).extend([unit] if unit else [])
        roles = [f"{role} ({', '.join(units)}) · {agency}" if units else f"{role} · {agency}"
                 for (agency, role), units in held.items()]
        out.append(DemoLogin(username, full_name,
                             "; ".join(roles + (["administrator"] if is_admin else []))))
    return out


def is_seeded(ctx: ServiceContext) -> bool:
    """Whether the demo province exists in the database."""
    with ctx.db.read() as session:
        try:
            find_agency(session, PROVINCE)
        except UnknownAgency:
            return False
    return True


def seed_demo(ctx: ServiceContext, diagrams: Sequence[tuple[str, bytes]], *,
              password: str = DEMO_PASSWORD, now: datetime | None = None) -> DemoSeed:
    """Seed the demo (module doc) on a migrated database; ``diagrams`` are (file name, BPMN
    bytes) of the library, published province-wide. ``now`` (default: ``ctx``'s clock) is
    the moment the dossiers' story ends at."""
    if len(password) < accounts.MIN_PASSWORD:
        raise InvalidRequest(f"the demo password must have at least {accounts.MIN_PASSWORD} "
                             "characters")
    if is_seeded(ctx):
        return DemoSeed(False, password, logins())
    _check_library(diagrams)
    now = ctx.clock.now() if now is None else now
    calendar = WorkingCalendar()  # the demo agencies keep the national calendar
    start = _moment(calendar, now, When(max(d.received.days_ago for d in DOSSIERS) + 2, "07:30"))
    clock = ManualClock(start)
    demo = ServiceContext(ctx.db, clock, ctx.settings)

    for code, name, level, parent, address in AGENCIES:
        directory.create_agency(demo, code, name, level=level, parent=parent, address=address)
    for agency, units in UNITS.items():
        for code, name in units:
            directory.create_unit(demo, agency, code, name)
    for username, full_name, memberships, is_admin in STAFF:
        directory.create_user(demo, username, full_name, is_admin=is_admin)
        for agency, role, unit in memberships:
            directory.add_membership(demo, username, agency, role, unit=unit)
    published = [publish.publish_procedure(demo, xml, None, name=name).code
                 for name, xml in diagrams]

    order = sorted(DOSSIERS, key=lambda d: _moment(calendar, now, d.received))
    cases = [_play(demo, clock, calendar, now, dossier) for dossier in order]

    clock.set(now)
    for username, *_ in STAFF:
        accounts.set_password(demo, username, password)
    sla.sweep_sla(demo, now, actor_name="demo seed")
    return DemoSeed(True, password, logins(), published, cases)


def _check_library(diagrams: Sequence[tuple[str, bytes]]) -> None:
    """Refuse before writing anything when a diagram the dossiers need is missing."""
    codes = set()
    for name, xml in diagrams:
        try:
            codes.add(read_procedure(xml, name=name).code)
        except ModelError as exc:
            raise ProcedureInvalid(str(exc)) from None
    missing = [code for code in NEEDED if code not in codes]
    if missing:
        raise InvalidRequest(f"the demo dossiers need the procedures {', '.join(missing)} of "
                             "the library (bpmn/); give the library's directory")


def _working_day_back(calendar: WorkingCalendar, day, count: int):
    """The ``count``-th working day before ``day``."""
    for _ in range(count):
        day -= timedelta(days=1)
        while not calendar.is_working_day(day):
            day -= timedelta(days=1)
    return day


def _moment(calendar: WorkingCalendar, now: datetime, when: When) -> datetime:
    now = calendar.localize(now)
    if when.days_ago:
        day = _working_day_back(calendar, now.date(), when.days_ago)
        hour, minute = map(int, when.time.split(":"))
        return datetime.combine(day, time(hour, minute), calendar.tz)
    # a few minutes of office time ago: within the last office interval that began before now
    day = now.date()
    while True:
        for start, end in reversed(calendar.office_intervals(day)):
            if start < now:
                return max(start, min(end, now) - timedelta(minutes=when.minutes_ago))
        day -= timedelta(days=1)


@dataclass
class _Play:
    """One dossier being played: the services' context, its code, the step's moment."""

    ctx: ServiceContext
    code: str
    lookup_code: str
    moment: datetime
    resolve: Callable[[When], datetime]

    def task(self, bpmn_id: str) -> int:
        view = queries.case_view(self.ctx, self.code)
        for task in view.tasks:
            if task.bpmn_id == bpmn_id and task.state in ("ready", "claimed"):
                return task.id
        raise InvalidRequest(f"demo dossier {self.code}: step {bpmn_id} is not open")

    def fill(self, data: dict[str, Any]) -> dict[str, Any]:
        """``data`` with the step's date where it says ``{today}``, or the date N calendar
        days earlier where it says ``{today-N}``."""
        def date_of(match: re.Match[str]) -> str:
            return f"{self.moment - timedelta(days=int(match[1] or 0)):%d/%m/%Y}"

        return {key: _TODAY.sub(date_of, value) if isinstance(value, str) else value
                for key, value in data.items()}


def _play(ctx: ServiceContext, clock: ManualClock, calendar: WorkingCalendar, now: datetime,
          dossier: Dossier) -> DemoCase:
    def resolve(when: When) -> datetime:
        return _moment(calendar, now, when)

    clock.set(resolve(dossier.received))
    receipt = intake.receive_dossier(ctx, dossier.procedure, dossier.agency, dossier.applicant,
                                     actor=dossier.desk, request=dossier.request)
    play = _Play(ctx, receipt.case_code, receipt.lookup_code, clock.now(), resolve)
    for step in dossier.steps:
        play.moment = resolve(step.when)
        clock.set(play.moment)
        _ACTIONS[step.action](play, step)
    view = queries.case_view(ctx, receipt.case_code)
    return DemoCase(view.code, view.lookup_code, view.procedure_code, view.agency_code,
                    dossier.stage, view.status, view.outcome)


def _complete(play: _Play, step: Step) -> None:
    completion.complete_task(play.ctx, play.task(step.bpmn_id), step.actor, play.fill(step.data))


def _claim(play: _Play, step: Step) -> None:
    claims.claim(play.ctx, play.task(step.bpmn_id), step.actor)


def _ask(play: _Play, step: Step) -> None:
    supplements.request_supplement(play.ctx, play.task(step.bpmn_id), step.actor,
                                   reason=step.text, items=step.data.get("items"))


def _supplied(play: _Play, step: Step) -> None:
    supplements.receive_supplement(play.ctx, play.code, step.actor, note=step.text)


def _send_back(play: _Play, step: Step) -> None:
    completion.return_to_previous(play.ctx, play.task(step.bpmn_id), step.actor, step.text)


def _apology(play: _Play, step: Step) -> None:
    endings.issue_apology(play.ctx, play.code, step.actor, reason=step.text,
                          signer=step.data["signer"],
                          new_appointment=play.resolve(step.data["until"]))


def _hand_over(play: _Play, step: Step) -> None:
    endings.return_result(play.ctx, play.code, step.actor, receiver=step.text or None)


def _refuse(play: _Play, step: Step) -> None:
    endings.refuse(play.ctx, play.code, step.actor, step.text)


def _rate(play: _Play, step: Step) -> None:
    public.rate_dossier(play.ctx, play.code, play.lookup_code, step.data["score"],
                        step.text or None)


_ACTIONS: dict[str, Callable[[_Play, Step], None]] = {
    "complete": _complete, "claim": _claim, "ask": _ask, "supplied": _supplied,
    "send_back": _send_back, "apology": _apology, "hand_over": _hand_over, "refuse": _refuse,
    "rate": _rate,
}
