"""
## What it checks

No two flow node shapes of the same diagram overlap. Allowed, because they are meant to: an
expanded sub-process and the elements drawn inside it, and a boundary event on the border of
its activity. Lanes, pools and labels are not compared. Each overlapping pair is reported once,
on the element that comes later in the file.

## Why it matters

Overlapping shapes hide each other in the modeler and in the flowchart of the printed
procedure: a reader sees one step where there are two, or a flow that seems to lead into the
wrong step.

## Example

Incorrect: the task "Thẩm định hồ sơ" at x=300 and the gateway "Hồ sơ hợp lệ?" at x=340 on the
same row, both 80 px tall.

Correct: the gateway moved to the right of the task, with room for the flow between them.

## How to fix

Move one of the two elements in the modeler (the message names both).
"""

from __future__ import annotations

from isobpmn.lint.rule import rule
from isobpmn.model import Event
from isobpmn.model.reader import NS_BPMNDI


def _planes(tree) -> dict[str, int]:
    """Which diagram plane each element is drawn on (a collapsed sub-process has its own)."""
    plane_of: dict[str, int] = {}
    for number, plane in enumerate(tree.iter(f"{{{NS_BPMNDI}}}BPMNPlane")):
        for shape in plane.iterchildren(f"{{{NS_BPMNDI}}}BPMNShape"):
            plane_of.setdefault(shape.get("bpmnElement", ""), number)
    return plane_of


@rule(id="no-overlapping-elements", category="correctness", severity="warn",
      summary="Flow node shapes do not overlap each other",
      presets=("recommended",))
def check(ctx):
    shapes = ctx.document.diagram.shapes
    every = {node.bpmn_id: node for _, node in ctx.nodes()}
    nodes = [node for node in every.values() if node.bpmn_id in shapes]
    if len(nodes) < 2:
        return
    plane_of = _planes(ctx.tree)
    order = {nid: position for position, nid in enumerate(ctx.document.index)}

    def inside(inner, outer) -> bool:  # inner belongs to the sub-process outer, at any depth
        scope = every.get(inner.scope_id)
        while scope is not None:
            if scope.bpmn_id == outer.bpmn_id:
                return True
            scope = every.get(scope.scope_id)
        return False

    def allowed(a, b) -> bool:
        for one, other in ((a, b), (b, a)):
            if isinstance(one, Event) and one.attached_to == other.bpmn_id:
                return True
            if inside(one, other):
                return True
        return False

    boxes = sorted(nodes, key=lambda n: shapes[n.bpmn_id].bounds.x)
    for i, first in enumerate(boxes):
        a = shapes[first.bpmn_id].bounds
        for second in boxes[i + 1:]:
            b = shapes[second.bpmn_id].bounds
            if b.x >= a.x + a.width:
                break  # sorted by x: nothing further right can overlap ``first``
            if not a.overlaps(b) or plane_of.get(first.bpmn_id) != plane_of.get(second.bpmn_id):
                continue
            if allowed(first, second):
                continue
            earlier, later = sorted((first, second), key=lambda n: order.get(n.bpmn_id, 0))
            yield ctx.report(later.bpmn_id, f"{ctx.label(later.bpmn_id)} overlaps "
                                            f"{ctx.label(earlier.bpmn_id)} in the diagram; move "
                                            "one of them so that both can be seen")

