"""How refusals reach the user: a service's typed error becomes an HTTP status and a page
(or, under ``/api/``, a JSON body) that says what is wrong and what to do."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from isobpmn import services as s

from .i18n import gettext as _

__all__ = ["STATUS", "init_app", "status_of"]

#: Service error → HTTP status.
STATUS: dict[type[s.ServiceError], int] = {
    s.NotSignedIn: 401,
    s.NotAllowed: 403,
    s.UnknownCase: 404, s.UnknownTask: 404, s.UnknownProcedure: 404, s.UnknownAgency: 404,
    s.UnknownUser: 404, s.UnknownRecord: 404,
    s.Conflict: 409, s.TaskNotReady: 409, s.CaseNotOpen: 409, s.ApologyRequired: 409,
    s.InvalidField: 422, s.InvalidRequest: 422, s.ProcedureInvalid: 422, s.EngineFailed: 422,
}

TITLES = {
    401: "Chưa đăng nhập", 403: "Không có quyền", 404: "Không tìm thấy",
    405: "Phương thức không được phép", 409: "Đã có thay đổi khác",
    413: "Tệp quá lớn", 422: "Dữ liệu chưa hợp lệ", 429: "Quá nhiều yêu cầu",
    400: "Yêu cầu không hợp lệ", 500: "Lỗi hệ thống",
}


def status_of(error: s.ServiceError) -> int:
    for kind in type(error).__mro__:
        if kind in STATUS:
            return STATUS[kind]
    return 400


def _wants_json() -> bool:
    """The API, and the pages' own JSON calls (the modeler's save and validation)."""
    return request.path.startswith("/api/") or request.is_json \
        or request.accept_mimetypes.best == "application/json"


def _render(status: int, message: str, code: str):
    if _wants_json():
        return jsonify({"error": {"code": code, "status": status, "message": message}}), status
    return render_template("errors/error.html", status=status,
                           title=_(TITLES.get(status, "Lỗi")), message=message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(s.ServiceError)
    def service_error(error: s.ServiceError):
        response = _render(status_of(error), error.message, type(error).__name__)
        if isinstance(error, s.InvalidField) and _wants_json():
            body, status = response
            payload = body.get_json()
            payload["error"]["fields"] = error.errors
            return jsonify(payload), status
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return _render(400, _("Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ "
                              "(thiếu mã CSRF). Hãy tải lại trang và gửi lại."), "CSRFError")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        message = _(TITLES.get(status, "Lỗi")) if not _wants_json() else error.description
        if status == 429:
            message = _("Bạn đã thử quá nhiều lần. Hãy đợi một lát rồi thử lại.")
        elif status == 413:
            limit = request.max_content_length or 0
            message = _("Dữ liệu gửi lên lớn hơn %(mb)s MB, mức tối đa máy chủ nhận một lần. "
                        "Hãy gửi tệp nhỏ hơn (một sơ đồ quy trình không quá 10 MB).",
                        mb=f"{limit / 1024 / 1024:g}")
        return _render(status, message, type(error).__name__)
