"""
## What it checks

Every flow node that has incoming sequence flows also has an outgoing one, except the
elements where a path may stop: end events, throwing link events, event sub-processes,
compensation activities and the steps inside an ad-hoc sub-process. Boundary events are
checked by `boundary-event-one-outgoing`, and an element with no flows at all by
`no-disconnected`.

## Why it matters

A step without outgoing flow is an implicit end: the case silently stops after it. The ISO
reader cannot tell whether the dossier is finished or lost, and the result (giấy phép, thông
báo từ chối) is never recorded as handed over.

## Example

Incorrect: "Ký giấy phép" → "Trả kết quả cho công dân", and nothing after it.

Correct: "Trả kết quả cho công dân" → end event "Đã trả kết quả".

## How to fix

Connect the element to the next step, or to an end event named for the outcome.
"""

from isobpmn.lint.rule import rule
from isobpmn.lint.graph import one_sided
from isobpmn.model.types import EventPosition

_ENDS = (EventPosition.END, EventPosition.BOUNDARY)


@rule(id="no-implicit-end", category="correctness", severity="error",
      summary="Only end events finish a path: every other flow node has an outgoing flow",
      presets=("recommended",))
def check(ctx):
    for node in one_sided(ctx, "outgoing", _ENDS, EventPosition.INTERMEDIATE_THROW):
        yield ctx.report(node.bpmn_id, f"{ctx.label(node.bpmn_id)} has no outgoing sequence flow, "
                                        "so the case silently stops there; connect it to the next "
                                        "step or to an end event")
