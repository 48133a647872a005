"""Checking what an official enters against the step's declared fields (``iso:field``).

Each value is read leniently and stored in one form the engine keeps (JSON-like, dates as ISO
text, docs/engine.md):

| type | accepted | stored |
|---|---|---|
| ``text`` | text (numbers are written out) | trimmed text |
| ``number`` | a number, or text such as ``1500000``, ``2.5``, ``2,5`` (comma as decimal mark) | int, or float when it has a fraction |
| ``date`` | a date, ``dd/mm/yyyy`` or ISO ``yyyy-mm-dd`` | ``"yyyy-mm-dd"`` |
| ``choice`` | one of the choice values | the value |
| ``bool`` | true/false, yes/no, có/không, 1/0 | ``True``/``False`` |
| ``document`` | reference text ("12/QĐ-UBND ngày 13/02/2026"), or ``{"number", "date"}`` | text, or ``{"number", "date"}`` with an ISO date |

A required field may not be missing or empty; a field the step does not declare is refused (a
misspelt name never disappears silently). Every problem is reported at once, per field
(:class:`InvalidField`).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from isobpmn.model import Field, FieldType, Step

from .errors import InvalidField

__all__ = ["MAX_TEXT", "validate_fields"]

#: Longest text accepted in one field.
MAX_TEXT = 10_000
_TRUE = {"true", "1", "yes", "y", "có", "co", "đúng", "dung", "x"}
_FALSE = {"false", "0", "no", "n", "không", "khong", "sai"}


def validate_fields(step: Step | None, data: Mapping[str, Any] | None, *,
                    only: Collection[str] | None = None) -> dict[str, Any]:
    """The cleaned values of ``data`` for ``step``; :class:`InvalidField` lists every problem.

    ``only`` limits the check of required fields to those names (a return to the previous step
    needs its decision field only).
    """
    data = dict(data or {})
    fields = {f.name: f for f in step.info.fields} if step is not None else {}
    label = (step.name or step.bpmn_id) if step is not None else "?"
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name in data:
        if name not in fields:
            known = ", ".join(fields) or "none"
            errors[name] = f"not a field of this step (its fields: {known})"
    for name, spec in fields.items():
        raw = data.get(name)
        if _empty(raw):
            if spec.required and (only is None or name in only):
                errors[_title(spec)] = "required"
            continue
        try:
            values[name] = _read(spec, raw)
        except ValueError as exc:
            errors[_title(spec)] = str(exc)
    if errors:
        raise InvalidField(label, errors)
    return values


def _title(spec: Field) -> str:
    return f"{spec.name} ({spec.label})" if spec.label else spec.name


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read(spec: Field, value: Any) -> Any:
    reader = {FieldType.TEXT: _text, FieldType.NUMBER: _number, FieldType.DATE: _date,
              FieldType.BOOL: _bool, FieldType.DOCUMENT: _document}.get(spec.type)
    if spec.type is FieldType.CHOICE:
        return _choice(spec, value)
    return reader(value)


def _text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise ValueError(f"expected text, got {type(value).__name__}")
    text = str(value).strip()
    if len(text) > MAX_TEXT:
        raise ValueError(f"longer than {MAX_TEXT:,} characters")
    return text


def _number(value: Any) -> int | float:
    if isinstance(value, bool):
        raise ValueError("expected a number, got true/false")
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal):
        number = Decimal(str(value)) if isinstance(value, float) else value
    elif isinstance(value, str):
        text = value.strip().replace(" ", "")
        if "," in text and "." not in text:
            text = text.replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"not a number: {value!r} (write digits, e.g. 1500000 or 2.5)") \
                from None
    else:
        raise ValueError(f"expected a number, got {type(value).__name__}")
    if not number.is_finite() or abs(number) > Decimal(10) ** 15:
        raise ValueError(f"{value!r} is not a usable number (at most 10^15)")
    if number == number.to_integral_value():
        return int(number)
    result = float(number)
    if not math.isfinite(result):
        raise ValueError(f"{value!r} is not a usable number")
    return result


def _date(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str):
        raise ValueError(f"expected a date, got {type(value).__name__}")
    text = value.strip()
    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    raise ValueError(f"not a date: {value!r} (write dd/mm/yyyy, e.g. 13/02/2026)")


def _choice(spec: Field, value: Any) -> str:
    values = [c.value for c in spec.choices]
    if isinstance(value, str) and value.strip() in values:
        return value.strip()
    allowed = ", ".join(f"{c.value} ({c.label})" for c in spec.choices)
    raise ValueError(f"{value!r} is not one of: {allowed}")


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise ValueError(f"not yes or no: {value!r} (write true/false, có/không)")


def _document(value: Any) -> str | dict[str, str]:
    if isinstance(value, Mapping):
        number = _text(value.get("number", "")) if value.get("number") is not None else ""
        if not number:
            raise ValueError("a document reference needs its number")
        unknown = set(value) - {"number", "date"}
        if unknown:
            raise ValueError(f"a document reference has a number and a date, not "
                             f"{', '.join(sorted(unknown))}")
        out = {"number": number}
        if not _empty(value.get("date")):
            out["date"] = _date(value["date"])
        return out
    return _text(value)
