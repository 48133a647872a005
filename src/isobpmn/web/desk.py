"""The one-stop desk (Bộ phận Một cửa): choose a procedure, enter the applicant, tick the
dossier components from the procedure's own list (5.2), receive.

Receiving creates the dossier and leads to its printable receipt (Mẫu 01). A dossier found
incomplete is received and answered at once with the supplement request (Mẫu 02) or the
refusal (Mẫu 03); the dossier is kept either way, so nothing typed is lost.
"""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from isobpmn.services import Applicant, InvalidRequest, ServiceError
from isobpmn.textfmt import parse_datetime

from .context import roles_required, services
from .i18n import gettext as _
from .inbox import parse_items

__all__ = ["bp"]

bp = Blueprint("desk", __name__, url_prefix="/tiep-nhan")

CHANNELS = ("in_person", "post", "online")
OUTCOMES = ("receive", "supplement", "refuse")


@bp.get("/")
@roles_required("mot-cua")
def index():
    options = services().receivable_procedures(g.user.username)
    agencies: dict[str, tuple[str, list]] = {}
    for option in options:
        agencies.setdefault(option.agency_code, (option.agency_name, []))[1].append(option)
    return render_template("desk/index.html", agencies=agencies)


def _applicant() -> Applicant:
    form = request.form
    return Applicant(form.get("name", "").strip(), form.get("id_number", "").strip() or None,
                     form.get("address", "").strip() or None,
                     form.get("phone", "").strip() or None,
                     form.get("email", "").strip() or None)


def _received_at():
    raw = request.form.get("received_at", "").strip()
    if not raw:
        return None
    try:
        return parse_datetime(raw)
    except ValueError as exc:
        raise InvalidRequest(str(exc)) from None


def _follow_up(outcome: str, receipt) -> str:
    """Answer an incomplete or ineligible dossier at the desk; the URL to show next."""
    reason = request.form.get("reason", "").strip()
    code = receipt.case_code
    if outcome == "refuse":
        services().refuse(code, g.user.username, reason)
        return url_for("documents.form", code=code, kind="refusal")
    [check] = receipt.first_tasks[:1] or [None]
    if check is None:
        raise InvalidRequest(_("Quy trình không có bước tiếp nhận để yêu cầu bổ sung."))
    view = services().task_view(check.id)
    if "supplement" in view.actions:
        services().request_supplement(check.id, g.user.username, reason=reason,
                                      items=parse_items(request.form.get("items", "")))
        return url_for("documents.form", code=code, kind="supplement")
    # the diagram asks for the supplement in a step after the check: the desk completes
    # the check as incomplete on the task page, with the request there
    return url_for("inbox.task", task_id=check.id)


@bp.route("/<agency>/<procedure>", methods=["GET", "POST"])
@roles_required("mot-cua")
def receive(agency: str, procedure: str):
    option = services().intake_form(procedure, agency, g.user.username)
    if request.method == "GET":
        return render_template("desk/receive.html", option=option, form={}, channels=CHANNELS,
                               ticked={c.no for c in option.components if c.required})
    outcome = request.form.get("outcome", "receive")
    if outcome not in OUTCOMES:
        outcome = "receive"
    ticked = [int(n) for n in request.form.getlist("components") if n.isdigit()]
    channel = request.form.get("channel", "in_person")
    try:
        if outcome != "receive" and not request.form.get("reason", "").strip():
            raise InvalidRequest(_("Hãy ghi lý do yêu cầu bổ sung hoặc từ chối."))
        receipt = services().receive_dossier(
            procedure, agency, _applicant(), actor=g.user.username, channel=channel,
            components=ticked, request=request.form.get("request", "").strip() or None,
            received_at=_received_at())
    except ServiceError as exc:
        flash(exc.message, "error")
        return render_template("desk/receive.html", option=option, form=request.form,
                               channels=CHANNELS, ticked=set(ticked)), 422
    if outcome == "receive":
        flash(_("Đã tiếp nhận hồ sơ %(code)s.", code=receipt.case_code), "success")
        return redirect(url_for("cases.show", code=receipt.case_code, moi=1))
    try:
        target = _follow_up(outcome, receipt)
    except ServiceError as exc:
        flash(_("Hồ sơ %(code)s đã được tiếp nhận, nhưng: %(reason)s",
                code=receipt.case_code, reason=exc.message), "error")
        return redirect(url_for("cases.show", code=receipt.case_code))
    flash(_("Đã tiếp nhận hồ sơ %(code)s.", code=receipt.case_code), "success")
    return redirect(target)
