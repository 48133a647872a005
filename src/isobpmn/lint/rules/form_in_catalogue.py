"""
## What it checks

Every form code a step names (`iso:form code="…"`) is one of the agency's known forms, listed
in the validator configuration:

```toml
[catalogue]
forms = ["Mẫu 01", "Mẫu 02", "Mẫu 03", "Mẫu 04", "Mẫu 05", "BM.01/QT-ISO-01"]
```

Codes are compared exactly. Results (`iso:result`) are not checked, and without a form
catalogue (the default) the rule checks nothing.

## Why it matters

"Rõ việc": the form named in the step table is the one the official fills in, and the forms
section (6. Biểu mẫu) of the procedure document and the printable forms are looked up by code.
A misspelt or retired code — `Mau 01`, `Mẫu 1`, `BM.01/QT-ISO-1` — prints a form that does not
exist, and the official falls back to whatever paper is at hand.

## Example

Incorrect, with the catalogue above: `<iso:form code="Mẫu 1">Giấy tiếp nhận hồ sơ và hẹn trả
kết quả</iso:form>` on "Tiếp nhận, kiểm tra hồ sơ" of Đăng ký hộ kinh doanh.

Correct: `<iso:form code="Mẫu 01">Giấy tiếp nhận hồ sơ và hẹn trả kết quả</iso:form>`.

## How to fix

Use the code as it is in the catalogue (the message suggests the nearest one), or, when the
agency issues a new form, add it to `catalogue.forms`.
"""

from isobpmn.lint.config import closest
from isobpmn.lint.rule import rule


@rule(id="form-in-catalogue", category="iso", severity="warn",
      summary="Step form codes are in the form catalogue", presets=("recommended",))
def check(ctx):
    known = ctx.config.catalogue.forms
    if not known:
        return
    for process in ctx.iso_procedures():
        for step in process.steps:
            for code in dict.fromkeys(f.code for f in step.info.forms if f.code):
                if code in known:
                    continue
                near = closest(code, known)
                hint = f'use "{near}"' if near else "use a catalogue code"
                yield ctx.report(step.bpmn_id, f"step {step.number} {ctx.label(step.bpmn_id)} "
                                 f'names form "{code}", which is not in the form catalogue; '
                                 f"{hint} or add the form to catalogue.forms")
