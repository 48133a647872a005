"""
## What it checks

Every timer (`timeDuration`, `timeDate`, `timeCycle`) says when it fires in a form the engine
understands:

- an ISO 8601 value of the timer's kind, with or without quotes: a duration such as `P30D` or
  `PT4H` (weeks only alone: `P2W`; a fraction only on the last part: `PT1.5H`); a date-time
  with its time zone such as `2026-09-02T07:00:00+07:00`; a repeating interval such as
  `R3/PT1H`, `R/P1D` or `R5/2026-09-02T07:00:00+07:00/PT1H`;
- or, for a duration or a date, one call of a working-time helper with a number:
  `working_days(5)`, `working_hours(4)`, `calendar_days(30)` (docs/expressions.md).

An empty timer is an error too.

## Why it matters

A timer that cannot be read fails when the case reaches it, long after the diagram was
published: the reminder never comes, the deadline never escalates. A date-time without a time
zone is read in the server's zone, which is seven hours away from Vietnam's when the server
runs in UTC. Statutory deadlines count working days (docs/calendar.md); `P5D` counts weekends
and holidays.

## Example

Incorrect: `<bpmn:timeDuration>30 ngày</bpmn:timeDuration>`,
`<bpmn:timeDate>02/09/2026</bpmn:timeDate>`, `<bpmn:timeDuration>P1W2D</bpmn:timeDuration>`.

Correct: `<bpmn:timeDuration>"P30D"</bpmn:timeDuration>`,
`<bpmn:timeDate>"2026-09-02T07:00:00+07:00"</bpmn:timeDate>`,
`<bpmn:timeDuration>working_days(5)</bpmn:timeDuration>`.

## How to fix

Write the value in one of the forms above; for a deadline in working days use
`working_days(N)`. The message says what is wrong with the value.
"""

from __future__ import annotations

import ast
import re
from datetime import datetime

from isobpmn.lint.rule import rule
from isobpmn.model import Event
from isobpmn.model.expressions import TIMER_FUNCTIONS, check_expression
from isobpmn.model.types import TimerKind

DOCS = "docs/expressions.md"
_NUMBER = r"\d+(?:[.,]\d+)?"
_DURATION = re.compile(
    rf"P(?:(?P<W>{_NUMBER})W|(?:(?P<Y>{_NUMBER})Y)?(?:(?P<Mo>{_NUMBER})M)?(?:(?P<D>{_NUMBER})D)?"
    rf"(?P<T>T(?:(?P<H>{_NUMBER})H)?(?:(?P<Mi>{_NUMBER})M)?(?:(?P<S>{_NUMBER})S)?)?)")
_DATE_TIME = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})T(?P<time>\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,6})?)?)"
    r"(?P<zone>Z|[+-]\d{2}:\d{2})?")
_CYCLE = re.compile(r"R(?P<count>\d*)/(?P<rest>.+)")
#: What an ISO 8601 value looks like, unquoted: no spaces, no brackets (else: an expression).
_ISO_LIKE = re.compile(r"[+-]?[0-9PR][0-9A-Za-z:.,+/-]*")
_KIND_WORD = {TimerKind.DURATION: "duration", TimerKind.DATE: "date-time",
              TimerKind.CYCLE: "repeating interval"}
_KIND_EXAMPLE = {TimerKind.DURATION: '"P30D" or working_days(5)',
                 TimerKind.DATE: '"2026-09-02T07:00:00+07:00"',
                 TimerKind.CYCLE: '"R3/PT1H"'}
#: Arguments that may give a number when the case runs (a text, a list or a test cannot).
_COMPUTED = (ast.Name, ast.Subscript, ast.BinOp, ast.IfExp, ast.Call)


def duration(text: str) -> bool | None:
    """``None`` if ``text`` is not a strict ISO 8601 duration, else whether it is non-zero."""
    match = _DURATION.fullmatch(text)
    if match is None:
        return None
    parts = [v for k, v in match.groupdict().items() if k != "T" and v is not None]
    time_parts = [match["H"], match["Mi"], match["S"]]
    if not parts or (match["T"] and not any(time_parts)):
        return None
    if any(re.search(r"[.,]", v) for v in parts[:-1]):  # a fraction only on the smallest part
        return None
    return any(float(v.replace(",", ".")) for v in parts)


def date_time(text: str) -> str | None:
    """Why ``text`` is not a full ISO 8601 date-time with a time zone, or ``None`` if it is."""
    match = _DATE_TIME.fullmatch(text)
    if match is None:
        return "is not an ISO 8601 date-time like 2026-09-02T07:00:00+07:00"
    try:
        datetime.fromisoformat(f"{match['date']}T{match['time'].replace(',', '.')}")
    except ValueError as exc:
        return f"is not a real moment ({exc})"
    zone = match["zone"]
    if zone is None:
        return "has no time zone, so the server's own zone would be used; add one, e.g. +07:00"
    if zone != "Z" and (int(zone[1:3]) > 14 or int(zone[4:6]) > 59):
        return f"has an impossible time zone {zone}"
    return None


