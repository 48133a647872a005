"""Administration (quản trị), for administrators only: the directory of agencies, units, users
and their roles, and API tokens for any user.

Every change goes through the services (one transaction with its audit event on the
``system`` chain each, docs/administration.md). An agency's calendar is edited as the TOML text
of its ``[calendar]`` table (docs/calendar.md): a syntax error is shown with its line, a wrong
value with the calendar's own message, and nothing is saved until both are right.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from isobpmn.services import InvalidRequest, ServiceError
from isobpmn.services.accounts import MIN_PASSWORD
from isobpmn.store import AgencyLevel

from .auth import safe_next
from .context import roles_required, services
from .i18n import gettext as _

__all__ = ["bp", "calendar_text", "parse_calendar"]

bp = Blueprint("admin", __name__, url_prefix="/quan-tri")

admin_only = roles_required(admin=True)


class CalendarTextError(Exception):
    """The calendar text is not TOML; ``line`` is the offending line when known."""

    def __init__(self, message: str, line: str | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def _plain(value: Any) -> Any:
    """TOML values as JSON can keep them: dates and times as the text the calendar reads."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def parse_calendar(text: str) -> dict[str, Any] | None:
    """The ``[calendar]`` settings in ``text`` (the table's keys, with or without the
    ``[calendar]`` header); None when empty."""
    if not text.strip():
        return None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        lines = text.rstrip().splitlines()
        number = int(found.group(1)) if found else \
            len(lines) if "end of document" in str(exc) else 0
        line = (_("Dòng %(n)s: %(line)s", n=number, line=lines[number - 1].strip())
                if 0 < number <= len(lines) else None)
        raise CalendarTextError(str(exc), line) from None
    if set(data) == {"calendar"} and isinstance(data["calendar"], dict):
        data = data["calendar"]
    return _plain(data) or None


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    return json.dumps(str(value), ensure_ascii=False)  # JSON's escapes are TOML's too


def calendar_text(calendar: dict[str, Any] | None) -> str:
    """Stored ``[calendar]`` settings as the TOML lines to edit."""
    return "".join(f"{key} = {_toml(value)}\n" for key, value in (calendar or {}).items())


def _failed(exc: ServiceError) -> None:
    flash(exc.message, "error")


def _attempt(change: Callable[[], object], done: str) -> None:
    """Make one change; flash ``done``, or the service's refusal."""
    try:
        change()
    except ServiceError as exc:
        _failed(exc)
    else:
        flash(done, "success")


@bp.get("/")
@admin_only
def index():
    return render_template("admin/index.html", agencies=services().list_agencies(),
                           users=services().list_users())


@bp.route("/co-quan", methods=["GET", "POST"])
@admin_only
def agencies():
    status = 200
    if request.method == "POST":
        form = request.form
        try:
            created = services().create_agency(
                form.get("code", "").strip().upper(), form.get("name", "").strip(),
                level=form.get("level", AgencyLevel.COMMUNE),
                parent=form.get("parent") or None,
                address=form.get("address", "").strip() or None, actor=g.user.username)
        except ServiceError as exc:
            _failed(exc)
            status = 422
        else:
            flash(_("Đã tạo cơ quan %(code)s.", code=created.code), "success")
            return redirect(url_for("admin.agency", code=created.code))
    return render_template("admin/agencies.html", agencies=services().list_agencies(),
                           levels=[v.value for v in AgencyLevel]), status


@bp.route("/co-quan/<code>", methods=["GET", "POST"])
@admin_only
def agency(code: str):
    detail = services().agency_detail(code)
    text, calendar_error, status = calendar_text(detail.calendar), None, 200
    if request.method == "POST":
        text = request.form.get("calendar", "")
        try:
            changed = services().update_agency(
                code, name=request.form.get("name", ""), address=request.form.get("address"),
                calendar=parse_calendar(text), public_names="public_names" in request.form,
                actor=g.user.username)
        except CalendarTextError as exc:
            calendar_error, status = exc, 422
        except InvalidRequest as exc:
            status = 422
            if "[calendar]" in exc.message:  # the calendar's own message, shown by the text
                calendar_error = CalendarTextError(exc.message, None)
            else:
                _failed(exc)
        else:
            flash(_("Đã lưu thay đổi.") if changed else _("Không có gì thay đổi."), "success")
            return redirect(url_for("admin.agency", code=code))
    return render_template("admin/agency.html", agency=detail, calendar=text,
                           calendar_error=calendar_error, users=services().list_users(),
                           roles=services().role_codes()), status


