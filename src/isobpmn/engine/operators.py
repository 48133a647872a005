"""The operators of the safe subset, with their runtime limits.

``+``, ``*`` and ``%`` can build large text or lists in one step; their result size is known
from the operands, so it is checked before anything is built. Comparisons and ``in`` walk
their operands, so they are charged to the evaluation's budget by size.
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable, Mapping
from typing import Any

from isobpmn.engine.errors import ExpressionError, LimitExceeded
from isobpmn.engine.limits import MAX_ITEMS, Budget, check, kind, measure

__all__ = ["binary", "compare"]

_BINARY: dict[type, tuple[Callable[[Any, Any], Any], str]] = {
    ast.Add: (operator.add, "add"), ast.Sub: (operator.sub, "subtract"),
    ast.Mult: (operator.mul, "multiply"), ast.Div: (operator.truediv, "divide"),
    ast.FloorDiv: (operator.floordiv, "divide"), ast.Mod: (operator.mod, "take the remainder of"),
}
_COMPARE: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Is: operator.is_, ast.IsNot: operator.is_not,
    ast.In: lambda a, b: operator.contains(b, a),
    ast.NotIn: lambda a, b: not operator.contains(b, a),
}
_SEQUENCES = (str, list, tuple)
_CONTAINERS = (list, tuple, dict, set, frozenset)
# a %-format field: mapping key, flags, width and precision ("*" takes them from the values)
_PERCENT_FIELD = re.compile(r"%(?:\(([^)]*)\))?[-#0 +]*(\*|\d*)(?:\.(\*|\d*))?")


def binary(budget: Budget, op: type, left: Any, right: Any) -> Any:
    """``left <op> right`` for an :mod:`ast` operator class, within the size limits."""
    function, verb = _BINARY[op]
    if op is ast.Mult:
        _check_repeat(left, right)
    elif op is ast.Add and isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES):
        if len(left) + len(right) > MAX_ITEMS:
            raise LimitExceeded(f"joining these would give {len(left) + len(right):,} characters "
                                f"or items, more than {MAX_ITEMS:,}")
    elif op is ast.Mod and isinstance(left, str):
        _check_format(left, right)
        verb = "format"
    budget.charge(_size(left) + _size(right))
    try:
        result = function(left, right)
    except ZeroDivisionError:
        raise ExpressionError("division by zero") from None
    except (TypeError, ValueError, OverflowError, KeyError) as exc:
        if verb == "format":
            raise ExpressionError(f"cannot format the text with {kind(right)}: {exc}") from None
        raise ExpressionError(f"cannot {verb} {kind(left)} and {kind(right)}") from None
    return check(result)


def compare(budget: Budget, op: type, left: Any, right: Any) -> bool:
    """One comparison of a chain (``==``, ``<``, ``in``…), charged by the size it walks."""
    if isinstance(left, _CONTAINERS) or isinstance(right, _CONTAINERS):
        budget.charge(measure(left, budget.left, text=False)
                      + measure(right, budget.left, text=False))
    try:
        return bool(_COMPARE[op](left, right))
    except TypeError:
        if op in (ast.In, ast.NotIn):
            raise ExpressionError(f"cannot look for {kind(left)} in {kind(right)}") from None
        raise ExpressionError(f"cannot compare {kind(left)} with {kind(right)}") from None


def _size(value: Any) -> int:
    return len(value) // 64 if isinstance(value, _SEQUENCES) else 0


def _check_repeat(left: Any, right: Any) -> None:
    for sequence, count in ((left, right), (right, left)):
        if isinstance(sequence, _SEQUENCES) and isinstance(count, int):
            size = len(sequence) * max(count, 0)
            if size > MAX_ITEMS:
                raise LimitExceeded(f"repeating {kind(sequence)} {count:,} times would give "
                                    f"{size:,} characters or items, more than {MAX_ITEMS:,}")


def _check_format(text: str, values: Any) -> None:
    """Refuse a %-format whose result would be too long, before it is built: each field adds
    its width or precision, a mapping's value adds its size every time a field names it
    (``"%(a)s" * 2000 % {"a": long_text}``), the other values their size once."""
    limit = 2 * MAX_ITEMS  # the result is checked exactly after; this bounds what is built
    estimate = len(text)
    for key, width, precision in _PERCENT_FIELD.findall(text):
        for number in (width, precision):
            if number == "*":
                raise ExpressionError("a width or precision taken from the values ('%*d') is "
                                      "not allowed; write the number in the text")
            if number and int(number) > MAX_ITEMS:
                raise LimitExceeded(f"a format width or precision of {int(number):,} is more "
                                    f"than {MAX_ITEMS:,}")
        estimate += max(int(width or 0), int(precision or 0))
        if key and isinstance(values, Mapping) and key in values:
            estimate += measure(values[key], limit)
        if estimate > limit:
            break
    size = measure(values, limit)
    if size > limit:
        raise LimitExceeded(f"the values formatted into the text are longer than {MAX_ITEMS:,} "
                            "characters")
    if estimate + size > limit:
        raise LimitExceeded(f"the formatted text would be about {estimate + size:,} characters "
                            f"long, more than {MAX_ITEMS:,}")
