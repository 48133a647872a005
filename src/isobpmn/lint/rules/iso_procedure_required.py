"""
## What it checks

The process the file is about carries `iso:procedure` (docs/schema.md), and only one process of
the file does. A plain BPMN file gets this one finding; the other `iso` rules stay quiet on it.

## Why it matters

`iso:procedure` turns a drawing into an ISO 9001 procedure: without it there is no Mã hiệu, no
Lần ban hành, no sign-off grid and no statutory time limit, so the procedure document cannot be
generated, the library cannot list it and no case can be run against an approved version.
Two processes with `iso:procedure` in one file make it unclear which one is the procedure.

## Example

Incorrect: the process "Đăng ký hộ kinh doanh" with lanes and tasks but no `extensionElements`.

Correct:

```xml
<bpmn:process id="QT_DKKD" name="Đăng ký hộ kinh doanh">
  <bpmn:extensionElements>
    <iso:procedure kind="tthc" agency="Ủy ban nhân dân xã Hòa An">
      <iso:document code="QT-DKKD-01" revision="1">
        <iso:title>Quy trình đăng ký thành lập hộ kinh doanh</iso:title>
      </iso:document>
    </iso:procedure>
  </bpmn:extensionElements>
  …
```

## How to fix

Add `iso:procedure` with `kind` (`tthc` for a thủ tục hành chính, `internal` for an internal
QMS procedure) and an `iso:document` to the process's `extensionElements`, or fill in the
procedure panel of the editor. Keep one procedure per file: move a second one to its own file.
A file that is deliberately not a procedure (a sketch, a test diagram) can turn the rule off
with `iso:suppress` on the process.
"""

from isobpmn.lint.rule import rule
from isobpmn.model.iso import ISO_NS
from isobpmn.model.process import NS_BPMN


@rule(id="iso-procedure-required", category="iso", severity="warn",
      summary="The main process carries iso:procedure", presets=("recommended",))
def check(ctx):
    # a process whose iso:procedure is written but unreadable is iso-extension-valid's business
    written = {el.get("id") for el in ctx.tree.iterchildren(f"{{{NS_BPMN}}}process")
               if el.find(f"{{{NS_BPMN}}}extensionElements/{{{ISO_NS}}}procedure") is not None}
    with_iso = [p.bpmn_id for p in ctx.processes if p.bpmn_id in written]
    for extra in with_iso[1:]:
        yield ctx.report(extra, f"process {ctx.label(extra)} is a second process with "
                         f"iso:procedure in this file (the first is {ctx.label(with_iso[0])}); "
                         "keep one procedure per file by moving it to a file of its own")
    candidates = [p.bpmn_id for p in ctx.processes if p.nodes]
    if with_iso or not candidates:  # no flow node anywhere: nothing is a procedure yet
        return
    if ctx.procedure is None:
        yield ctx.report(None, f"none of the processes ({', '.join(candidates)}) carries "
                         "iso:procedure; add iso:procedure to the one that is the procedure")
        return
    main = ctx.procedure.bpmn_id
    yield ctx.report(main, f"process {ctx.label(main)} has no iso:procedure; add iso:procedure "
                     "with kind and iso:document (code, revision, title) to its "
                     "extensionElements so it can be issued as an ISO procedure")
