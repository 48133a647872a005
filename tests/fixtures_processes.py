"""Processes as in production, shared as a pytest plugin: a migrated, seeded database served by
``gunicorn isobpmn.web.wsgi:app`` web processes and ``isobpmn worker`` processes on loopback.

``cluster(backend, web=2, workers=2)`` (a fixture factory) makes the database — a fresh
PostgreSQL schema (``ISOBPMN_TEST_DATABASE_URL``, selected through ``search_path`` like every
PostgreSQL test) or a SQLite file in ``tmp_path`` —, migrates and seeds it
(:func:`fixtures_services.seed` with hộ kinh doanh, plus :data:`QUICK_TIMER`), issues an API
token for every official, starts the processes on free ports and waits for ``/healthz``. Each
process runs in a process group of its own; the tests kill them with SIGKILL (a crash, not a
shutdown) and start them again, and teardown kills whatever is left.

The processes run on the real clock (``SystemClock``), as in production: nothing in them is
made for tests. Time that must pass for a timer is two seconds: :data:`QUICK_TIMER` is the
escalation procedure of ``tests/fixtures/services/leo-thang.bpmn`` with its boundary timer
``"PT2S"`` instead of two working days, so the workers fire timers while the officials work —
and race them for the same step.

:class:`Api` is a small HTTP client (one connection per request, latencies and statuses
counted); :class:`Dossier` drives one dossier through the API from its receipt to its end,
as a generator of waits, and :func:`run_jobs` runs many such generators on a few threads.
:func:`check_cluster` is what every test asserts afterwards: no dossier in an impossible state,
one claim and one completion per step, every due timer fired exactly once, every audit chain
intact and every dossier's log a run its diagram allows (what ``isobpmn audit verify`` and
``isobpmn audit replay --all`` report, through the same services).
"""

from __future__ import annotations

import functools
import heapq
import http.client
import itertools
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from fixtures_services import AGENCY, HKD_HAPPY, HO_KINH_DOANH, seed
from fixtures_store import PG_ENV, _postgres_schema

FIXTURES = Path(__file__).resolve().parent / "fixtures"
#: The escalation procedure with a two-second timer on its only step.
QUICK_TIMER = "QT-TEST-LT"
TIMER_SECONDS = 2.0
FINISHED = ("resolved", "returned", "refused", "withdrawn")
OPEN = ("ready", "claimed")

#: Who works on a step, by its lane's role (the seed's officials).
OFFICIAL = {"mot-cua": "motcua", "chuyen-vien": "chuyenvien", "lanh-dao-phong": "truongphong",
            "lanh-dao": "chutich", "van-thu": "vanthu"}
#: What each step of hộ kinh doanh and of the timer procedure is completed with.
STEP_DATA: dict[str, dict[str, Any]] = {
    **{bpmn_id: data for bpmn_id, _, data in HKD_HAPPY},
    "Task_DuThaoTuChoi": {"ly_do_tu_choi": "Ngành nghề thuộc danh mục cấm kinh doanh"},
    "Task_KyTuChoi": {"van_ban_tu_choi": {"number": "15/TB-UBND", "date": "04/03/2026"}},
    "Task_XuLy": {}, "Task_BaoCao": {},
}


def backend_or_skip(backend: str) -> None:
    if backend == "postgresql" and not os.environ.get(PG_ENV, "").strip():
        pytest.skip(f"PostgreSQL: set {PG_ENV}=postgresql+psycopg://USER@HOST:PORT/DB to run")


def available_backend() -> str:
    """PostgreSQL when the tests have one, else SQLite."""
    return "postgresql" if os.environ.get(PG_ENV, "").strip() else "sqlite"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def report(line: str) -> None:
    """Print a test's figures past pytest's capture (they belong in every run's output)."""
    manager = _CAPTURE.get("manager")
    if manager is None:
        print(line)
        return
    with manager.global_and_fixture_disabled():
        print("\n" + line, flush=True)


_CAPTURE: dict[str, Any] = {}


def pytest_configure(config) -> None:
    _CAPTURE["manager"] = config.pluginmanager.getplugin("capturemanager")


