"""Display conventions shared by every face: dd/mm/yyyy dates, 24-hour times, Vietnamese first.

Stdlib only and import-free of the rest of isobpmn, so any layer may use it.
"""

from __future__ import annotations

from datetime import date, datetime

WEEKDAYS = {
    "vi": ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}


def format_date(value: date | None) -> str:
    """``date(2026, 2, 12)`` → ``"12/02/2026"``; ``None`` → ``""``."""
    return value.strftime("%d/%m/%Y") if value else ""


def format_datetime(value: datetime | None) -> str:
    """``"12/02/2026 14:00"`` (24 h, in the value's own timezone)."""
    return value.strftime("%d/%m/%Y %H:%M") if value else ""


def weekday_name(value: date, lang: str = "vi") -> str:
    return WEEKDAYS["vi" if lang == "vi" else "en"][value.weekday()]


#: Years a typed moment may fall in: anything else is a typing error, and a moment near the
#: ends of ``datetime``'s range cannot even be moved to another time zone.
YEARS = range(1900, 3000)


def parse_datetime(text: str) -> datetime:
    """Read ``"12/02/2026 14:00"``, ``"12/02/2026"`` (00:00) or ISO 8601; naive result.

    Raises ``ValueError`` with the accepted forms, or the years accepted (:data:`YEARS`).
    """
    moment = _parse_datetime(text)
    if moment.year not in YEARS:
        raise ValueError(f"the moment {text!r} is not in the years {YEARS.start} to "
                         f"{YEARS.stop - 1}; check the year")
    return moment


def _parse_datetime(text: str) -> datetime:
    cleaned = " ".join(text.strip().split())
    for pattern in ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y", "%d-%m-%Y %H:%M",
                    "%d-%m-%Y"):
        try:
            return datetime.strptime(cleaned, pattern)
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(cleaned)
    except ValueError:
        raise ValueError(
            f"cannot read the moment {text!r}: write dd/mm/yyyy hh:mm (24 h), "
            "e.g. '12/02/2026 14:00', or ISO 8601 '2026-02-12T14:00'"
        ) from None
