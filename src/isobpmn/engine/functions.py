"""The functions a diagram may call, implemented here rather than borrowed from ``builtins``.

Each takes the evaluation (:class:`Call`) and its arguments, refuses arguments of the wrong
kind with a message that names the function, and respects the runtime limits. The names and
one-line descriptions are the checker's (:data:`isobpmn.model.expressions.SAFE_FUNCTIONS` and
:data:`~isobpmn.model.expressions.TIMER_FUNCTIONS`); a test keeps the two lists equal.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from isobpmn.calendar import WorkingCalendar
from isobpmn.engine.errors import ExpressionError, LimitExceeded
from isobpmn.engine.limits import MAX_ITEMS, Budget, kind, measure
from isobpmn.engine.operators import binary
from isobpmn.model.duration import Duration, DurationError, TimeUnit

__all__ = ["SAFE", "TIMER", "Call"]


@dataclass(slots=True)
class Call:
    """What a function may see of the evaluation calling it."""

    name: str
    budget: Budget
    now: Callable[[], datetime]
    calendar: WorkingCalendar | None


Function = Callable[[Call, list, dict], Any]


def _args(call: Call, args: list, kwargs: dict, count: int | tuple[int, int],
          keywords: tuple[str, ...] = ()) -> None:
    low, high = (count, count) if isinstance(count, int) else count
    unknown = set(kwargs) - set(keywords)
    if unknown:
        raise ExpressionError(f"{call.name}() takes no argument {sorted(unknown)[0]}=")
    if not low <= len(args) <= high:
        wanted = str(low) if low == high else f"{low} to {high}"
        raise ExpressionError(f"{call.name}() takes {wanted} argument{'s' if high != 1 else ''}, "
                              f"got {len(args)}")


def _one(apply: Callable[[Any], Any], take: Callable[[Call, Any], Any] = lambda call, v: v):
    """A function of one argument: ``apply(take(call, argument))``."""
    def function(call, args, kwargs):
        _args(call, args, kwargs, 1)
        return apply(take(call, args[0]))
    return function


def _sized(call: Call, value: Any) -> Any:
    if not isinstance(value, list | tuple | str | set | frozenset | Mapping):
        raise ExpressionError(f"{call.name}() needs text or a list, got {kind(value)}")
    return value


def _items(call: Call, value: Any) -> list | tuple | str | set | Mapping:
    if not isinstance(value, list | tuple | str | set | frozenset | Mapping):
        raise ExpressionError(f"{call.name}() needs a list, got {kind(value)}")
    call.budget.charge(measure(value, call.budget.left, text=False))
    return value


def _number(call: Call, value: Any) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ExpressionError(f"{call.name}() needs a number, got {kind(value)}")
    return value


def _text(call: Call, value: Any) -> str:
    if not isinstance(value, str):
        raise ExpressionError(f"{call.name}() needs text, got {kind(value)}")
    return value


def _extreme(pick):
    def function(call, args, kwargs):
        _args(call, args, kwargs, (1, MAX_ITEMS), ("default",))
        values = _items(call, args[0]) if len(args) == 1 else args
        if not values and "default" not in kwargs:
            raise ExpressionError(f"{call.name}() of an empty list; add default=…")
        try:
            return pick(values, **kwargs)
        except TypeError:
            raise ExpressionError(f"{call.name}() cannot compare the values given") from None
    return function


def _sum(call, args, kwargs):
    _args(call, args, kwargs, 1, ("start",))
    total = kwargs.get("start", 0)
    for item in _items(call, args[0]):
        total = binary(call.budget, ast.Add, total, item)
    return total


def _round(call, args, kwargs):
    _args(call, args, kwargs, (1, 2), ("ndigits",))
    digits = args[1] if len(args) == 2 else kwargs.get("ndigits")
    if digits is not None and (isinstance(digits, bool) or not isinstance(digits, int)
                               or abs(digits) > 15):
        raise ExpressionError("round() takes a whole number of digits between -15 and 15")
    return round(_number(call, args[0]), digits)


def _int(call, args, kwargs):
    _args(call, args, kwargs, 1, ("base",))
    value = args[0]
    if "base" in kwargs:
        _text(call, value)
    elif not isinstance(value, str | int | float):
        raise ExpressionError(f"int() needs text or a number, got {kind(value)}")
    if isinstance(value, str) and len(value) > 64:
        raise LimitExceeded("int() of text longer than 64 characters")
    try:
        return int(value, **kwargs)
    except (ValueError, TypeError, OverflowError):
        raise ExpressionError(f"int() cannot read {value!r} as a whole number") from None


def _float(call, args, kwargs):
    _args(call, args, kwargs, 1)
    value = args[0]
    if not isinstance(value, str | int | float) or (isinstance(value, str) and len(value) > 64):
        raise ExpressionError(f"float() needs a number or short text, got {kind(value)}")
    try:
        return float(value)
    except ValueError:
        raise ExpressionError(f"float() cannot read {value!r} as a number") from None


def _str(call, args, kwargs):
    _args(call, args, kwargs, 1)
    value = args[0]
    if isinstance(value, str):
        return value
    if measure(value, MAX_ITEMS) > MAX_ITEMS:
        raise LimitExceeded(f"str() of this {kind(value)} would be longer than {MAX_ITEMS:,} "
                            "characters")
    return str(value)


def _today(call, args, kwargs):
    _args(call, args, kwargs, 0)
    return _local(call).date().isoformat()


def _now(call, args, kwargs):
    _args(call, args, kwargs, 0)
    return _local(call).isoformat(timespec="seconds")


def _local(call: Call) -> datetime:
    moment = call.now()
    return moment.astimezone(call.calendar.tz) if call.calendar is not None else moment


def _helper(unit: TimeUnit):
    def function(call, args, kwargs):
        _args(call, args, kwargs, 1)
        amount = _number(call, args[0])
        if call.calendar is None:
            raise ExpressionError(f"{call.name}() needs the agency's working calendar, and the "
                                  "engine was started without one")
        if amount < 0:
            raise ExpressionError(f"{call.name}() needs a number of at least 0, got {amount}")
        try:
            duration = Duration(Decimal(repr(amount)) if isinstance(amount, float)
                                else Decimal(amount), unit)
            return call.calendar.add(call.now(), duration)
        except (DurationError, ValueError) as exc:
            raise ExpressionError(f"{call.name}({amount}): {exc}") from None
    return function


#: The safe functions, by the names the checker allows.
SAFE: dict[str, Function] = {
    "len": _one(len, _sized), "min": _extreme(min), "max": _extreme(max),
    "abs": _one(abs, _number), "round": _round, "int": _int, "float": _float, "str": _str,
    "bool": _one(bool), "sum": _sum, "any": _one(any, _items), "all": _one(all, _items),
    "lower": _one(str.lower, _text), "upper": _one(str.upper, _text),
    "strip": _one(str.strip, _text), "today": _today, "now": _now,
}
#: The working-time helpers a timer may call; each gives the moment the timer fires.
TIMER: dict[str, Function] = {
    "working_days": _helper(TimeUnit.WORKING_DAYS),
    "working_hours": _helper(TimeUnit.WORKING_HOURS),
    "calendar_days": _helper(TimeUnit.CALENDAR_DAYS),
}
