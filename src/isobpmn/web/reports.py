"""Leaders' reports: the dashboard of an agency and everything below it, the step heatmap
on the procedure's diagram, and Biểu II.06a/VPCP/KSTT to download.

``/bao-cao/`` takes ``agency`` (default: the first the user may report on), ``tu`` and ``den``
(dd/mm/yyyy, default: this month) and ``thu_tuc`` (the procedure of the heatmap, default: the
one with most dossiers). ``/bao-cao/bieu-ii06a.xlsx`` and ``.csv`` download the form for the
same parameters; ``/bao-cao/so-do/<procedure>.bpmn`` serves the diagram the heatmap colours.
The services decide who may see which agency (docs/reports.md).
"""

from __future__ import annotations

import calendar as months

from flask import Blueprint, Flask, Response, abort, g, render_template, request, url_for

from isobpmn.services import UnknownProcedure
from isobpmn.textfmt import format_date

from .charts import Bar, Comparison, bars, comparisons
from .context import login_required, services
from .formatting import VIETNAM, span_words
from .i18n import gettext as _
from .i18n import language
from .params import day_param

__all__ = ["bp", "init_app"]

bp = Blueprint("reports", __name__, url_prefix="/bao-cao")

FORMATS = ("xlsx", "csv")


def percent(value: float | None) -> str:
    """``97,5 %`` (a comma in Vietnamese), ``—`` for no value."""
    if value is None:
        return "—"
    text = f"{value * 100:.1f}".removesuffix(".0")
    return (text.replace(".", ",") if language() == "vi" else text) + " %"


def init_app(app: Flask) -> None:
    app.jinja_env.globals["percent"] = percent


def _selection():
    """(agencies the user may report on, agency code, first day, last day) asked for."""
    choices = services().report_agencies(g.user.username)
    agency = request.args.get("agency", "").strip() or (choices[0].code if choices else "")
    if not agency:
        abort(403)
    today = services().clock.now().astimezone(VIETNAM).date()
    last_of_month = today.replace(day=months.monthrange(today.year, today.month)[1])
    return (choices, agency, day_param("tu", today.replace(day=1)),
            day_param("den", last_of_month))


def _outcome_chart(totals) -> str:
    return bars([Bar(_("Trước hạn"), totals.early, "chart-early"),
                 Bar(_("Đúng hạn"), totals.on_time, "chart-on-time"),
                 Bar(_("Quá hạn"), totals.late, "chart-late")],
                _("Hồ sơ đã giải quyết theo kết quả"))


def _time_chart(board) -> str:
    day = board.working_day.total_seconds()

    def days(span):
        return span.total_seconds() / day if span is not None else None

    rows = [Comparison(p.code, days(p.time.average), days(p.time.p90), days(p.time.allowed),
                       span_words(p.time.average, board.working_day) or "—")
            for p in board.procedures if p.time.measured]
    return comparisons(rows, _("Thời gian giải quyết bình quân so với thời hạn"),
                       (_("Bình quân"), _("90% hồ sơ trong"), _("Thời hạn quy định")))


@bp.get("/")
@login_required
def index():
    choices, agency, start, end = _selection()
    board = services().dashboard(agency, start, end, actor=g.user.username)
    codes = [p.code for p in board.procedures]
    chosen = request.args.get("thu_tuc", "").strip() or (codes[0] if codes else "")
    heatmap = None
    if chosen:
        try:
            heatmap = services().step_heatmap(chosen, agency, start, end, actor=g.user.username)
        except UnknownProcedure:
            heatmap = None
    period = {"agency": agency, "tu": format_date(start), "den": format_date(end)}
    return render_template(
        "reports/index.html", board=board, choices=choices, period=period, chosen=chosen,
        heatmap=heatmap, outcome_chart=_outcome_chart(board.totals),
        time_chart=_time_chart(board),
        diagram_url=url_for("reports.diagram", procedure=chosen, **period) if heatmap else None)


@bp.get("/bieu-ii06a.<fmt>")
@login_required
def ii06a(fmt: str):
    if fmt not in FORMATS:
        abort(404)
    _, agency, start, end = _selection()
    name, mimetype, content = services().statutory_report(agency, start, end,
                                                          actor=g.user.username, fmt=fmt)
    response = Response(content, mimetype=mimetype)
    response.headers.set("Content-Disposition", "attachment", filename=name)
    return response


@bp.get("/so-do/<procedure>.bpmn")
@login_required
def diagram(procedure: str):
    """The diagram the heatmap colours (the procedure's newest revision in force)."""
    _, agency, start, end = _selection()
    heatmap = services().step_heatmap(procedure, agency, start, end, actor=g.user.username)
    return Response(heatmap.bpmn_xml, mimetype="application/xml")
