"""
## What it checks

The `iso` extension elements (docs/schema.md) are well formed: known elements in the right
places, known attributes, valid values (numbers, dates, units, copy kinds, field types, role
codes, field names), no repeats where one is allowed.

## Why it matters

The ISO procedure document, deadlines and inbox forms are generated from these values. A typo
(`unit="working-day"`, `issued="15/01/2026"`) would otherwise drop data silently.

## Example

Incorrect: `<iso:allotment value="0,5 ngày" unit="days"/>`.

Correct: `<iso:allotment value="0.5" unit="working-days"/>`.

## How to fix

Follow the message: it names the element, the value and what is allowed. docs/schema.md lists
every element and attribute.
"""

from isobpmn.lint.rule import rule


@rule(id="iso-extension-valid", category="iso", severity="error",
      summary="The iso extension elements are well formed", presets=("recommended",))
def check(ctx):
    for problem in ctx.document.problems:
        if problem.code in ("iso", "structure"):
            yield ctx.report(problem.bpmn_id, problem.message, problem.line)
