"""
## What it checks

The revision table (Sửa đổi tài liệu, `iso:revision`) is current and in order:

- it has a row for the document's current revision (`revision` on `iso:document`, Lần ban
  hành), and no row for a later revision;
- the rows are listed by strictly increasing revision number (each revision once);
- their dates never go backwards from one row to the next.

## Why it matters

ISO 9001 clause 7.5.3 asks that changes to documented information be controlled and
identified. Readers of the procedure — and the internal auditor — see what changed in the
current issue only from its row in the table; a table that stops at revision 2 while the title
block says "Lần ban hành: 3" leaves the last change undocumented.

## Example

Incorrect, for `<iso:document code="QT-HT-01" revision="3" …>`:

```xml
<iso:revision number="1" date="2023-03-01" section="Toàn bộ">Ban hành lần đầu</iso:revision>
<iso:revision number="2" date="2024-07-01" section="5.2">Khai thác Cơ sở dữ liệu quốc gia về dân cư</iso:revision>
```

Correct: the same rows and, for the current issue,

```xml
<iso:revision number="3" date="2025-07-21" section="Toàn bộ" request="Thư ký ISO">Cập nhật theo mô hình chính quyền địa phương hai cấp</iso:revision>
```

## How to fix

When raising `revision` on `iso:document`, add a row with the same number, the date and a
short description of what changed (and, if known, the section and who asked for it). Keep the
rows in order, oldest first.
"""

from isobpmn.lint.rule import rule


@rule(id="revision-history-current", category="iso", severity="warn",
      summary="The revision table has a row for the current revision, in order",
      presets=("recommended",))
def check(ctx):
    for process in ctx.iso_procedures():
        current = process.info.document.revision
        rows = process.info.revisions
        numbers = [row.number for row in rows]
        if current not in numbers:
            yield ctx.report(process.bpmn_id, f"the revision table has no row for the current "
                             f"revision {current}; add <iso:revision number=\"{current}\" "
                             'date="YYYY-MM-DD"> describing what changed in this issue')
        for later in sorted({n for n in numbers if n > current}):
            yield ctx.report(process.bpmn_id, f"the revision table has a row for revision {later} "
                             f"but the document is at revision {current}; raise revision on "
                             "iso:document or correct the row's number")
        for previous, row in zip(rows, rows[1:]):
            if row.number <= previous.number:
                yield ctx.report(process.bpmn_id, f"revision {row.number} is listed after "
                                 f"revision {previous.number}; list each revision once, by "
                                 "increasing number")
            elif row.date < previous.date:
                yield ctx.report(process.bpmn_id, f"revision {row.number} is dated "
                                 f"{row.date.isoformat()}, before revision {previous.number} "
                                 f"({previous.date.isoformat()}); correct the dates")
