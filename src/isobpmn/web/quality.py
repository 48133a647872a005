"""Quality records (chất lượng): objectives, nonconformities, the management review.

- ``/chat-luong/muc-tieu`` — an agency's quality objectives for a year (``agency``, ``nam``):
  target, value measured so far, met (green) or not (red); the ISO officer and leaders set
  and remove targets.
- ``/chat-luong/khong-phu-hop`` — its nonconformities, filtered by status, overdue actions
  and "mine"; the quality staff report one by hand.
- ``/chat-luong/khong-phu-hop/<id>`` — one nonconformity and its workflow: cause →
  corrective action (owner, due date) → implemented → verification; a link to its dossier.
- ``/chat-luong/xem-xet-lanh-dao`` — the management review's inputs for a period (``tu``,
  ``den`` as dd/mm/yyyy), printable.

The services decide who may read and change what (docs/quality.md); these views parse the
forms, call one service each and show the refusal on the page.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from isobpmn.services import InvalidRequest, NotAllowed, ServiceError
from isobpmn.textfmt import format_date

from .context import login_required, roles_required, services
from .i18n import gettext as _
from .params import day_param

__all__ = ["bp"]

bp = Blueprint("quality", __name__, url_prefix="/chat-luong")

#: Role codes whose holders are offered the quality pages first and may open the management
#: review (the services check the roles in the agency asked for).
QUALITY_ROLES = ("thu-ky-iso", "lanh-dao")
METRICS = ("on_time_rate", "avg_time_share", "satisfaction_avg", "satisfied_rate",
           "online_rate")
STATUSES = ("open", "action_planned", "implemented", "closed")


@bp.app_template_filter("quality_number")
def quality_number(value: Decimal | int | None) -> str:
    """``66,67``, ``98``: a measured value or target with the Vietnamese decimal comma."""
    if value is None:
        return ""
    text = format(Decimal(value).normalize(), "f") if isinstance(value, Decimal) else str(value)
    return text.replace(".", ",")


def _agencies() -> list[tuple[str, str]]:
    """(code, name) of the agencies to choose from: the user's, quality roles first; all of
    them for an administrator."""
    user = g.user
    mine = [(r.agency_code, r.agency_name) for r in user.roles if r.role_code in QUALITY_ROLES]
    mine += user.agencies
    if user.is_admin:
        mine += [(a.code, a.name) for a in services().list_agencies()]
    return list(dict.fromkeys(mine))


def _agency(agencies: list[tuple[str, str]]) -> str:
    chosen = (request.values.get("agency") or "").strip()
    if chosen:
        return chosen
    if not agencies:
        raise InvalidRequest(_("Bạn chưa có vai trò ở cơ quan nào; hãy chọn cơ quan "
                               "(tham số agency)."))
    return agencies[0][0]


def _today() -> date:
    return services().clock.now().date()


def _year() -> int:
    raw = request.values.get("nam", "").strip()
    if not raw:
        return _today().year
    if not raw.isdigit():
        raise InvalidRequest(_("Năm %(value)s không hợp lệ (ví dụ 2026).", value=raw))
    return int(raw)


def _attempt(change, done: str) -> bool:
    """Make one change; flash ``done`` or the service's refusal. Whether it succeeded."""
    try:
        change()
    except ServiceError as exc:
        flash(exc.message, "error")
        return False
    flash(done, "success")
    return True


# -- objectives -----------------------------------------------------------------------------


@bp.route("/muc-tieu", methods=["GET", "POST"])
@login_required
def objectives():
    agencies = _agencies()
    agency, year, status = _agency(agencies), _year(), 200
    if request.method == "POST":
        form = request.form
        if _attempt(lambda: services().set_quality_objective(
                agency, year, form.get("metric", ""), form.get("target", ""),
                title=form.get("title") or None, comparison=form.get("comparison") or None,
                actor=g.user.username), _("Đã lưu mục tiêu chất lượng.")):
            return redirect(url_for("quality.objectives", agency=agency, nam=year))
        status = 422
    rows = services().quality_objectives(agency, year, actor=g.user.username)
    return render_template("quality/objectives.html", objectives=rows, agency=agency,
                           agencies=agencies, year=year, metrics=METRICS), status


