"""
## What it checks

An activity or event has at most one incoming sequence flow: alternative paths that meet
again (a loop back after missing documents are supplied, the branches of an exclusive
gateway) enter a merging gateway first.

Paths that run at the same time and meet at an activity are a different, worse problem,
reported by `fake-join`; this rule leaves those elements to it, so an element gets one finding
or the other, never both.

## Why it matters

An activity with several incoming flows starts whenever any of them arrives. For alternative
paths that is what is meant, but it is not visible: the reader of the diagram cannot tell a
merge of alternatives from a join that should wait, and the step table cannot show where the
loop for "hồ sơ bổ sung" rejoins the main path. An explicit merging gateway says it.

## Example

Incorrect: "Tiếp nhận hồ sơ" has two incoming flows, one from the start event "Nhận hồ sơ" and
one from the message event "Nhận hồ sơ bổ sung".

Correct: both flows enter an exclusive gateway "Hồ sơ chờ kiểm tra", which leads to "Tiếp
nhận hồ sơ".

## How to fix

Put an exclusive gateway in front of the element, connect the incoming flows to it, and one
flow from it to the element. Name the gateway for the state of the case ("Hồ sơ chờ kiểm
tra") so the step table reads well.
"""

from isobpmn.lint.rule import rule
from isobpmn.lint.graph import concurrent_joins
from isobpmn.model import Gateway


@rule(id="no-implicit-join", category="correctness", severity="warn",
      summary="Alternative paths merge at a gateway, not at an activity or event",
      presets=("recommended",))
def check(ctx):
    for process in ctx.processes:
        fake = None
        for node in process.nodes.values():
            if isinstance(node, Gateway) or len(node.incoming) < 2:
                continue
            if fake is None:
                fake = concurrent_joins(process)
            if node.bpmn_id not in fake:
                yield ctx.report(node.bpmn_id, f"{ctx.label(node.bpmn_id)} has "
                                               f"{len(node.incoming)} incoming flows that merge "
                                               "without a gateway; let them enter an exclusive "
                                               "gateway in front of it")
