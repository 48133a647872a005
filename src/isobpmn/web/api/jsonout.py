"""The services' dataclasses as JSON, and their JSON Schema, both read off the dataclasses.

One generic rule instead of a serializer per view: a dataclass becomes an object of its
fields, moments ISO 8601 with their offset (the agency's zone), durations seconds. The
document's schemas follow from the same fields' type hints, so a field added to a view appears
in the API and in its description at once.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any

__all__ = ["plain", "schema_of"]


def plain(value: Any) -> Any:
    """``value`` made of JSON types only (dataclasses, mappings and sequences walked)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return plain(value.value)
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(item) for item in value]
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
        return int(seconds) if seconds.is_integer() else seconds
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


_SIMPLE: dict[Any, dict[str, Any]] = {
    str: {"type": "string"},
    bool: {"type": "boolean"},
    int: {"type": "integer"},
    float: {"type": "number"},
    Decimal: {"type": "number"},
    datetime: {"type": "string", "format": "date-time"},
    date: {"type": "string", "format": "date"},
    timedelta: {"type": "number", "description": "seconds"},
    type(None): {"type": "null"},
}


def schema_of(hint: Any, components: dict[str, Any]) -> dict[str, Any]:
    """JSON Schema of a type hint; dataclasses go to ``components`` and are referenced."""
    if hint in _SIMPLE:
        return dict(_SIMPLE[hint])
    if hint is Any or hint is object:
        return {}
    if dataclasses.is_dataclass(hint):
        name = hint.__name__
        if name not in components:
            components[name] = {}  # a placeholder first: a view may refer to itself
            hints = typing.get_type_hints(hint)
            fields = dataclasses.fields(hint)
            doc = (hint.__doc__ or "").strip()
            components[name] = {
                "type": "object",
                **({"description": " ".join(doc.split())} if doc and not doc.startswith(
                    f"{name}(") else {}),
                "properties": {f.name: schema_of(hints[f.name], components) for f in fields},
                "required": [f.name for f in fields],
            }
        return {"$ref": f"#/components/schemas/{name}"}
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return {"anyOf": [schema_of(arg, components) for arg in args]}
    if origin in (list, set, frozenset) or (origin is tuple and args[-1:] == (Ellipsis,)):
        return {"type": "array", "items": schema_of(args[0], components) if args else {}}
    if origin is tuple:
        return {"type": "array", "prefixItems": [schema_of(arg, components) for arg in args],
                "items": False}
    if origin in (dict, Mapping) or hint is dict:
        return {"type": "object",
                "additionalProperties": schema_of(args[1], components) if args else {}}
    if isinstance(hint, type) and issubclass(hint, Enum):
        return {"type": "string", "enum": [member.value for member in hint]}
    raise TypeError(f"no JSON Schema for {hint!r}")
