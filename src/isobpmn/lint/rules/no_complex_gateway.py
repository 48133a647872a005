"""
## What it checks

The diagram has no complex gateway (the diamond with an asterisk).

## Why it matters

A complex gateway's behaviour lives in an activation condition written in its properties
("go on when two of the three opinions are in"), which the drawing does not show. The ISO
procedure document cannot print it, officials cannot see it, and engines support it poorly.

## Example

Incorrect: a complex gateway "Đủ ý kiến?" merging "Ý kiến Sở Xây dựng", "Ý kiến Sở Tài
nguyên và Môi trường" and "Ý kiến Công an".

Correct: a parallel gateway that waits for all three opinions, or a task "Tổng hợp ý kiến"
after a parallel gateway with a timer boundary event "Hết thời hạn lấy ý kiến".

## How to fix

Model the rule with exclusive and parallel gateways and, where a deadline is meant, a timer
event, so that the rule is visible in the diagram.
"""

from isobpmn.lint.graph import gateways
from isobpmn.lint.rule import rule
from isobpmn.model.types import GatewayType


@rule(id="no-complex-gateway", category="correctness", severity="warn",
      summary="Complex gateways are discouraged", presets=("recommended",))
def check(ctx):
    for node in gateways(ctx, GatewayType.COMPLEX):
        yield ctx.report(node.bpmn_id, (
            f"gateway {ctx.label(node.bpmn_id)} is a complex gateway, whose rule the "
            "diagram does not show; model it with exclusive and parallel gateways"))
