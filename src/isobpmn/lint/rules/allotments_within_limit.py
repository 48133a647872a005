"""
## What it checks

The time allotted to the steps on the main path (docs/schema.md, "How the reader numbers the
step table"; a sub-process with its own allotment counts once) adds up to no more than the
statutory limit (`iso:timeLimit`). Exceeding it is an error. A sum far below the limit — less
than `far_below_ratio` of it, by default half — is reported at severity `info`.

The comparison is in working hours, with fixed conversions so that it does not depend on a
calendar:

- a working day is 8 working hours;
- a same-day limit (`same-day`, "trả trong ngày") is one working day: 8 working hours;
- **a calendar day counts as one working day.** This is an approximation: 15 calendar days
  contain only about 11 working days, so a main path allotted 14 working days passes against a
  15-calendar-day limit although a case could miss it. State limits in calendar days only when
  the law does, and allot steps in working time.

Procedures without a time limit are left to `time-limit-required`; the far-below note is not
given when no main-path step has an allotment (that is `step-allotment-required`'s finding).

## Why it matters

The statutory limit is a promise to the citizen printed on the receipt (hẹn trả). If the steps'
own allotments add up to more, the procedure plans to be late on every dossier that uses all of
its time, and the step deadlines contradict the appointment date. A main path using only a
small part of the limit usually means allotments were never filled in properly, or the
agency could promise a shorter time (and some provinces require publishing the shortened one).

## Example

Incorrect, for Đăng ký hộ kinh doanh (QT-DKKD-01, 3 working days): desk 0.5 d, specialist 2 d,
head of division 0.5 d, leadership 0.5 d, clerk and desk 0.25 d — 3.75 working days.

Correct: desk 0.5 d → specialist 1.5 d → head of division 0.5 d → leadership 0.25 d → clerk
0.125 d → desk 0.125 d: exactly 3 working days.

Informational: Cấp giấy phép xây dựng (15 working days) with a main path of 5 working days.

## How to fix

Shorten the allotments on the main path until their sum fits the limit, or correct
`iso:timeLimit` if it was entered wrongly. For a far-below note, allot the real working time
to each step; if a short main path is intended, lower `far_below_ratio` (0 turns the note
off).
"""

from decimal import Decimal

from isobpmn.lint.finding import Severity
from isobpmn.lint.rule import rule
from isobpmn.model.duration import Duration, TimeUnit, format_number
from isobpmn.model.order import hours_of
from isobpmn.model.serialize import main_path_allotment


@rule(id="allotments-within-limit", category="iso", severity="error",
      summary="The allotments on the main path fit within the statutory time limit",
      presets=("recommended",), options={"far_below_ratio": 0.5})
def check(ctx):
    ratio = Decimal(str(ctx.options["far_below_ratio"]))
    for process in ctx.iso_procedures():
        limit = process.time_limit
        if limit is None:
            continue
        total = main_path_allotment(process)
        used, allowed = hours_of(total), hours_of(limit)
        if used > allowed:
            yield ctx.report(process.bpmn_id, f"the steps on the main path are allotted "
                             f"{_amount(total)}, more than the statutory limit of "
                             f"{_amount(limit)}; shorten their allotments or correct "
                             "iso:timeLimit")
        elif used < allowed * ratio and any(s.allotment is not None for s in process.steps
                                            if s.on_main_path):
            yield ctx.report(process.bpmn_id, f"the steps on the main path are allotted only "
                             f"{_amount(total)} of the statutory limit of {_amount(limit)}, "
                             f"less than {format_number(ratio * 100, 'en')}% of it; allot the "
                             "real working time to each step or state the shorter limit the "
                             "agency promises", severity=Severity.INFO)


def _amount(duration: Duration) -> str:
    """``1.5 working days (12 working hours)``: the figure and what it was compared as."""
    hours = f"{format_number(hours_of(duration), 'en')} working hours"
    if duration.unit is TimeUnit.WORKING_HOURS:
        return hours
    if duration.unit is TimeUnit.SAME_DAY:
        return f"same day ({hours})"
    return f"{duration.describe('en')} ({hours})"
