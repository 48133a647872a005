"""The public lookup (tra cứu hồ sơ) and the satisfaction rating, without signing in.

The applicant enters the dossier code and the lookup code printed on the receipt; the receipt's
QR code opens ``/tra-cuu?ma=CODE`` with the dossier code filled in. Whatever is wrong — an
unknown code, a wrong lookup code — the page is the same (the form, empty, with one message),
so the answers tell nobody which codes exist. Lookups and ratings share one rate limit per
client address (``LOOKUP_LIMIT``). The result page is rendered in answer to the form, never
redirected to, so the lookup code stays out of addresses and logs unless the applicant put it
in the link themself. See docs/lookup.md.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from isobpmn.services import InvalidRequest, UnknownCase
from isobpmn.services.public import COMMENT_MAX, PublicDossier

from .context import public, services
from .extensions import limiter
from .i18n import gettext as _

__all__ = ["bp"]

bp = Blueprint("lookup", __name__)

CODE_FIELD = "ma"
VERIFICATION_FIELD = "xac-thuc"
SCORES = (5, 4, 3, 2, 1)


@bp.after_request
def _no_store(response):
    """A dossier's progress is nobody else's: no cache keeps it (a shared computer, a proxy)."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _lookup_limit() -> str:
    return current_app.config["LOOKUP_LIMIT"]


def _only_shows_the_form() -> bool:
    """A GET without a lookup code looks nothing up: it does not count against the limit."""
    return request.method == "GET" and not request.args.get(VERIFICATION_FIELD)


def _not_found():
    return render_template("lookup/index.html", code="", not_found=True), 404


def _result(dossier: PublicDossier, verification: str, *, message: str | None = None,
            error: str | None = None, status: int = 200):
    return render_template("lookup/result.html", dossier=dossier, verification=verification,
                           message=message, error=error, scores=SCORES,
                           comment_max=COMMENT_MAX), status


@bp.route("/tra-cuu", methods=["GET", "POST"])
@public
@limiter.shared_limit(_lookup_limit, scope="lookup", exempt_when=_only_shows_the_form)
def index():
    values = request.form if request.method == "POST" else request.args
    code = values.get(CODE_FIELD, "")
    verification = values.get(VERIFICATION_FIELD, "")
    if request.method == "GET" and not verification:
        return render_template("lookup/index.html", code=code.strip()[:50], not_found=False)
    try:
        dossier = services().lookup_dossier(code, verification)
    except UnknownCase:
        return _not_found()
    return _result(dossier, verification)


def _score(text: str | None) -> int | None:
    try:
        score = int(text or "")
    except ValueError:
        return None
    return score if score in SCORES else None


@bp.post("/tra-cuu/danh-gia")
@public
@limiter.shared_limit(_lookup_limit, scope="lookup")
def rate():
    code = request.form.get(CODE_FIELD, "")
    verification = request.form.get(VERIFICATION_FIELD, "")
    comment = request.form.get("comment", "")
    score = _score(request.form.get("score"))
    try:
        dossier = services().lookup_dossier(code, verification)
    except UnknownCase:
        return _not_found()
    if score is None:
        return _result(dossier, verification, status=422,
                       error=_("Hãy chọn mức độ hài lòng, từ 1 đến 5 sao."))
    if len(comment.strip()) > COMMENT_MAX:
        return _result(dossier, verification, status=422,
                       error=_("Ý kiến dài quá %(n)s ký tự; hãy rút gọn.", n=COMMENT_MAX))
    try:
        services().rate_dossier(code, verification, score, comment)
    except UnknownCase:
        return _not_found()
    except InvalidRequest:
        dossier = services().lookup_dossier(code, verification)
        error = (_("Hồ sơ này đã được đánh giá. Mỗi hồ sơ được đánh giá một lần.")
                 if dossier.rated else
                 _("Chỉ đánh giá được sau khi đã nhận kết quả."))
        return _result(dossier, verification, error=error, status=422)
    dossier = services().lookup_dossier(code, verification)
    return _result(dossier, verification,
                   message=_("Cảm ơn ông/bà đã đánh giá. Ý kiến sẽ được gửi đến cơ quan."))
