"""
## What it checks

A gateway has more than one incoming or more than one outgoing sequence flow. Event-based
gateways are checked by `event-based-gateway`.

## Why it matters

A gateway with one flow in and one flow out neither splits nor merges: it decides nothing,
but readers of the procedure look for the question it asks and for the other path. When its
one outgoing flow carries a condition, a case that fails it gets stuck there.

## Example

Incorrect: "Tiếp nhận hồ sơ" → exclusive gateway "Hồ sơ đầy đủ?" → "Thẩm định hồ sơ", with
no other flow out of the gateway.

Correct: "Tiếp nhận hồ sơ" → "Thẩm định hồ sơ"; or the gateway gets its second path "Chưa
đủ" → "Hướng dẫn bổ sung hồ sơ".

## How to fix

Delete the gateway and connect the element before it directly to the one after it, or draw
the path that is missing.
"""

from isobpmn.lint.rule import rule
from isobpmn.model import Gateway
from isobpmn.model.types import GatewayType


@rule(id="superfluous-gateway", category="correctness", severity="warn",
      summary="A gateway splits or merges: it has more than one flow in or out",
      presets=("recommended",))
def check(ctx):
    for process in ctx.processes:
        for node in process.nodes.values():
            if (isinstance(node, Gateway) and node.gateway_type is not GatewayType.EVENT_BASED
                    and len(node.incoming) == 1 and len(node.outgoing) == 1):
                yield ctx.report(node.bpmn_id, (
                    f"gateway {ctx.label(node.bpmn_id)} has one incoming and one outgoing flow, so "
                    "it decides nothing; delete it and connect its neighbours directly, or draw "
                    "the missing path"))
