"""
## What it checks

The process a file is about (the one with `iso:procedure`, else the only process with flow
nodes) is marked executable: `isExecutable="true"`. When several processes carry
`iso:procedure`, each of them is checked.

## Why it matters

The engine refuses to load a process marked `isExecutable="false"`: the procedure would be
published but no case could be opened with it. A missing attribute is read as executable by
SpiffWorkflow but as "not executable" by the modeler's properties panel and by other engines,
so the file says one thing to one tool and the opposite to another; write it out.

## Example

Incorrect: `<bpmn:process id="QT_KhaiSinh" name="Đăng ký khai sinh" isExecutable="false">`.

Correct: `<bpmn:process id="QT_KhaiSinh" name="Đăng ký khai sinh" isExecutable="true">`.

## How to fix

Tick "Executable" in the modeler's properties panel of the process (or of its pool), or set
`isExecutable="true"` in the XML.
"""

from __future__ import annotations

from isobpmn.lint.rule import rule
from isobpmn.model.process import NS_BPMN


@rule(id="process-executable", category="executability", severity="error",
      summary="The procedure's process is marked executable",
      presets=("recommended",))
def check(ctx):
    targets = [ctx.procedure] if ctx.procedure else [p for p in ctx.processes if p.info]
    attributes = {el.get("id"): el.get("isExecutable")
                  for el in ctx.tree.iterchildren(f"{{{NS_BPMN}}}process")}
    for process in targets:
        if process.is_executable:
            continue
        value = attributes.get(process.bpmn_id)
        said = "has no isExecutable attribute" if value is None else f'has isExecutable="{value}"'
        yield ctx.report(process.bpmn_id, f"process {ctx.label(process.bpmn_id)} {said}; set "
                                          'isExecutable="true" (the "Executable" box in the '
                                          "modeler) so that cases can be started")
