"""
## What it checks

Every `id` attribute in the file is unique.

## Why it matters

Ids are how flows, lanes, the diagram and the engine refer to elements. With two elements under
one id, a reference silently points at the wrong one and the running case may take a path the
approved procedure does not have.

## Example

Incorrect: two user tasks both with `id="Task_1"`.

Correct: `id="Task_TiepNhan"` and `id="Task_ThamDinh"`.

## How to fix

Rename one of the elements' ids (and every reference to it). Modelers never produce duplicates;
they come from hand edits and copy-paste between files.
"""

from isobpmn.lint.rule import rule


@rule(id="no-duplicate-ids", category="correctness", severity="error",
      summary="Every id in the file is unique", presets=("recommended",))
def check(ctx):
    for problem in ctx.document.problems:
        if problem.code == "duplicate-id":
            yield ctx.report(problem.bpmn_id, problem.message, problem.line)
