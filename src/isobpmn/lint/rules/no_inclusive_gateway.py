"""
## What it checks

The diagram has no inclusive gateway (the diamond with a circle).

## Why it matters

An inclusive gateway takes every path whose condition holds, one or several, and its merging
counterpart waits only for the paths that were taken. Officials reading the procedure take it
for an ordinary choice, and mistakes in its conditions send a dossier down several paths at
once or down none. Exclusive and parallel gateways say the same thing in a way everyone reads
correctly.

## Example

Incorrect: an inclusive gateway "Cần lấy ý kiến cơ quan nào?" with flows to "Lấy ý kiến Sở
Xây dựng" and "Lấy ý kiến Công an".

Correct: a parallel gateway to both consultations, each preceded by an exclusive gateway
"Cần ý kiến Sở Xây dựng?" whose "Không" path skips it; or, when only one is ever needed, a
single exclusive gateway.

## How to fix

Replace the inclusive gateway by exclusive gateways (one path) or a parallel gateway (all
paths), with optional paths made explicit by an exclusive gateway on each.
"""

from isobpmn.lint.graph import gateways
from isobpmn.lint.rule import rule
from isobpmn.model.types import GatewayType


@rule(id="no-inclusive-gateway", category="correctness", severity="warn",
      summary="Inclusive gateways are discouraged", presets=("recommended",))
def check(ctx):
    for node in gateways(ctx, GatewayType.INCLUSIVE):
        yield ctx.report(node.bpmn_id, (
            f"gateway {ctx.label(node.bpmn_id)} is an inclusive gateway, which readers "
            "take for a plain choice; use exclusive gateways for a choice and a parallel "
            "gateway for steps done side by side"))
