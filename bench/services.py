"""What a persisted task completion costs, against raw in-memory SpiffWorkflow.

(a) One task completion through the services — lock the dossier, load its state (or take the
    restored run from the in-process cache), complete, save the state (optimistic lock),
    project the next task, append the audit event, commit — against raw SpiffWorkflow in
    memory (its default eval-based script engine, no persistence) running the same steps of
    the same procedure (đăng ký hộ kinh doanh, happy path), measured in the same run, turn by
    turn. Printed with the run cache on and off. Target ≤ 1.5×.
(b) Completions per second in one process on SQLite (target ≥ 300), from (a).
(c) Stored bytes per case: the engine state after each step, and what the whole dossier
    leaves in the database (events, tasks).
(d) The same on PostgreSQL when ISOBPMN_BENCH_DATABASE_URL or ISOBPMN_TEST_DATABASE_URL is
    set (a scratch schema, dropped afterwards).

Figures only: nothing here is asserted.
"""

from __future__ import annotations

import os
import secrets
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

from lxml import etree
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from sqlalchemy import func, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from engine import PROCEDURE, PROCESS_ID, STEPS, raw_spiff_case  # noqa: E402
from fixtures_services import AGENCY, HO_KINH_DOANH, seed, vn  # noqa: E402

from isobpmn.engine import ManualClock  # noqa: E402
from isobpmn.services import ServiceSettings, Services  # noqa: E402
from isobpmn.store import CaseState, Database, Event, Task, make_engine, upgrade  # noqa: E402

CASES = 40
ROUNDS = 7
#: Who completes each step of the happy path.
ACTORS = {"Task_TiepNhan": "motcua", "Task_ThamDinh": "chuyenvien", "Task_XemXet": "truongphong",
          "Task_Ky": "chutich", "Task_VaoSo": "vanthu", "Task_TraKetQua": "motcua"}


def fresh(services: Services) -> None:
    seed(services, procedures=(HO_KINH_DOANH,))


def receive(services: Services, count: int) -> list[int]:
    first = []
    for _ in range(count):
        receipt = services.receive_dossier(HO_KINH_DOANH, AGENCY, "Nguyễn Văn An",
                                           actor="motcua")
        first.append(receipt.first_tasks[0].id)
    return first


def complete_cases(services: Services, first: list[int]) -> None:
    """Complete the six steps of each dossier, one dossier after the other."""
    for task_id in first:
        for bpmn_id, data in STEPS:
            done = services.complete_task(task_id, ACTORS[bpmn_id], data)
            task_id = done.ready[0].id if done.ready else None


def measure(url: str, label: str) -> None:
    db = Database.from_url(url)
    upgrade(db)
    clock = ManualClock(vn(2026, 3, 2, 8, 0))
    cached = Services(db, clock)
    uncached = Services(db, clock, ServiceSettings(run_cache_size=0))
    fresh(cached)

    parser = SpiffBpmnParser()
    parser.add_bpmn_xml(etree.fromstring(PROCEDURE.read_bytes()), filename=PROCEDURE.name)
    raw_spec, raw_sub = parser.get_spec(PROCESS_ID), parser.get_subprocess_specs(PROCESS_ID)

    complete_cases(cached, receive(cached, 3))  # warm up: specs, calendars, statements
    samples: dict[str, list[float]] = {"raw": [], "cached": [], "uncached": []}
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for _ in range(CASES):
            raw_spiff_case(raw_spec, raw_sub)
        samples["raw"].append((time.perf_counter() - started) * 1000 / (CASES * len(STEPS)))
        for name, services in (("cached", cached), ("uncached", uncached)):
            first = receive(services, CASES)
            clock.advance(timedelta(minutes=1))
            started = time.perf_counter()
            complete_cases(services, first)
            samples[name].append((time.perf_counter() - started) * 1000 / (CASES * len(STEPS)))
    raw, hot, cold = (statistics.median(samples[k]) for k in ("raw", "cached", "uncached"))

    print(f"== {label}")
    print(f"(a) task completion, {PROCEDURE.name}, {len(STEPS)} steps x {CASES} cases, "
          f"median of {ROUNDS} rounds")
    print(f"{'':62} {'ms/completion':>13} {'x raw':>7}")
    for text_, ms in (("raw SpiffWorkflow in memory (eval, no persistence)", raw),
                      ("services.complete_task, run cache on", hot),
                      ("services.complete_task, run cache off (restore every time)", cold)):
        print(f"{text_:62} {ms:13.3f} {ms / raw:7.2f}")
    print(f"(b) completions per second, one process: {1000 / hot:,.0f} (cache on), "
          f"{1000 / cold:,.0f} (cache off)")

    sizes = []
    receipt = cached.receive_dossier(HO_KINH_DOANH, AGENCY, "Nguyễn Văn An", actor="motcua")
    task_id = receipt.first_tasks[0].id
    for bpmn_id, data in STEPS:
        done = cached.complete_task(task_id, ACTORS[bpmn_id], data)
        task_id = done.ready[0].id if done.ready else None
        with db.read() as session:
            case_id = session.scalar(select(Task.case_id).where(Task.id == done.task.id))
            sizes.append(len(session.get(CaseState, case_id).state))
    with db.read() as session:
        events = session.scalar(select(func.count()).where(Event.case_id == case_id))
        tasks = session.scalar(select(func.count()).where(Task.case_id == case_id))
    print(f"(c) engine state bytes after each step: {', '.join(str(s) for s in sizes)} "
          f"(max {max(sizes):,}); per dossier also {events} events and {tasks} task rows")
    db.dispose()


def postgres_url() -> str | None:
    return (os.environ.get("ISOBPMN_BENCH_DATABASE_URL")
            or os.environ.get("ISOBPMN_TEST_DATABASE_URL") or "").strip() or None


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        measure(f"sqlite:///{Path(folder) / 'bench.sqlite3'}", "SQLite (file, WAL)")
    base = postgres_url()
    if base is None:
        print("\n(d) PostgreSQL: set ISOBPMN_BENCH_DATABASE_URL to measure it")
        return 0
    from isobpmn.store import normalize_url

    base = normalize_url(base)
    schema = f"isobpmn_bench_{secrets.token_hex(4)}"
    admin = make_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        separator = "&" if "?" in base else "?"
        print()
        measure(f"{base}{separator}options={quote(f'-csearch_path={schema}')}",
                "(d) PostgreSQL")
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
