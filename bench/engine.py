"""What the engine adapter costs per task completion, and what a case costs to store.

(a) One task completion as the services will do it with the engine alone: restore the case
    from its stored bytes, complete the ready step, serialize again; against raw in-memory
    SpiffWorkflow (its default eval-based script engine, no persistence) running the same
    steps of the same procedure (đăng ký hộ kinh doanh, happy path), measured in the same
    run. The isobpmn engine kept in memory is printed as well, to show what the safe evaluator
    and the adapter add on their own. The full persisted figure (database, audit event, task
    projection; target ≤ 1.5×) comes with the services.
(c) Stored state bytes per case after each step: isobpmn's format (no spec) against
    SpiffWorkflow's own serializer (spec embedded), plus gzip for reference.

Figures only: nothing here is asserted.
"""

from __future__ import annotations

import gzip
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

from lxml import etree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

from isobpmn.calendar import WorkingCalendar
from isobpmn.engine import ManualClock, load_spec, restore, start

ROOT = Path(__file__).resolve().parents[1]
PROCEDURE = ROOT / "bpmn" / "dang-ky-ho-kinh-doanh.bpmn"
PROCESS_ID = "QT_DangKyHoKinhDoanh"
#: The happy path: each step and the data an official enters there.
STEPS = [
    ("Task_TiepNhan", {"nguoi_nop": "Nguyễn Văn An", "ho_so_day_du": True}),
    ("Task_ThamDinh", {"ten_ho_kinh_doanh": "Hộ kinh doanh An Phát", "nganh_nghe": "Bán lẻ",
                       "von_kinh_doanh": 300_000_000, "ket_qua_tham_dinh": "dat"}),
    ("Task_XemXet", {"y_kien_xem_xet": "dong_y"}),
    ("Task_Ky", {"ngay_ky": "2026-03-04"}),
    ("Task_VaoSo", {"so_giay_chung_nhan": "41A8-012345", "ngay_cap": "2026-03-04"}),
    ("Task_TraKetQua", {"bien_lai_le_phi": "BL-0001", "ngay_tra": "2026-03-05"}),
]
CASES = 100
ROUNDS = 9


def raw_complete(workflow: BpmnWorkflow, bpmn_id: str, data: dict) -> None:
    """Complete a step the way a SpiffWorkflow application does, in memory."""
    [task] = [t for t in workflow.get_tasks(state=TaskState.READY) if t.task_spec.name == bpmn_id]
    task.set_data(**data)
    task.run()
    workflow.do_engine_steps()


def raw_spiff_case(spec, subprocess_specs) -> None:
    """Raw SpiffWorkflow in memory: the same steps, no persistence."""
    workflow = BpmnWorkflow(spec, subprocess_specs)
    workflow.do_engine_steps()
    for bpmn_id, data in STEPS:
        raw_complete(workflow, bpmn_id, data)
    assert workflow.is_completed()


def isobpmn_case(spec, clock, calendar, persisted: bool, sizes: list[int] | None = None) -> None:
    run = start(spec, {"ma_ho_so": "HKD-260302-001"}, clock=clock, calendar=calendar)
    state = run.serialize()
    for bpmn_id, data in STEPS:
        if persisted:
            run = restore(spec, state, clock=clock, calendar=calendar)
        [task] = [t for t in run.ready_tasks() if t.bpmn_id == bpmn_id]
        run.complete(task.task_uuid, data)
        if persisted:
            state = run.serialize()
            if sizes is not None:
                sizes.append(len(state))
    assert run.is_completed and run.end_event() == "End_TraKetQua"


def per_completion_ms(*functions) -> list[float]:
    """Median over ROUNDS of the time per completion of CASES cases of each function; the
    functions take turns within each round, so a change of machine load hits them alike."""
    times: list[list[float]] = [[] for _ in functions]
    for _ in range(ROUNDS):
        for function, samples in zip(functions, times, strict=True):
            started = time.perf_counter()
            for _ in range(CASES):
                function()
            samples.append((time.perf_counter() - started) * 1000 / (CASES * len(STEPS)))
    return [statistics.median(samples) for samples in times]


