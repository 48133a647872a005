"""The API's operations as data: each view is declared once, with its method, path, body and
query parameters, and that one declaration both registers the Flask route and writes its entry
in the OpenAPI document (:mod:`.document`), so the two cannot drift apart.

Reading a request checks what the declaration says: a body that is not a JSON object, an
unknown field or a value of the wrong JSON type is :class:`BadInput` (400, naming the field);
a value outside a declared list of choices is the services' :class:`InvalidRequest` (422), like
every other refusal of the request's meaning. What no database column could hold is refused
as unreadable too, wherever it is in the request: an integer beyond 64 bits, text with a NUL
character or half of a UTF-16 surrogate pair, ``NaN`` and ``Infinity``, JSON nested deeper
than the parser goes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import g, request

from isobpmn.services import InvalidRequest, UserProfile
from isobpmn.textfmt import parse_datetime

__all__ = ["MAX_INTEGER", "OPERATIONS", "BadInput", "Operation", "Param", "acting_user",
           "check_path", "find_operation", "operation", "read_body", "read_query"]

#: JSON type name → the Python types ``json.loads`` gives for it.
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,), "integer": (int,), "number": (int, float), "boolean": (bool,),
    "object": (dict,), "array": (list,), "null": (type(None),),
}

#: Largest magnitude of an integer the API reads: what a 64-bit database column holds.
MAX_INTEGER = 2**63 - 1

MOMENT_HELP = ("ISO 8601 (`2026-03-03T09:00:00+07:00`; without an offset: the agency's local "
               "time) or `dd/mm/yyyy hh:mm` in the agency's local time")


class BadInput(Exception):
    """The request cannot be read: not JSON, or ``field`` has the wrong type (400)."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        self.code = code
        self.message = message
        self.field = field
        super().__init__(message)


@dataclass(frozen=True)
class Param:
    """A body field or query parameter: its JSON type(s) and what it means."""

    name: str
    type: str | tuple[str, ...]
    description: str
    required: bool = False
    #: A string read as a moment (:data:`MOMENT_HELP`); the view gets a ``datetime``.
    moment: bool = False
    #: The values allowed (checked: another value is refused with 422).
    choices: tuple[str, ...] = ()
    #: An object's own fields, checked in turn (``applicant.name``).
    fields: tuple[Param, ...] = ()
    #: What each element of an array must be, checked in turn (``items[0].quantity``).
    items: Param | None = None

    @property
    def types(self) -> tuple[str, ...]:
        return (self.type,) if isinstance(self.type, str) else self.type

    def json_schema(self) -> dict[str, Any]:
        types = self.types
        out: dict[str, Any] = {"type": types[0] if len(types) == 1 else list(types),
                               "description": self.description + (
                                   f" Format: {MOMENT_HELP}." if self.moment else "")}
        if self.choices:
            out["enum"] = list(self.choices)
        if "integer" in types:
            out["minimum"], out["maximum"] = -MAX_INTEGER, MAX_INTEGER
        if self.fields:
            out["properties"] = {p.name: p.json_schema() for p in self.fields}
            out["required"] = [p.name for p in self.fields if p.required]
            out["additionalProperties"] = False
        if self.items is not None:
            out["items"] = self.items.json_schema()
        if not out["description"]:
            del out["description"]
        return out


@dataclass(frozen=True)
class Operation:
    """One endpoint: ``rule`` is relative to ``/api/v1``; the view's docstring documents it."""

    method: str
    rule: str
    view: Callable[..., Any]
    summary: str
    tag: str
    body: tuple[Param, ...] | None = None
    query: tuple[Param, ...] = ()
    #: The success status and what it returns: a dataclass of the services, or a JSON Schema.
    status: int = 200
    returns: Any = None
    #: Error statuses this operation may answer (401 is added unless ``public``).
    errors: tuple[int, ...] = ()
    public: bool = False

    @property
    def operation_id(self) -> str:
        return self.view.__name__


#: Every operation, in the order of the document.
OPERATIONS: list[Operation] = []


def operation(method: str, rule: str, summary: str, *, tag: str,
              body: tuple[Param, ...] | None = None, query: tuple[Param, ...] = (),
              status: int = 200, returns: Any = None, errors: tuple[int, ...] = (),
              public: bool = False) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare the decorated view as an operation of the API (module doc)."""

    def register(view: Callable[..., Any]) -> Callable[..., Any]:
        OPERATIONS.append(Operation(method, rule, view, summary, tag, body, query, status,
                                    returns, errors, public))
        return view

    return register


def find_operation(endpoint: str | None) -> Operation | None:
    """The operation a request's endpoint (``api.<operation id>``) belongs to."""
    name = (endpoint or "").rpartition(".")[2]
    return next((op for op in OPERATIONS if op.operation_id == name), None)


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    return next((name for name, kinds in _JSON_TYPES.items() if isinstance(value, kinds)), "?")


