"""Procedures (quy trình): the library, each procedure's versions, the modeler, review and
approval, the diff for the approver, downloads.

A version moves draft → submitted → reviewed → approved → published → retired through the
services (docs/lifecycle.md); this blueprint shows each state with the actions the services
allow the user, hosts the bpmn-js modeler for drafts (saved explicitly, with a conflict
instead of an overwrite when someone else saved first) and answers its JSON calls: the
diagram, save, live validation and the roles to pick for lanes. A refusal for the version's
state or the input is a message on the page; an action the user has no right to (another
agency's procedure, a role they lack) is the 403 page.
"""

from __future__ import annotations

import re
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from isobpmn.services import InvalidRequest, NotAllowed, ServiceError

from .context import login_required, services
from .i18n import gettext as _
from .params import MAX_ID

__all__ = ["bp"]

bp = Blueprint("procedures", __name__, url_prefix="/quy-trinh")

#: Largest diagram accepted from an upload or the modeler.
MAX_DIAGRAM_BYTES = 10 * 1024 * 1024
#: Lifecycle actions posted from the version page: URL part → (service, success message).
ACTIONS = {
    "nop": ("submit_version", "Đã trình xem xét."),
    "phe-duyet": ("approve_version", "Đã phê duyệt; hệ thống đã ghi lần ban hành và chữ ký."),
    "ban-hanh": ("publish_version", "Đã ban hành: hồ sơ mới theo phiên bản này."),
    "thu-hoi": ("retire_version", "Đã thu hồi phiên bản."),
    "huy": ("discard_draft", "Đã hủy bản dự thảo."),
}
DOCUMENT_FORMATS = ("html", "pdf", "docx")


@bp.get("/")
@login_required
def index():
    return render_template("procedures/index.html",
                           procedures=services().list_procedures(g.user.username))


def _uploaded() -> bytes:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise InvalidRequest(_("Hãy chọn tệp .bpmn để tải lên."))
    data = upload.read(MAX_DIAGRAM_BYTES + 1)
    if len(data) > MAX_DIAGRAM_BYTES:
        raise InvalidRequest(_("Tệp lớn hơn 10 MB."))
    return data


@bp.post("/tai-len")
@login_required
def upload():
    try:
        version = services().create_draft(_uploaded(), g.user.username,
                                          agency=request.form.get("agency") or None,
                                          name=request.files["file"].filename)
    except NotAllowed:
        raise
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for("procedures.index"))
    flash(_("Đã tạo bản dự thảo từ tệp tải lên."), "success")
    return redirect(url_for("procedures.version", version_id=version.id))


@bp.get("/ma/<code>")
@login_required
def show(code: str):
    detail = services().procedure_detail(code, g.user.username,
                                         agency=request.args.get("agency") or None)
    return render_template("procedures/show.html", detail=detail)


@bp.post("/ma/<code>/du-thao")
@login_required
def new_draft(code: str):
    try:
        version = services().new_draft(code, g.user.username,
                                       agency=request.form.get("agency") or None)
    except NotAllowed:
        raise
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for("procedures.show", code=code))
    return redirect(url_for("procedures.edit", version_id=version.id))


@bp.get("/phien-ban/<int:version_id>")
@login_required
def version(version_id: int):
    view = services().version_view(version_id, g.user.username)
    return render_template("procedures/version.html", version=view, formats=DOCUMENT_FORMATS)


@bp.post("/phien-ban/<int:version_id>/<action>")
@login_required
def transition(version_id: int, action: str):
    if action == "xem-xet":
        call = lambda: services().review_version(  # noqa: E731
            version_id, g.user.username, comment=request.form.get("comment", ""),
            verdict=request.form.get("verdict", "ok"))
        done = _("Đã ghi ý kiến xem xét.")
    elif action in ACTIONS:
        name, message = ACTIONS[action]
        call = lambda: getattr(services(), name)(version_id, g.user.username)  # noqa: E731
        done = _(message)
    else:
        abort(404)
    try:
        call()
    except NotAllowed:
        raise
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        flash(done, "success")
        if action == "huy":
            return redirect(url_for("procedures.index"))
    return redirect(url_for("procedures.version", version_id=version_id))


