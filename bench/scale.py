"""A province's worth of dossiers: how fast the pages that officials, leaders and citizens
open most answer on a large database.

The script builds a province of ``--agencies`` agencies (one province body, departments and
communes; an official per lane role in each), publishes the procedure library province-wide
through the services, then bulk-inserts ``--cases`` dossiers spread over the two years before
now with their steps, pauses, ratings and hash-chained audit events: most are finished (early,
on time, late; some refused or withdrawn), about one in ten is still open with a ready or
claimed step (some waiting for a supplement, some overdue). Rows go in with SQLAlchemy Core
``executemany`` in batches, without the services, so the build takes minutes rather than days;
appointments, due moments and outcomes follow the agencies' working calendar as the services
compute them. The audit events are chained per dossier by SHA-256 over a short form of their
fields: the bench reads them, it does not verify them. One generated batch goes into every
database, so SQLite and PostgreSQL hold the same dossiers.

Then it times, through the services (one read transaction each, as the pages call them):

- **inbox**: ``list_tasks(user, "all")`` of a random official (open steps in their roles);
- **dashboard, agency, month**: ``dashboard`` of a random commune or department, this month;
- **dashboard, province, quarter**: of the province and its 199 agencies, the last quarter;
- **case page**: what ``/ho-so/<code>`` asks for (``case_view``, ``case_diagram``,
  ``available_forms``, ``case_timeline``) of a random dossier, as a member of its agency;
- **lookup**: the citizens' ``lookup_dossier(code, verification)``;
- **statutory report**: Biểu II.06a of the province for the last quarter, as XLSX;
- **SLA sweep**: ``sweep_sla`` over every open step, 30 seconds later each time as the worker
  runs it (the first
  sweep, which settles the generated states, is reported on its own line); then again after
  every open step of an open dossier was given an allotment of half a day to ten working
  days, partly used: the sweep's hardest case, no step red yet (the first of those sweeps
  turns the fifth or so that are due soon yellow).

Before timing, the history is summed into the reports' pre-aggregates (``roll_up_reports``, as
the worker keeps them day by day); the time that takes is printed too.

Prints p50/p95 (ms) per query for SQLite (a file, WAL) and, when ISOBPMN_BENCH_DATABASE_URL or
ISOBPMN_TEST_DATABASE_URL names a PostgreSQL server, for PostgreSQL (a scratch schema, dropped
afterwards unless ``--keep``), against the targets on PostgreSQL: inbox p95 ≤ 20 ms,
dashboard p95 ≤ 300 ms, SLA sweep over 100k open steps ≤ 1 s.

    python bench/scale.py                      # 1,000,000 dossiers, 200 agencies
    python bench/scale.py --cases 50000        # a quick look

Figures only: nothing here is asserted.
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import itertools
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import bindparam, func, insert, select, text, update

from isobpmn.calendar import WorkingCalendar
from isobpmn.engine import ManualClock
from isobpmn.model import Duration, TimeUnit, read_procedure
from isobpmn.model.types import Procedure as ProcedureModel
from isobpmn.services import Services
from isobpmn.services.deadlines import warn_at
from isobpmn.store import (
    Agency,
    Base,
    Case,
    CasePause,
    Database,
    Event,
    Membership,
    Procedure,
    ProcedureVersion,
    Rating,
    Task,
    User,
    upgrade,
)

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = ("dang-ky-khai-sinh.bpmn", "dang-ky-ho-kinh-doanh.bpmn",
           "cap-giay-phep-xay-dung-nha-o-rieng-le.bpmn")
#: How often each procedure is asked for (birth registrations dominate).
WEIGHTS = (0.55, 0.30, 0.15)
NOW = datetime(2026, 11, 20, 3, 0, tzinfo=timezone.utc)  # a Friday, 10:00 in Hà Nội
HISTORY_DAYS = 730
#: The worker sweeps every 30 seconds by default (``isobpmn worker --interval``).
SWEEP_INTERVAL = timedelta(seconds=30)
BATCH = 10000
TARGETS = {"inbox": 20.0, "dashboard, agency, month": 300.0,
           "dashboard, province, quarter": 300.0, "SLA sweep": 1000.0,
           "SLA sweep, all open steps within deadline": 1000.0}


# --- the province -------------------------------------------------------------------------


@dataclass(frozen=True)
class Flow:
    """A published procedure as the generator walks it: its main path of steps."""

    version_id: int
    code: str
    steps: tuple  # of model Step
    limit_hours: float
    weight: float


@dataclass
class Province:
    agencies: list[tuple[int, str, int]]  # id, code, weight
    users: dict[tuple[int, str], tuple[int, str]]  # (agency id, role) → (user id, name)
    flows: list[Flow]
    calendar: WorkingCalendar


def _hours(duration) -> float:
    if duration is None:
        return 8.0
    unit = duration.unit.value
    value = float(duration.value)
    return {"working-days": value * 8, "working-hours": value, "calendar-days": value * 8,
            "same-day": 4.0}.get(unit, value * 8)


def build_province(services: Services, count: int) -> Province:
    """The directory (bulk) and the library (through the services)."""
    models: list[tuple[bytes, ProcedureModel]] = []
    for name in LIBRARY:
        xml = (ROOT / "bpmn" / name).read_bytes()
        models.append((xml, read_procedure(xml)))
    roles = sorted({s.role.code for _, m in models for s in m.steps if s.role and s.role.code})
    with services.db.write() as session:
        province = Agency(code="TINH-BENCH", name="UBND tỉnh Bench", level="province")
        session.add(province)
        session.flush()
        rows = []
        departments = max(1, count // 10)
        for i in range(1, count):
            department = i <= departments - 1
            code = f"SO-{i:02d}" if department else f"XA-{i:03d}"
            name = f"Sở {i:02d}" if department else f"UBND xã {i:03d}"
            rows.append({"code": code, "name": name, "parent_id": province.id,
                         "level": "department" if department else "commune"})
        session.execute(insert(Agency.__table__), rows)
        agencies = [(a.id, a.code, 3 if a.level == "department" else
                     (2 if a.level == "province" else 1))
                    for a in session.scalars(select(Agency).order_by(Agency.id))]
        users, memberships, names = [], [], {}
        next_id = (session.scalar(select(func.max(User.id))) or 0) + 1
        for agency_id, code, _ in agencies:
            for role in roles:
                name = f"{code.lower()}-{role}"
                users.append({"id": next_id, "username": name, "full_name": name,
                              "is_active": True, "is_admin": False})
                memberships.append({"user_id": next_id, "agency_id": agency_id,
                                    "role_code": role})
                names[(agency_id, role)] = (next_id, name)
                next_id += 1
        session.execute(insert(User.__table__), users)
        session.execute(insert(Membership.__table__), memberships)
    for xml, _ in models:
        services.publish_procedure(xml)
    flows = []
    with services.db.read() as session:
        for (xml, model), weight in zip(models, WEIGHTS, strict=True):
            version_id = session.scalar(
                select(ProcedureVersion.id).join(Procedure)
                .where(Procedure.code == model.code, ProcedureVersion.status == "published"))
            main = tuple(s for s in model.steps if s.on_main_path)
            flows.append(Flow(version_id, model.code, main, _hours(model.time_limit), weight))
    calendar = services.context.calendars.of(agencies[0][0], None)
    return Province(agencies, names, flows, calendar)


def read_province(services: Services) -> Province:
    """The province of a database this script built before (``--database``)."""
    with services.db.read() as session:
        rows = session.execute(select(Agency.id, Agency.code, Agency.level)
                               .order_by(Agency.id)).all()
        if not rows or rows[0].code != "TINH-BENCH":
            raise SystemExit("that database was not built by bench/scale.py (no TINH-BENCH)")
        agencies = [(r.id, r.code, 3 if r.level == "department" else
                     (2 if r.level == "province" else 1)) for r in rows]
        users = {(m.agency_id, m.role_code): (m.user_id, m.username) for m in session.execute(
            select(Membership.agency_id, Membership.role_code, Membership.user_id,
                   User.username).join(User, User.id == Membership.user_id))}
        flows = []
        for name, weight in zip(LIBRARY, WEIGHTS, strict=True):
            model = read_procedure((ROOT / "bpmn" / name).read_bytes())
            version_id = session.scalar(
                select(ProcedureVersion.id).join(Procedure)
                .where(Procedure.code == model.code, ProcedureVersion.status == "published"))
            main = tuple(s for s in model.steps if s.on_main_path)
            flows.append(Flow(version_id, model.code, main, _hours(model.time_limit), weight))
    return Province(agencies, users, flows, services.context.calendars.of(agencies[0][0], None))


# --- dossiers ------------------------------------------------------------------------------


class Ids:
    def __init__(self, session) -> None:
        self.case = (session.scalar(select(func.max(Case.id))) or 0)
        self.task = (session.scalar(select(func.max(Task.id))) or 0)
        self.event = (session.scalar(select(func.max(Event.id))) or 0)
        self.pause = (session.scalar(select(func.max(CasePause.id))) or 0)
        self.rating = (session.scalar(select(func.max(Rating.id))) or 0)


class Axis:
    """The calendar's office time as one axis over the bench's years: a moment's position
    (office seconds since the first day) and back, by bisection, so that generating millions
    of steps does not walk the calendar day by day each time."""

    def __init__(self, calendar: WorkingCalendar, first: date, last: date) -> None:
        self.first = first
        self.bases: list[int] = []
        self.intervals: list[tuple[tuple[float, float], ...]] = []
        base, day = 0, first
        while day <= last:
            spans = tuple((a.timestamp(), b.timestamp())
                          for a, b in calendar.office_intervals(day))
            self.bases.append(base)
            self.intervals.append(spans)
            base += int(sum(b - a for a, b in spans))
            day += timedelta(days=1)
        self.tz = calendar.tz
        self.days = [d for d, spans in enumerate(self.intervals) if spans]
        self.starts = [self.bases[d] for d in self.days]

    def position(self, moment: datetime) -> float:
        index = (moment.astimezone(self.tz).date() - self.first).days
        stamp = moment.timestamp()
        position = self.bases[index]
        for a, b in self.intervals[index]:
            if stamp > a:
                position += min(stamp, b) - a
        return position

    def moment(self, position: float) -> datetime:
        """The earliest moment at ``position`` on the axis."""
        k = max(0, bisect.bisect_left(self.starts, position) - 1)
        while k + 1 < len(self.days) and self.starts[k + 1] < position:
            k += 1
        left = position - self.starts[k]
        for a, b in self.intervals[self.days[k]]:
            if left <= b - a:
                return datetime.fromtimestamp(a + left, timezone.utc)
            left -= b - a
        a, b = self.intervals[self.days[k]][-1]
        return datetime.fromtimestamp(b, timezone.utc)

    def later(self, moment: datetime, hours: float) -> datetime:
        return self.moment(self.position(moment) + max(hours, 0.05) * 3600)


COLUMNS = {
    "cases": ("id", "code", "agency_id", "procedure_version_id", "applicant_name",
              "applicant_id_number", "applicant_address", "channel", "status", "received_at",
              "clock_started_at", "appointment_at", "original_appointment_at", "resolved_at",
              "returned_at", "outcome", "lookup_code", "supplement_count",
              "dossier_components", "data", "created_at"),
    "tasks": ("id", "case_id", "agency_id", "task_uuid", "bpmn_id", "name", "step_number",
              "role_code", "unit_code", "state", "ready_at", "due_at", "paused_seconds",
              "claimed_by", "claimed_at", "completed_by", "completed_at", "outcome",
              "sla_state", "data"),
    "case_pauses": ("id", "case_id", "reason", "started_at", "ended_at", "requested_by",
                    "note"),
    "ratings": ("id", "case_id", "agency_id", "score", "comment", "created_at"),
    "events": ("id", "chain_key", "seq", "case_id", "kind", "actor_id", "actor_name", "at",
               "task_id", "payload", "prev_hash", "hash"),
}


class Generator:
    """Dossiers, steps, pauses, ratings and audit events as rows (tuples in the order of
    :data:`COLUMNS`), in batches."""

    def __init__(self, province: Province, ids: Ids, seed: int = 20261123) -> None:
        self.p = province
        self.ids = ids
        self.rng = random.Random(seed)
        self.cal = province.calendar
        local_now = NOW.astimezone(self.cal.tz).date()
        self.axis = Axis(self.cal, local_now - timedelta(days=HISTORY_DAYS + 5),
                         local_now + timedelta(days=400))
        self.agencies = province.agencies
        self.agency_weights = list(itertools.accumulate(w for _, _, w in province.agencies))
        self.flow_weights = list(itertools.accumulate(f.weight for f in province.flows))
        self.serial = 0
        self.open_tasks = 0

    def dossiers(self, count: int) -> Iterator[dict[str, list[tuple]]]:
        rows: dict[str, list[tuple]] = {k: [] for k in COLUMNS}
        for i in range(count):
            self._one(rows)
            if (i + 1) % BATCH == 0:
                yield rows
                rows = {k: [] for k in COLUMNS}
        if rows["cases"]:
            yield rows

    def _event(self, rows, case_id, state, kind, at, actor, task_id=None, payload=None):
        self.ids.event += 1
        chain = f"case:{case_id}"
        seq, prev = state
        actor_id, actor_name = actor if actor else (None, "system")
        digest = hashlib.sha256(f"{prev}|{chain}|{seq}|{kind}|{at.timestamp()}|{actor_id}|"
                                f"{task_id}".encode()).hexdigest()
        rows["events"].append((self.ids.event, chain, seq, case_id, kind, actor_id, actor_name,
                               at, task_id, payload or "{}", prev, digest))
        return (seq + 1, digest)

    def _one(self, rows) -> None:
        rng, axis = self.rng, self.axis
        agency_id, agency_code, _ = self.agencies[
            bisect.bisect_left(self.agency_weights, rng.random() * self.agency_weights[-1])]
        flow = self.p.flows[
            bisect.bisect_left(self.flow_weights, rng.random() * self.flow_weights[-1])]
        age = rng.random() * HISTORY_DAYS
        received = axis.moment(axis.position(NOW - timedelta(days=age)) + rng.random() * 3600)
        if received >= NOW:
            received = NOW - timedelta(hours=1)
        open_ = rng.random() < (0.8 if age < 45 else 0.055)
        ending = rng.random()
        self.ids.case += 1
        case_id = self.ids.case
        self.serial += 1
        code = f"{agency_code}-{received.astimezone(axis.tz):%y%m%d}-{self.serial:07d}"
        clock = received
        appointment = axis.later(clock, flow.limit_hours)
        desk = self.p.users[(agency_id, flow.steps[0].role.code)]
        state = self._event(rows, case_id, (1, None), "case_received", received, desk)
        moment = clock
        stop = len(flow.steps)
        if open_:
            stop = rng.randrange(len(flow.steps))
        elif ending < 0.04:
            stop = rng.randrange(1, len(flow.steps))
        slow = rng.random() < 0.08  # a dossier that runs late
        paused = None
        for index, step in enumerate(flow.steps[:stop + (1 if open_ else 0)]):
            allotted = _hours(step.info.allotment)
            due = axis.later(moment, allotted)
            user_id, user_name = self.p.users[(agency_id, step.role.code)]
            self.ids.task += 1
            task_id = self.ids.task
            task_uuid = str(uuid.UUID(int=rng.getrandbits(128)))
            if open_ and index == stop:
                claimed = rng.random() < 0.5
                rows["tasks"].append((
                    task_id, case_id, agency_id, task_uuid, step.bpmn_id, step.name,
                    step.number, step.role.code, step.role.unit or None,
                    "claimed" if claimed else "ready", moment, due, 0,
                    user_id if claimed else None, moment if claimed else None, None, None,
                    None, "overdue" if due < NOW else "on_track", "{}"))
                self.open_tasks += 1
                if rng.random() < 0.05:
                    self.ids.pause += 1
                    paused = moment
                    rows["case_pauses"].append((self.ids.pause, case_id, "supplement", moment,
                                                None, user_id, "Bổ sung bản sao giấy tờ"))
                break
            used = allotted * rng.lognormvariate(-0.6, 0.5) * (2.2 if slow else 1.0)
            done = axis.later(moment, used)
            if done > NOW:
                done = max(NOW - timedelta(minutes=rng.randrange(1, 600)),
                           moment + timedelta(minutes=1))
            outcome = ("late" if done > due else
                       "early" if done.astimezone(axis.tz).date() < due.astimezone(axis.tz).date()
                       else "on_time")
            rows["tasks"].append((
                task_id, case_id, agency_id, task_uuid, step.bpmn_id, step.name, step.number,
                step.role.code, step.role.unit or None, "completed", moment, due, 0, user_id,
                moment, user_id, done, outcome, "on_track", "{}"))
            state = self._event(rows, case_id, state, "task_completed", done,
                                (user_id, user_name), task_id)
            moment = done
        status, outcome, resolved, returned = "open", None, None, None
        if open_:
            status = "paused" if paused else "open"
        elif stop < len(flow.steps):
            status = "refused" if ending < 0.03 else "withdrawn"
            resolved = moment
            state = self._event(rows, case_id, state, f"case_{status}", moment, desk)
        else:
            resolved = moment
            outcome = ("late" if resolved > appointment else
                       "early" if resolved.astimezone(axis.tz).date()
                       < appointment.astimezone(axis.tz).date() else "on_time")
            state = self._event(rows, case_id, state, "case_resolved", resolved, None)
            status = "resolved"
            if rng.random() < 0.9:
                returned = min(NOW, resolved + timedelta(hours=rng.uniform(0.2, 30)))
                status = "returned"
                state = self._event(rows, case_id, state, "result_returned", returned, desk)
                if rng.random() < 0.2:
                    self.ids.rating += 1
                    rows["ratings"].append((
                        self.ids.rating, case_id, agency_id,
                        rng.choices((5, 4, 3, 2, 1), (60, 25, 9, 4, 2))[0], None,
                        min(NOW, returned + timedelta(hours=2))))
        rows["cases"].append((
            case_id, code, agency_id, flow.version_id, f"Công dân {case_id}",
            f"{case_id:012d}", "Thôn 1",
            ("online", "in_person", "post")[bisect.bisect_left((45, 95, 100),
                                                               rng.random() * 100)],
            status, received, clock, appointment, appointment, resolved, returned, outcome,
            f"{rng.randrange(16**6):06X}", 1 if paused else 0, "[]", "{}", received))


#: Columns holding moments, which SQLite stores as UTC text.
MOMENTS = {"received_at", "clock_started_at", "appointment_at", "original_appointment_at",
           "resolved_at", "returned_at", "created_at", "ready_at", "due_at", "claimed_at",
           "completed_at", "started_at", "ended_at", "at"}


def _sqlite_rows(columns: tuple[str, ...], rows: list[tuple]) -> Iterator[tuple]:
    moments = [i for i, name in enumerate(columns) if name in MOMENTS]
    for row in rows:
        row = list(row)
        for i in moments:
            if row[i] is not None:
                row[i] = row[i].astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
        yield row


def _write(services: Services, rows: dict[str, list[tuple]]) -> None:
    """One batch in one transaction: COPY on PostgreSQL, executemany on SQLite (with a large
    page cache and no fsync per batch, as a bulk load would)."""
    engine = services.db.engine
    with engine.begin() as connection:
        raw = connection.connection.driver_connection
        if engine.dialect.name == "postgresql":
            with raw.cursor() as cursor:
                for table, columns in COLUMNS.items():
                    if not rows[table]:
                        continue
                    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                        for row in rows[table]:
                            copy.write_row(row)
        else:
            cursor = raw.cursor()
            cursor.execute("PRAGMA cache_size = -1000000")
            for table, columns in COLUMNS.items():
                if not rows[table]:
                    continue
                marks = ", ".join("?" * len(columns))
                cursor.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                    _sqlite_rows(columns, rows[table]))


def load(targets: list[Services], province: Province, count: int) -> tuple[int, float]:
    """Insert ``count`` dossiers into every database of ``targets``; returns the open steps
    made and the seconds taken."""
    started = time.perf_counter()
    with targets[0].db.read() as session:
        ids = Ids(session)
    generator = Generator(province, ids)
    made = 0
    # as a bulk load does: the secondary indexes go while the rows go in, and come back after
    indexes = [index for name in COLUMNS for index in Base.metadata.tables[name].indexes]
    for services in targets:
        for index in indexes:
            index.drop(services.db.engine)
    for rows in generator.dossiers(count):
        for services in targets:
            _write(services, rows)
        made += len(rows["cases"])
        _progress(f"  {made:>9,} / {count:,} dossiers", started)
    sys.stderr.write("\n")
    for services in targets:
        engine = services.db.engine
        for index in indexes:
            index.create(engine)
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                for name in ("cases", "tasks", "case_pauses", "ratings", "events"):
                    connection.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"(SELECT max(id) FROM {name}))"))
        vacuum(services)
    return generator.open_tasks, time.perf_counter() - started


def vacuum(services: Services) -> None:
    """Fresh planner statistics (and, on PostgreSQL, visibility maps for index-only scans)."""
    engine = services.db.engine
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql"
                                else "ANALYZE"))


def _progress(message: str, started: float) -> None:
    if sys.stderr.isatty():
        sys.stderr.write(f"\r{message} ({time.perf_counter() - started:.0f} s)")
        sys.stderr.flush()


# --- timing --------------------------------------------------------------------------------


def timed(function: Callable[[], object], rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * 95 // 100) - 1)]


def measure(services: Services, province: Province, clock: ManualClock, rounds: int,
            ) -> dict[str, list[float]]:
    rng = random.Random(7)
    tz = province.calendar.tz
    today = NOW.astimezone(tz).date()
    month_start = today.replace(day=1)
    quarter_end = month_start - timedelta(days=1)
    quarter_start = (quarter_end.replace(day=1) - timedelta(days=62)).replace(day=1)
    province_code = province.agencies[0][1]
    officials = [name for (_, role), (_, name) in province.users.items()]
    with services.db.read() as session:
        total = session.scalar(select(func.max(Case.id)))
    results: dict[str, list[float]] = {}

    def sample_case() -> tuple[str, str, str]:
        with services.db.read() as session:
            while True:
                row = session.execute(select(Case.code, Case.lookup_code, Case.agency_id)
                                      .where(Case.id == rng.randrange(1, total + 1))).first()
                if row is not None:
                    return row.code, row.lookup_code, row.agency_id

    def desk_of(agency_id: int) -> str:
        return next(name for (a, _), (_, name) in province.users.items() if a == agency_id)

    results["inbox"] = _each(rounds, lambda: services.list_tasks(rng.choice(officials), "all"))
    agency_codes = [code for _, code, _ in province.agencies[1:]]
    results["dashboard, agency, month"] = _each(
        rounds, lambda: services.dashboard(rng.choice(agency_codes), month_start, today,
                                           actor=None))
    results["dashboard, province, quarter"] = _each(
        max(5, rounds // 4), lambda: services.dashboard(province_code, quarter_start,
                                                        quarter_end, actor=None))

    def case_page() -> None:
        code, _, agency_id = sample_case()
        user = desk_of(agency_id)
        services.case_view(code, actor=user)
        services.case_diagram(code, user)
        services.available_forms(code)
        services.case_timeline(code, user)

    results["case page"] = _each(rounds, case_page)

    def lookup() -> None:
        code, verification, _ = sample_case()
        services.lookup_dossier(code, verification)

    results["lookup"] = _each(rounds, lookup)
    results["statutory report, province, quarter"] = _each(
        max(5, rounds // 4), lambda: services.statutory_report(
            province_code, quarter_start, quarter_end, actor=None))

    started = time.perf_counter()
    first = services.sweep_sla(NOW)
    results["SLA sweep, first (settles generated states)"] = [
        (time.perf_counter() - started) * 1000]
    sweeps = []
    for step in range(1, max(5, rounds // 4) + 1):
        moment = NOW + SWEEP_INTERVAL * step
        clock.set(moment)
        started = time.perf_counter()
        report = services.sweep_sla(moment)
        sweeps.append((time.perf_counter() - started) * 1000)
    results["SLA sweep"] = sweeps
    results["_sweep"] = [first.checked, first.changed, report.checked, report.changed]
    open_steps = within_deadline(services, province)
    clock.set(NOW)
    started = time.perf_counter()
    first = services.sweep_sla(NOW)
    results["SLA sweep, all open steps within deadline, first"] = [
        (time.perf_counter() - started) * 1000]
    sweeps = []
    for step in range(1, max(5, rounds // 4) + 1):
        started = time.perf_counter()
        report = services.sweep_sla(NOW + SWEEP_INTERVAL * step)
        sweeps.append((time.perf_counter() - started) * 1000)
    results["SLA sweep, all open steps within deadline"] = sweeps
    results["_within"] = [open_steps, first.checked, first.changed, report.checked,
                          report.changed]
    return results


def within_deadline(services: Services, province: Province) -> int:
    """Give every open step of an open dossier an allotment of half a day to ten working days
    of which a random part is used, its due moment and the moment it turns yellow (as the
    services store them): the sweep's hardest case, every open step still green or yellow.
    Returns how many steps that is."""
    calendar, settings = province.calendar, services.context.settings
    rng = random.Random(11)
    with services.db.read() as session:
        rows = session.execute(select(Task.id, Case.clock_started_at).join(Case)
                               .where(Task.state.in_(("ready", "claimed")),
                                      Case.status == "open")).all()
    changes = []
    for task_id, clock_start in rows:
        allotment = timedelta(hours=rng.randrange(4, 81))  # half a day to ten days
        ready = calendar.rewind(NOW, allotment * rng.random())  # part of it already used
        start = max(ready, clock_start or ready)  # as the services count a step's clock
        due = calendar.add(start, Duration(Decimal(allotment.total_seconds()) / 3600,
                                           TimeUnit.WORKING_HOURS))
        changes.append({"task_id": task_id, "ready": ready, "due": due, "sla": "on_track",
                        "warn": warn_at(calendar, settings, start, due)})
    with services.db.write() as session:
        tasks = Task.__table__
        session.execute(update(tasks).where(tasks.c.id == bindparam("task_id"))
                        .values(ready_at=bindparam("ready"), due_at=bindparam("due"),
                                sla_state=bindparam("sla"), warn_at=bindparam("warn")),
                        changes)
    return len(changes)


def _each(rounds: int, function: Callable[[], object]) -> list[float]:
    function()  # warm: specs parsed, caches filled
    return timed(function, rounds)


# --- the run -------------------------------------------------------------------------------


def prepare(url: str, agencies: int) -> tuple[Services, ManualClock, Province]:
    upgrade(url)
    clock = ManualClock(NOW)
    services = Services(Database.from_url(url), clock=clock)
    return services, clock, build_province(services, agencies)


def summing(services: Services) -> None:
    """Sum the history into the reports' pre-aggregates, as the worker keeps them."""
    started = time.perf_counter()
    done = services.roll_up_reports(NOW)
    print(f"  reports' pre-aggregates: {done.days} day(s) summed in {done.runs} transaction(s), "
          f"{done.rows:,} rows, {time.perf_counter() - started:.1f} s", flush=True)


