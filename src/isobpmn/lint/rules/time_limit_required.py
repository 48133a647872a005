"""
## What it checks

An administrative procedure (`kind="tthc"`) states its statutory processing time: an
`iso:timeLimit` with a unit (`working-days`, `working-hours`, `calendar-days` or `same-day`)
and, except for `same-day`, a value. For an internal procedure (`kind="internal"`) a missing
limit is only noted, at severity `info`.

## Why it matters

Section 5.4 (Thời gian xử lý) of every thủ tục hành chính is fixed by law and published; the
one-stop desk prints the appointment date (hẹn trả) on the receipt from it, and each dossier is
judged early, on time or late (trước hạn, đúng hạn, quá hạn) against it. Without it the engine
cannot give an appointment and the monitoring cannot count late dossiers. An internal
procedure (kiểm soát tài liệu, đánh giá nội bộ) often has no single overall limit, which is why
it is only noted there.

## Example

Incorrect: Đăng ký hộ kinh doanh (QT-DKKD-01) with no `iso:timeLimit`.

Correct:

```xml
<iso:timeLimit value="3" unit="working-days">03 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ.</iso:timeLimit>
```

and for Đăng ký khai sinh:

```xml
<iso:timeLimit unit="same-day">Ngay trong ngày tiếp nhận hồ sơ; nhận sau 15 giờ thì trả trong ngày làm việc tiếp theo.</iso:timeLimit>
```

## How to fix

Copy the limit from the legal basis (5.1) or the published list of administrative procedures
into `iso:timeLimit`, with its unit as the law states it; put the wording of the law in the
element's text.
"""

from isobpmn.lint.finding import Severity
from isobpmn.lint.rule import rule
from isobpmn.model.types import ProcedureKind


@rule(id="time-limit-required", category="iso", severity="error",
      summary="An administrative procedure states its statutory time limit",
      presets=("recommended",))
def check(ctx):
    for process in ctx.iso_procedures():
        if process.info.time_limit is not None:
            continue
        if process.info.kind is ProcedureKind.TTHC:
            yield ctx.report(process.bpmn_id, "the administrative procedure has no statutory time "
                             'limit; add <iso:timeLimit value="…" unit="working-days"/> as the law '
                             "states it (5.4 Thời gian xử lý)")
        else:
            yield ctx.report(process.bpmn_id, "the internal procedure has no overall time limit; "
                             "add iso:timeLimit if the procedure should be completed within a "
                             "set time", severity=Severity.INFO)
