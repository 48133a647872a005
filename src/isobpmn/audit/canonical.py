"""Canonical JSON: one byte string per value, so that a hash over it can be recomputed.

The rules (docs/audit.md): keys sorted, UTF-8 (no ``\\u`` escapes for non-ASCII), no
whitespace, datetimes as UTC ISO 8601 with microseconds and ``Z``, dates as ``YYYY-MM-DD``,
:class:`~decimal.Decimal` as a string, floats that hold a whole number as integers (so that a
value read back from PostgreSQL's ``jsonb``, which keeps no difference between ``2.0`` and
``2``, writes the same bytes), tuples as lists. NaN and infinities are refused: JSON has no
spelling for them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import date, datetime, timezone
from decimal import Decimal
from enum import Enum
from typing import Any

__all__ = ["canonical_json", "canonical_value", "format_moment"]


def format_moment(moment: datetime) -> str:
    """``2026-02-13T08:30:00.000000Z``: an aware datetime in UTC, fixed width."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment.isoformat()} in an audit event: attach a zone")
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_value(value: Any) -> Any:
    """``value`` as plain JSON data (dict with text keys, list, text, int, float, bool, None)
    following the rules of the module; what :func:`canonical_json` writes."""
    kind = type(value)  # exact types first: the common case, without isinstance chains
    if kind is str or kind is bool or kind is int or value is None:
        return value
    if kind is dict:
        out = {}
        for key, item in value.items():
            if type(key) is not str and not isinstance(key, str):
                raise ValueError(f"audit payload keys must be text, got {key!r}")
            out[key] = canonical_value(item)
        return out
    if kind is list:
        return [canonical_value(item) for item in value]
    if isinstance(value, bool | str):
        return value
    if isinstance(value, Enum):
        return canonical_value(value.value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value} cannot be written in an audit event (JSON has no NaN "
                             "or infinity)")
        return int(value) if value.is_integer() else value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return format_moment(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(f"audit payload keys must be text, got {key!r}")
            out[key] = canonical_value(item)
        return out
    if isinstance(value, list | tuple):
        return [canonical_value(item) for item in value]
    raise ValueError(f"cannot write {type(value).__name__} in an audit event")


def canonical_json(value: Any) -> bytes:
    """The canonical UTF-8 bytes of ``value`` (see the module)."""
    return json.dumps(canonical_value(value), sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"), allow_nan=False).encode("utf-8")