# --- processes -------------------------------------------------------------------------------


class Process:
    """One OS process in a process group of its own, its output in a log file."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log: Path) -> None:
        self.name, self.argv, self.env, self.log = name, argv, env, log
        self.port: int | None = None
        self.popen: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        with open(self.log, "ab") as out:
            out.write(f"--- start {self.starts}: {' '.join(self.argv)}\n".encode())
            out.flush()
            self.popen = subprocess.Popen(self.argv, env=self.env, stdout=out,
                                          stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                          start_new_session=True)

    @property
    def healthy(self) -> bool:
        """A web process answers ``/healthz``."""
        return self.port is not None and self.alive and _healthy(self.port)

    @property
    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def kill(self) -> None:
        """SIGKILL to the whole group (a gunicorn master and its workers die together)."""
        if self.popen is None:
            return
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.popen.wait()

    def kill_child(self, rng: random.Random) -> bool:
        """SIGKILL to one of the process's children (a gunicorn worker: the master starts
        another); False when it has none."""
        children = self.children()
        if not children:
            return False
        try:
            os.kill(rng.choice(children), signal.SIGKILL)
        except ProcessLookupError:
            return False
        return True

    def children(self) -> list[int]:
        """Process ids of the direct children (a gunicorn master's workers)."""
        if not self.alive:
            return []
        path = Path(f"/proc/{self.popen.pid}/task/{self.popen.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except OSError:
            return []

    def tail(self, lines: int = 30) -> str:
        try:
            text = self.log.read_text(errors="replace").splitlines()
        except OSError:
            return ""
        return f"--- {self.name} ({self.log}):\n" + "\n".join(text[-lines:])


class Cluster:
    """A seeded database with web and worker processes on it (module doc)."""

    def __init__(self, backend: str, directory: Path, *, officials: int = 0) -> None:
        from isobpmn.engine import SystemClock
        from isobpmn.services import Services
        from isobpmn.store import Database, upgrade

        self.backend, self.directory = backend, directory
        directory.mkdir(parents=True, exist_ok=True)
        self._stack = ExitStack()
        try:
            if backend == "postgresql":
                schema = _postgres_schema(os.environ[PG_ENV].strip())
                self.url = next(schema)
                self._stack.callback(schema.close)
            else:
                self.url = f"sqlite:///{directory / 'isobpmn.sqlite3'}"
            self.db = Database.from_url(self.url)
            self._stack.callback(self.db.dispose)
            upgrade(self.db)
            self.services = Services(self.db, SystemClock())
            self.tokens = seed_cluster(self.services, officials)
        except BaseException:
            self._stack.close()
            raise
        self.env = {**{k: v for k, v in os.environ.items() if not k.startswith("ISOBPMN_")},
                    "ISOBPMN_DATABASE_URL": self.url, "ISOBPMN_SECRET_KEY": "x" * 64,
                    "ISOBPMN_SESSION_COOKIE_SECURE": "false", "ISOBPMN_LOG_LEVEL": "WARNING",
                    "PYTHONUNBUFFERED": "1"}
        self.web: list[Process] = []
        self.ports: list[int] = []
        self.workers: list[Process] = []
        #: Seconds from nothing to every process up (seeding included).
        self.boot_seconds = 0.0

    # starting and stopping

    def add_web(self, processes: int = 2, threads: int = 2) -> Process:
        port = free_port()
        index = len(self.web)
        node = Process(f"web{index}", [
            sys.executable, "-m", "gunicorn", "isobpmn.web.wsgi:app",
            "--bind", f"127.0.0.1:{port}", "--workers", str(processes),
            "--threads", str(threads), "--preload",
            "--timeout", "120", "--graceful-timeout", "2", *_no_control_socket(),
        ], self.env, self.directory / f"web{index}.log")
        node.port = port
        self.web.append(node)
        self.ports.append(port)
        node.start()
        return node

    def add_worker(self, interval: float = 0.5) -> Process:
        index = len(self.workers)
        node = Process(f"worker{index}", [
            sys.executable, "-m", "isobpmn", "worker", "--interval", str(interval),
            "--worker-id", f"w{index}",
        ], self.env, self.directory / f"worker{index}.log")
        self.workers.append(node)
        node.start()
        return node

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Every web process answers ``/healthz`` (and every process is still alive)."""
        deadline = time.monotonic() + timeout
        for node, port in zip(self.web, self.ports):
            while not _healthy(port):
                if not node.alive or time.monotonic() > deadline:
                    raise AssertionError(f"{node.name} did not come up\n{node.tail()}")
                time.sleep(0.1)
        dead = [p for p in self.web + self.workers if not p.alive]
        assert not dead, "\n".join(p.tail() for p in dead)

    def close(self) -> None:
        for process in self.web + self.workers:
            process.kill()
        self._stack.close()

    def logs(self) -> str:
        return "\n".join(p.tail() for p in self.web + self.workers)

    def api(self, **options: Any) -> Api:
        return Api(self.ports, self.tokens, **options)


@functools.cache
def _no_control_socket() -> tuple[str, ...]:
    """Newer gunicorn releases open a control socket at one path per user: servers started
    side by side would take it from one another."""
    from gunicorn.config import KNOWN_SETTINGS

    return ("--no-control-socket",) if any(s.name == "control_socket_disable"
                                           for s in KNOWN_SETTINGS) else ()


def _healthy(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", "/healthz")
            return connection.getresponse().status == 200
        finally:
            connection.close()
    except (OSError, http.client.HTTPException):
        return False


def seed_cluster(services, officials: int = 0) -> dict[str, str]:
    """The seed of fixtures_services with hộ kinh doanh and the quick timer, plus
    ``officials`` desk officials ``cb01``… who are also specialists of the economic division
    (for races between many people on one step); an API token for everyone."""
    seed(services, procedures=(HO_KINH_DOANH,))
    timer = (FIXTURES / "services" / "leo-thang.bpmn").read_text(encoding="utf-8")
    services.publish_procedure(timer.replace("working_days(2)", f'"PT{TIMER_SECONDS:g}S"')
                               .encode("utf-8"), AGENCY)
    for number in range(1, officials + 1):
        username = f"cb{number:02d}"
        services.create_user(username, f"Cán bộ số {number:02d}")
        services.add_membership(username, AGENCY, "mot-cua")
        services.add_membership(username, AGENCY, "chuyen-vien", unit="phong-kinh-te")
    users = [*OFFICIAL.values(), "chuyenvien2", *(f"cb{n:02d}" for n in range(1, officials + 1))]
    return {user: services.create_api_token(user, "scale").token for user in users}


@pytest.fixture
def cluster(tmp_path) -> Iterator[Callable[..., Cluster]]:
    """``cluster(backend, web=2, web_processes=2, threads=2, workers=2, interval=0.5,
    officials=0)``: a running :class:`Cluster`, killed at teardown."""
    made: list[Cluster] = []

    def make(backend: str, *, web: int = 2, web_processes: int = 2, threads: int = 2,
             workers: int = 2, interval: float = 0.5, officials: int = 0) -> Cluster:
        backend_or_skip(backend)
        started = time.monotonic()
        built = Cluster(backend, tmp_path / f"cluster{len(made)}", officials=officials)
        made.append(built)
        for _ in range(web):
            built.add_web(web_processes, threads)
        for _ in range(workers):
            built.add_worker(interval)
        built.wait_ready()
        built.boot_seconds = time.monotonic() - started
        return built

    yield make
    for built in made:
        built.close()


# --- the HTTP client -------------------------------------------------------------------------


class Unreachable(Exception):
    """The request could not be sent (connection refused): sending it again is safe."""


class Lost(Exception):
    """The connection broke after the request was sent: it may or may not have happened."""


@dataclass
class Reply:
    status: int
    body: Any

    @property
    def error(self) -> dict[str, Any]:
        return (self.body or {}).get("error", {}) if isinstance(self.body, dict) else {}


class Api:
    """``/api/v1`` on the web processes, one fresh connection per request (round robin over
    the processes unless ``node`` is given). Counts statuses and keeps every latency."""

    def __init__(self, ports: list[int], tokens: dict[str, str], timeout: float = 60.0) -> None:
        self.ports, self.tokens, self.timeout = ports, tokens, timeout
        self.latencies: list[float] = []
        self.statuses: Counter[int] = Counter()
        self.codes: Counter[str] = Counter()
        self.unreachable = 0
        self.lost = 0
        self._next = itertools.count()
        self._lock = threading.Lock()

    def call(self, method: str, path: str, user: str, body: Any = None, *,
             node: int | None = None) -> Reply:
        index = next(self._next) % len(self.ports) if node is None else node
        headers = {"Authorization": f"Bearer {self.tokens[user]}", "Connection": "close"}
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        connection = http.client.HTTPConnection("127.0.0.1", self.ports[index],
                                                timeout=self.timeout)
        started = time.perf_counter()
        try:
            try:
                connection.connect()
            except OSError as exc:
                with self._lock:
                    self.unreachable += 1
                raise Unreachable(f"{method} {path} on :{self.ports[index]}: {exc}") from None
            try:
                connection.request(method, "/api/v1" + path, body=data, headers=headers)
                response = connection.getresponse()
                raw = response.read()
            except (OSError, http.client.HTTPException) as exc:
                with self._lock:
                    self.lost += 1
                raise Lost(f"{method} {path} on :{self.ports[index]}: {exc!r}") from None
        finally:
            connection.close()
        elapsed = time.perf_counter() - started
        reply = Reply(response.status, json.loads(raw) if raw else None)
        with self._lock:
            self.latencies.append(elapsed)
            self.statuses[reply.status] += 1
            if reply.error:
                self.codes[reply.error.get("code", "?")] += 1
        return reply

    @property
    def requests(self) -> int:
        return len(self.latencies)

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


# --- driving dossiers ------------------------------------------------------------------------

#: What happens to a dossier: hộ kinh doanh to its end (and handed over); with a supplement
#: asked and brought; found not eligible (the refusal letter, resolved at End_TuChoi); refused
#: at the desk; the quick timer left to fire (the leader then reports); the quick timer's step
#: completed around the moment the timer fires (whoever is first wins).
HAPPY, SUPPLEMENT, NOT_ELIGIBLE, REFUSED, TIMER, RACE = (
    "happy", "supplement", "not_eligible", "refused", "timer", "race")
PROCEDURE = {HAPPY: HO_KINH_DOANH, SUPPLEMENT: HO_KINH_DOANH, NOT_ELIGIBLE: HO_KINH_DOANH,
             REFUSED: HO_KINH_DOANH, TIMER: QUICK_TIMER, RACE: QUICK_TIMER}


class Stuck(AssertionError):
    """A dossier could not be driven on (an answer no official should get)."""


@dataclass
class Dossier:
    """One dossier driven through the API by the officials its steps need.

    :meth:`run` is a generator that yields how long to wait (seconds) whenever the dossier
    waits for something — a timer, a web process coming back — so that a few threads can
    drive many dossiers (:func:`run_jobs`). A request that found no web process is sent to
    another or later; one whose answer was lost is sent again, and a 409 to the repeat means
    the first attempt committed (or someone else moved the dossier on): after any 409 the
    dossier is read again and the next move follows from what the server says, so a move is
    never done twice nor skipped. A receipt whose answer was lost is not sent again blindly:
    the desk's inbox says whether the dossier was registered.
    """

    api: Api
    plan: str
    applicant: str
    patience: float = 0.0  #: seconds to keep trying while no web process answers
    hand_over: bool = True  #: a resolved dossier's result is handed over (``returned``)
    claim_first: bool = True  #: claim each step before completing it (else completing claims)
    code: str | None = None
    status: str = "open"
    open_tasks: list[dict[str, Any]] = field(default_factory=list)
    asked: bool = False
    raced: bool = False
    conflicts: list[str] = field(default_factory=list)
    repeats: list[str] = field(default_factory=list)
    repeated: bool = False
    steps: dict[int, dict[str, Any]] = field(default_factory=dict)
    rng: random.Random = field(default_factory=random.Random)

    def run(self) -> Iterator[float]:
        yield from self._receive()
        while True:
            if self.status in FINISHED:
                if self.plan == HAPPY and self.status == "resolved" and self.hand_over:
                    reply = yield from self._move("POST", f"/cases/{self.code}/return-result",
                                                  "motcua", {"receiver": self.applicant})
                    if reply is not None:
                        self.status = reply.body["status"]
                    continue
                return
            if self.status == "paused":
                reply = yield from self._move(
                    "POST", f"/cases/{self.code}/supplement-received", "motcua",
                    {"note": "Đã nhận bản sao Căn cước"})
                if reply is not None:
                    self.status, self.open_tasks = "open", reply.body["ready"]
                continue
            task = self.open_tasks[0] if self.open_tasks else None
            if task is None or (self.plan == TIMER and task["bpmn_id"] == "Task_XuLy"):
                # the worker's turn: the timer fires (and the worker runs every half second)
                yield max(0.4, self._fire_at(task) + 0.6 - time.time()) if task else 0.4
                yield from self._refresh()
                continue
            if self.plan == RACE and task["bpmn_id"] == "Task_XuLy" and not self.raced:
                wait = self._fire_at(task) + self.rng.uniform(-0.5, 0.8) - time.time()
                self.raced = True
                if wait > 0:
                    yield wait
            if self.plan == REFUSED and task["bpmn_id"] == "Task_TiepNhan":
                yield from self._refuse(task)
                continue
            yield from self._work(task)
            yield 0.0  # a turn for dossiers whose moment has come (the races with a timer)

    @staticmethod
    def _fire_at(task: dict[str, Any]) -> float:
        """When the quick timer of ``task`` fires (it starts with the step)."""
        return datetime.fromisoformat(task["ready_at"]).timestamp() + TIMER_SECONDS

    # the moves

    def _receive(self) -> Iterator[float]:
        body = {"procedure": PROCEDURE[self.plan], "agency": AGENCY, "channel": "online",
                "applicant": {"name": self.applicant, "phone": "0912345678"}}
        while True:
            try:
                reply = yield from self._call("POST", "/cases", "motcua", body)
            except Lost:
                yield 0.5
                found = yield from self._find_received()
                if found:
                    return
                continue
            self._expect(reply, 201)
            self.code, self.open_tasks = reply.body["case_code"], reply.body["first_tasks"]
            return

    def _find_received(self) -> Iterator[float]:
        """After a receipt whose answer was lost: the dossier, if it was registered (its open
        step waits, under the applicant's name, in the desk's inbox — or the leader's, once
        the quick timer fired)."""
        for user in ("motcua", "chutich"):
            reply = yield from self._read("GET", "/tasks?scope=all&limit=500", user)
            mine = [t for t in reply.body["tasks"] if t["applicant_name"] == self.applicant]
            if mine:
                self.code = mine[0]["case_code"]
                yield from self._refresh()
                return True
        return False

    def _work(self, task: dict[str, Any]) -> Iterator[float]:
        user = OFFICIAL[task["role_code"]]
        if self.claim_first:
            claimed = yield from self._move("POST", f"/tasks/{task['id']}/claim", user)
            if claimed is None:
                return
        if task["bpmn_id"] == "Task_HuongDanBoSung":
            path, body = f"/tasks/{task['id']}/supplement", {
                "reason": "Thiếu bản sao Căn cước của chủ hộ",
                "items": [{"name": "Bản sao Căn cước của chủ hộ", "copy": "certified"}]}
        else:
            path, body = f"/tasks/{task['id']}/complete", {"data": self._data(task)}
        done = yield from self._move("POST", path, user, body)
        if done is None:
            step = self.steps[task["id"]]
            if self.repeated and step["state"] == "completed" and step["completed_by"] != user:
                raise Stuck(f"dossier {self.code}: step {task['bpmn_id']} repeated after a lost "
                            f"answer was completed by {step['completed_by']}, not {user}")
            return
        if task["bpmn_id"] == "Task_HuongDanBoSung":
            self.asked = True
        self.status = done.body["case_status"]
        self.open_tasks = [t for t in self.open_tasks if t["id"] != task["id"]] \
            + done.body["ready"]

    def _refuse(self, task: dict[str, Any]) -> Iterator[float]:
        claimed = yield from self._move("POST", f"/tasks/{task['id']}/claim", "motcua")
        if claimed is None:
            return
        reply = yield from self._move("POST", f"/cases/{self.code}/refuse", "motcua",
                                      {"reason": "Hồ sơ không thuộc thẩm quyền giải quyết"})
        if reply is not None:
            self.status, self.open_tasks = reply.body["status"], []

    def _data(self, task: dict[str, Any]) -> dict[str, Any]:
        data = dict(STEP_DATA[task["bpmn_id"]])
        if task["bpmn_id"] == "Task_TiepNhan":
            data["nguoi_nop"] = self.applicant
            if self.plan == SUPPLEMENT and not self.asked:
                data["ho_so_day_du"] = "không"
        if task["bpmn_id"] == "Task_ThamDinh" and self.plan == NOT_ELIGIBLE:
            data["ket_qua_tham_dinh"] = "khong_dat"
        return data

    def _refresh(self) -> Iterator[float]:
        reply = yield from self._read("GET", f"/cases/{self.code}", "motcua")
        view = reply.body
        self.status = view["status"]
        self.steps = {t["id"]: t for t in view["tasks"]}
        self.open_tasks = [t for t in view["tasks"] if t["state"] in OPEN]
        self.asked = self.asked or view["supplement_count"] > 0

    # one request

    def _move(self, method: str, path: str, user: str, body: Any = None) -> Iterator[float]:
        """A change: its reply when it is 200/201; ``None`` after a 409, the dossier read again
        (the loop then decides what is left to do). A request whose answer was lost is sent
        again; a 409 to that repeat may mean the first attempt committed (:attr:`repeats`
        keeps those answers, :attr:`repeated` says the last change was one)."""
        sent = 0
        while True:
            sent += 1
            try:
                reply = yield from self._call(method, path, user, body)
                break
            except Lost:
                yield 0.3
        self.repeated = sent > 1
        if reply.status == 409:
            answer = f"{reply.error.get('code')}: {reply.error.get('message')}"
            (self.repeats if self.repeated else self.conflicts).append(answer)
            yield from self._refresh()
            return None
        self._expect(reply, 200, 201)
        return reply

    def _read(self, method: str, path: str, user: str) -> Iterator[float]:
        while True:
            try:
                reply = yield from self._call(method, path, user)
            except Lost:
                yield 0.2
                continue
            self._expect(reply, 200)
            return reply

    def _call(self, method: str, path: str, user: str, body: Any = None) -> Iterator[float]:
        """The request on any web process that answers; waits (yielding) while none does, up
        to :attr:`patience` seconds."""
        deadline = time.monotonic() + self.patience
        nodes = len(self.api.ports)
        while True:
            first = self.rng.randrange(nodes)
            for step in range(nodes):
                try:
                    return self.api.call(method, path, user, body, node=(first + step) % nodes)
                except Unreachable:
                    if step == nodes - 1 and time.monotonic() > deadline:
                        raise
            yield 0.2

    def _expect(self, reply: Reply, *statuses: int) -> None:
        if reply.status not in statuses:
            raise Stuck(f"{self.plan} dossier {self.code or self.applicant}: {reply.status} "
                        f"{json.dumps(reply.body, ensure_ascii=False)[:400]}")


def run_jobs(jobs: Iterable[Iterator[float]], threads: int, timeout: float) -> None:
    """Advance the generators on ``threads`` threads; each yields how long it waits before its
    next turn (0: just a turn for the others). A job whose wait is over goes first, then the
    others in turn. Raises the first error; :class:`AssertionError` after ``timeout`` s."""
    turns: deque[Iterator[float]] = deque(jobs)
    waiting: list[tuple[float, int, Iterator[float]]] = []  # (until, order, job)
    order = itertools.count()
    condition = threading.Condition()
    running = [0]
    errors: list[BaseException] = []
    deadline = time.monotonic() + timeout

    def next_job() -> Iterator[float] | None:
        with condition:
            while True:
                now = time.monotonic()
                if errors or now > deadline or not (turns or waiting or running[0]):
                    condition.notify_all()
                    return None
                if waiting and waiting[0][0] <= now:
                    job = heapq.heappop(waiting)[2]
                elif turns:
                    job = turns.popleft()
                else:
                    condition.wait(waiting[0][0] - now if waiting else 0.5)
                    continue
                running[0] += 1
                return job

    def work() -> None:
        while (job := next_job()) is not None:
            wait = None
            try:
                wait = next(job)
            except StopIteration:
                pass
            except Exception as exc:  # handed to the test
                errors.append(exc)
            with condition:
                running[0] -= 1
                if wait is not None and wait > 0:
                    heapq.heappush(waiting, (time.monotonic() + wait, next(order), job))
                elif wait is not None:
                    turns.append(job)
                condition.notify_all()

    pool = [threading.Thread(target=work, name=f"client-{n}") for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    if errors:
        raise errors[0]
    if turns or waiting:
        raise AssertionError(f"{len(turns) + len(waiting)} dossier(s) not finished after "
                             f"{timeout:g} s")


def plans(count: int, mix: dict[str, int], seed_value: int) -> list[str]:
    """``count`` plans in the proportions of ``mix`` (weights), shuffled with a fixed seed."""
    total = sum(mix.values())
    chosen = [plan for plan, weight in mix.items() for _ in range(count * weight // total)]
    chosen += [HAPPY] * (count - len(chosen))
    random.Random(seed_value).shuffle(chosen)
    return chosen


# --- what must hold afterwards ---------------------------------------------------------------


@dataclass
class Findings:
    cases: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    completions: int = 0
    timers_fired: int = 0
    timers_cancelled: int = 0
    chains: int = 0
    events: int = 0
    replayed: int = 0
    deviations: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)


def wait_for_timers(cluster: Cluster, timeout: float = 30.0) -> None:
    """Until no timer is due and unfired (the workers have caught up)."""
    from sqlalchemy import func, select

    from isobpmn.store import Timer

    deadline = time.monotonic() + timeout
    while True:
        with cluster.db.read() as session:
            due = session.scalar(select(func.count()).select_from(Timer).where(
                Timer.fired_at.is_(None), Timer.fire_at <= datetime.now(timezone.utc)))
        if not due:
            return
        assert time.monotonic() < deadline, \
            f"{due} due timer(s) still unfired after {timeout:g} s\n{cluster.logs()}"
        time.sleep(0.2)


def check_cluster(cluster: Cluster, *, claimed_first: bool = True) -> Findings:
    """Everything that must hold after any run (module doc); ``problems`` lists what does not.

    ``claimed_first``: every completed step was claimed before (so exactly one
    ``task_claimed`` per completed step). The audit log is checked by the services behind
    ``isobpmn audit verify`` and ``isobpmn audit replay --all``."""
    found = Findings()
    started = time.monotonic()
    _check_tables(cluster, found, claimed_first)
    verified = cluster.services.verify_audit()
    found.chains, found.events = verified.chains, verified.events
    found.problems += [f"audit verify: {b.message}" for b in verified.breaks[:20]]
    replayed = cluster.services.replay_cases()
    found.replayed, found.deviations = replayed.cases, len(replayed.deviations)
    found.problems += [f"audit replay: {d.case_code} #{d.seq} {d.event} [{d.kind}]: "
                       f"{d.message}" for d in replayed.deviations[:20]]
    found.seconds = time.monotonic() - started
    return found


def _check_tables(cluster: Cluster, found: Findings, claimed_first: bool) -> None:
    from sqlalchemy import select

    from isobpmn.store import Case, CasePause, CaseState, Event, Task, Timer

    with cluster.db.read() as session:
        cases = session.scalars(select(Case)).all()
        tasks = defaultdict(list)
        for task in session.scalars(select(Task)):
            tasks[task.case_id].append(task)
        timers = defaultdict(list)
        for timer in session.scalars(select(Timer)):
            timers[timer.case_id].append(timer)
        open_pauses = {p.case_id for p in session.scalars(
            select(CasePause).where(CasePause.ended_at.is_(None)))}
        states = {s.case_id: s.version for s in session.scalars(select(CaseState))}
        events = defaultdict(list)
        for event in session.scalars(select(Event).where(Event.chain_key.like("case:%"))
                                     .order_by(Event.case_id, Event.seq)):
            events[event.case_id].append(event)
    problems = found.problems
    now = datetime.now(timezone.utc)
    for case in cases:
        found.cases += 1
        found.statuses[case.status] += 1
        mine, log = tasks[case.id], events[case.id]
        where = f"{case.code} ({case.status})"
        open_steps = [t for t in mine if t.state in OPEN]
        unfired = [t for t in timers[case.id] if t.fired_at is None]
        if case.id not in states:
            problems.append(f"{where}: no engine state")
        if case.status in FINISHED:
            if case.resolved_at is None:
                problems.append(f"{where}: finished without resolved_at")
            if open_steps:
                problems.append(f"{where}: finished with open steps "
                                f"{[t.bpmn_id for t in open_steps]}")
            if unfired:
                problems.append(f"{where}: finished with unfired timers")
            if case.id in open_pauses:
                problems.append(f"{where}: finished while paused")
            if case.status in ("resolved", "returned") and case.outcome is None:
                problems.append(f"{where}: resolved without an outcome")
            if case.status == "returned" and case.returned_at is None:
                problems.append(f"{where}: returned without returned_at")
            ends = sum(e.kind in ("case_resolved", "case_refused", "case_withdrawn")
                       for e in log)
            if ends != 1:
                problems.append(f"{where}: {ends} ending events")
        else:
            if case.resolved_at is not None or case.outcome is not None:
                problems.append(f"{where}: open with resolved_at/outcome")
            if case.status == "open" and not open_steps:
                problems.append(f"{where}: open with no open step")
            if case.status == "paused" and (open_steps or case.id not in open_pauses):
                problems.append(f"{where}: paused with open steps or no open pause")
        by_task: dict[int, Counter[str]] = defaultdict(Counter)
        actors: dict[tuple[int, str], int | None] = {}
        for event in log:
            if event.task_id is not None:
                by_task[event.task_id][event.kind] += 1
                actors[(event.task_id, event.kind)] = event.actor_id
        for task in mine:
            kinds = by_task[task.id]
            completions = kinds["task_completed"] + kinds["task_returned"]
            claims = kinds["task_claimed"]
            step = f"{where} task {task.id} {task.bpmn_id} ({task.state})"
            if task.state == "completed":
                found.completions += 1
                if completions != 1 or task.completed_by is None or task.completed_at is None:
                    problems.append(f"{step}: {completions} completion events")
                elif actors[(task.id, "task_completed")] != task.completed_by \
                        and actors.get((task.id, "task_returned")) != task.completed_by:
                    problems.append(f"{step}: completed by {task.completed_by}, the event "
                                    "names someone else")
                if claimed_first and claims != 1:
                    problems.append(f"{step}: {claims} claim events")
            elif completions:
                problems.append(f"{step}: {completions} completion events, not completed")
            if claims > 1:
                problems.append(f"{step}: claimed {claims} times")
            if task.state == "claimed" and task.claimed_by is None:
                problems.append(f"{step}: claimed by nobody")
            if task.state == "ready" and task.claimed_by is not None:
                problems.append(f"{step}: ready but claimed")
        fired_events = Counter(e.payload.get("timer") for e in log if e.kind == "timer_fired")
        for timer in timers[case.id]:
            if timer.fired_at is not None:
                found.timers_fired += 1
                if fired_events[timer.id] != 1:
                    problems.append(f"{where}: timer {timer.id} fired {fired_events[timer.id]} "
                                    "times")
            elif timer.fire_at <= now:
                problems.append(f"{where}: timer {timer.id} due {timer.fire_at} not fired")
        fired_rows = {t.id for t in timers[case.id] if t.fired_at is not None}
        stray = [k for k in fired_events if k not in fired_rows]
        if stray:
            problems.append(f"{where}: timer_fired events without a fired timer: {stray}")
        if any(t.bpmn_id == "Task_XuLy" for t in mine) and not timers[case.id] \
                and not fired_events:
            found.timers_cancelled += 1
