"""
## What it checks

Every role code written on a lane (`iso:role code="…"`) is one of the agency's known roles,
listed in the validator configuration:

```toml
[catalogue]
roles = ["mot-cua", "chuyen-vien", "lanh-dao-phong", "lanh-dao", "van-thu", "thu-ky-iso"]
```

Without a role catalogue (the default) the rule checks nothing. A nested lane that inherits its
parent's role is checked once, on the parent.

## Why it matters

The role code is how a running case finds the officials who get the task (rõ người): users are
given roles in the agency's settings, and a lane whose code nobody holds — `mot_cua` for
`mot-cua`, `chuyenvien` for `chuyen-vien` — sends the dossier to an inbox no one reads. The
catalogue is the list the agency actually assigns.

## Example

Incorrect, with the catalogue above: `<iso:role code="motcua"/>` on the lane "Bộ phận Một cửa"
of Đăng ký hộ kinh doanh.

Correct: `<iso:role code="mot-cua"/>`.

## How to fix

Use a code from the catalogue (the message suggests the nearest one), or, if the agency has
created a new role, add it to `catalogue.roles`.
"""

from isobpmn.lint.config import closest
from isobpmn.lint.rule import rule


@rule(id="role-in-catalogue", category="iso", severity="error",
      summary="Lane role codes are in the role catalogue", presets=("recommended",))
def check(ctx):
    known = ctx.config.catalogue.roles
    if not known:
        return
    for process in ctx.iso_procedures():
        for lane in process.lanes.values():
            if not lane.own_role or lane.role is None or lane.role.code in known:
                continue
            near = closest(lane.role.code, known)
            hint = f'use "{near}"' if near else "use a catalogue code"
            yield ctx.report(lane.bpmn_id, f'lane {ctx.label(lane.bpmn_id)} has role code '
                             f'"{lane.role.code}", which is not in the role catalogue; {hint} '
                             "or add the role to catalogue.roles")
