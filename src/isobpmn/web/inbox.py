"""The inbox ("Công việc") and the task page: claim, complete, return, supplement.

Three lists: my tasks, unclaimed tasks of my roles, and every open task of my roles; filters
by procedure, SLA state and unit; most urgent first. The task page shows the dossier, the
step's declared fields as a form and the actions its diagram allows. A refusal from a
service (someone claimed or completed first, a stale form, a wrong value) comes back as a
message on the same page, with what was typed kept; an action the user has no right to (a
task of another agency, a role they lack) is the 403 page, as in the API.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from isobpmn.services import (
    Conflict,
    InvalidField,
    NotAllowed,
    ServiceError,
    TaskNotReady,
    UnknownTask,
)

from .context import login_required, services
from .i18n import gettext as _

__all__ = ["bp", "by_field", "parse_items"]

bp = Blueprint("inbox", __name__, url_prefix="/cong-viec")

SCOPES = {"mine": "Việc của tôi", "unclaimed": "Chưa ai nhận", "all": "Tất cả việc của vai trò"}
SLA_STATES = ("on_track", "due_soon", "overdue")
COPIES = {"original": "Bản chính", "certified": "Bản sao chứng thực", "copy": "Bản sao"}


@bp.get("/")
@login_required
def index():
    scope = request.args.get("scope", "mine")
    if scope not in SCOPES:
        scope = "mine"
    sla = request.args.get("sla") or None
    if sla not in SLA_STATES:
        sla = None
    tasks = services().list_tasks(g.user.username, scope, sla_state=sla)
    procedures = sorted({t.procedure_code for t in tasks if t.procedure_code})
    units = sorted({t.unit_code for t in tasks if t.unit_code})
    procedure = request.args.get("procedure") or None
    unit = request.args.get("unit") or None
    if procedure:
        tasks = [t for t in tasks if t.procedure_code == procedure]
    if unit:
        tasks = [t for t in tasks if t.unit_code == unit]
    counts = {name: len(services().list_tasks(g.user.username, name)) if name != scope
              else None for name in SCOPES}
    return render_template("inbox/index.html", tasks=tasks, scope=scope, scopes=SCOPES,
                           sla=sla, sla_states=SLA_STATES, procedure=procedure,
                           procedures=procedures, unit=unit, units=units, counts=counts)


def _task_or_404(task_id: int):
    try:
        return services().task_view(task_id)
    except UnknownTask:
        abort(404)


def by_field(errors: dict[str, str]) -> dict[str, str]:
    """The service's problems (keyed ``name (label)``) by field name, in the UI language."""
    out = {}
    for key, problem in errors.items():
        name = key.split(" (", 1)[0]
        out[name] = _("Bắt buộc nhập") if problem == "required" else problem
    return out


def _back(task_id: int):
    return redirect(url_for("inbox.task", task_id=task_id))


@bp.get("/<int:task_id>")
@login_required
def task(task_id: int, errors: dict[str, str] | None = None, entered: dict[str, Any] | None = None):
    view = _task_or_404(task_id)
    case = services().case_view(view.case_code, actor=g.user.username)
    return render_template("inbox/task.html", task=view, case=case, errors=errors or {},
                           entered=entered or dict(view.data), copies=COPIES,
                           can_refuse=g.user.holds("mot-cua", "lanh-dao"))


def _act(task_id: int, action, success: str, *, to_inbox: bool = False):
    """Run ``action``; on success flash ``success``, on refusal flash the reason (a refusal
    of the right itself, :class:`NotAllowed`, is the 403 page)."""
    try:
        result = action()
    except NotAllowed:
        raise
    except (Conflict, TaskNotReady) as exc:
        flash(_("Không thực hiện được: %(reason)s", reason=exc.message), "warning")
        return _back(task_id)
    except InvalidField as exc:
        flash(_("Dữ liệu chưa hợp lệ, hãy sửa các trường được đánh dấu."), "error")
        return task(task_id, errors=by_field(exc.errors), entered=request.form.to_dict()), 422
    except ServiceError as exc:
        flash(exc.message, "error")
        return _back(task_id)
    flash(success, "success")
    if to_inbox:
        return redirect(url_for("inbox.index"))
    return result if result is not None else _back(task_id)


@bp.post("/<int:task_id>/nhan")
@login_required
def claim(task_id: int):
    return _act(task_id, lambda: services().claim(task_id, g.user.username) and None,
                _("Đã nhận xử lý."))


@bp.post("/<int:task_id>/tra-lai-viec")
@login_required
def unclaim(task_id: int):
    return _act(task_id, lambda: services().unclaim(task_id, g.user.username) and None,
                _("Đã trả lại việc cho nhóm."), to_inbox=True)


def _version() -> int | None:
    raw = request.form.get("expected_version", "")
    return int(raw) if raw.isdigit() else None


def _step_data(task_id: int) -> dict[str, Any]:
    view = _task_or_404(task_id)
    data: dict[str, Any] = {}
    for field in view.fields:
        if field.type == "bool":
            data[field.name] = request.form.get(field.name) in ("on", "true", "1", "có")
            continue
        value = request.form.get(field.name, "").strip()
        if value != "":
            data[field.name] = value
    return data


def _done_message(done) -> str:
    if done.case_status == "resolved":
        return _("Đã hoàn thành bước. Hồ sơ đã có kết quả, chờ trả cho công dân.")
    if done.case_status == "paused":
        return _("Đã hoàn thành bước. Hồ sơ tạm dừng chờ bổ sung.")
    return _("Đã hoàn thành bước, hồ sơ chuyển sang bước tiếp theo.")


@bp.post("/<int:task_id>/hoan-thanh")
@login_required
def complete(task_id: int):
    def run():
        done = services().complete_task(task_id, g.user.username, _step_data(task_id),
                                        expected_version=_version())
        flash(_done_message(done), "success")
        return redirect(url_for("inbox.index"))

    return _act(task_id, run, _("Đã lưu."))


@bp.post("/<int:task_id>/tra-ve")
@login_required
def send_back(task_id: int):
    def run():
        services().return_to_previous(task_id, g.user.username, request.form.get("reason", ""),
                                      expected_version=_version())
        return redirect(url_for("inbox.index"))

    return _act(task_id, run, _("Đã trả hồ sơ về bước trước."))


def parse_items(text: str) -> list[dict[str, Any]]:
    """Mẫu 02's table typed one paper a line: ``name | quantity | copy`` (the last two
    optional; copy is original, certified or copy)."""
    items = []
    for line in (text or "").splitlines():
        parts = [p.strip() for p in line.split("|")]
        if not parts[0]:
            continue
        item: dict[str, Any] = {"name": parts[0]}
        if len(parts) > 1 and parts[1]:
            item["quantity"] = int(parts[1]) if parts[1].isdigit() else parts[1]
        if len(parts) > 2 and parts[2]:
            item["copy"] = parts[2]
        items.append(item)
    return items


@bp.post("/<int:task_id>/bo-sung")
@login_required
def supplement(task_id: int):
    def run():
        services().request_supplement(
            task_id, g.user.username, reason=request.form.get("reason", ""),
            items=parse_items(request.form.get("items", "")),
            contact=request.form.get("contact") or None, data=_step_data(task_id) or None,
            expected_version=_version())
        view = services().task_view(task_id)
        return redirect(url_for("documents.form", code=view.case_code, kind="supplement"))

    return _act(task_id, run, _("Đã lập phiếu yêu cầu bổ sung; hồ sơ tạm dừng."))
