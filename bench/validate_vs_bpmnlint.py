"""``isobpmn validate`` against the bpmnlint CLI on the same 200 diagrams, in the same run.

Targets (issue 3): the whole ``isobpmn validate --preset strict`` process at most 0.2x the wall
time of ``bpmnlint`` (recommended preset) on the same files; at most 2 ms per diagram for
``lint_document`` in process. Also printed: the same run in one process (``--jobs 1``; the
default uses one worker per CPU for a library this size), reading (parse + model) per diagram,
the slowest rules, and the whole-process time of ``isobpmn --version``.

The diagrams: 200 copies of a 37-element procedure (process, pool, 2 lanes, start, 11 user
tasks, 2 exclusive gateways, a boundary timer, 2 ends, 16 sequence flows; full DI; the iso
extension), every fourth one with defects (an unnamed task, a gateway flow without condition,
a step without allotment). bpmnlint 11.15.x is installed with npm into bench/.bpmnlint/
(git-ignored; 12.x needs Node 24). Runs alternate, RUNS of each; medians are compared.

    python bench/validate_vs_bpmnlint.py [--runs N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BPMNLINT_DIR = HERE / ".bpmnlint"
BPMNLINT = BPMNLINT_DIR / "node_modules" / ".bin" / "bpmnlint"
BPMNLINT_VERSION = "~11.15.0"
BIN = Path(sys.executable).parent
COPIES = 200
RATIO_TARGET = 0.2
LINT_MS_TARGET = 2.0

# --- the diagram --------------------------------------------------------------------------------

LANES = [("Lane_ChuyenVien", "Chuyên viên", "chuyen-vien"), ("Lane_LanhDao", "Lãnh đạo phòng", "lanh-dao-phong")]
# id, kind, name, lane, column, row (row 1 = lower line of the lane)
NODES = [
    ("Start", "startEvent", "Nhận đề nghị", 0, 0, 0),
    ("T01", "userTask", "Tiếp nhận đề nghị", 0, 1, 0),
    ("Gw_Cho", "exclusiveGateway", "Chờ kiểm tra", 0, 2, 0),
    ("T02", "userTask", "Kiểm tra đề nghị", 0, 3, 0),
    ("Gw_Du", "exclusiveGateway", "Đề nghị đầy đủ?", 0, 4, 0),
    ("T03", "userTask", "Yêu cầu bổ sung", 0, 4, 1),
    ("T04", "userTask", "Soạn dự thảo", 0, 5, 0),
    ("T05", "userTask", "Lấy ý kiến các đơn vị", 0, 6, 0),
    ("T06", "userTask", "Tổng hợp ý kiến", 0, 7, 0),
    ("T07", "userTask", "Hoàn thiện dự thảo", 0, 8, 0),
    ("T08", "userTask", "Xem xét dự thảo", 1, 8, 0),
    ("T09", "userTask", "Phê duyệt", 1, 9, 0),
    ("T10", "userTask", "Ban hành", 0, 9, 0),
    ("T11", "userTask", "Phân phối, lưu trữ", 0, 10, 0),
    ("End", "endEvent", "Đã ban hành", 0, 11, 0),
    ("End_QuaHan", "endEvent", "Quá hạn lấy ý kiến", 0, 7, 1),
]
FLOWS = [("Start", "T01"), ("T01", "Gw_Cho"), ("Gw_Cho", "T02"), ("T02", "Gw_Du"),
         ("Gw_Du", "T04"), ("Gw_Du", "T03"), ("T03", "Gw_Cho"), ("T04", "T05"), ("T05", "T06"),
         ("T06", "T07"), ("T07", "T08"), ("T08", "T09"), ("T09", "T10"), ("T10", "T11"),
         ("T11", "End"), ("Timer", "End_QuaHan")]
SIZES = {"startEvent": (36, 36), "endEvent": (36, 36), "userTask": (100, 80),
         "exclusiveGateway": (50, 50), "boundaryEvent": (36, 36)}
POOL_X, POOL_Y, LANE_H, COL_W, LANE_X = 150, 80, 260, 150, 180


def _bounds(kind: str, lane: int, column: int, row: int) -> tuple[int, int, int, int]:
    width, height = SIZES[kind]
    cx = LANE_X + 70 + column * COL_W
    cy = POOL_Y + lane * LANE_H + (80 if row == 0 else 200)
    return cx - width // 2, cy - height // 2, width, height


def diagram(number: int, defective: bool) -> str:
    """The XML of copy ``number``; ``defective`` adds three mistakes both linters can see."""
    bounds = {n[0]: _bounds(n[1], n[3], n[4], n[5]) for n in NODES}
    tx, ty, tw, th = bounds["T05"]
    bounds["Timer"] = (tx + tw - 50, ty + th - 18, 36, 36)
    flows = [(f"F{i:02}", s, t) for i, (s, t) in enumerate(FLOWS, 1)]
    outgoing = {s: [f for f, src, _ in flows if src == s] for s, *_ in NODES + [("Timer",)]}
    incoming = {s: [f for f, _, dst in flows if dst == s] for s, *_ in NODES + [("Timer",)]}
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
        'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
        'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:iso="urn:isobpmn:iso:1" '
        f'id="Defs_{number}" targetNamespace="urn:isobpmn:bench">',
        f'  <bpmn:collaboration id="Collab_{number}">',
        f'    <bpmn:participant id="Pool" name="Văn phòng Sở, bản {number}" processRef="QT_{number}"/>',
        "  </bpmn:collaboration>",
        f'  <bpmn:process id="QT_{number}" name="Kiểm soát tài liệu {number}" isExecutable="true">',
        "    <bpmn:extensionElements>",
        '      <iso:procedure kind="internal" agency="Sở Nội vụ" field="Hệ thống quản lý chất lượng">',
        f'        <iso:document code="QT-BENCH-{number:03}" revision="1" issued="2026-01-05">',
        f"          <iso:title>Quy trình kiểm soát tài liệu, bản {number}</iso:title>",
        '          <iso:signOff role="drafted" name="Trần Thị Bình" position="Thư ký ISO" date="2025-12-20"/>',
        '          <iso:signOff role="reviewed" name="Lê Văn Cường" position="Phó Giám đốc" date="2025-12-28"/>',
        '          <iso:signOff role="approved" name="Nguyễn Văn An" position="Giám đốc" date="2026-01-05"/>',
        "        </iso:document>",
        '        <iso:revision number="1" date="2026-01-05" section="Toàn bộ">Ban hành lần đầu</iso:revision>',
        "        <iso:purpose>Kiểm soát việc soạn thảo, ban hành và phân phối tài liệu.</iso:purpose>",
        "        <iso:scope>Các phòng của Sở.</iso:scope>",
        '        <iso:timeLimit value="20" unit="working-days"/>',
        '        <iso:record keeper="Thư ký ISO" retention="5 năm">Tài liệu đã ban hành</iso:record>',
        "      </iso:procedure>",
        "    </bpmn:extensionElements>",
        f'    <bpmn:laneSet id="LaneSet_{number}">',
    ]
    for index, (lane_id, lane_name, role) in enumerate(LANES):
        lines.append(f'      <bpmn:lane id="{lane_id}" name="{lane_name}">')
        lines.append(f'        <bpmn:extensionElements><iso:role code="{role}"/></bpmn:extensionElements>')
        members = [n[0] for n in NODES if n[3] == index] + (["Timer"] if index == 0 else [])
        lines += [f"        <bpmn:flowNodeRef>{m}</bpmn:flowNodeRef>" for m in members]
        lines.append("      </bpmn:lane>")
    lines.append("    </bpmn:laneSet>")
    for node_id, kind, name, *_ in NODES:
        if defective and node_id == "T06":
            name = ""
        attrs = f' id="{node_id}"' + (f' name="{name}"' if name else "")
        if node_id == "Gw_Du":
            attrs += ' default="F05"'
        lines.append(f"    <bpmn:{kind}{attrs}>")
        if kind == "userTask":
            allotment = "" if defective and node_id == "T08" else \
                '<iso:allotment value="1" unit="working-days"/>'
            lines.append(f"      <bpmn:extensionElements><iso:step>{allotment}"
                         f"<iso:result>Kết quả bước {node_id}</iso:result></iso:step>"
                         "</bpmn:extensionElements>")
        lines += [f"      <bpmn:incoming>{f}</bpmn:incoming>" for f in incoming[node_id]]
        lines += [f"      <bpmn:outgoing>{f}</bpmn:outgoing>" for f in outgoing[node_id]]
        lines.append(f"    </bpmn:{kind}>")
    lines += [
        '    <bpmn:boundaryEvent id="Timer" name="Quá 5 ngày" attachedToRef="T05">',
        f"      <bpmn:outgoing>{outgoing['Timer'][0]}</bpmn:outgoing>",
        '      <bpmn:timerEventDefinition id="TimerDef">'
        '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"P5D"</bpmn:timeDuration>'
        "</bpmn:timerEventDefinition>",
        "    </bpmn:boundaryEvent>",
    ]
    for flow_id, source, target in flows:
        if flow_id == "F06":  # Gw_Du -> T03, the non-default branch
            condition = "" if defective else (
                '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">'
                "de_nghi_day_du == False</bpmn:conditionExpression>")
            lines.append(f'    <bpmn:sequenceFlow id="{flow_id}" name="Chưa đầy đủ" '
                         f'sourceRef="{source}" targetRef="{target}">{condition}</bpmn:sequenceFlow>')
        else:
            lines.append(f'    <bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}"/>')
    lines += ["  </bpmn:process>", f'  <bpmndi:BPMNDiagram id="Diagram_{number}">',
              f'    <bpmndi:BPMNPlane id="Plane_{number}" bpmnElement="Collab_{number}">']
    pool_w = LANE_X - POOL_X + 12 * COL_W + 40
    lines.append(_shape("Pool", POOL_X, POOL_Y, pool_w, 2 * LANE_H, horizontal=True))
    for index, (lane_id, *_rest) in enumerate(LANES):
        lines.append(_shape(lane_id, LANE_X, POOL_Y + index * LANE_H, pool_w - (LANE_X - POOL_X),
                            LANE_H, horizontal=True))
    for element_id, (x, y, w, h) in bounds.items():
        lines.append(_shape(element_id, x, y, w, h))
    for flow_id, source, target in flows:
        sx, sy, sw, sh = bounds[source]
        tx, ty, tw, th = bounds[target]
        start = (sx + sw, sy + sh // 2) if source != "Timer" else (sx + sw // 2, sy + sh)
        end = (tx, ty + th // 2) if tx > sx else (tx + tw // 2, ty + th)
        mid = (end[0], start[1]) if source == "Timer" else ((start[0] + end[0]) // 2, start[1])
        points = [start, mid, (mid[0], end[1]), end] if source != "Timer" else [start, mid, end]
        waypoints = "".join(f'<di:waypoint x="{x}" y="{y}"/>' for x, y in points)
        lines.append(f'      <bpmndi:BPMNEdge id="{flow_id}_di" bpmnElement="{flow_id}">{waypoints}</bpmndi:BPMNEdge>')
    lines += ["    </bpmndi:BPMNPlane>", "  </bpmndi:BPMNDiagram>", "</bpmn:definitions>", ""]
    return "\n".join(lines)


def _shape(element_id: str, x: int, y: int, w: int, h: int, horizontal: bool = False) -> str:
    extra = ' isHorizontal="true"' if horizontal else ""
    return (f'      <bpmndi:BPMNShape id="{element_id}_di" bpmnElement="{element_id}"{extra}>'
            f'<dc:Bounds x="{x}" y="{y}" width="{w}" height="{h}"/></bpmndi:BPMNShape>')


def build(folder: Path) -> list[Path]:
    files = []
    for number in range(1, COPIES + 1):
        path = folder / f"quy-trinh-{number:03}.bpmn"
        path.write_text(diagram(number, defective=number % 4 == 0), encoding="utf-8")
        files.append(path)
    (folder / ".bpmnlintrc").write_text(json.dumps({"extends": "bpmnlint:recommended"}), encoding="utf-8")
    (folder / ".isobpmnrc").write_text(
        'extends = ["strict"]\n[catalogue]\nroles = ["chuyen-vien", "lanh-dao-phong"]\n', encoding="utf-8")
    return files


# --- running ------------------------------------------------------------------------------------


def install_bpmnlint() -> None:
    if BPMNLINT.exists():
        return
    if shutil.which("npm") is None:
        sys.exit("npm is needed to install bpmnlint for the comparison")
    BPMNLINT_DIR.mkdir(exist_ok=True)
    print(f"installing bpmnlint@{BPMNLINT_VERSION} into {BPMNLINT_DIR} …", flush=True)
    subprocess.run(["npm", "install", "--prefix", str(BPMNLINT_DIR), "--no-audit", "--no-fund",
                    "--loglevel=error", f"bpmnlint@{BPMNLINT_VERSION}"], check=True)


def timed(argv: list[str], cwd: Path) -> tuple[float, int, str]:
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    return time.perf_counter() - start, done.returncode, done.stdout + done.stderr


def in_process(files: list[Path]) -> dict[str, float]:
    """Milliseconds per diagram: reading (parse + model), and lint_document with every rule on."""
    from isobpmn.lint import Library, build_config, lint_document
    from isobpmn.lint.runner import read_for_lint

    config = build_config({"extends": ["strict"],
                           "catalogue": {"roles": ["chuyen-vien", "lanh-dao-phong"]}}, "bench")
    blobs = [(p.read_bytes(), p.name) for p in files]
    best_read = best_lint = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        documents = [read_for_lint(data, name) for data, name in blobs]
        read = time.perf_counter() - start
        library = Library.of(d for d, _ in documents)
        start = time.perf_counter()
        for document, tree in documents:
            lint_document(document, tree, config, library)
        lint = time.perf_counter() - start
        best_read, best_lint = min(best_read, read), min(best_lint, lint)
    return {"read": best_read * 1000 / len(files), "lint": best_lint * 1000 / len(files),
            "rules": _rule_times(documents, config, library)}


def _rule_times(documents, config, library) -> list[tuple[str, float]]:
    """Milliseconds per diagram spent in each rule (slowest first)."""
    from isobpmn.lint import all_rules
    from isobpmn.lint.context import LintContext

    totals = {}
    contexts = [LintContext(document, tree, config, library) for document, tree in documents]
    for rule_id, rule in all_rules().items():
        start = time.perf_counter()
        for context in contexts:
            context.options = config.rules[rule_id].options
            list(rule.check(context))
        totals[rule_id] = (time.perf_counter() - start) * 1000 / len(documents)
    return sorted(totals.items(), key=lambda item: -item[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each tool (default 5)")
    parser.add_argument("--keep", type=Path, help="build the diagrams in DIR and keep them")
    args = parser.parse_args()
    install_bpmnlint()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="isobpmn-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        files = build(folder)
        names = [p.name for p in files]
        ours_cmd = [str(BIN / "isobpmn"), "validate", "--preset", "strict", "."]
        serial_cmd = [*ours_cmd, "--jobs", "1"]
        theirs_cmd = [str(BPMNLINT), *names]
        # warm all three (file cache, node's compile cache), and check they see the defects
        _, ours_code, ours_out = timed(ours_cmd, folder)
        timed(serial_cmd, folder)
        _, theirs_code, theirs_out = timed(theirs_cmd, folder)
        ours_times, serial_times, theirs_times = [], [], []
        for _ in range(args.runs):
            ours_times.append(timed(ours_cmd, folder)[0])
            theirs_times.append(timed(theirs_cmd, folder)[0])
            serial_times.append(timed(serial_cmd, folder)[0])
        ours, theirs = statistics.median(ours_times), statistics.median(theirs_times)
        serial = statistics.median(serial_times)
        figures = in_process(files)
        version = statistics.median(timed([str(BIN / "isobpmn"), "--version"], folder)[0]
                                    for _ in range(15))
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    ratio = ours / theirs
    flagged_ours = sum(1 for line in ours_out.splitlines() if line.endswith(".bpmn"))
    flagged_theirs = sum(1 for line in theirs_out.splitlines() if line.strip().endswith(".bpmn"))
    from isobpmn.cli.validate_run import plan_jobs

    print(f"{COPIES} diagrams of 37 elements, {COPIES // 4} with defects; "
          f"{args.runs} alternating runs each; {plan_jobs(0, COPIES)} worker(s) by default here")
    print(f"  isobpmn validate --preset strict           median {ours * 1000:8.1f} ms   "
          f"(exit {ours_code}, {flagged_ours} files with findings)")
    print(f"  isobpmn validate --preset strict --jobs 1  median {serial * 1000:8.1f} ms")
    print(f"  bpmnlint {BPMNLINT_VERSION[1:]} (recommended)            median {theirs * 1000:8.1f} ms   "
          f"(exit {theirs_code}, {flagged_theirs} files with findings)")
    verdict = "OK" if ratio <= RATIO_TARGET else "OVER TARGET"
    print(f"  wall-time ratio isobpmn / bpmnlint: {ratio:.3f}  (target <= {RATIO_TARGET}: {verdict}); "
          f"one process: {serial / theirs:.3f}")
    lint_verdict = "OK" if figures["lint"] <= LINT_MS_TARGET else "OVER TARGET"
    print(f"in process, per diagram: lint_document {figures['lint']:.2f} ms "
          f"(target <= {LINT_MS_TARGET}: {lint_verdict}); reading (parse + model) "
          f"{figures['read']:.2f} ms; read + lint {figures['read'] + figures['lint']:.2f} ms")
    print("  slowest rules, ms per diagram: " + ", ".join(
        f"{rule_id} {ms:.3f}" for rule_id, ms in figures["rules"][:5]))
    print(f"isobpmn --version, whole process: median {version * 1000:.1f} ms")
    return 0 if ratio <= RATIO_TARGET and figures["lint"] <= LINT_MS_TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
