"""Dossiers: the list, the case page (status, clock, pauses, timeline, diagram, forms) and the
case-level actions of the desk and the leaders: supplement received, refuse, apology, return
the result, withdraw; and the replay of a dossier's audit events on its diagram.

An action the services refuse for the dossier's state or the input comes back as a message on
the case page; one the user has no right to (another agency's dossier, a role they lack) is
the 403 page, as in the API."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from isobpmn.services import InvalidRequest, NotAllowed, ServiceError, UnknownCase
from isobpmn.textfmt import parse_datetime

from .context import login_required, services
from .formatting import LABELS, datetime_filter, label, span_words
from .i18n import gettext as _
from .i18n import language

__all__ = ["bp"]

bp = Blueprint("cases", __name__, url_prefix="/ho-so")

STATUSES = ("open", "paused", "resolved", "returned", "refused", "withdrawn")


@bp.get("/")
@login_required
def index():
    status = request.args.get("status") or None
    if status not in STATUSES:
        status = None
    search = request.args.get("q", "").strip()[:100] or None
    cases = services().list_cases(g.user.username, status=status, search=search)
    return render_template("cases/index.html", cases=cases, status=status, statuses=STATUSES,
                           search=search or "")


def _case_or_404(code: str):
    try:
        return services().case_view(code, actor=g.user.username)
    except UnknownCase:
        abort(404)


@bp.get("/<code>")
@login_required
def show(code: str):
    view = _case_or_404(code)
    diagram = services().case_diagram(code, g.user.username)
    forms = services().available_forms(code, form_set=current_app.config["FORM_SET"])
    steps = services().case_timeline(code, g.user.username)
    waiting = next((p.reason for p in view.pauses if p.ended_at is None), None)
    return render_template("cases/show.html", case=view, steps=steps, diagram=diagram,
                           waiting=waiting,
                           forms=forms, is_new=request.args.get("moi") == "1",
                           is_desk=g.user.holds("mot-cua"), is_leader=g.user.holds("lanh-dao"))


@bp.get("/<code>/so-do.bpmn")
@login_required
def diagram(code: str):
    """The BPMN of the version this dossier runs on, for the viewer."""
    try:
        found = services().case_diagram(code, g.user.username)
    except UnknownCase:
        abort(404)
    return Response(found.bpmn_xml, mimetype="application/xml")


def _case_action(code: str, action, success: str):
    try:
        action()
    except NotAllowed:
        raise
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        flash(success, "success")
    return redirect(url_for("cases.show", code=code))


def _moment(name: str, *, required: bool = False):
    raw = request.form.get(name, "").strip()
    if not raw:
        if required:
            raise InvalidRequest(_("Hãy nhập thời điểm (dd/mm/yyyy hh:mm)."))
        return None
    try:
        return parse_datetime(raw)
    except ValueError as exc:
        raise InvalidRequest(str(exc)) from None


@bp.post("/<code>/nhan-bo-sung")
@login_required
def supplement_received(code: str):
    return _case_action(code, lambda: services().receive_supplement(
        code, g.user.username, note=request.form.get("note") or None),
        _("Đã nhận hồ sơ bổ sung; thời hạn giải quyết tiếp tục."))


@bp.post("/<code>/cho-nop-phi")
@login_required
def await_payment(code: str):
    return _case_action(code, lambda: services().await_payment(
        code, g.user.username, note=request.form.get("note", ""),
        amount=request.form.get("amount") or None),
        _("Hồ sơ tạm dừng chờ công dân nộp phí, lệ phí."))


@bp.post("/<code>/da-nop-phi")
@login_required
def record_payment(code: str):
    return _case_action(code, lambda: services().record_payment(
        code, g.user.username, paid_at=_moment("paid_at"),
        receipt_no=request.form.get("receipt_no") or None),
        _("Đã ghi nhận nộp phí; thời hạn giải quyết tiếp tục."))


@bp.post("/<code>/tu-choi")
@login_required
def refuse(code: str):
    def run():
        services().refuse(code, g.user.username, request.form.get("reason", ""),
                          contact=request.form.get("contact") or None)

    result = _case_action(code, run, _("Đã từ chối hồ sơ."))
    return result


@bp.post("/<code>/xin-loi")
@login_required
def apology(code: str):
    def run():
        services().issue_apology(code, g.user.username, new_appointment=_moment("new_appointment",
                                                                        required=True),
                                 reason=request.form.get("reason", ""),
                                 signer=request.form.get("signer", "").strip())

    return _case_action(code, run, _("Đã lập phiếu xin lỗi và hẹn lại ngày trả kết quả."))


@bp.post("/<code>/tra-ket-qua")
@login_required
def return_result(code: str):
    def run():
        services().return_result(code, g.user.username, returned_at=_moment("returned_at"),
                                 receiver=request.form.get("receiver") or None)

    return _case_action(code, run, _("Đã trả kết quả cho công dân."))


@bp.post("/<code>/rut")
@login_required
def withdraw(code: str):
    return _case_action(code, lambda: services().withdraw(code, g.user.username,
                                                          request.form.get("reason", "")),
                        _("Đã ghi nhận rút hồ sơ."))


# -- replay: the dossier's audit events played on its diagram (docs/replay.md) --------------


def _replay_texts() -> dict:
    """What the player's script shows besides the frames: the labels of event kinds,
    statuses, step states and pause reasons, and its own words."""
    return {"labels": {key: label(key) for key in LABELS},
            "play": _("Phát"), "pause": _("Dừng phát"), "none": _("Không có"),
            "loading": _("Đang tải các sự kiện…"),
            "failed": _("Không tải được các sự kiện của hồ sơ."),
            "position": _("Sự kiện %(n)s / %(total)s")}


def _replay_frame(code: str, frame, day, lang: str) -> dict:
    def moment(value):
        return value.isoformat() if value is not None else None

    return {
        "seq": frame.seq, "at": moment(frame.at), "at_text": datetime_filter(frame.at),
        "kind": frame.kind, "actor": frame.actor, "bpmn_id": frame.bpmn_id,
        "step": frame.step_name, "status": frame.status,
        "appointment": datetime_filter(frame.appointment_at),
        "done": list(frame.done), "current": list(frame.current),
        "steps": [{"bpmn_id": s.bpmn_id, "name": s.name, "number": s.number, "state": s.state,
                   "ready_at": datetime_filter(s.ready_at),
                   "ended_at": datetime_filter(s.ended_at), "holder": s.holder,
                   "outcome": s.outcome, "used_seconds": int(s.used.total_seconds()),
                   "used": span_words(s.used, day),
                   "allotted_seconds": int(s.allotted.total_seconds())
                   if s.allotted is not None else None,
                   "allotment": s.allotment.describe(lang) if s.allotment else None}
                  for s in frame.steps],
        "pauses": [{"reason": p.reason, "started_at": datetime_filter(p.started_at),
                    "requested_by": p.requested_by, "note": p.note} for p in frame.pauses],
        "forms": [{"kind": f.kind, "number": f.number, "title": f.title, "no": f.no,
                   "url": url_for("documents.form", code=code, kind=f.kind,
                                  **({"so": f.no} if f.no else {}))}
                  for f in frame.forms]}


def _replay(code: str):
    return services().case_replay(code, g.user.username,
                                  form_set=current_app.config["FORM_SET"])


@bp.get("/<code>/phat-lai")
@login_required
def replay(code: str):
    """The replay player: the diagram, the controls and the panel of the current frame."""
    return render_template("cases/replay.html", replay=_replay(code), texts=_replay_texts())


@bp.get("/<code>/phat-lai.json")
@login_required
def replay_json(code: str):
    """The frames of the replay, for the player."""
    found = _replay(code)
    lang = language()
    return jsonify({"case": found.case_code, "bpmn_url": url_for("cases.diagram", code=code),
                    "frames": [_replay_frame(code, f, found.working_day, lang)
                               for f in found.frames]})
