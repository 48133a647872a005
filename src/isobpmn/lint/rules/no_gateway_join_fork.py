"""
## What it checks

No gateway both merges (more than one incoming flow) and splits (more than one outgoing flow).

## Why it matters

A gateway that does both hides two decisions in one symbol: does it wait for all incoming
paths, or go on with the first? and does it then take one path or all of them? Readers and
engines answer differently, and the step table cannot show where a loop for missing documents
rejoins the main path.

## Example

Incorrect: the flows from "Tiếp nhận hồ sơ" and from "Nhận hồ sơ bổ sung" both enter the
gateway "Hồ sơ đầy đủ?", which splits into "Đủ" and "Chưa đủ".

Correct: both flows enter a merging gateway "Hồ sơ chờ kiểm tra", which leads to "Kiểm tra
hồ sơ" and then to the deciding gateway "Hồ sơ đầy đủ?".

## How to fix

Split the gateway in two: a merging gateway that the incoming flows enter, followed by a
separate gateway (usually after the step that produces the decision) that splits.
"""

from isobpmn.lint.rule import rule
from isobpmn.model import Gateway


@rule(id="no-gateway-join-fork", category="correctness", severity="error",
      summary="A gateway either merges or splits, not both",
      presets=("recommended",))
def check(ctx):
    for process in ctx.processes:
        for node in process.nodes.values():
            if isinstance(node, Gateway) and len(node.incoming) > 1 and len(node.outgoing) > 1:
                yield ctx.report(node.bpmn_id, (
                    f"gateway {ctx.label(node.bpmn_id)} both merges {len(node.incoming)} flows "
                    f"and splits into {len(node.outgoing)}; use one gateway to merge and a second "
                    "one after it to split"))
