"""Sign in, sign out, and the user's own account (password, API tokens).

Sign-in attempts are limited per client address (``LOGIN_LIMIT``); the session is renewed on
sign-in (no fixation) and keeps only the user name and the language.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from isobpmn.services import InvalidRequest, NotAllowed, NotSignedIn

from .context import login_required, public, services
from .extensions import limiter
from .i18n import gettext as _

__all__ = ["bp", "safe_next"]

bp = Blueprint("auth", __name__)


def safe_next(target: str | None, default: str) -> str:
    """``target`` if it is a path on this site, else ``default`` (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def _login_limit() -> str:
    return current_app.config["LOGIN_LIMIT"]


@bp.route("/dang-nhap", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
def login():
    error = None
    if request.method == "POST":
        username = request.form.get("username", "").strip()
        try:
            profile = services().authenticate(username, request.form.get("password", ""))
        except NotSignedIn:
            error = _("Sai tên đăng nhập hoặc mật khẩu.")
        else:
            lang = session.get("lang")
            session.clear()
            session.permanent = True
            session["user"] = profile.username
            if lang:
                session["lang"] = lang
            return redirect(safe_next(request.args.get("next"), url_for("home.index")))
    return render_template("auth/login.html", error=error), (401 if error else 200)


@bp.post("/dang-xuat")
@public
def logout():
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("Đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/tai-khoan", methods=["GET", "POST"])
@login_required
def account():
    issued = None
    if request.method == "POST":
        action = request.form.get("action")
        try:
            if action == "password":
                if request.form.get("new_password") != request.form.get("confirm_password"):
                    raise InvalidRequest(_("Mật khẩu nhập lại không khớp."))
                services().set_password(g.user.username, request.form.get("new_password", ""),
                                        actor=g.user.username,
                                        current=request.form.get("current_password", ""))
                flash(_("Đã đổi mật khẩu."), "success")
                return redirect(url_for("auth.account"))
            if action == "token":
                issued = services().create_api_token(g.user.username,
                                                     request.form.get("name", ""),
                                                     actor=g.user.username)
            elif action == "revoke":
                services().revoke_api_token(int(request.form.get("token_id", "0") or 0),
                                            actor=g.user.username)
                flash(_("Đã thu hồi mã truy cập."), "success")
                return redirect(url_for("auth.account"))
        except (InvalidRequest, NotAllowed) as exc:
            flash(exc.message, "error")
    tokens = services().list_api_tokens(g.user.username)
    return render_template("auth/account.html", tokens=tokens, issued=issued)
