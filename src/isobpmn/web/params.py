"""Request parameters several pages read the same way: a day typed as dd/mm/yyyy, and
``<int:…>`` in a URL.

A wrong value is the service layer's :class:`~isobpmn.services.InvalidRequest`, so it reaches
the user as a 422 page saying what to type, like any refusal. An id in a URL is at most
:data:`MAX_ID`, the most a database column holds: a longer number is no page (404), never a
database error.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import request
from werkzeug.routing import IntegerConverter, ValidationError

from isobpmn.services import InvalidRequest

from .i18n import gettext as _

__all__ = ["MAX_ID", "IdConverter", "day_param"]

#: Largest id a record may have (a signed 64-bit column).
MAX_ID = 2**63 - 1


class IdConverter(IntegerConverter):
    """``<int:…>`` in a URL: a whole number from 0 to :data:`MAX_ID` (another is no match)."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)

    def to_python(self, value: str) -> int:
        if len(value) > len(str(MAX_ID)):  # int() itself refuses over 4,300 digits
            raise ValidationError()
        return super().to_python(value)


def day_param(name: str, default: date | None) -> date | None:
    """The day in the query or form field ``name`` (dd/mm/yyyy); ``default`` when empty."""
    raw = request.values.get(name, "").strip()
    if not raw:
        return default
    try:
        return datetime.strptime(raw, "%d/%m/%Y").date()
    except ValueError:
        raise InvalidRequest(_("Ngày %(value)s không đúng dạng dd/mm/yyyy (ví dụ 01/03/2026).",
                               value=raw)) from None

