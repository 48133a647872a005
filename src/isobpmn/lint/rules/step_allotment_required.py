"""
## What it checks

Every step of the step table (main path and branches alike) has a time allotment
(`iso:allotment` in its `iso:step`). Two cases need none of their own:

- a step inside an expanded sub-process that has an allotment (step 3.2 of sub-process 3): the
  sub-process's allotment covers it;
- an expanded sub-process whose inner steps are allotted: its time is the sum of theirs.

## Why it matters

"Rõ người, rõ việc, rõ thời gian": each row of the step table (5.7) states how long the step
may take, and the statutory limit is split over the steps. The engine sets each task's
deadline from its allotment and tells a late step (chậm tiến độ) from a late dossier; a step
without one can never be late, and the sum on the main path cannot be compared with the limit.

## Example

Incorrect, in Đăng ký hộ kinh doanh (3 working days): the step "Xem xét hồ sơ, trình ký" of the
Lãnh đạo phòng with `iso:step` but no `iso:allotment`.

Correct:

```xml
<iso:step>
  <iso:allotment value="0.5" unit="working-days"/>
</iso:step>
```

## How to fix

Add `<iso:allotment value="…" unit="…"/>` to the step (units: `working-days`,
`working-hours`, `calendar-days`, `same-day`; fractions such as 0.25 are fine), or set the time
in the editor's step panel. A step that truly takes no time of its own gets `value="0"`.
"""

from isobpmn.lint.rule import rule


@rule(id="step-allotment-required", category="iso", severity="warn",
      summary="Every step has a time allotment", presets=("recommended",))
def check(ctx):
    for process in ctx.iso_procedures():
        numbers = {step.number for step in process.steps}
        allotted = {step.number for step in process.steps if step.allotment is not None}
        for step in process.steps:
            if step.number in allotted:
                continue
            if any(step.number.startswith(f"{n}.") for n in allotted):
                continue  # inside an allotted sub-process
            if any(n.startswith(f"{step.number}.") for n in numbers):
                continue  # a sub-process: its inner steps are checked one by one
            yield ctx.report(step.bpmn_id, f"step {step.number} {ctx.label(step.bpmn_id)} has no "
                             'time allotment; add <iso:allotment value="…" unit="working-days"/> '
                             "to its iso:step (rõ thời gian)")