def cycle(text: str) -> str | None:
    """Why ``text`` is not an ISO 8601 repeating interval, or ``None`` if it is."""
    match = _CYCLE.fullmatch(text)
    if match is None:
        return "is not an ISO 8601 repeating interval like R3/PT1H"
    if match["count"] and int(match["count"]) == 0:
        return "repeats zero times"
    parts = match["rest"].split("/")
    durations = [duration(p) for p in parts]
    moments = [p for p, d in zip(parts, durations, strict=True) if d is None]
    if len(parts) > 2 or durations.count(None) != len(parts) - 1:
        return "is not R[n]/duration, R[n]/start/duration or R[n]/duration/end"
    if not any(durations):
        return "repeats every zero seconds"
    for moment in moments:
        why = date_time(moment)
        if why is not None:
            return f"has a start or end that {why}"
    return None


def _iso_problem(kind: TimerKind, value: str) -> str | None:
    if kind is TimerKind.DURATION:
        found = duration(value)
        if found is None:
            if date_time(value) is None:
                return "is a date-time, not a duration; use a timeDate, or a duration like P30D"
            return "is not an ISO 8601 duration like P30D (30 days) or PT4H (4 hours)"
        return None
    if kind is TimerKind.DATE:
        if duration(value) is not None:
            return "is a duration, not a date-time; use a timeDuration, or a date-time like " \
                   "2026-09-02T07:00:00+07:00"
        return date_time(value)
    return cycle(value)


def _unquote(text: str) -> str | None:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'" \
            and not re.search(r"[\"'\\]", text[1:-1]):
        return text[1:-1]
    return None


def _call_problem(kind: TimerKind, text: str) -> str | None:
    helpers = ", ".join(f"{name}(…)" for name in sorted(TIMER_FUNCTIONS))
    neither = f"is neither an ISO 8601 {_KIND_WORD[kind]} nor one call of {helpers}"
    try:
        call = ast.parse(text, mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return neither
    named = isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
    if named and call.func.id not in TIMER_FUNCTIONS and not call.func.id.startswith("_"):
        return neither  # another function: to be rewritten whatever its arguments say
    problems = check_expression(text, functions=TIMER_FUNCTIONS)
    if problems:
        return f"is not a safe expression: {problems[0].message}"
    if not named:
        return neither
    if kind is TimerKind.CYCLE:
        return f"calls {call.func.id}(…), which gives one moment, not a repeating interval"
    if len(call.args) != 1 or call.keywords:
        return f"must give {call.func.id}(…) exactly one number, e.g. {call.func.id}(5)"
    sign, arg = 1, call.args[0]
    while isinstance(arg, ast.UnaryOp) and isinstance(arg.op, ast.USub | ast.UAdd):
        sign, arg = -sign if isinstance(arg.op, ast.USub) else sign, arg.operand
    number = isinstance(arg, ast.Constant) and isinstance(arg.value, int | float) \
        and not isinstance(arg.value, bool)
    if not (number or isinstance(arg, _COMPUTED)):
        return f"must give {call.func.id}(…) a number, e.g. {call.func.id}(5)"
    if number and sign * arg.value < 0:
        return f"gives {call.func.id}(…) a negative number"
    return None


def timer_problem(kind: TimerKind | None, expression: str) -> str | None:
    """What is wrong with one timer, as the end of a sentence about it; ``None`` if nothing."""
    if kind is None:
        return "has no timeDuration, timeDate or timeCycle; add one"
    text = expression.strip()
    if not text:
        return f"is empty; write an ISO 8601 {_KIND_WORD[kind]} such as {_KIND_EXAMPLE[kind]}"
    value = _unquote(text)
    if value is not None or _ISO_LIKE.fullmatch(text):
        return _iso_problem(kind, text if value is None else value)
    return _call_problem(kind, text)


@rule(id="timer-expression-valid", category="executability", severity="error",
      summary="Every timer is an ISO 8601 value of its kind or a working-time helper call",
      presets=("recommended",))
def check(ctx):
    for _, node in ctx.nodes():
        if not isinstance(node, Event):
            continue
        for definition in node.definitions:
            if definition.timer is None:
                continue
            timer = definition.timer
            why = timer_problem(timer.kind, timer.expression)
            if why is None:
                continue
            kind = timer.kind.value if timer.kind else "timer"
            shown = timer.expression.strip()
            shown = shown if not shown or shown[0] in "\"'" else f'"{shown}"'
            shown = f" {shown[:57]}…" if len(shown) > 60 else f" {shown}" if shown else ""
            yield ctx.report(node.bpmn_id, f"the {kind}{shown} of {ctx.label(node.bpmn_id)} "
                                           f"{why} (see {DOCS})", line=timer.line)