def spiff_sizes(spec, subprocess_specs) -> list[tuple[int, int]]:
    """SpiffWorkflow's own serialization (spec embedded) after each step: (plain, gzip)."""
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    workflow = BpmnWorkflow(spec, subprocess_specs)
    workflow.do_engine_steps()
    sizes = []
    for bpmn_id, data in STEPS:
        raw_complete(workflow, bpmn_id, data)
        text = serializer.serialize_json(workflow).encode()
        sizes.append((len(text), len(gzip.compress(text))))
    return sizes


def main() -> int:
    xml = PROCEDURE.read_bytes()
    parser = SpiffBpmnParser()
    parser.add_bpmn_xml(etree.fromstring(xml), filename=PROCEDURE.name)
    raw_spec = parser.get_spec(PROCESS_ID)
    raw_subprocesses = parser.get_subprocess_specs(PROCESS_ID)
    spec = load_spec(xml, name=PROCEDURE.name)
    clock = ManualClock(datetime(2026, 3, 2, 8, 0))
    calendar = WorkingCalendar()

    # warm up every path once (imports, caches)
    raw_spiff_case(raw_spec, raw_subprocesses)
    isobpmn_case(spec, clock, calendar, persisted=True)

    raw, memory, persisted = per_completion_ms(
        lambda: raw_spiff_case(raw_spec, raw_subprocesses),
        lambda: isobpmn_case(spec, clock, calendar, persisted=False),
        lambda: isobpmn_case(spec, clock, calendar, persisted=True))

    print(f"(a) task completion, {PROCEDURE.name}, {len(STEPS)} steps x {CASES} cases, "
          f"median of {ROUNDS} rounds")
    print(f"{'':52} {'ms/completion':>13} {'x raw':>7}")
    for label, ms in (("raw SpiffWorkflow in memory (eval, no persistence)", raw),
                      ("isobpmn engine in memory (safe evaluator)", memory),
                      ("isobpmn engine: restore + complete + serialize", persisted)):
        print(f"{label:52} {ms:13.3f} {ms / raw:7.2f}")

    ours: list[int] = []
    isobpmn_case(spec, clock, calendar, persisted=True, sizes=ours)
    theirs = spiff_sizes(raw_spec, raw_subprocesses)
    ours_gzip = []
    run = start(spec, {"ma_ho_so": "HKD-260302-001"}, clock=clock, calendar=calendar)
    for bpmn_id, data in STEPS:
        [task] = [t for t in run.ready_tasks() if t.bpmn_id == bpmn_id]
        run.complete(task.task_uuid, data)
        ours_gzip.append(len(gzip.compress(run.serialize())))
    print()
    print("(c) stored state bytes per case, after each step")
    print(f"{'after':16} {'isobpmn':>9} {'gzip':>7} {'Spiff+spec':>11} {'gzip':>7} {'saved':>6}")
    for (bpmn_id, _), mine, mine_gz, (full, full_gz) in zip(STEPS, ours, ours_gzip, theirs,
                                                           strict=True):
        print(f"{bpmn_id:16} {mine:9,} {mine_gz:7,} {full:11,} {full_gz:7,} "
              f"{1 - mine / full:6.0%}")
    print(f"{'mean':16} {statistics.mean(ours):9,.0f} {statistics.mean(ours_gzip):7,.0f} "
          f"{statistics.mean(f for f, _ in theirs):11,.0f} "
          f"{statistics.mean(g for _, g in theirs):7,.0f} "
          f"{1 - statistics.mean(ours) / statistics.mean(f for f, _ in theirs):6.0%}")
    print(f"the procedure XML is {len(xml):,} bytes; a spec stored once per version, not per case")
    return 0


if __name__ == "__main__":
    sys.exit(main())
