"""
## What it checks

Every process and every expanded sub-process has at least one start event.

## Why it matters

Without a start event nobody can tell where a case begins: the engine cannot start it, and an
ISO reader cannot find step 1 of the step table.

## Example

Incorrect: a process whose first element is the task "Tiếp nhận hồ sơ", with nothing before it.

Correct: a start event "Nhận hồ sơ" with a sequence flow to "Tiếp nhận hồ sơ".

## How to fix

Add a start event (a blank one for a process started by the one-stop desk) and connect it to
the first step.
"""

from isobpmn.lint.rule import rule
from isobpmn.model import Activity, Event
from isobpmn.model.process import SUB_PROCESSES
from isobpmn.model.types import EventPosition


@rule(id="start-event-required", category="correctness", severity="error",
      summary="Every process and sub-process has a start event",
      presets=("recommended",))
def check(ctx):
    for process in ctx.processes:
        scopes = {process.bpmn_id: process.name}
        scopes.update({n.bpmn_id: n.name for n in process.nodes.values()
                       if isinstance(n, Activity) and n.kind in SUB_PROCESSES})
        starts = {n.scope_id for n in process.nodes.values()
                  if isinstance(n, Event) and n.position is EventPosition.START}
        for scope_id in scopes:
            if scope_id not in starts and (scope_id != process.bpmn_id or process.nodes):
                kind = "process" if scope_id == process.bpmn_id else "sub-process"
                yield ctx.report(scope_id, f"{kind} {ctx.label(scope_id)} has no start event")
