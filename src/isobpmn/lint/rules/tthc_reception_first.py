"""
## What it checks

In an administrative procedure (`kind="tthc"`), step 1 of the step table lies in a lane whose
role code is the one-stop desk's: option `reception_role`, by default `mot-cua`. Internal
procedures are not checked.

## Why it matters

Under the one-stop mechanism (cơ chế một cửa, một cửa liên thông), every dossier of a thủ tục
hành chính is received by the Bộ phận Tiếp nhận và Trả kết quả: it checks the dossier, issues
the Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01), asks for a supplement (Mẫu 02) or
refuses (Mẫu 03). The clock starts there. A procedure whose first step is a specialist's
skips the desk: no receipt, no appointment date, no record in the one-stop system.

## Example

Incorrect, in Đăng ký hộ kinh doanh (QT-DKKD-01): the first step "Thẩm định hồ sơ" in the lane
"Chuyên viên Phòng Kinh tế" (`chuyen-vien`).

Correct: a first step "Tiếp nhận, kiểm tra hồ sơ" (0.5 working days, Mẫu 01) in the lane
"Bộ phận Một cửa":

```xml
<bpmn:lane id="Lane_MotCua" name="Bộ phận Một cửa">
  <bpmn:extensionElements><iso:role code="mot-cua"/></bpmn:extensionElements>
  <bpmn:flowNodeRef>Task_TiepNhan</bpmn:flowNodeRef>
</bpmn:lane>
```

## How to fix

Start the flow with a reception step in the one-stop desk's lane. If the agency uses another
role code for its desk (e.g. `tn-tkq`), set `reception_role` for this rule.
"""

from isobpmn.lint.rule import rule
from isobpmn.model.types import ProcedureKind


@rule(id="tthc-reception-first", category="iso", severity="error",
      summary="An administrative procedure starts at the one-stop desk", presets=("tthc",),
      options={"reception_role": "mot-cua"})
def check(ctx):
    desk = ctx.options["reception_role"]
    for process in ctx.iso_procedures(ProcedureKind.TTHC):
        first = next((s for s in process.steps if s.number == "1"), None)
        if first is None or (first.role is not None and first.role.code == desk):
            continue
        where = (f"lane {ctx.label(first.lane_id)} (role {first.role.code})" if first.role
                 else f"lane {ctx.label(first.lane_id)}, which has no role" if first.lane_id
                 else "no lane")
        yield ctx.report(first.bpmn_id, f"step 1 {ctx.label(first.bpmn_id)} is in {where}, but an "
                         "administrative procedure starts with reception at the one-stop desk; "
                         f'begin with a reception step in the lane with role "{desk}"')
