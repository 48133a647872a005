"""
## What it checks

No activity or event is entered by paths that run at the same time: paths that part at a
parallel gateway, an inclusive or complex gateway, an activity or event with several plain
outgoing flows, or a non-interrupting boundary event, and meet again at the element with no
joining gateway in between.

Several incoming flows of alternative paths (a loop back for missing documents, the branches
of an exclusive gateway) are not a fake join: that implicit merge is reported by
`no-implicit-join`. The two rules never report the same element.

## Why it matters

An activity does not wait for its incoming flows: it starts once for every path that
arrives. Drawn after two parallel branches it looks like a join, but the step is done twice,
the approval is signed twice, and the second copy of the case goes on to the end on its own.

## Example

Incorrect: a parallel gateway after "Phân công thụ lý" leads to "Thẩm định hồ sơ" and "Lấy ý
kiến cơ quan liên quan", and both flow straight into "Lập tờ trình".

Correct: both flow into a parallel gateway, which waits for the two and then leads to "Lập tờ
trình".

## How to fix

Put a parallel gateway in front of the element and let the parallel paths enter it; its one
outgoing flow goes to the element.
"""

from isobpmn.lint.rule import rule
from isobpmn.lint.graph import concurrent_joins

@rule(id="fake-join", category="correctness", severity="warn",
      summary="Parallel paths meet at a joining gateway, not at an activity or event",
      presets=("recommended",))
def check(ctx):
    for process in ctx.processes:
        for node_id, split in concurrent_joins(process).items():
            yield ctx.report(node_id, f"{ctx.label(node_id)} is entered by paths that run in "
                                      f"parallel from {ctx.label(split)}, so it runs once for each "
                                      "of them instead of waiting; join them with a parallel "
                                      "gateway in front of it")
