"""
## What it checks

Every flow node that has outgoing sequence flows also has an incoming one, except the
elements where a case may begin: start events, boundary events, catching link events, event
sub-processes, compensation activities and the steps inside an ad-hoc sub-process. An element
with no flows at all is reported by `no-disconnected` instead.

## Why it matters

A step without incoming flow is an implicit start: the engine starts it together with the
start event, so a new case runs it at once, in parallel with reception. In the ISO procedure
it looks like a step that comes from nowhere, and usually a flow was deleted by mistake.

## Example

Incorrect: "Tiếp nhận hồ sơ" → "Trả kết quả", while "Thẩm định hồ sơ" has only a flow to
"Trả kết quả" and nothing leading to it.

Correct: "Tiếp nhận hồ sơ" → "Thẩm định hồ sơ" → "Trả kết quả".

## How to fix

Connect the step before it to the element. If the procedure really can begin there, put a
start event in front of it (with its trigger, see `single-blank-start-event`).
"""

from isobpmn.lint.rule import rule
from isobpmn.lint.graph import one_sided
from isobpmn.model.types import EventPosition

_STARTS = (EventPosition.START, EventPosition.BOUNDARY)


@rule(id="no-implicit-start", category="correctness", severity="error",
      summary="Only start events begin a path: every other flow node has an incoming flow",
      presets=("recommended",))
def check(ctx):
    for node in one_sided(ctx, "incoming", _STARTS, EventPosition.INTERMEDIATE_CATCH):
        yield ctx.report(node.bpmn_id, f"{ctx.label(node.bpmn_id)} has no incoming sequence flow, "
                                        "so it starts on its own with every case; connect the step "
                                        "before it, or put a start event in front of it")