@bp.post("/muc-tieu/<int:objective_id>/xoa")
@login_required
def remove_objective(objective_id: int):
    try:
        services().remove_quality_objective(objective_id, actor=g.user.username)
    except NotAllowed:
        raise
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        flash(_("Đã bỏ mục tiêu chất lượng."), "success")
    return redirect(url_for("quality.objectives", agency=request.form.get("agency") or None,
                            nam=request.form.get("nam") or None))


# -- nonconformities ------------------------------------------------------------------------


@bp.route("/khong-phu-hop", methods=["GET", "POST"])
@login_required
def nonconformities():
    agencies = _agencies()
    agency, status = _agency(agencies), 200
    if request.method == "POST":
        form = request.form
        try:
            opened = services().open_nonconformity(
                agency, form.get("description", ""), actor=g.user.username,
                source=form.get("source") or "manual",
                case_code=form.get("case_code", "").strip() or None,
                step=form.get("step", "").strip() or None)
        except ServiceError as exc:
            flash(exc.message, "error")
            status = 422
        else:
            flash(_("Đã ghi nhận sự không phù hợp số %(id)s.", id=opened.id), "success")
            return redirect(url_for("quality.nonconformity", nonconformity_id=opened.id))
    chosen = request.args.get("status") or None
    rows = services().list_nonconformities(
        agency, actor=g.user.username, status=chosen if chosen in STATUSES else None,
        overdue=request.args.get("qua_han") == "1",
        owner=g.user.username if request.args.get("cua_toi") == "1" else None)
    return render_template("quality/nonconformities.html", rows=rows, agency=agency,
                           agencies=agencies, statuses=STATUSES, status=chosen,
                           overdue=request.args.get("qua_han") == "1",
                           mine=request.args.get("cua_toi") == "1"), status


def _workflow_step(nonconformity_id: int, action: str | None) -> str:
    """Run one step of the nonconformity's workflow from the posted form; its message."""
    form, actor, s = request.form, g.user.username, services()
    if action == "cause":
        s.record_nonconformity_cause(nonconformity_id, form.get("cause", ""), actor=actor)
        return _("Đã ghi nhận nguyên nhân.")
    if action == "plan":
        due = day_param("due_on", None)
        if due is None:
            raise InvalidRequest(_("Hãy nhập hạn hoàn thành (dd/mm/yyyy)."))
        s.plan_corrective_action(nonconformity_id, form.get("action", ""),
                                 owner=form.get("owner", ""), due_on=due, actor=actor)
        return _("Đã lập kế hoạch hành động khắc phục.")
    if action == "implement":
        s.implement_corrective_action(nonconformity_id, form.get("implementation", ""),
                                      actor=actor)
        return _("Đã báo cáo hoàn thành hành động khắc phục.")
    if action == "verify":
        effective = form.get("effective") != "0"
        s.verify_nonconformity(nonconformity_id, form.get("verification", ""),
                               effective=effective, actor=actor)
        return _("Đã xác nhận hiệu lực, đóng sự không phù hợp.") if effective else \
            _("Hành động chưa hiệu quả: đã chuyển lại người thực hiện.")
    raise InvalidRequest(_("Thao tác không hợp lệ."))


@bp.route("/khong-phu-hop/<int:nonconformity_id>", methods=["GET", "POST"])
@login_required
def nonconformity(nonconformity_id: int):
    status = 200
    if request.method == "POST":
        try:
            done = _workflow_step(nonconformity_id, request.form.get("step"))
        except ServiceError as exc:
            flash(exc.message, "error")
            status = 422
        else:
            flash(done, "success")
            return redirect(url_for("quality.nonconformity", nonconformity_id=nonconformity_id))
    row = services().nonconformity_detail(nonconformity_id, actor=g.user.username)
    return render_template("quality/nonconformity.html", nc=row,
                           today=format_date(_today())), status


# -- management review ----------------------------------------------------------------------


@bp.get("/xem-xet-lanh-dao")
@roles_required(*QUALITY_ROLES)
def review():
    agencies = _agencies()
    agency, today = _agency(agencies), _today()
    start = day_param("tu", today.replace(month=1, day=1))
    end = day_param("den", today)
    report = services().management_review(agency, start, end, actor=g.user.username)
    return render_template("quality/review.html", review=report, agency=agency,
                           agencies=agencies, start=format_date(start), end=format_date(end))
