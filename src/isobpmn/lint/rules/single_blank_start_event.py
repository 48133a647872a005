"""
## What it checks

A process or sub-process has at most one blank start event (a start event without a message,
timer, signal or other trigger).

## Why it matters

A blank start event means "a case starts here". Two of them in one scope leave the engine and
the reader guessing where a new dossier enters the procedure: the step table starts twice,
and the one-stop desk cannot tell which path to follow.

## Example

Incorrect: the process "Đăng ký khai sinh" has two blank start events, "Nộp hồ sơ trực tiếp"
and "Nộp hồ sơ trực tuyến", each leading to its own copy of "Tiếp nhận hồ sơ".

Correct: one blank start event "Nhận hồ sơ" followed by "Tiếp nhận hồ sơ"; if the channel
matters, a gateway "Nộp trực tuyến?" after the reception step, or a message start event for
dossiers arriving from the public service portal.

## How to fix

Keep one blank start event. Give the other starts their trigger (a message start event for
dossiers from the portal, a timer start event for periodic work), or merge the paths after a
single start event.
"""

from isobpmn.lint.rule import rule
from isobpmn.model import Event
from isobpmn.model.types import EventPosition


@rule(id="single-blank-start-event", category="correctness", severity="error",
      summary="A process or sub-process has at most one blank start event",
      presets=("recommended",))
def check(ctx):
    for process in ctx.processes:
        blank: dict[str, list[str]] = {}
        for node in process.nodes.values():
            if isinstance(node, Event) and node.position is EventPosition.START and node.is_blank:
                blank.setdefault(node.scope_id, []).append(node.bpmn_id)
        for scope_id, starts in blank.items():
            if len(starts) > 1:
                kind = "process" if scope_id == process.bpmn_id else "sub-process"
                names = ", ".join(ctx.label(s) for s in starts)
                yield ctx.report(scope_id, f"{kind} {ctx.label(scope_id)} has {len(starts)} blank "
                                           f"start events ({names}); keep one and give the others "
                                           "a trigger (message, timer) or merge their paths")
