"""
## What it checks

The procedure's document control states its issue date (Ngày ban hành): `issued` on
`iso:document`. The revision (Lần ban hành) is required by the schema already. The date is not
compared with today, so the result of a check does not depend on when it runs.

## Why it matters

ISO 9001 clause 7.5.2 asks for identification of documented information and 7.5.3 for control
of its versions. The title block prints Mã hiệu, Lần ban hành and Ngày ban hành; officials,
auditors and citizens judge which version was in force on a given day from that date, and the
library publishes a version only once it is issued.

## Example

Incorrect: `<iso:document code="QT-DKKD-01" revision="2">` on a procedure that is in use.

Correct: `<iso:document code="QT-DKKD-01" revision="2" issued="2025-10-15">`, the date of the
decision that issued revision 2 (the approver's sign-off date).

## How to fix

Set `issued="YYYY-MM-DD"` when the revision is approved. A draft has no issue date yet: while a
procedure is being drafted, this finding is expected and goes away on approval.
"""

from isobpmn.lint.rule import rule


@rule(id="issue-date-required", category="iso", severity="warn",
      summary="The procedure states its issue date", presets=("recommended",))
def check(ctx):
    for process in ctx.iso_procedures():
        document = process.info.document
        if document.issued is None:
            yield ctx.report(process.bpmn_id, f"revision {document.revision} of {document.code} "
                             'has no issue date; set issued="YYYY-MM-DD" on iso:document to the '
                             "date the revision was approved and issued")
