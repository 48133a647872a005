"""
## What it checks

Every task people do — user tasks, manual tasks and plain (untyped) tasks, the activities that
are steps of the step table without further marking — lies in a lane that has a role code
(`iso:role` on the lane, or on a parent lane). A task inside an expanded sub-process counts as
being in the sub-process's lane unless it is in a lane of its own.

## Why it matters

"Rõ người, rõ việc, rõ thời gian": every step of a procedure names who is responsible. The lane
is printed under *Trách nhiệm* in the step table, and its role code (`mot-cua`, `chuyen-vien`,
`lanh-dao-phong`, `lanh-dao`, `van-thu`) is how the engine finds the officials whose inbox gets
the task. A task outside any lane, or in a lane without a role, is a step nobody is assigned to.

## Example

Incorrect: in Đăng ký hộ kinh doanh (QT-DKKD-01), the user task "Thẩm định hồ sơ" drawn below
the pool's lanes, or in a lane "Chuyên viên Phòng Kinh tế" without `iso:role`.

Correct:

```xml
<bpmn:lane id="Lane_ChuyenVien" name="Chuyên viên Phòng Kinh tế">
  <bpmn:extensionElements><iso:role code="chuyen-vien" unit="phong-kinh-te"/></bpmn:extensionElements>
  <bpmn:flowNodeRef>Task_ThamDinh</bpmn:flowNodeRef>
</bpmn:lane>
```

## How to fix

Move the task into the lane of the people who do it, or give the lane a role: select the lane
in the editor and pick the role, or add `<iso:role code="…"/>` to its `extensionElements`.
"""

from isobpmn.lint.rule import rule
from isobpmn.model.process import HUMAN_TASKS


@rule(id="user-task-role-required", category="iso", severity="error",
      summary="Every user, manual or plain task is in a lane with a role code",
      presets=("recommended",))
def check(ctx):
    for process in ctx.iso_procedures():
        for node in process.nodes.values():
            if node.kind not in HUMAN_TASKS:
                continue
            lane = process.lanes.get(node.lane_id or "")
            if lane is None:
                yield ctx.report(node.bpmn_id, f"task {ctx.label(node.bpmn_id)} is in no lane; "
                                 "move it into the lane of the role that does it (rõ người)")
            elif lane.role is None:
                yield ctx.report(node.bpmn_id, f"task {ctx.label(node.bpmn_id)} is in lane "
                                 f"{ctx.label(lane.bpmn_id)}, which has no role code; add "
                                 '<iso:role code="…"/> to the lane (rõ người)')
