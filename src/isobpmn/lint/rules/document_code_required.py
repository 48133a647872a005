"""
## What it checks

The procedure's document control (`iso:document`) has a code (Mã hiệu) that matches the
library's code pattern: `document.code_pattern` in the validator configuration, by default
`^QT-[A-Z0-9]+(-[A-Z0-9]+)*$` (`QT-HT-01`, `QT-DKKD-01`, `QT-ISO-02`). The whole code must
match.

## Why it matters

ISO 9001 clause 7.5.2 asks that documented information be identified. The Mã hiệu is printed in
the title block of every page, named by the forms (`BM.01/QT-ISO-01`), cited in audit reports
and used by the library to tell procedures and their versions apart; an agency's coding
convention only helps if every procedure follows it.

## Example

Incorrect: `<iso:document code="qt dkkd 1" revision="1">` for the procedure Đăng ký hộ kinh
doanh.

Correct: `<iso:document code="QT-DKKD-01" revision="1">`.

## How to fix

Give the procedure a code in the agency's convention (QT-<field>-<number>, upper case, hyphens).
If the agency's convention differs, set it once for the whole library instead:

```toml
[document]
code_pattern = '^QT\\.[A-Z]+\\.[0-9]{2}$'
```
"""

import re

from isobpmn.lint.rule import rule


@rule(id="document-code-required", category="iso", severity="warn",
      summary="The procedure has a document code in the library's pattern",
      presets=("recommended",))
def check(ctx):
    pattern = re.compile(ctx.config.code_pattern)
    for process in ctx.iso_procedures():
        code = process.info.document.code
        if not pattern.fullmatch(code):
            yield ctx.report(process.bpmn_id, f'document code "{code}" does not match the code '
                             f"pattern {ctx.config.code_pattern}; use a code such as QT-HT-01 "
                             "or set document.code_pattern to the agency's convention")