@bp.post("/co-quan/<code>/don-vi")
@admin_only
def create_unit(code: str):
    _attempt(lambda: services().create_unit(code, request.form.get("unit_code", "").strip(),
                                            request.form.get("unit_name", "").strip(),
                                            actor=g.user.username),
             _("Đã thêm đơn vị."))
    return redirect(url_for("admin.agency", code=code))


@bp.route("/nguoi-dung", methods=["GET", "POST"])
@admin_only
def users():
    status = 200
    if request.method == "POST":
        form = request.form
        username = form.get("username", "").strip()
        password = form.get("password", "")
        try:
            if len(password) < MIN_PASSWORD:
                raise InvalidRequest(_("Mật khẩu ban đầu cần ít nhất %(n)s ký tự.",
                                       n=MIN_PASSWORD))
            services().create_user(username, form.get("full_name", "").strip(),
                                   email=form.get("email", "").strip() or None,
                                   is_admin="is_admin" in form, actor=g.user.username)
            services().set_password(username, password, actor=g.user.username)
        except ServiceError as exc:
            _failed(exc)
            status = 422
        else:
            flash(_("Đã tạo người dùng %(name)s.", name=username), "success")
            return redirect(url_for("admin.user", username=username))
    search = request.args.get("q", "").strip()
    return render_template("admin/users.html", users=services().list_users(search=search),
                           search=search, min_password=MIN_PASSWORD), status


def _user_action(username: str, action: str | None):
    """Run one action of the user page; what to render (an issued token) or None."""
    actor = g.user.username
    if action in ("activate", "deactivate"):
        services().set_user_active(username, action == "activate", actor=actor)
        flash(_("Đã kích hoạt tài khoản.") if action == "activate"
              else _("Đã khóa tài khoản."), "success")
    elif action == "password":
        services().set_password(username, request.form.get("new_password", ""), actor=actor)
        flash(_("Đã đặt lại mật khẩu."), "success")
    elif action == "token":
        return services().create_api_token(username, request.form.get("name", ""), actor=actor)
    elif action == "revoke":
        services().revoke_api_token(request.form.get("token_id", 0, type=int), actor=actor)
        flash(_("Đã thu hồi mã truy cập."), "success")
    return None


@bp.route("/nguoi-dung/<username>", methods=["GET", "POST"])
@admin_only
def user(username: str):
    person = services().user_detail(username)
    issued = None
    if request.method == "POST":
        try:
            issued = _user_action(username, request.form.get("action"))
        except ServiceError as exc:
            _failed(exc)
        if issued is None:
            return redirect(url_for("admin.user", username=username))
        person = services().user_detail(username)
    tokens = services().list_api_tokens(username) if person.is_active else []
    return render_template("admin/user.html", person=person, tokens=tokens, issued=issued,
                           agencies=services().list_agencies(), roles=services().role_codes(),
                           min_password=MIN_PASSWORD)


@bp.post("/vai-tro")
@admin_only
def add_membership():
    form = request.form
    _attempt(lambda: services().add_membership(
        form.get("username", "").strip(), form.get("agency", ""), form.get("role", "").strip(),
        unit=form.get("unit") or None, actor=g.user.username), _("Đã giao vai trò."))
    return redirect(safe_next(form.get("next"), url_for("admin.index")))


@bp.post("/vai-tro/<int:membership_id>/xoa")
@admin_only
def remove_membership(membership_id: int):
    _attempt(lambda: services().remove_membership(membership_id, actor=g.user.username),
             _("Đã bỏ vai trò."))
    return redirect(safe_next(request.form.get("next"), url_for("admin.index")))
