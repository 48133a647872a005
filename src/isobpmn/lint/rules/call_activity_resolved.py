"""
## What it checks

Every call activity names, in `calledElement`, a process that exists: in the same file or in
another file of the procedure library. A process of the same file that it calls must be
executable. When only some files of the library are validated, a name that is not in the file
cannot be checked and is reported as information.

## Why it matters

The engine loads the called process when the case reaches the call activity. A missing or
misspelt process id stops the case there, typically weeks after the diagram was published; a
process marked not executable is refused the same way.

## Example

Incorrect: `<bpmn:callActivity id="Call_ThamDinh" calledElement="QT_ThamDinh_Cu"/>` when no
process of the library has the id `QT_ThamDinh_Cu`.

Correct: `calledElement="QT_ThamDinh"`, the id of the process of `tham-dinh.bpmn` in the same
library.

## How to fix

Pick the called process in the modeler's properties panel, or correct the id in
`calledElement`; validate the whole library (`isobpmn validate bpmn/`) to check names in other
files.
"""

from __future__ import annotations

from isobpmn.lint.finding import Severity
from isobpmn.lint.rule import rule
from isobpmn.model.process import NS_BPMN


@rule(id="call-activity-resolved", category="executability", severity="error",
      summary="Every call activity calls a process that exists",
      presets=("recommended",))
def check(ctx):
    local = {p.bpmn_id: p for p in ctx.processes}
    for el in ctx.tree.iter(f"{{{NS_BPMN}}}callActivity"):
        bpmn_id = el.get("id")
        label = ctx.label(bpmn_id) if bpmn_id else "a call activity"
        called = (el.get("calledElement") or "").strip()
        if not called:
            yield ctx.report(bpmn_id, f"call activity {label} has no calledElement; choose the "
                                      "process it calls", line=el.sourceline)
        elif called in local:
            if not local[called].is_executable:
                yield ctx.report(bpmn_id, f'call activity {label} calls process "{called}", which '
                                          'is not executable; set isExecutable="true" on it',
                                 line=el.sourceline)
        elif called in ctx.library.processes:
            continue
        elif ctx.library.complete:
            yield ctx.report(bpmn_id, f'call activity {label} calls process "{called}", which is '
                                      "in no file of the library; correct calledElement",
                             line=el.sourceline)
        else:
            yield ctx.report(bpmn_id, f'call activity {label} calls process "{called}", which '
                                      "is not in this file and could not be checked: run on the "
                                      "whole library", line=el.sourceline, severity=Severity.INFO)
