"""
## What it checks

An activity or an event (other than a boundary event) has at most one outgoing sequence flow
without a condition that is not its default flow. Gateways are where a path splits.
Boundary events are checked by `boundary-event-one-outgoing`.

## Why it matters

Two plain flows out of a task both run, at the same time: the task splits the case in two
parallel paths without saying so. Readers take the drawing for a choice ("either … or …"),
the engine runs both, and the ISO procedure ends up with steps done twice or results
returned twice.

## Example

Incorrect: "Tiếp nhận hồ sơ" has one flow to "Thẩm định hồ sơ" and another to "Lấy ý kiến cơ
quan liên quan", with no gateway.

Correct: "Tiếp nhận hồ sơ" → parallel gateway → "Thẩm định hồ sơ" and "Lấy ý kiến cơ quan
liên quan" (both are done), or → exclusive gateway "Cần lấy ý kiến?" with conditions (one is
done).

## How to fix

Put a gateway after the element: a parallel gateway when every path runs, an exclusive
gateway with a condition on each flow (and a default flow) when only one path should.
"""

from isobpmn.lint.rule import rule
from isobpmn.lint.graph import is_boundary
from isobpmn.model import Activity, Gateway


@rule(id="no-implicit-split", category="correctness", severity="error",
      summary="Paths split at gateways, not at activities or events",
      presets=("recommended",))
def check(ctx):
    for process in ctx.processes:
        for node in process.nodes.values():
            if len(node.outgoing) < 2 or isinstance(node, Gateway) or is_boundary(node):
                continue
            default = node.default_flow if isinstance(node, Activity) else None
            plain = [f for f in node.outgoing
                     if f != default and process.flows[f].condition is None]
            if len(plain) > 1:
                yield ctx.report(node.bpmn_id, (
                    f"{ctx.label(node.bpmn_id)} has {len(plain)} outgoing sequence flows without "
                    "conditions, which all run at once; put a parallel gateway after it, or an "
                    "exclusive gateway with conditions if only one path should run"))
