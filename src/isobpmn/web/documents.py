"""The standard forms of a dossier and the log book, as print-ready pages and PDFs.

``/ho-so/<code>/bieu-mau/<kind>`` shows one form of the dossier (receipt, supplement, refusal,
apology, stop, control-sheet; ``?so=N`` picks a supplement request or an apology letter) with
a print button hidden in print; ``…/<kind>.pdf`` is the same form as a PDF. ``/so-theo-doi``
shows an agency's log book for a period (``agency``, ``tu`` and ``den`` as dd/mm/yyyy), and
``/so-theo-doi.pdf`` prints it. Forms are numbered by the ``FORM_SET`` setting; the receipt's
QR code opens the public lookup under ``PUBLIC_BASE_URL`` (default: this site). The services
check that the user is a member of the agency (docs/forms.md).
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, g, render_template, request, url_for

from isobpmn.services import InvalidRequest
from isobpmn.textfmt import format_date

from .context import login_required, services
from .i18n import gettext as _
from .params import day_param

__all__ = ["bp"]

bp = Blueprint("documents", __name__)

#: Where the public lookup answers, below the site's base address.
LOOKUP_PATH = "/tra-cuu"


def _form_set() -> str:
    return current_app.config["FORM_SET"]


def _lookup_base() -> str:
    """The public lookup page's address (the lookup blueprint's ``/tra-cuu``) under
    ``PUBLIC_BASE_URL`` or this site, for the receipt's QR code."""
    base = current_app.config.get("PUBLIC_BASE_URL") or request.url_root
    return base.rstrip("/") + LOOKUP_PATH


def _number() -> int | None:
    raw = request.args.get("so", "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 9):
        raise InvalidRequest(_("Số thứ tự của phiếu phải là một số nguyên dương."))
    return int(raw)


def _pdf(content: bytes, filename: str) -> Response:
    response = Response(content, mimetype="application/pdf")
    response.headers.set("Content-Disposition", "inline", filename=filename)
    return response


def _case_form(code: str, kind: str):
    return services().form_document(code, kind, actor=g.user.username, form_set=_form_set(),
                                     base_url=_lookup_base(), no=_number())


@bp.get("/ho-so/<code>/bieu-mau/<kind>")
@login_required
def form(code: str, kind: str):
    document = _case_form(code, kind)
    forms = services().available_forms(code, form_set=_form_set())
    return render_template("documents/form.html", document=document, code=code, kind=kind,
                           forms=forms, pdf_url=url_for("documents.form_pdf", code=code,
                                                        kind=kind, so=_number()))


@bp.get("/ho-so/<code>/bieu-mau/<kind>.pdf")
@login_required
def form_pdf(code: str, kind: str):
    document = _case_form(code, kind)
    return _pdf(document.pdf(), document.filename)


def _log_book():
    """The log book asked for: the agency (default: the user's first) and the period
    (default: this month so far), as (document, agency, start, end)."""
    agencies = g.user.agencies
    agency = request.args.get("agency", "").strip() or (agencies[0][0] if agencies else "")
    if not agency:
        raise InvalidRequest(_("Hãy chọn cơ quan (tham số agency)."))
    today = services().clock.now().date()
    start = day_param("tu", today.replace(day=1))
    end = day_param("den", today)
    document = services().log_book(agency, start, end, actor=g.user.username,
                                   form_set=_form_set())
    return document, agency, format_date(start), format_date(end)


@bp.get("/so-theo-doi")
@login_required
def log_book():
    document, agency, start, end = _log_book()
    return render_template("documents/log_book.html", document=document, agency=agency,
                           start=start, end=end, agencies=g.user.agencies,
                           pdf_url=url_for("documents.log_book_pdf", agency=agency, tu=start,
                                           den=end))


@bp.get("/so-theo-doi.pdf")
@login_required
def log_book_pdf():
    document = _log_book()[0]
    return _pdf(document.pdf(), document.filename)