def counts(services: Services) -> str:
    with services.db.read() as session:
        found = [session.scalar(select(func.count()).select_from(t)) for t in (Case, Task, Event)]
    return f"{found[0]:,} dossiers, {found[1]:,} steps, {found[2]:,} events"


def table(label: str, results: dict, *, postgres: bool) -> None:
    sweep = results.pop("_sweep")
    within = results.pop("_within")
    print(f"\n{label}")
    print(f"  {'query':<46} {'n':>4} {'p50 ms':>9} {'p95 ms':>9}  target (PostgreSQL)")
    for name, values in results.items():
        target = TARGETS.get(name)
        mark = ""
        if target is not None:
            verdict = "met" if p95(values) <= target else "missed"
            mark = f"p95 ≤ {target:.0f} ms" + (f": {verdict}" if postgres else "")
        print(f"  {name:<46} {len(values):>4} {statistics.median(values):>9.1f} "
              f"{p95(values):>9.1f}  {mark}")
    print(f"  the first sweep checked {sweep[0]:,} open steps and changed {sweep[1]:,}; "
          f"the last checked {sweep[2]:,} and changed {sweep[3]:,}")
    print(f"  with {within[0]:,} open steps within their deadline, the first sweep read "
          f"{within[1]:,} and changed {within[2]:,}; the last read {within[3]:,} and changed "
          f"{within[4]:,}")


