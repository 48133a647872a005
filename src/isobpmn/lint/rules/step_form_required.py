"""
## What it checks

Every step of the step table — branch steps (supplement, refusal, return) included — names at
least one form (`iso:form`) or result (`iso:result`) in its `iso:step`. An expanded sub-process
whose inner steps are steps of their own needs none: its inner steps are checked instead.

## Why it matters

"Rõ người, rõ việc, rõ thời gian": the last column of the step table (Biểu mẫu/Kết quả) says
what each step works with or produces, and that is how an auditor checks that a step was done
— the Giấy tiếp nhận hồ sơ (Mẫu 01), the Phiếu yêu cầu bổ sung (Mẫu 02), the draft certificate,
the signed result. A step with an empty column leaves no trace in the dossier.

## Example

Incorrect, in Đăng ký hộ kinh doanh: the step "Xem xét hồ sơ, trình ký" with an allotment but
neither form nor result.

Correct:

```xml
<iso:step>
  <iso:allotment value="0.5" unit="working-days"/>
  <iso:result>Dự thảo Giấy chứng nhận đăng ký hộ kinh doanh đã được xem xét</iso:result>
</iso:step>
```

and for the reception step:

```xml
<iso:form code="Mẫu 01">Giấy tiếp nhận hồ sơ và hẹn trả kết quả</iso:form>
```

## How to fix

Add the form the official fills in (`<iso:form code="Mẫu 01">…</iso:form>`) or the result
the step hands on (`<iso:result>…</iso:result>`), as printed in the step table's last column.
"""

from isobpmn.lint.rule import rule


@rule(id="step-form-required", category="iso", severity="warn",
      summary="Every step names a form or a result", presets=("recommended",))
def check(ctx):
    for process in ctx.iso_procedures():
        numbers = {step.number for step in process.steps}
        for step in process.steps:
            if step.info.forms or step.info.results:
                continue
            if any(n.startswith(f"{step.number}.") for n in numbers):
                continue  # a sub-process: its inner steps are checked one by one
            yield ctx.report(step.bpmn_id, f"step {step.number} {ctx.label(step.bpmn_id)} names no "
                             "form or result; add an iso:form (e.g. code=\"Mẫu 01\") or an "
                             "iso:result saying what the step produces (rõ việc)")
