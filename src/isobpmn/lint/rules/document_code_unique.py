"""
## What it checks

No two procedures of the library share a document code (Mã hiệu): the code of this file's
procedure is used by no other file validated in the same run, and by no other process of this
file. Versions of one procedure are told apart by Lần ban hành (`revision`), never by a second
file with the same code.

When only some files are validated (`isobpmn validate bpmn/a.bpmn`), only those are compared;
validate the whole library folder to compare against all of it.

## Why it matters

ISO 9001 clause 7.5.2 asks that documented information be uniquely identified, and 7.5.3 that
the current version be clear. Two procedures under `QT-DKKD-01` make the library ambiguous: a
form `BM.01/QT-DKKD-01` or an audit finding could refer to either, and publishing one would
replace the other.

## Example

Incorrect: `bpmn/dang-ky-ho-kinh-doanh.bpmn` and a copy `bpmn/dang-ky-ho-kinh-doanh-moi.bpmn`
made to draft changes, both with `<iso:document code="QT-DKKD-01" …>`.

Correct: one file per procedure; the draft is revision 3 of the same file (or, if it is really
a new procedure, it gets the next free code, `QT-DKKD-02`).

## How to fix

If the files are versions of one procedure, keep one file and raise `revision` on
`iso:document`, with a new row in the revision table. If they are different procedures, give
one of them a new code in the agency's numbering.
"""

from isobpmn.lint.rule import rule


@rule(id="document-code-unique", category="iso", severity="error",
      summary="No other procedure of the library uses the same document code",
      presets=("recommended",))
def check(ctx):
    first: dict[str, str] = {}  # code -> first process of this file with it
    for process in ctx.iso_procedures():
        code = process.info.document.code
        if code in first:
            yield ctx.report(process.bpmn_id, f'document code "{code}" is already used by '
                             f"process {ctx.label(first[code])} in this file; give each "
                             "procedure its own code and keep one procedure per file")
            continue
        first[code] = process.bpmn_id
        others = sorted({s for s in ctx.library.codes.get(code, ()) if s != ctx.document.source})
        if others:
            yield ctx.report(process.bpmn_id, f'document code "{code}" is also used by '
                             f"{', '.join(others)}; give each procedure its own code, or keep "
                             "versions of one procedure in one file with a higher revision")
