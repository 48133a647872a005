"""
## What it checks

The sign-off grid of the procedure (`iso:signOff` in `iso:document`) is complete and
consistent:

- there is a `drafted` (Soạn thảo), a `reviewed` (Xem xét) and an `approved` (Phê duyệt) entry;
- the approver is not the person who drafted it (names compared ignoring case and spacing);
- the dates that are given are in order: drafted ≤ reviewed ≤ approved ≤ issue date (Ngày ban
  hành). Missing dates are not compared.

## Why it matters

ISO 9001 clause 7.5.2 asks that documented information be reviewed and approved for suitability
and adequacy. In Vietnamese practice the title block of every procedure carries the grid
Soạn thảo / Xem xét / Phê duyệt with names, positions and signatures: the approval by the head
of the agency is what makes the procedure binding, and approving one's own draft is no review
at all. A procedure approved before it was drafted, or issued before it was approved, has a
wrong date somewhere.

## Example

Incorrect, for QT-DKKD-01 issued 2025-10-15:

```xml
<iso:signOff role="drafted" name="Hoàng Thị Lan" date="2025-10-01"/>
<iso:signOff role="approved" name="Hoàng Thị Lan" date="2025-09-20"/>
```

(no review, the drafter approves, and approval comes before drafting).

Correct:

```xml
<iso:signOff role="drafted" name="Hoàng Thị Lan" position="Chuyên viên Phòng Kinh tế" date="2025-10-01"/>
<iso:signOff role="reviewed" name="Vũ Đức Thắng" position="Trưởng phòng Kinh tế" date="2025-10-08"/>
<iso:signOff role="approved" name="Trần Quốc Huy" position="Phó Chủ tịch UBND xã" date="2025-10-15"/>
```

## How to fix

Add the missing sign-off with the person's full name and position, have the procedure approved
by someone other than its drafter (usually the Chủ tịch or a Phó Chủ tịch), and correct the
dates so that drafting, review, approval and issue follow each other.
"""

from isobpmn.lint.rule import rule
from isobpmn.model.types import SignOffRole

ORDER = (SignOffRole.DRAFTED, SignOffRole.REVIEWED, SignOffRole.APPROVED)


def _same_person(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


@rule(id="sign-off-complete", category="iso", severity="warn",
      summary="Drafted, reviewed and approved sign-offs are present, independent and in date order",
      presets=("recommended",))
def check(ctx):
    for process in ctx.iso_procedures():
        document = process.info.document
        entries = {role: document.sign_off(role) for role in ORDER}
        for role, entry in entries.items():
            if entry is None:
                yield ctx.report(process.bpmn_id, f'the sign-off grid has no "{role.value}" '
                                 f"({role.label()}) entry; add <iso:signOff role=\"{role.value}\" "
                                 'name="…" position="…" date="…"/> to iso:document')
        drafted, approved = entries[SignOffRole.DRAFTED], entries[SignOffRole.APPROVED]
        if drafted and approved and _same_person(drafted.name, approved.name):
            yield ctx.report(process.bpmn_id, f"{approved.name} both drafted and approved the "
                             "procedure; it must be approved by someone other than its drafter")
        dated = [(f"{role.value} ({role.label()})", entry.date) for role, entry in entries.items()
                 if entry is not None and entry.date is not None]
        if document.issued is not None:
            dated.append(("issued (Ngày ban hành)", document.issued))
        for (before, first), (after, second) in zip(dated, dated[1:]):
            if second < first:
                yield ctx.report(process.bpmn_id, f"the {after} date {second.isoformat()} is "
                                 f"before the {before} date {first.isoformat()}; correct the "
                                 "dates so that drafting, review, approval and issue follow "
                                 "each other")
