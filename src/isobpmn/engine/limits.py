"""Runtime limits of the safe evaluator: how big a value may get, how long an evaluation may run.

The checker (:mod:`isobpmn.model.expressions`) refuses what is too big *as written*; these
limits catch what only becomes too big with the case's data (``"a" * n`` with ``n`` from a
form). Sizes are checked *before* a large value is built wherever the size can be known in
advance, so a hostile diagram meets an error, not a memory blow-up.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from isobpmn.engine.errors import DataError, EngineError, LimitExceeded
from isobpmn.model.expressions import MAX_CONSTANT, MAX_STRING

__all__ = ["MAX_CHANGE_STEPS", "MAX_DEPTH", "MAX_ITEMS", "MAX_NUMBER", "MAX_STEPS", "MAX_STORED",
           "RESERVED_KEY", "Budget", "check", "kind", "measure", "storable"]

#: Longest text, and most items of a list, tuple, set or dictionary, an operation may give.
MAX_ITEMS = MAX_STRING
#: Largest magnitude of a number an operation may give.
MAX_NUMBER = MAX_CONSTANT
#: Work units one evaluation may use: one per element evaluated, one per item walked.
MAX_STEPS = 200_000
#: Work units all the evaluations of one change to a case may use together.
MAX_CHANGE_STEPS = 1_000_000
#: Size (characters, as JSON would write it) of a value a script may store in the case data.
MAX_STORED = 100_000
#: Deepest nesting of lists and dictionaries kept in case data.
MAX_DEPTH = 50
#: SpiffWorkflow's serializer reads a dictionary with this key as one of its own objects.
RESERVED_KEY = "typename"

_SIZED = (str, list, tuple, dict, set, frozenset)


class Budget:
    """Work units left to one evaluation; :meth:`charge` raises once they are spent."""

    __slots__ = ("left", "steps")

    def __init__(self, steps: int = MAX_STEPS) -> None:
        self.steps = self.left = steps

    def charge(self, units: int = 1) -> None:
        self.left -= units
        if self.left < 0:
            raise LimitExceeded(f"the evaluation took more than {self.steps:,} steps (each "
                                f"evaluation may take {MAX_STEPS:,}, one change of a case "
                                f"{MAX_CHANGE_STEPS:,} in all); simplify the expression or the "
                                "data it walks")


def kind(value: object) -> str:
    """How a value is named in messages: ``text``, ``a number``, ``a list``…"""
    if value is None:
        return "None"
    if isinstance(value, bool):
        return "True/False"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "a dictionary"
    if isinstance(value, set | frozenset):
        return "a set"
    return type(value).__name__


def check(value: object) -> object:
    """``value`` if it is within the size limits, else :class:`LimitExceeded`."""
    cls = type(value)
    if cls is int or cls is float:
        if not -MAX_NUMBER <= value <= MAX_NUMBER:  # also refuses NaN
            raise LimitExceeded(f"the result {value!r} is not a number of at most 10^15 in size")
    elif cls in _SIZED and len(value) > MAX_ITEMS:  # type: ignore[arg-type]
        size = len(value)  # type: ignore[arg-type]
        raise LimitExceeded(f"the result would be {kind(value)} of {size:,} characters or "
                            f"items, more than {MAX_ITEMS:,}")
    return value


def measure(value: object, limit: int, *, text: bool = True) -> int:
    """About how long ``value`` is written out (``text``) or how many parts it has, counting a
    shared part each time it appears. Stops as soon as the count passes ``limit``, so the cost
    is bounded by ``limit`` however the value was built (``[[0] * 10_000] * 10_000``)."""
    total, stack = 0, [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item) + 2 if text else 1
        elif isinstance(item, Mapping):
            total += 2
            for key, nested in item.items():
                stack.append(key)
                stack.append(nested)
        elif isinstance(item, list | tuple | set | frozenset):
            total += 2
            stack.extend(item)
        else:
            total += len(repr(item)) if text else 1
        if total > limit:
            return total
        total += 1  # a separator
    return total


def storable(value: object, *, where: str = "the value",
             error: type[EngineError] = DataError) -> object:
    """A JSON-like copy of ``value`` fit to keep in case data: tuples and sets become lists,
    dictionary keys must be text other than ``"typename"``; dates must already be ISO text."""
    return _copy(value, where, error, 0)


def _copy(value: object, where: str, error: type[EngineError], depth: int) -> object:
    if value is None or isinstance(value, str | bool | int | float):
        if isinstance(value, float) and value != value:
            raise error(f"{where} is not a number (NaN) and cannot be kept")
        return value
    if depth >= MAX_DEPTH:
        raise error(f"{where} is nested more than {MAX_DEPTH} levels deep")
    if isinstance(value, Mapping):
        copy = {}
        for key, nested in value.items():
            if not isinstance(key, str):
                raise error(f"{where} has the key {key!r}: keys kept in case data must be text")
            if key == RESERVED_KEY:
                raise error(f"{where} uses the key {RESERVED_KEY!r}, which the engine reserves "
                            "for its own records; choose another name")
            copy[key] = _copy(nested, where, error, depth + 1)
        return copy
    if isinstance(value, list | tuple | set | frozenset):
        return [_copy(item, where, error, depth + 1) for item in value]
    if isinstance(value, date | datetime):
        raise error(f"{where} holds the date {value!r}: keep dates as ISO text, "
                    f"e.g. {value.isoformat()!r}")
    raise error(f"{where} holds {kind(value)}, which cannot be kept in case data; use text, "
                "numbers, True/False, None, lists and dictionaries")
