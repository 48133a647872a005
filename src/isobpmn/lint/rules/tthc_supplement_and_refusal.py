"""
## What it checks

An administrative procedure (`kind="tthc"`) provides for both ways a dossier can fail to go
through as submitted:

- **supplement** (bổ sung): some step — on the main path or a branch — uses the supplement
  request form (option `supplement_form`, default "Mẫu 02") or has "bổ sung" in its name;
- **refusal** (từ chối): some step uses the refusal form (option `refusal_form`, default
  "Mẫu 03") or has "từ chối" in its name.

Form codes are compared ignoring case and spacing ("mẫu  02" is "Mẫu 02"); names are searched
ignoring case. Internal procedures are not checked.

## Why it matters

The one-stop rules make the desk and the specialist ask **once, in writing**, for missing
papers (Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ — Mẫu 02) and state the reasons when they refuse
(Phiếu từ chối tiếp nhận giải quyết hồ sơ — Mẫu 03, or a reasoned refusal letter). The time
waiting for a supplement does not count against the limit, and a dossier asked twice counts as
late. A procedure without these branches forces officials to handle them outside the system,
where the clock keeps running and nothing is recorded.

## Example

Incorrect: Cấp giấy phép xây dựng nhà ở riêng lẻ with only the straight path reception →
examination → signature → return.

Correct: a gateway after "Tiếp nhận, kiểm tra hồ sơ" leading to "Hướng dẫn bổ sung, hoàn thiện
hồ sơ" (`<iso:form code="Mẫu 02">Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ</iso:form>`) and to
"Từ chối tiếp nhận hồ sơ" (`<iso:form code="Mẫu 03">Phiếu từ chối tiếp nhận giải quyết hồ
sơ</iso:form>`).

## How to fix

Add the supplement and refusal branches where the dossier is checked (at the desk, and where the
specialist examines it), each with its form. If the agency numbers these forms differently, set
`supplement_form` and `refusal_form`.
"""

import unicodedata

from isobpmn.lint.rule import rule
from isobpmn.model.types import ProcedureKind


def _folded(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _has(steps, form: str, word: str) -> bool:
    return any(_folded(word) in _folded(step.name)
               or any(_folded(f.code) == _folded(form) for f in step.info.forms)
               for step in steps)


@rule(id="tthc-supplement-and-refusal", category="iso", severity="warn",
      summary="An administrative procedure has a supplement and a refusal branch",
      presets=("tthc",), options={"supplement_form": "Mẫu 02", "refusal_form": "Mẫu 03"})
def check(ctx):
    supplement = ctx.options["supplement_form"]
    refusal = ctx.options["refusal_form"]
    for process in ctx.iso_procedures(ProcedureKind.TTHC):
        if not _has(process.steps, supplement, "bổ sung"):
            yield ctx.report(process.bpmn_id, "the administrative procedure has no supplement "
                             f'branch; add a step that requests missing papers with form '
                             f'"{supplement}" (e.g. "Hướng dẫn bổ sung, hoàn thiện hồ sơ")')
        if not _has(process.steps, refusal, "từ chối"):
            yield ctx.report(process.bpmn_id, "the administrative procedure has no refusal "
                             f'branch; add a step that refuses the dossier with form "{refusal}" '
                             'and the reasons (e.g. "Từ chối tiếp nhận hồ sơ")')