def _postgres_url() -> str | None:
    return os.environ.get("ISOBPMN_BENCH_DATABASE_URL") or os.environ.get(
        "ISOBPMN_TEST_DATABASE_URL")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--agencies", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=40, help="timed calls per query")
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--keep", action="store_true",
                        help="keep the SQLite file and the PostgreSQL schema")
    parser.add_argument("--database", action="append", default=[], metavar="URL",
                        help="measure a database this script built and kept (migrated to "
                             "the code's head first); repeatable")
    args = parser.parse_args()
    if args.database:
        for url in args.database:
            label = "PostgreSQL" if url.startswith("postgresql") else "SQLite (file, WAL)"
            started = time.perf_counter()
            upgrade(url)
            clock = ManualClock(NOW)
            services = Services(Database.from_url(url), clock=clock)
            print(f"{label}: {counts(services)}, migrated to head in "
                  f"{time.perf_counter() - started:.1f} s", flush=True)
            summing(services)
            vacuum(services)  # as autovacuum would have, after an earlier run's updates
            results = measure(services, read_province(services), clock, args.rounds)
            table(label, results, postgres=label == "PostgreSQL")
            services.db.engine.dispose()
        return
    urls: list[tuple[str, str]] = []
    folder = Path(tempfile.mkdtemp(prefix="isobpmn-scale-"))
    if args.only != "postgresql":
        urls.append(("SQLite (file, WAL)", f"sqlite:///{folder / 'scale.sqlite3'}"))
    base = _postgres_url()
    schema = f"isobpmn_scale_{secrets.token_hex(4)}"
    admin = None
    if args.only != "sqlite" and base:
        from sqlalchemy import create_engine

        admin = create_engine(base)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        separator = "&" if "?" in base else "?"
        urls.append(("PostgreSQL", f"{base}{separator}options="
                                   f"{quote(f'-csearch_path={schema}')}"))
    elif args.only != "sqlite":
        print("PostgreSQL: skipped (set ISOBPMN_BENCH_DATABASE_URL or "
              "ISOBPMN_TEST_DATABASE_URL)")
    try:
        print(f"building {args.agencies} agencies and {args.cases:,} dossiers in "
              f"{' and '.join(label for label, _ in urls)} …", flush=True)
        prepared = [prepare(url, args.agencies) for _, url in urls]
        provinces = [p for _, _, p in prepared]
        if any((p.agencies, p.users, p.flows) != (provinces[0].agencies, provinces[0].users,
                                                  provinces[0].flows) for p in provinces):
            raise SystemExit("the databases gave the directory different ids; start from "
                             "empty databases")
        open_tasks, seconds = load([s for s, _, _ in prepared], provinces[0], args.cases)
        for (label, _), (services, clock, province) in zip(urls, prepared, strict=True):
            print(f"{label}: {counts(services)} ({open_tasks:,} steps open), "
                  f"loaded in {seconds:.0f} s", flush=True)
            if args.keep:
                print(f"  kept as {services.db.engine.url.render_as_string(False)}", flush=True)
            summing(services)
            results = measure(services, province, clock, args.rounds)
            table(f"{label}, {args.cases:,} dossiers", results,
                  postgres=label == "PostgreSQL")
            services.db.engine.dispose()
    finally:
        if args.keep:
            print(f"kept: {folder} and schema {schema}")
        else:
            for path in folder.iterdir():
                path.unlink()
            folder.rmdir()
            if admin is not None:
                with admin.begin() as connection:
                    connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        if admin is not None:
            admin.dispose()


if __name__ == "__main__":
    main()
