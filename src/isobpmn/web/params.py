"""Request parameters several pages read the same way: a day typed as dd/mm/yyyy.

A wrong value is the service layer's :class:`~isobpmn.services.InvalidRequest`, so it reaches
the user as a 422 page saying what to type, like any refusal.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import request

from isobpmn.services import InvalidRequest

from .i18n import gettext as _

__all__ = ["day_param"]


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
