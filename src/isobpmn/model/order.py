"""Deterministic flow order: the main path and the numbering of the step table.

Works on plain ids and edges so it can be tested without XML. The rules are written out for
users in docs/schema.md ("How the reader numbers the step table").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from isobpmn.model.duration import Duration, TimeUnit

#: Hours in a working day when allotments in different units are compared or added up. The
#: calendar has the agency's own figure for deadlines; ordering only needs a fixed, documented one.
WORKING_DAY_HOURS = Decimal(8)


def hours_of(duration: Duration | None) -> Decimal:
    """A duration as working hours, for comparing and summing allotments."""
    if duration is None:
        return Decimal(0)
    if duration.unit is TimeUnit.WORKING_HOURS:
        return duration.value
    if duration.unit is TimeUnit.SAME_DAY:
        return WORKING_DAY_HOURS
    return duration.value * WORKING_DAY_HOURS


def sum_durations(durations: Iterable[Duration | None], unit: TimeUnit | None = None) -> Duration:
    """Add allotments up, in ``unit`` (default: the common unit, else working hours)."""
    items = [d for d in durations if d is not None]
    units = {d.unit for d in items}
    if unit is None:
        unit = next(iter(units)) if len(units) == 1 else TimeUnit.WORKING_HOURS
    if unit is TimeUnit.SAME_DAY:
        unit = TimeUnit.WORKING_HOURS
    if units <= {unit}:
        return Duration(sum((d.value for d in items), Decimal(0)), unit)
    hours = sum((hours_of(d) for d in items), Decimal(0))
    if unit is TimeUnit.WORKING_HOURS:
        return Duration(hours, unit)
    return Duration(hours / WORKING_DAY_HOURS, unit)


@dataclass(frozen=True, slots=True)
class FlowPlan:
    main_path: tuple[str, ...]
    steps: tuple[tuple[str, bool], ...]  # (node id, on the main path), in table order
    back_edges: frozenset[tuple[str, str]]


def plan(nodes: Sequence[str], edges: Sequence[tuple[str, str]], starts: Sequence[str],
         weight: Mapping[str, Decimal], steps: Iterable[str]) -> FlowPlan:
    """Order ``steps`` among ``nodes`` (both in document order) along ``edges``.

    ``starts`` are tried first, in the given order; nodes not reachable from them are walked
    afterwards in document order, so every node gets a place.
    """
    position = {node: i for i, node in enumerate(nodes)}
    successors: dict[str, list[str]] = {node: [] for node in nodes}
    for source, target in edges:
        if source in successors and target in successors:
            successors[source].append(target)

    back, postorder = _depth_first(nodes, successors, starts)
    dag = {n: [t for t in successors[n] if (n, t) not in back] for n in nodes}
    topo = list(reversed(postorder))  # a topological order of the DAG

    # Best path from each node to a sink: one that reaches an end (a node with no outgoing flow
    # at all, not one whose only flows loop back), then most hours, then most steps, then the
    # earliest flow on ties.
    step_set = set(steps)
    best: dict[str, tuple[bool, Decimal, int]] = {}
    follow: dict[str, str | None] = {}
    for node in reversed(topo):
        own = (weight.get(node, Decimal(0)), 1 if node in step_set else 0)
        choice, score = None, (not successors[node], Decimal(0), 0)
        for target in dag[node]:
            if choice is None or best[target] > score:
                choice, score = target, best[target]
        best[node] = (score[0], own[0] + score[1], own[1] + score[2])
        follow[node] = choice

    has_incoming = {target for targets in dag.values() for target in targets}
    entry_points = [s for s in starts if s in successors] or [n for n in topo if n not in has_incoming]
    main: list[str] = []
    if entry_points:
        first = entry_points[0]
        for candidate in entry_points[1:]:
            if best[candidate] > best[first]:
                first = candidate
        node: str | None = first
        while node is not None:
            main.append(node)
            node = follow[node]

    depth = {node: 0 for node in nodes}
    for node in topo:
        for target in dag[node]:
            depth[target] = max(depth[target], depth[node] + 1)

    on_main = set(main)
    ordered = [(n, True) for n in main if n in step_set]
    rest = sorted((n for n in step_set if n not in on_main and n in position),
                  key=lambda n: (depth[n], position[n]))
    ordered += [(n, False) for n in rest]
    return FlowPlan(tuple(main), tuple(ordered), frozenset(back))


def _depth_first(nodes: Sequence[str], successors: Mapping[str, list[str]],
                 starts: Sequence[str]) -> tuple[set[tuple[str, str]], list[str]]:
    """Iterative DFS: back edges and postorder, starting from ``starts`` then the rest."""
    state: dict[str, int] = {}  # 1 = on the stack, 2 = finished
    back: set[tuple[str, str]] = set()
    postorder: list[str] = []
    roots = [s for s in starts if s in successors] + list(nodes)
    for root in roots:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(successors[root]))]
        while stack:
            node, children = stack[-1]
            for child in children:
                mark = state.get(child)
                if mark == 1:
                    back.add((node, child))
                elif mark is None:
                    state[child] = 1
                    stack.append((child, iter(successors[child])))
                    break
            else:
                stack.pop()
                state[node] = 2
                postorder.append(node)
    return back, postorder
