"""The main path and the numbering of the step table (docs/schema.md, "How the reader numbers").

``plan`` is tested on plain ids first, then the same rules through small diagrams.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

from conftest import bpmn_bytes, chain, flow, task

from isobpmn.model import read_procedure
from isobpmn.model.order import plan


def run(nodes: str, edges: str, weights: dict[str, int] | None = None, starts: str = "S",
        steps: str | None = None):
    """``plan`` over space-separated node ids and "a>b" edges; steps default to upper-case ids
    other than S and E."""
    node_list = nodes.split()
    edge_list = [tuple(e.split(">")) for e in edges.split()]
    step_list = steps.split() if steps is not None else [
        n for n in node_list if n not in ("S", "E") and n[0].isupper()]
    weight = {n: Decimal(w) for n, w in (weights or {}).items()}
    return plan(node_list, edge_list, starts.split(), weight, step_list)


def numbered(result) -> list[str]:
    return [n for n, _ in result.steps]


# --- plan on plain ids -----------------------------------------------------------------------

DIAMOND = ("S g A B j E", "S>g g>A g>B A>j B>j j>E")


def test_main_path_has_the_largest_allotment_sum():
    result = run(*DIAMOND, weights={"A": 1, "B": 3})
    assert result.main_path == ("S", "g", "B", "j", "E")
    assert result.steps == (("B", True), ("A", False))


def test_sum_counts_every_step_on_the_path_not_the_largest_single_step():
    # S > A(2) > C(2) > E against S > B(3) > E: 4 hours beat 3
    result = run("S A B C E", "S>A S>B A>C C>E B>E", weights={"A": 2, "B": 3, "C": 2})
    assert result.main_path == ("S", "A", "C", "E")


def test_equal_sums_go_to_the_earliest_flow_in_document_order():
    result = run(*DIAMOND, weights={"A": 2, "B": 2})
    assert result.main_path == ("S", "g", "A", "j", "E")
    # the flow to B written first: B wins although A comes first among the nodes
    swapped = run(DIAMOND[0], "S>g g>B g>A A>j B>j j>E", weights={"A": 2, "B": 2})
    assert swapped.main_path == ("S", "g", "B", "j", "E")


def test_equal_sums_prefer_the_path_with_more_steps():
    # both branches sum to 4 hours; the one through two steps is the main path
    result = run("S g A B C j E", "S>g g>A g>B B>C A>j C>j j>E",
                 weights={"A": 4, "B": 2, "C": 2})
    assert result.main_path == ("S", "g", "B", "C", "j", "E")


def test_branch_steps_follow_by_depth_then_document_order():
    # main: S > A > B > C > E (heavy). Branches: Z right after A (depth 2),
    # X and Y after B (depth 3, X first in document order although Y's flow is first)
    nodes = "S A X B Y C Z E"
    edges = "S>A A>B B>C C>E A>Z Z>E B>Y B>X X>E Y>E"
    result = run(nodes, edges, weights={"A": 8, "B": 8, "C": 8})
    assert result.main_path == ("S", "A", "B", "C", "E")
    assert result.steps == (("A", True), ("B", True), ("C", True),
                            ("Z", False), ("X", False), ("Y", False))


def test_back_edges_do_not_hang_or_change_the_main_path():
    nodes = "S A B g R E"
    without_loop = run(nodes, "S>A A>B B>g g>E", weights={"A": 1, "B": 1, "R": 40})
    looped = run(nodes, "S>A A>B B>g g>E g>R R>A", weights={"A": 1, "B": 1, "R": 40})
    assert looped.back_edges == frozenset({("R", "A")})
    assert looped.main_path == without_loop.main_path == ("S", "A", "B", "g", "E")
    # R is the heaviest step, but its branch returns to A instead of reaching an end
    assert looped.steps == (("A", True), ("B", True), ("R", False))


def test_a_branch_that_really_ends_may_be_the_main_path():
    # the same heavy R, now ending on its own: the largest sum wins
    result = run("S A B g R E", "S>A A>B B>g g>E g>R", weights={"A": 1, "B": 1, "R": 40})
    assert result.main_path == ("S", "A", "B", "g", "R")


def test_return_loop_to_an_earlier_step_keeps_the_forward_path():
    # S > A > B > g > E, and g > A ("return to the specialist")
    result = run("S A B g E", "S>A A>B B>g g>A g>E", weights={"A": 4, "B": 4})
    assert result.main_path == ("S", "A", "B", "g", "E")
    assert result.back_edges == frozenset({("g", "A")})
    assert numbered(result) == ["A", "B"]


def test_self_loop_and_two_node_cycle_terminate():
    result = run("S A B E", "S>A A>A A>B B>A B>E")
    assert result.main_path == ("S", "A", "B", "E")
    assert result.back_edges == frozenset({("A", "A"), ("B", "A")})


def test_unreachable_steps_still_get_a_place():
    # U has no incoming flow; V and W form a cycle nobody reaches
    result = run("S A E U V W", "S>A A>E V>W W>V U>E", weights={"U": 100})
    assert result.main_path == ("S", "A", "E")
    assert result.steps[0] == ("A", True)
    assert sorted(numbered(result)) == ["A", "U", "V", "W"]
    assert all(not on_main for n, on_main in result.steps if n != "A")


def test_without_start_events_the_heaviest_entry_is_the_main_path():
    result = run("A B C D", "A>B C>D", weights={"C": 2, "D": 2, "A": 1}, starts="")
    assert result.main_path == ("C", "D")
    assert numbered(result)[:2] == ["C", "D"]


def test_the_heaviest_start_event_wins():
    result = run("S T A B E", "S>A A>E T>B B>E", weights={"A": 1, "B": 2}, starts="S T")
    assert result.main_path == ("T", "B", "E")


def test_edges_to_unknown_nodes_are_ignored():
    result = run("S A E", "S>A A>E A>Ghost Ghost>A")
    assert result.main_path == ("S", "A", "E")


def test_a_long_chain_is_planned_without_recursion():
    count = 50_000
    nodes = [f"n{i}" for i in range(count)]
    edges = list(zip(nodes, nodes[1:]))
    start = time.perf_counter()
    result = plan(nodes, edges, ["n0"], {n: Decimal(1) for n in nodes}, nodes)
    assert time.perf_counter() - start < 5
    assert len(result.main_path) == count
    assert result.steps[-1] == (f"n{count - 1}", True)


# --- the same rules through diagrams -------------------------------------------------------


def branching_diagram(first_weight: str, second_weight: str, *,
                      second_flow_first: bool = False) -> bytes:
    first = flow("F_g_A", "G", "A")
    second = flow("F_g_B", "G", "B")
    gateway_flows = second + first if second_flow_first else first + second
    return bpmn_bytes(
        '<bpmn:startEvent id="S"/>' + task("R", allotment="1 working-days")
        + '<bpmn:exclusiveGateway id="G" default="F_g_A"/>'
        + task("A", "Nhánh A", allotment=first_weight)
        + task("B", "Nhánh B", allotment=second_weight)
        + '<bpmn:exclusiveGateway id="J"/><bpmn:endEvent id="E"/>'
        + chain("S", "R", "G") + gateway_flows + chain("A", "J") + chain("B", "J", "E"))


def steps_of(data: bytes) -> list[tuple[str, str, bool]]:
    return [(s.number, s.bpmn_id, s.on_main_path) for s in read_procedure(data).steps]


def test_diagram_main_path_follows_the_largest_sum_across_units():
    # 3 working hours < half a working day (4 hours)
    data = branching_diagram("3 working-hours", "0.5 working-days")
    assert steps_of(data) == [("1", "R", True), ("2", "B", True), ("3", "A", False)]
    assert read_procedure(data).main_path == ("S", "R", "G", "B", "J", "E")


def test_diagram_ties_go_to_the_earliest_flow():
    assert steps_of(branching_diagram("4 working-hours", "0.5 working-days")) == [
        ("1", "R", True), ("2", "A", True), ("3", "B", False)]
    assert steps_of(branching_diagram("4 working-hours", "0.5 working-days",
                                      second_flow_first=True)) == [
        ("1", "R", True), ("2", "B", True), ("3", "A", False)]


def test_diagram_loop_back_to_an_earlier_step():
    body = ('<bpmn:startEvent id="S"/>' + task("TiepNhan", allotment="0.5 working-days")
            + task("ThamDinh", allotment="2 working-days")
            + '<bpmn:exclusiveGateway id="G"/>' + task("Ky", allotment="0.5 working-days")
            + task("BoSung", "Trả lại bổ sung", allotment="5 working-days")
            + '<bpmn:endEvent id="E"/>'
            + chain("S", "TiepNhan", "ThamDinh", "G", "Ky", "E")
            + flow("F_back", "G", "BoSung") + flow("F_return", "BoSung", "ThamDinh"))
    start = time.perf_counter()
    procedure = read_procedure(bpmn_bytes(body))
    assert time.perf_counter() - start < 2
    # the return branch is the heaviest, but it flows back to ThamDinh instead of reaching
    # the end: the main path runs from the start event to the end event
    assert procedure.main_path == ("S", "TiepNhan", "ThamDinh", "G", "Ky", "E")
    assert [(s.number, s.bpmn_id, s.on_main_path) for s in procedure.steps] == [
        ("1", "TiepNhan", True), ("2", "ThamDinh", True), ("3", "Ky", True),
        ("4", "BoSung", False)]


def test_diagram_unreachable_task_is_numbered_last():
    body = ('<bpmn:startEvent id="S"/>' + task("A") + '<bpmn:endEvent id="E"/>'
            + task("Orphan", allotment="9 working-days") + chain("S", "A", "E"))
    assert steps_of(bpmn_bytes(body)) == [("1", "A", True), ("2", "Orphan", False)]


def test_boundary_event_branch_is_a_branch():
    body = ('<bpmn:startEvent id="S"/>' + task("A", allotment="2 working-days")
            + '<bpmn:boundaryEvent id="Late" attachedToRef="A"><bpmn:timerEventDefinition>'
              "<bpmn:timeDuration>P2D</bpmn:timeDuration></bpmn:timerEventDefinition>"
              "</bpmn:boundaryEvent>"
            + task("Escalate", allotment="1 working-hours") + task("B", allotment="1 working-days")
            + '<bpmn:endEvent id="E"/><bpmn:endEvent id="E2"/>'
            + chain("S", "A", "B", "E") + chain("Late", "Escalate", "E2"))
    assert steps_of(bpmn_bytes(body)) == [
        ("1", "A", True), ("2", "B", True), ("3", "Escalate", False)]


DETERMINISM_BODY = (
    '<bpmn:startEvent id="S"/>' + "".join(task(f"T{i}", allotment="1 working-days")
                                          for i in range(12))
    + '<bpmn:parallelGateway id="Split"/><bpmn:parallelGateway id="Join"/><bpmn:endEvent id="E"/>'
    + flow("a", "S", "Split")
    + "".join(flow(f"s{i}", "Split", f"T{i}") + flow(f"j{i}", f"T{i}", "Join") for i in range(12))
    + flow("z", "Join", "E")
)


def test_numbering_is_the_same_on_every_read():
    data = bpmn_bytes(DETERMINISM_BODY)
    first = read_procedure(data)
    assert first.main_path == ("S", "Split", "T0", "Join", "E")
    for _ in range(5):
        again = read_procedure(data)
        assert again.steps == first.steps and again.main_path == first.main_path


def test_numbering_does_not_depend_on_hash_seeds():
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from conftest import bpmn_bytes; from test_model_order import DETERMINISM_BODY;"
        "from isobpmn.model import read_procedure;"
        "p = read_procedure(bpmn_bytes(DETERMINISM_BODY));"
        "print([(s.number, s.bpmn_id, s.on_main_path) for s in p.steps], p.main_path)"
    )
    outputs = set()
    for seed in ("1", "2", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", script, str(Path(__file__).parent)],
                              env=env, capture_output=True, text=True, check=True, timeout=60)
        outputs.add(done.stdout)
    assert len(outputs) == 1


def test_a_2000_step_chain_reads_and_orders_quickly():
    count = 2000
    ids = [f"T{i}" for i in range(count)]
    body = ('<bpmn:startEvent id="S"/>\n'
            + "\n".join(task(t, allotment="0.5 working-hours") for t in ids)
            + '\n<bpmn:endEvent id="E"/>\n' + chain("S", *ids, "E"))
    data = bpmn_bytes(body)
    start = time.perf_counter()
    procedure = read_procedure(data)
    assert time.perf_counter() - start < 5
    assert len(procedure.steps) == count
    assert procedure.steps[-1].number == str(count) and procedure.steps[-1].bpmn_id == ids[-1]
    assert len(procedure.main_path) == count + 2