def _check(param: Param, value: Any, where: str) -> Any:
    """``value`` of ``param`` (at ``where`` in the body) checked, moments read."""
    got = _json_type(value)
    if got not in param.types and not (got == "integer" and "number" in param.types):
        raise BadInput("InvalidBody", f"{where}: expected {' or '.join(param.types)}, "
                                      f"got {got}", where)
    if got == "integer" and not -MAX_INTEGER <= value <= MAX_INTEGER:
        raise BadInput("InvalidBody", f"{where}: {value} is out of range (a whole number of "
                                      f"at most {MAX_INTEGER:,} either way)", where)
    if param.moment:
        return read_moment(where, value)
    if param.choices and value not in param.choices:
        raise InvalidRequest(f"{where}: {value!r} is not one of {', '.join(param.choices)}")
    if got == "object" and param.fields:
        return _check_object(param.fields, value, f"{where}.")
    if got == "array" and param.items is not None:
        return [_check(param.items, item, f"{where}[{i}]") for i, item in enumerate(value)]
    return value


def _check_object(params: tuple[Param, ...], data: dict[str, Any], prefix: str = "") \
        -> dict[str, Any]:
    known = {p.name: p for p in params}
    for name in data:
        if name not in known:
            raise BadInput("InvalidBody", f"{prefix}{name}: not a field of this request (its "
                                          f"fields: {', '.join(known) or 'none'})",
                           f"{prefix}{name}")
    out: dict[str, Any] = {}
    for param in params:
        value = data.get(param.name)
        if value is None:
            if param.required:
                raise BadInput("InvalidBody", f"{prefix}{param.name}: required",
                               f"{prefix}{param.name}")
            continue
        out[param.name] = _check(param, value, f"{prefix}{param.name}")
    return out


def read_moment(name: str, text: str) -> datetime:
    try:
        return parse_datetime(text)
    except ValueError as exc:
        raise BadInput("InvalidBody", f"{name}: {exc}", name) from None


def read_body(params: tuple[Param, ...]) -> dict[str, Any]:
    """The request's JSON object, checked against ``params`` (absent and null fields left
    out). An empty body reads as ``{}``."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        data: Any = {}
    else:
        try:
            data = json.loads(raw, parse_constant=_no_constant)
        except (ValueError, UnicodeDecodeError) as exc:
            raise BadInput("MalformedJson", f"the body is not valid JSON: {exc}") from None
        except RecursionError:
            raise BadInput("MalformedJson", "the body is not valid JSON: it is nested too "
                                            "deeply") from None
    if not isinstance(data, dict):
        raise BadInput("MalformedJson", "the body must be a JSON object")
    _check_text(data)
    return _check_object(params, data)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _storable_text(text: str) -> bool:
    """Whether a database can store ``text``: no NUL, no lone surrogate (not UTF-8)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check_text(data: Any) -> None:
    """Refuse the first text in ``data`` (keys too) that :func:`_storable_text` refuses."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str) and not _storable_text(item):
            raise BadInput("InvalidBody", f"{where}: text with a NUL character or half of a "
                                          "UTF-16 surrogate pair cannot be kept", where)
        if isinstance(item, dict):
            for key, value in item.items():
                at = f"{where}.{key}" if where else str(key)
                if not _storable_text(key):
                    stack.append((at, key))
                stack.append((at, value))
        elif isinstance(item, list):
            stack.extend((f"{where}[{i}]", value) for i, value in enumerate(item))


def check_path(values: dict[str, Any]) -> None:
    """Refuse a path parameter a database cannot look up (a NUL character)."""
    for name, value in values.items():
        if isinstance(value, str) and not _storable_text(value):
            raise BadInput("InvalidParameter", f"{name}: a NUL character is not allowed", name)


def read_query(params: tuple[Param, ...]) -> dict[str, Any]:
    """The query string, checked against ``params`` (integers converted)."""
    out: dict[str, Any] = {}
    for param in params:
        text = request.args.get(param.name)
        if text is None or text == "":
            continue
        value: Any = text
        if not _storable_text(text):
            raise BadInput("InvalidParameter", f"{param.name}: a NUL character is not allowed",
                           param.name)
        if "integer" in param.types:
            try:
                value = int(text)
            except ValueError:
                raise BadInput("InvalidParameter", f"{param.name}: expected an integer, got "
                                                   f"{text!r}", param.name) from None
            if not -MAX_INTEGER <= value <= MAX_INTEGER:
                raise BadInput("InvalidParameter", f"{param.name}: {value} is out of range",
                               param.name)
        if param.choices and value not in param.choices:
            raise InvalidRequest(f"{param.name}: {value!r} is not one of "
                                 f"{', '.join(param.choices)}")
        out[param.name] = value
    return out


def acting_user() -> UserProfile:
    """The user the request's bearer token acts as."""
    return g.api_user

