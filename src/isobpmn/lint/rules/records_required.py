"""
## What it checks

The procedure lists at least one record to keep (`iso:record`, section 7 Hồ sơ cần lưu), with
who keeps it and for how long.

## Why it matters

ISO 9001 clause 7.5.3 asks that documented information retained as evidence be identified,
stored, protected and disposed of in a controlled way. The records section is where the
procedure says which papers prove that it was followed — the Sổ đăng ký, the dossier, the
Phiếu kiểm soát quá trình giải quyết hồ sơ — who keeps them and how long (Vĩnh viễn, 10 năm,
05 năm). Auditors start from it, and the archive of closed cases follows it.

## Example

Incorrect: Đăng ký khai sinh (QT-HT-01) with no `iso:record`.

Correct:

```xml
<iso:record keeper="Công chức Tư pháp - Hộ tịch" retention="Vĩnh viễn">Sổ đăng ký khai sinh</iso:record>
<iso:record keeper="Bộ phận Một cửa" retention="05 năm">Sổ theo dõi hồ sơ; Phiếu kiểm soát quá trình giải quyết hồ sơ</iso:record>
```

## How to fix

Add one `iso:record` per record kept, with `keeper` (the unit or position) and `retention`
as set by the agency's retention list.
"""

from isobpmn.lint.rule import rule


@rule(id="records-required", category="iso", severity="warn",
      summary="The procedure lists the records to keep", presets=("recommended",))
def check(ctx):
    for process in ctx.processes:
        if process.info is not None and not process.info.records:
            yield ctx.report(process.bpmn_id, "the procedure lists no records to keep (7. Hồ sơ "
                             'cần lưu); add <iso:record keeper="…" retention="…"> for each '
                             "record that proves it was followed")
