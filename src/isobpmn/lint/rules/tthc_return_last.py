"""
## What it checks

In an administrative procedure (`kind="tthc"`), the last step of the main path is the return of
the result. Precisely: take the steps on the main path (docs/schema.md, "How the reader numbers
the step table") and the last of them at the top level — if it is an expanded sub-process, also
the last main-path step inside it, and so on down. The rule is satisfied when one of these

- lies in a lane whose role code is the one-stop desk's (option `reception_role`, default
  `mot-cua`), or
- has a name containing "trả kết quả" (ignoring case), e.g. "Vào sổ, trả kết quả".

Branch steps (supplement, refusal) and end events are not considered: returning the result is
work with an allotment, so it is a step. Internal procedures are not checked.

## Why it matters

Under the one-stop mechanism the result of a thủ tục hành chính goes back to the citizen through
the Bộ phận Tiếp nhận và Trả kết quả, which records the return (and the fee) in the one-stop
system; that moment closes the dossier and decides whether it was on time. A procedure whose
main path ends at the leader's signature or at the records clerk never hands the result over,
and its time allotments leave no room for doing so.

## Example

Incorrect, in Đăng ký hộ kinh doanh (QT-DKKD-01): the main path ends with "Vào sổ, đóng dấu,
phát hành" in the lane "Văn thư".

Correct: a last step "Thu lệ phí, trả kết quả" (0.125 working days) in the lane "Bộ phận Một
cửa" (`mot-cua`), after the clerk's step.

## How to fix

End the main path with a return step in the one-stop desk's lane, or — where the office that
decided the case returns the result itself — name the last step so that it says so
("Trả kết quả"). If the agency uses another role code for its desk, set `reception_role`.
"""

import unicodedata

from isobpmn.lint.rule import rule
from isobpmn.model.types import ProcedureKind

RETURN_WORDS = "trả kết quả"


def _folded(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _last_chain(steps):
    """The last top-level main-path step, then the last main-path step inside it, …"""
    chain, prefix = [], ""
    while True:
        level = [s for s in steps if s.on_main_path and s.number.startswith(prefix)
                 and "." not in s.number[len(prefix):]]
        if not level:
            return chain
        chain.append(level[-1])
        prefix = f"{level[-1].number}."


@rule(id="tthc-return-last", category="iso", severity="warn",
      summary="An administrative procedure ends by returning the result at the one-stop desk",
      presets=("tthc",), options={"reception_role": "mot-cua"})
def check(ctx):
    desk = ctx.options["reception_role"]
    for process in ctx.iso_procedures(ProcedureKind.TTHC):
        chain = _last_chain(process.steps)
        if not chain or any((s.role is not None and s.role.code == desk)
                            or _folded(RETURN_WORDS) in _folded(s.name) for s in chain):
            continue
        last = chain[0]
        yield ctx.report(last.bpmn_id, f"the main path ends with step {last.number} "
                         f"{ctx.label(last.bpmn_id)}, which neither is in the one-stop desk's "
                         f'lane (role "{desk}") nor returns the result; end it with a step '
                         '"Trả kết quả" in the desk\'s lane')
