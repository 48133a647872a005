"""
## What it checks

Every process and every expanded sub-process (transactions and event sub-processes included)
has at least one end event. Ad-hoc sub-processes are left out: their steps are done in any
order and need no end event.

## Why it matters

An end event is where a case is finished and where the ISO step table ends ("Trả kết quả",
"Lưu hồ sơ"). Without one, nobody can tell when the dossier is closed: the path just stops
after a task, and a reader cannot tell a finished case from a forgotten flow.

## Example

Incorrect: the process "Cấp giấy phép" ends with the task "Trả kết quả cho công dân" and
nothing after it.

Correct: a sequence flow from "Trả kết quả cho công dân" to an end event "Đã trả kết quả".

## How to fix

Add an end event after the last step of each path (name it for the outcome: "Đã trả kết
quả", "Từ chối tiếp nhận") and connect the last step to it.
"""

from isobpmn.lint.rule import rule
from isobpmn.model import Activity, Event
from isobpmn.model.process import SUB_PROCESSES
from isobpmn.model.types import EventPosition


@rule(id="end-event-required", category="correctness", severity="error",
      summary="Every process and sub-process has an end event",
      presets=("recommended",))
def check(ctx):
    for process in ctx.processes:
        scopes = [process.bpmn_id] if process.nodes else []
        scopes += [n.bpmn_id for n in process.nodes.values()
                   if isinstance(n, Activity) and n.kind in SUB_PROCESSES
                   and n.kind != "adHocSubProcess"]
        ends = {n.scope_id for n in process.nodes.values()
                if isinstance(n, Event) and n.position is EventPosition.END}
        for scope_id in scopes:
            if scope_id not in ends:
                kind = "process" if scope_id == process.bpmn_id else "sub-process"
                yield ctx.report(scope_id, f"{kind} {ctx.label(scope_id)} has no end event; "
                                           "add one after its last step so a case can finish")
