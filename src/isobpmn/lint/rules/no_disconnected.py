"""
## What it checks

Every flow node has at least one incoming or outgoing sequence flow. Not reported:

- boundary events, which are connected through the activity they sit on (their own flows are
  checked by `boundary-event-one-outgoing`);
- event sub-processes, which their start event triggers, and compensation activities, which
  an association reaches;
- the steps inside an ad-hoc sub-process, which are done in any order;
- an element alone in its process or sub-process, such as the single start event of a newly
  created diagram (`end-event-required` says what is missing there).

A node with some flows but none in or none out is an implicit start or end: see
`no-implicit-start` and `no-implicit-end`.

## Why it matters

A step that no flow reaches or leaves is never done: it appears in the step table of the ISO
procedure, but no case will ever pass through it. It is usually a flow deleted by mistake or a
leftover of an earlier version.

## Example

Incorrect: the task "Kiểm tra thực địa" stands next to "Thẩm định hồ sơ" with no arrow to or
from it.

Correct: "Thẩm định hồ sơ" → "Kiểm tra thực địa" → "Lập tờ trình".

## How to fix

Connect the element to the steps before and after it, or delete it if it is no longer part
of the procedure.
"""

from isobpmn.lint.graph import event_sub_processes, is_boundary, needs_no_flows
from isobpmn.lint.rule import rule


@rule(id="no-disconnected", category="correctness", severity="error",
      summary="Every flow node is connected by a sequence flow",
      presets=("recommended",))
def check(ctx):
    event_subs = event_sub_processes(ctx)
    for process in ctx.processes:
        candidates = [n for n in process.nodes.values()
                      if not is_boundary(n) and not needs_no_flows(n, process, event_subs)]
        population: dict[str, int] = {}
        for node in candidates:
            population[node.scope_id] = population.get(node.scope_id, 0) + 1
        for node in candidates:
            if not node.incoming and not node.outgoing and population[node.scope_id] > 1:
                yield ctx.report(node.bpmn_id, f"{ctx.label(node.bpmn_id)} is not connected to any "
                                                "sequence flow; connect it to the steps before and "
                                                "after it, or delete it")
