"""
## What it checks

Every reference in the file points at an element that exists and is of the right kind: sequence
flow source and target, a gateway's or activity's default flow, a boundary event's activity,
a lane's flow node, a participant's process, a message flow's ends, and what each diagram shape
or edge draws.

## Why it matters

A dangling reference is a broken procedure: a flow that leads nowhere, a lane that claims a step
that is not there, a drawing of nothing. Modelers and engines disagree about what such a file
means.

## Example

Incorrect: `<bpmn:sequenceFlow id="F2" sourceRef="Task_A" targetRef="Task_Gone"/>` when no
element has the id `Task_Gone`.

Correct: `targetRef` names an existing flow node of the same process.

## How to fix

Reconnect the flow (or remove it) in the modeler, or correct the id in the XML.
"""

from isobpmn.lint.rule import rule


@rule(id="no-unresolved-references", category="correctness", severity="error",
      summary="Every reference points at an existing element of the right kind",
      presets=("recommended",))
def check(ctx):
    for problem in ctx.document.problems:
        if problem.code == "unresolved-reference":
            yield ctx.report(problem.bpmn_id, problem.message, problem.line)
