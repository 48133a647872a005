"""
## What it checks

A boundary event has exactly one outgoing sequence flow. A compensation boundary event has
none: it is linked to its compensation activity by an association.

## Why it matters

A boundary event is what happens when a step is interrupted or overdue ("Quá hạn bổ sung" on
"Chờ bổ sung hồ sơ"). Without an outgoing flow the case stops dead when the event fires, and
the ISO procedure says nothing about what the official does then. Several flows out of it
split the case into parallel paths without a gateway. A sequence flow out of a compensation
boundary event is not allowed by BPMN and engines reject it.

## Example

Incorrect: the timer boundary event "Quá 30 ngày" on the receive task "Chờ công dân bổ sung
hồ sơ" has no outgoing flow.

Correct: "Quá 30 ngày" → "Trả lại hồ sơ" → end event "Đã trả lại hồ sơ".

## How to fix

Connect the boundary event to the step that handles the event; if several steps follow, put a
gateway after that one flow. For a compensation boundary event, remove the sequence flows and
draw an association to the activity that undoes the work.
"""

from isobpmn.lint.rule import rule
from isobpmn.lint.graph import is_boundary


def _problem(event: str, count: int, compensation: bool) -> str | None:
    if compensation:
        if count == 0:
            return None
        return (f"compensation {event} has {count} outgoing sequence flow(s); remove them and "
                "link the compensation activity with an association")
    if count == 0:
        return (f"{event} has no outgoing sequence flow, so the case stops when it fires; "
                "connect it to the step that handles it")
    if count > 1:
        return (f"{event} has {count} outgoing sequence flows; keep one and put a gateway after "
                "it if the case branches")
    return None


@rule(id="boundary-event-one-outgoing", category="correctness", severity="error",
      summary="A boundary event has exactly one outgoing sequence flow",
      presets=("recommended",))
def check(ctx):
    for process in ctx.processes:
        for node in process.nodes.values():
            if not is_boundary(node):
                continue
            event = f"boundary event {ctx.label(node.bpmn_id)}"
            if node.attached_to:
                event += f" on {ctx.label(node.attached_to)}"
            compensation = any(d.kind == "compensate" for d in node.definitions)
            message = _problem(event, len(node.outgoing), compensation)
            if message:
                yield ctx.report(node.bpmn_id, message)
