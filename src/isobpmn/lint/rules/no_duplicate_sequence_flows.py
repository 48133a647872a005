"""
## What it checks

No two sequence flows have the same source, the same target and the same condition (or both
none).

## Why it matters

Duplicate flows are invisible in the modeler (they are drawn on top of each other) but the
engine follows both: the next step is started twice and the case runs in two copies. They
come from copy-paste and hand edits of the XML.

## Example

Incorrect: two flows `F3` and `F3_copy`, both from "Tiếp nhận hồ sơ" to "Thẩm định hồ sơ".

Correct: one flow from "Tiếp nhận hồ sơ" to "Thẩm định hồ sơ".

## How to fix

Delete one of the two flows (and its drawing in the diagram section of the file).
"""

from isobpmn.lint.rule import rule


@rule(id="no-duplicate-sequence-flows", category="correctness", severity="error",
      summary="No two sequence flows connect the same elements with the same condition",
      presets=("recommended",))
def check(ctx):
    for process in ctx.processes:
        first: dict[tuple[str, str, str | None], str] = {}
        for flow in process.flows.values():
            condition = " ".join(flow.condition.expression.split()) if flow.condition else None
            key = (flow.source, flow.target, condition)
            if key not in first:
                first[key] = flow.bpmn_id
                continue
            same = " with the same condition" if condition is not None else ""
            yield ctx.report(flow.bpmn_id, f"sequence flow {ctx.label(flow.bpmn_id)} duplicates "
                                           f"{ctx.label(first[key])}: both lead from "
                                           f"{ctx.label(flow.source)} to {ctx.label(flow.target)}"
                                           f"{same}; delete one of them")