@bp.get("/phien-ban/<int:version_id>/soan-thao")
@login_required
def edit(version_id: int):
    view = services().version_view(version_id, g.user.username)
    return render_template("procedures/edit.html", version=view,
                           readonly=view.status != "draft")


@bp.get("/phien-ban/<int:version_id>.bpmn")
@login_required
def download(version_id: int):
    view = services().version_view(version_id, g.user.username)
    response = Response(view.xml, mimetype="application/xml")
    if request.args.get("tai") == "1":
        response.headers.set("Content-Disposition", "attachment",
                             filename=_file_name(f"{view.code}-r{view.revision}") + ".bpmn")
    return response


def _file_name(text: str) -> str:
    """``text`` as a file name: ASCII letters, digits, ``.``, ``-`` and ``_`` only (a code
    drawn into the diagram may hold anything: slashes, quotes, line breaks)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip(".-") or "quy-trinh"


@bp.get("/phien-ban/<int:version_id>/tai-lieu.<fmt>")
@login_required
def document(version_id: int, fmt: str):
    if fmt not in DOCUMENT_FORMATS:
        abort(404)
    filename, mimetype, content = services().procedure_document(version_id, fmt,
                                                                actor=g.user.username)
    response = Response(content, mimetype=mimetype)
    response.headers.set("Content-Disposition", "inline" if fmt != "docx" else "attachment",
                         filename=filename)
    return response


def _json_body() -> dict[str, Any]:
    if request.content_length and request.content_length > MAX_DIAGRAM_BYTES + 4096:
        raise InvalidRequest(_("Sơ đồ lớn hơn 10 MB."))
    body = request.get_json(silent=True)
    if body is None:
        try:
            request.get_data(cache=True).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidRequest(_("Thân yêu cầu không phải văn bản UTF-8 (byte thứ %(position)s); "
                                   "hãy gửi sơ đồ dưới dạng UTF-8.", position=exc.start)) from None
    if not isinstance(body, dict) or not isinstance(body.get("xml"), str):
        raise InvalidRequest(_("Thân yêu cầu phải là JSON có trường \"xml\"."))
    try:
        body["xml"].encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidRequest(_("Sơ đồ có ký tự không viết được bằng UTF-8 ở vị trí %(position)s "
                               "(một nửa cặp UTF-16 đứng lẻ); hãy xóa ký tự đó rồi gửi lại.",
                               position=exc.start)) from None
    return body


@bp.post("/phien-ban/<int:version_id>/luu")
@login_required
def save(version_id: int):
    body = _json_body()
    lock = body.get("lock")
    if not isinstance(lock, int) or isinstance(lock, bool):
        raise InvalidRequest(_("Thiếu số phiên lưu (\"lock\")."))
    saved = services().save_draft(version_id, body["xml"].encode("utf-8"), g.user.username,
                                  expected_lock=lock)
    return jsonify({"lock": saved.lock_version,
                    "saved_at": saved.saved_at.isoformat() if saved.saved_at else None,
                    "findings": [_finding(f) for f in saved.findings]})


@bp.post("/kiem-tra")
@login_required
def validate():
    result = services().validate_bpmn(_json_body()["xml"].encode("utf-8"), draft=True)
    return jsonify({"findings": [_finding(f) for f in result.findings],
                    "elapsed_ms": result.elapsed_ms})


def _finding(f) -> dict[str, Any]:
    return {"rule": f.rule, "severity": str(f.severity), "message": f.message,
            "bpmn_id": f.bpmn_id, "element_name": f.element_name, "line": f.line,
            "suppressed": f.suppressed}


@bp.get("/vai-tro")
@login_required
def roles():
    return jsonify({"roles": services().role_codes()})


@bp.get("/so-sanh")
@login_required
def diff():
    try:
        source = int(request.args.get("tu", ""))
        target = int(request.args.get("den", ""))
    except ValueError:
        raise InvalidRequest(_("Chọn hai phiên bản để so sánh (tu, den).")) from None
    if not (0 < source <= MAX_ID and 0 < target <= MAX_ID):
        raise InvalidRequest(_("Chọn hai phiên bản để so sánh (tu, den)."))
    result = services().diff_versions(source, target, g.user.username)
    return render_template("procedures/diff.html", diff=result, source=source, target=target)
