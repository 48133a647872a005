"""The standard forms (biểu mẫu) of a dossier, as HTML and PDF (DOMAIN §6, docs/forms.md).

Seven kinds — ``receipt`` (Giấy tiếp nhận hồ sơ và hẹn trả kết quả), ``supplement``,
``refusal``, ``apology``, ``stop`` (notice to stop processing), ``control-sheet`` and
``log-book`` — numbered by a configurable form set: ``tt03-2025`` (TT 03/2025/TT-VPCP, the
default) or ``tt01-2018`` (TT 01/2018/TT-VPCP, which has no stop notice).

This package only lays out what it is given: the dataclasses of :mod:`.data`, filled by the
services from a dossier or by hand. It reads no database and imports no web framework, store,
services or engine (an import-linter contract says so), so it can print a form anywhere::

    from isobpmn.forms import render_html, render_pdf
    html = render_html("receipt", receipt_data, form_set="tt03-2025")
    pdf = render_pdf(html)
"""

from .data import (
    AgencyHeader,
    ApologyData,
    Applicant,
    ComponentRow,
    ControlSheetData,
    ControlSheetRow,
    DossierNotice,
    LogBookData,
    LogBookRow,
    ReceiptData,
    RefusalData,
    StopNoticeData,
    SupplementData,
    SupplementItem,
    place_of,
)
from .render import DATA_TYPES, OUTCOMES, print_css, render_body, render_html, render_pdf
from .sets import (
    DEFAULT_FORM_SET,
    FORM_SETS,
    KINDS,
    FormError,
    FormNotInSet,
    FormSet,
    FormSpec,
    UnknownFormSet,
    form_set,
)

__all__ = [
    "DATA_TYPES", "DEFAULT_FORM_SET", "FORM_SETS", "KINDS", "OUTCOMES",
    "AgencyHeader", "ApologyData", "Applicant", "ComponentRow", "ControlSheetData",
    "ControlSheetRow", "DossierNotice", "FormError", "FormNotInSet", "FormSet", "FormSpec",
    "LogBookData", "LogBookRow", "ReceiptData", "RefusalData", "StopNoticeData",
    "SupplementData", "SupplementItem", "UnknownFormSet", "form_set", "place_of", "print_css",
    "render_body", "render_html", "render_pdf",
]
