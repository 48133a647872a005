"""Rendering a form: HTML from the package's Jinja2 templates, PDF through WeasyPrint.

- :func:`render_body` gives the sheet alone (``<article class="iso-form">``) for a page that
  embeds it next to its own navigation; :func:`print_css` gives its A4 print style.
- :func:`render_html` gives a complete, self-contained document: the style is inlined and the
  receipt's QR code is an inline SVG made by segno, so the page and the PDF need nothing from
  outside.
- :func:`render_pdf` lays that document out with WeasyPrint, whose URL fetcher refuses
  everything but ``data:`` URIs: rendering never touches the network or the file system.

The environment is this package's own (autoescape on, undefined names fail), independent of
any web framework. Dates follow Nghị định 30/2020/NĐ-CP: "Hòa An, ngày 03 tháng 3 năm 2026" —
a day below 10 and the months 1 and 2 take a leading zero.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Any

import segno
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from isobpmn.textfmt import format_date

from .data import (
    ApologyData,
    ControlSheetData,
    LogBookData,
    ReceiptData,
    RefusalData,
    StopNoticeData,
    SupplementData,
)
from .sets import FormError, FormSet
from .sets import form_set as _find_set

__all__ = ["DATA_TYPES", "LANGUAGES", "OUTCOMES", "print_css", "render_body", "render_html",
           "render_pdf"]

#: The data each kind of form takes.
DATA_TYPES: dict[str, type] = {
    "receipt": ReceiptData, "supplement": SupplementData, "refusal": RefusalData,
    "apology": ApologyData, "stop": StopNoticeData, "control-sheet": ControlSheetData,
    "log-book": LogBookData,
}
#: Accepted for ``lang``; the forms are legal documents and always print in Vietnamese.
LANGUAGES = ("vi", "en")
#: Outcome of a step or dossier as the forms print it.
OUTCOMES = {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn"}
BLANK = "…………………………"


def _two(number: int, pad: bool) -> str:
    return f"{number:02d}" if pad else str(number)


def place_date(place: str, moment: date | datetime) -> str:
    """``Hòa An, ngày 03 tháng 3 năm 2026`` (NĐ 30/2020: zero before days < 10, months 1–2)."""
    day = _two(moment.day, moment.day < 10)
    month = _two(moment.month, moment.month < 3)
    where = f"{place}, " if place else ""
    return f"{where}ngày {day} tháng {month} năm {moment.year}"


def clock(moment: datetime | None) -> str:
    """``09 giờ 00 phút, ngày 03/03/2026``, as the forms ask for hour, minute and date."""
    if moment is None:
        return BLANK
    return f"{moment:%H} giờ {moment:%M} phút, ngày {format_date(moment.date())}"


def short(moment: date | datetime | None) -> str:
    """``09:00 03/03/2026`` (a datetime) or ``03/03/2026`` (a date), for table cells."""
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        return f"{moment:%H:%M} {format_date(moment.date())}"
    return format_date(moment)


def fill(value: Any) -> Any:
    """The value, or a dotted line to write on by hand when it is missing."""
    return BLANK if value is None or (isinstance(value, str) and not value.strip()) else value


def outcome(value: str | None) -> str:
    return OUTCOMES.get(value or "", "")


def qr_svg(text: str) -> Markup:
    """A QR code of ``text`` as inline SVG (sized by the style sheet)."""
    return Markup(segno.make(text, error="m").svg_inline(omitsize=True, border=2,
                                                         svgclass="qr-code"))


@cache
def _environment() -> Environment:
    env = Environment(loader=PackageLoader("isobpmn.forms", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(fill=fill, clock=clock, short=short, outcome=outcome, dmy=format_date)
    env.globals.update(place_date=place_date, qr_svg=qr_svg)
    return env


@cache
def print_css() -> str:
    """The A4 print style of the forms (``templates/print.css``)."""
    return resources.files("isobpmn.forms").joinpath("templates", "print.css").read_text(
        encoding="utf-8")


def render_body(kind: str, data: Any, *, form_set: str | FormSet | None = None) -> Markup:
    """The sheet of ``kind`` filled with ``data``, without the document around it."""
    chosen = _find_set(form_set)
    spec = chosen.form(kind)
    expected = DATA_TYPES[kind]
    if not isinstance(data, expected):
        raise FormError(f"the {kind} form takes {expected.__name__}, not "
                        f"{type(data).__name__}")
    template = _environment().get_template(f"{kind.replace('-', '_')}.html")
    return Markup(template.render(form=spec, set=chosen, data=data))


def render_html(kind: str, data: Any, *, form_set: str | FormSet | None = None,
                lang: str = "vi") -> str:
    """A complete HTML document of the form, style inlined (module docstring).

    ``lang`` is accepted for symmetry with the faces; the forms print in Vietnamese.
    """
    if lang not in LANGUAGES:
        raise FormError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
    chosen = _find_set(form_set)
    body = render_body(kind, data, form_set=chosen)
    spec = chosen.form(kind)
    return _environment().get_template("document.html").render(
        title=f"{spec.label}: {spec.title}", css=Markup(print_css()), body=body)


def render_pdf(html: str) -> bytes:
    """The PDF of a document made by :func:`render_html` (WeasyPrint, no network)."""
    from weasyprint import HTML  # heavy: loaded only when a PDF is asked for

    return HTML(string=html, base_url=None, url_fetcher=_data_only_fetcher()).write_pdf()


def _data_only_fetcher():
    """A WeasyPrint URL fetcher that serves ``data:`` URIs and refuses everything else."""
    try:
        from weasyprint.urls import URLFetcher
    except ImportError:  # WeasyPrint before URLFetcher: a plain function
        from weasyprint import default_url_fetcher

        def fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
            if not url.startswith("data:"):
                raise ValueError(f"forms load nothing from outside: {url}")
            return default_url_fetcher(url, *args, **kwargs)

        return fetch
    return URLFetcher(allowed_protocols=("data",))
