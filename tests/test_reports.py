"""Leaders' reports and Biểu II.06a over a small province: a month of dossiers early, on time,
late, overdue, carried over, refused, withdrawn, paused and rated, counted exactly; office
times checked against the working calendar; the XLSX and CSV files read back."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from fixtures_services import (
    AGENCY,
    FILES,
    HKD_HAPPY,
    HO_KINH_DOANH,
    KHAI_SINH,
    LIBRARY,
    OTHER_AGENCY,
    ready,
    seed,
    vn,
)
from fixtures_store import BACKENDS, PG_ENV, _postgres_schema

from isobpmn.reports import Period
from isobpmn.reports.rollup import window
from isobpmn.services import InvalidRequest, NotAllowed, UnknownProcedure

PROVINCE = "TINH-QN"
MARCH = (date(2026, 3, 1), date(2026, 3, 31))
HKD = {bpmn_id: (actor, data) for bpmn_id, actor, data in HKD_HAPPY}
KS = [
    ("Task_TiepNhan", "motcua", {"nguoi_yeu_cau": "Lê Văn Tâm", "ket_qua_kiem_tra": "tiep_nhan"}),
    ("Task_GhiSo", "hotich", {"ho_ten_tre": "Lê Minh Khang", "ngay_sinh": "01/03/2026",
                              "so_dang_ky": "15/2026"}),
    ("Task_XemXet", "truongphong", {"y_kien_xem_xet": "Đủ điều kiện, trình ký"}),
    ("Task_Ky", "chutich", {"ngay_ky": "11/03/2026"}),
    ("Task_VaoSo", "vanthu", {"so_ban_sao": 2}),
    ("Task_TraKetQua", "motcua", {"ngay_tra": "11/03/2026", "nguoi_nhan": "Lê Văn Tâm"}),
]


class Province:
    """The scenario: who was received when, and what happened (codes by letter)."""

    def __init__(self, services, clock):
        self.s, self.clock, self.codes = services, clock, {}

    def at(self, *moment):
        self.clock.set(vn(*moment))

    def receive(self, letter, *moment, procedure=HO_KINH_DOANH, agency=AGENCY, actor="motcua",
                channel="in_person"):
        self.at(*moment)
        self.codes[letter] = self.s.receive_dossier(procedure, agency, f"Người nộp {letter}",
                                                    actor=actor, channel=channel).case_code

    def step(self, letter, bpmn_id, *moment):
        self.at(*moment)
        actor, data = HKD[bpmn_id]
        self.s.complete_task(ready(self.s, self.codes[letter], bpmn_id).id, actor, data)

    def all_steps(self, letter, *moment, start=0):
        for bpmn_id, _, _ in HKD_HAPPY[start:]:
            self.step(letter, bpmn_id, *moment)

    def hand_over_and_rate(self, letter, score, *moment):
        self.at(*moment)
        code = self.codes[letter]
        self.s.return_result(code, "motcua")
        self.clock.advance(minutes=5)
        self.s.rate_dossier(code, self.s.case_view(code).lookup_code, score)


def build(services, clock) -> dict[str, str]:
    p = Province(services, clock)
    services.publish_procedure((LIBRARY / FILES[HO_KINH_DOANH]).read_bytes(), OTHER_AGENCY)
    # L: received and resolved in February, rated then: outside March entirely
    p.receive("L", 2026, 2, 24, 9, 0)
    p.all_steps("L", 2026, 2, 25, 10, 0)
    p.hand_over_and_rate("L", 1, 2026, 2, 25, 10, 30)
    # A: received in February, resolved early in March (carried over), rated 5
    p.receive("A", 2026, 2, 26, 9, 0)
    p.all_steps("A", 2026, 3, 2, 10, 0)
    p.hand_over_and_rate("A", 5, 2026, 3, 2, 11, 0)
    # B: on time, its examination late (due Wed 04/03 16:00, done Thu 08:00); rated 3
    p.receive("B", 2026, 3, 3, 9, 0)
    p.receive("C", 2026, 3, 3, 9, 30)
    p.receive("D", 2026, 3, 3, 10, 0)
    p.step("B", "Task_TiepNhan", 2026, 3, 3, 10, 0)
    p.step("D", "Task_TiepNhan", 2026, 3, 3, 11, 0)
    p.at(2026, 3, 3, 11, 10)
    services.claim(ready(services, p.codes["D"], "Task_ThamDinh").id, "chuyenvien2")
    # F by post, refused; G withdrawn
    p.receive("F", 2026, 3, 4, 9, 0, channel="post")
    p.receive("G", 2026, 3, 4, 9, 30)
    p.at(2026, 3, 4, 10, 0)
    services.refuse(p.codes["F"], "motcua", "Không thuộc thẩm quyền")
    p.step("B", "Task_ThamDinh", 2026, 3, 5, 8, 0)
    p.step("B", "Task_XemXet", 2026, 3, 5, 9, 0)
    services.withdraw(p.codes["G"], "motcua", "Công dân xin rút")
    # J: the other commune, never processed (overdue at the end of March)
    p.receive("J", 2026, 3, 5, 9, 0, agency=OTHER_AGENCY, actor="motcua_bm")
    p.step("B", "Task_Ky", 2026, 3, 5, 14, 0)
    p.step("B", "Task_VaoSo", 2026, 3, 5, 16, 0)
    p.step("B", "Task_TraKetQua", 2026, 3, 6, 8, 30)
    p.hand_over_and_rate("B", 3, 2026, 3, 6, 9, 0)
    # C: missed its appointment (Fri 06/03 09:30): apology, resolved late on Monday
    p.at(2026, 3, 6, 10, 0)
    services.issue_apology(p.codes["C"], "chutich", new_appointment=vn(2026, 3, 10, 17, 0),
                           reason="Chờ xác minh", signer="chutich")
    p.all_steps("C", 2026, 3, 9, 10, 0)
    # H: waiting for fees since before its appointment (Fri 13/03 09:00)
    p.receive("H", 2026, 3, 10, 9, 0)
    p.at(2026, 3, 10, 10, 0)
    services.await_payment(p.codes["H"], "motcua", note="Lệ phí đăng ký")
    # M: a birth registered the same day
    p.receive("M", 2026, 3, 11, 9, 0, procedure=KHAI_SINH)
    for i, (bpmn_id, actor, data) in enumerate(KS):
        clock.set(vn(2026, 3, 11, 9, 20) + timedelta(minutes=10 * i))
        services.complete_task(ready(services, p.codes["M"], bpmn_id).id, actor, data)
    # N: a birth registration waiting for the fee 09:10–13:45 (2 h 35 min of office time
    # stand still, the appointment moves to Fri 13/03), resolved at 15:00: early
    p.receive("N", 2026, 3, 12, 9, 0, procedure=KHAI_SINH)
    p.at(2026, 3, 12, 9, 10)
    services.await_payment(p.codes["N"], "motcua", note="Lệ phí cấp bản sao")
    p.at(2026, 3, 12, 13, 45)
    services.record_payment(p.codes["N"], "motcua")
    for i, (bpmn_id, actor, data) in enumerate(KS):
        clock.set(vn(2026, 3, 12, 14, 10) + timedelta(minutes=10 * i))
        services.complete_task(ready(services, p.codes["N"], bpmn_id).id, actor, data)
    # E online at the end of March (due Thu 02/04: within the deadline at the period's end)
    p.receive("E", 2026, 3, 30, 9, 0, channel="online")
    # K: April, outside the period
    p.receive("K", 2026, 4, 2, 9, 0)
    p.at(2026, 4, 10, 10, 0)
    return p.codes


@pytest.fixture(scope="module", params=BACKENDS)
def province(request, tmp_path_factory):
    """(services, codes) of the scenario, built once per backend."""
    import os

    from isobpmn.engine import ManualClock
    from isobpmn.services import Services
    from isobpmn.store import Database, upgrade

    if request.param == "sqlite":
        urls = iter([f"sqlite:///{tmp_path_factory.mktemp('reports') / 'isobpmn.sqlite3'}"])
    else:
        base = os.environ.get(PG_ENV, "").strip()
        if not base:
            pytest.skip(f"PostgreSQL: set {PG_ENV}=postgresql+psycopg://USER@HOST:PORT/DB to run")
        urls = _postgres_schema(base)
    url = next(urls)
    db = Database.from_url(url)
    upgrade(db)
    clock = ManualClock(vn(2026, 2, 24, 8, 0))
    services = Services(db, clock)
    seed(services)
    codes = build(services, clock)
    yield services, codes
    db.dispose()
    for _ in urls:  # drops the PostgreSQL schema
        pass


def figures(line):
    return {name: getattr(line, name) for name in (
        "received", "online", "in_person", "post", "carried_over", "resolved", "early",
        "on_time", "late", "in_progress", "overdue", "paused", "refused", "withdrawn",
        "awaiting_return")}


HOA_AN = {"received": 9, "online": 1, "in_person": 7, "post": 1, "carried_over": 1,
          "resolved": 5, "early": 2, "on_time": 2, "late": 1, "in_progress": 3, "overdue": 1,
          "paused": 1, "refused": 1, "withdrawn": 1, "awaiting_return": 3}
BINH_MINH = {**{k: 0 for k in HOA_AN}, "received": 1, "in_person": 1, "in_progress": 1,
             "overdue": 1}


def test_commune_figures_of_march(province):
    services, _ = province
    board = services.dashboard(AGENCY, *MARCH, actor="chutich")
    totals = board.totals
    assert figures(totals) == HOA_AN
    assert (totals.received_total, totals.within_deadline, totals.in_person_or_post) == (10, 2, 8)
    assert totals.on_time_rate == 0.8
    # every dossier of the period ends up in exactly one place
    assert totals.received_total == totals.resolved + totals.in_progress + \
        totals.refused + totals.withdrawn
    assert board.as_of == vn(2026, 4, 1, 0, 0)
    assert [line.agency_code for line in board.lines] == [AGENCY, ""]


def test_province_aggregates_its_communes(province):
    services, _ = province
    board = services.dashboard(PROVINCE, *MARCH, actor="admin")
    assert [(line.number, line.agency_code) for line in board.lines] == [
        ("1", PROVINCE), ("2", OTHER_AGENCY), ("3", AGENCY), ("", "")]
    by_code = {line.agency_code: figures(line.figures) for line in board.lines}
    assert by_code[PROVINCE] == {k: 0 for k in HOA_AN}
    assert by_code[AGENCY] == HOA_AN and by_code[OTHER_AGENCY] == BINH_MINH
    assert figures(board.totals) == {k: HOA_AN[k] + BINH_MINH[k] for k in HOA_AN}
    assert by_code[""] == figures(board.totals)
    hkd = next(p for p in board.procedures if p.code == HO_KINH_DOANH)
    assert (hkd.figures.received, hkd.figures.carried_over, hkd.figures.resolved,
            hkd.figures.in_progress) == (8, 1, 3, 4)


def test_a_period_in_progress_counts_until_now(province):
    services, codes = province
    services.clock.set(vn(2026, 3, 4, 12, 0))
    try:
        board = services.dashboard(AGENCY, date(2026, 3, 1), date(2026, 3, 31), actor="chutich")
    finally:
        services.clock.set(vn(2026, 4, 10, 10, 0))
    assert board.as_of == vn(2026, 3, 4, 12, 0)
    # later events are already in the projections, so a past "now" only moves the deadline
    # line: D (due Fri 06/03) is not overdue yet on Wednesday
    assert board.totals.overdue == 0


def _calendar():
    """The communes' calendar: the national defaults (07:00–11:30, 13:30–17:00)."""
    from isobpmn.calendar import WorkingCalendar

    return WorkingCalendar()


def test_processing_time_per_procedure_is_office_time_against_the_limit(province):
    services, codes = province
    calendar = _calendar()
    board = services.dashboard(AGENCY, *MARCH, actor="chutich")
    rows = {p.code: p for p in board.procedures}
    assert set(rows) == {HO_KINH_DOANH, KHAI_SINH}
    used = sorted(calendar.working_time_between(v.clock_started_at, v.resolved_at)
                  for v in (services.case_view(codes[x]) for x in "ABC"))
    hkd = rows[HO_KINH_DOANH]
    assert hkd.time.measured == 3
    assert hkd.time.average == sum(used, timedelta()) / 3
    assert hkd.time.p90 == used[-1]  # nearest rank: ceil(0.9 × 3) = 3
    assert hkd.time.allowed == timedelta(hours=24)  # 3 working days of 8 h
    assert str(hkd.limit) == "3 working-days"
    # B: Tue 03/03 09:00 → Fri 06/03 08:30 = 6 + 8 + 8 + 1.5 office hours
    assert used[1] == timedelta(hours=23, minutes=30)
    ks = rows[KHAI_SINH]
    assert (ks.figures.received, ks.figures.early, ks.figures.on_time) == (2, 1, 1)
    # M: 09:00 → 10:10; N: 09:00 → 15:00 is 4 office hours, less the 2 h 35 min paused
    assert (ks.time.measured, ks.time.p90) == (2, timedelta(hours=1, minutes=25))
    assert ks.time.average == (timedelta(hours=1, minutes=10)
                               + timedelta(hours=1, minutes=25)) / 2
    assert ks.time.allowed == timedelta(hours=6)  # 09:00 → 17:00: 2.5 + 3.5 office hours
    assert str(ks.limit) == "same-day"


def test_a_paused_dossier_is_not_overdue_while_its_clock_stands_still(province):
    services, codes = province
    board = services.dashboard(AGENCY, *MARCH, actor="chutich")
    assert (board.totals.paused, board.totals.overdue) == (1, 1)  # H paused, D overdue
    view = services.case_view(codes["H"])
    assert view.status == "paused" and view.appointment_at < vn(2026, 4, 1)


def test_steps_used_and_allotted_office_time(province):
    services, codes = province
    calendar = _calendar()
    board = services.dashboard(AGENCY, *MARCH, actor="chutich")
    steps = {(s.procedure_code, s.bpmn_id): s for s in board.steps}
    # the reference: every task completed in March, measured by the calendar in Python
    expected: dict = {}
    for letter in "ABCDMN":
        view = services.case_view(codes[letter])
        for task in view.tasks:
            if task.completed_at is None or not (vn(2026, 3, 1) <= task.completed_at
                                                 < vn(2026, 4, 1)):
                continue
            pause = timedelta(seconds=task.paused_seconds)
            row = expected.setdefault((view.procedure_code, task.bpmn_id), [0, 0, [], []])
            row[0] += 1
            row[1] += task.outcome == "late"
            row[2].append(calendar.working_time_between(task.ready_at, task.completed_at)
                          - pause)
            row[3].append(calendar.working_time_between(task.ready_at, task.due_at) - pause)
    assert set(steps) == set(expected)
    for key, (count, late, used, allotted) in expected.items():
        step = steps[key]
        assert (step.completed, step.late) == (count, late), key
        assert step.average_used == sum(used, timedelta()) / count, key
        assert step.average_allotted == sum(allotted, timedelta()) / count, key
    exam = steps[(HO_KINH_DOANH, "Task_ThamDinh")]
    assert (exam.completed, exam.late, exam.revision) == (3, 1, 2)
    assert exam.average_allotted == timedelta(hours=12)  # 1.5 working days
    assert abs(exam.late_share - 1 / 3) < 1e-9


def test_officials_and_satisfaction(province):
    services, _ = province
    board = services.dashboard(AGENCY, *MARCH, actor="chutich")
    people = {o.username: o for o in board.officials}
    examiner = people["chuyenvien"]
    assert (examiner.completed, examiner.on_time, examiner.late) == (3, 2, 1)
    assert examiner.on_time_rate == 2 / 3
    holder = people["chuyenvien2"]
    assert (holder.completed, holder.open_claimed, holder.open_overdue) == (0, 1, 1)
    assert people["hotich"].completed == 2
    rated = board.satisfaction
    assert (rated.count, rated.average) == (2, 4.0)
    assert rated.distribution == {1: 0, 2: 0, 3: 1, 4: 0, 5: 1}


def test_heatmap_colours_the_steps_by_share_late(province):
    services, _ = province
    heat = services.step_heatmap(HO_KINH_DOANH, AGENCY, *MARCH, actor="chutich")
    assert heat.revision == 2 and "Task_ThamDinh" in heat.bpmn_xml
    levels = heat.levels()
    assert "Task_ThamDinh" in levels[4]  # 1 of 3 late: more than 25 %, at most 50 %
    assert "Task_TiepNhan" in levels[4]  # C's reception, done after the apology: 1 of 4
    assert "Task_XemXet" in levels[1]
    with pytest.raises(UnknownProcedure):
        services.step_heatmap("QT-KHONG-CO", AGENCY, *MARCH, actor="chutich")


def test_who_may_see_reports(province):
    services, _ = province
    services.dashboard(AGENCY, *MARCH, actor="motcua")  # a member of the commune
    with pytest.raises(NotAllowed, match="holds no role in it nor in any agency above it"):
        services.dashboard(PROVINCE, *MARCH, actor="chutich")  # the commune is below
    with pytest.raises(NotAllowed):
        services.statutory_report(AGENCY, *MARCH, actor="motcua_bm")
    assert [(a.code, a.depth) for a in services.report_agencies("chutich")] == [(AGENCY, 0)]
    assert [a.code for a in services.report_agencies("admin")] == [PROVINCE, OTHER_AGENCY,
                                                                  AGENCY]


def test_periods_are_checked(province):
    services, _ = province
    with pytest.raises(InvalidRequest, match="swap"):
        services.dashboard(AGENCY, date(2026, 3, 31), date(2026, 3, 1), actor="chutich")
    with pytest.raises(InvalidRequest, match="at most 366 days"):
        services.dashboard(AGENCY, date(2025, 1, 1), date(2026, 3, 1), actor="chutich")
    with pytest.raises(InvalidRequest, match="after today"):
        services.dashboard(AGENCY, date(2026, 5, 1), date(2026, 5, 31), actor="chutich")
    with pytest.raises(InvalidRequest, match="xlsx or csv"):
        services.statutory_report(AGENCY, *MARCH, actor="chutich", fmt="pdf")


def test_ii06a_xlsx_has_the_form_header_and_the_dashboard_totals(province):
    from openpyxl import load_workbook

    services, _ = province
    name, mimetype, content = services.statutory_report(PROVINCE, *MARCH, actor="admin")
    assert name == "bieu-II06a-TINH-QN-20260301-20260331.xlsx"
    assert mimetype.startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["A1"].value == "Biểu số II.06a/VPCP/KSTT"
    assert sheet["D1"].value == "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
    assert sheet["D2"].value == "Kỳ báo cáo: từ ngày 01/03/2026 đến ngày 31/03/2026"
    assert sheet["K1"].value == "Đơn vị báo cáo: Ủy ban nhân dân tỉnh Quảng Ninh"
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A5:A7", "B5:B7", "C5:F5", "G5:J5", "K5:M5", "D6:E6", "C6:C7", "F6:F7"} <= merged
    assert (sheet["C5"].value, sheet["G5"].value, sheet["K5"].value) == (
        "Số hồ sơ nhận giải quyết", "Kết quả giải quyết: số hồ sơ đã giải quyết",
        "Số hồ sơ đang giải quyết")
    assert (sheet["D7"].value, sheet["E7"].value, sheet["F6"].value) == (
        "Trực tuyến", "Trực tiếp, dịch vụ bưu chính", "Từ kỳ trước chuyển qua")
    assert [sheet.cell(8, c).value for c in (1, 13)] == ["(1)", "(13)"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=9, max_row=12)]
    assert [r[1].strip() for r in rows] == ["Ủy ban nhân dân tỉnh Quảng Ninh",
                                            "Ủy ban nhân dân xã Bình Minh",
                                            "Ủy ban nhân dân xã Hòa An", "Tổng cộng"]
    board = services.dashboard(PROVINCE, *MARCH, actor="admin")
    t = board.totals
    assert rows[-1][2:] == [t.received_total, t.online, t.in_person_or_post, t.carried_over,
                            t.resolved, t.early, t.on_time, t.late, t.in_progress,
                            t.within_deadline, t.overdue] == [11, 1, 9, 1, 5, 2, 2, 1, 4, 2, 2]
    assert "rút trong kỳ (không thuộc cột nào của biểu): 2" in sheet["A14"].value


def test_ii06a_csv_columns(province):
    services, _ = province
    name, mimetype, content = services.statutory_report(AGENCY, *MARCH, actor="chutich",
                                                        fmt="csv")
    assert name.endswith(".csv") and mimetype.startswith("text/csv")
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert list(rows[0]) == ["stt", "agency_code", "agency_name", "received_total",
                             "received_online", "received_in_person_or_post", "carried_over",
                             "resolved_total", "resolved_early", "resolved_on_time",
                             "resolved_late", "in_progress_total",
                             "in_progress_within_deadline", "in_progress_overdue"]
    commune, total = rows
    assert commune["agency_code"] == AGENCY and total["agency_name"] == "Tổng cộng"
    assert [int(total[k]) for k in ("received_total", "resolved_total", "in_progress_total",
                                    "in_progress_overdue")] == [10, 5, 3, 1]


def test_cli_writes_the_form(province, tmp_path):
    from click.testing import CliRunner
    from openpyxl import load_workbook

    from isobpmn.cli import cli

    services, _ = province
    url = services.db.engine.url.render_as_string(hide_password=False)
    target = tmp_path / "quy-1.xlsx"
    args = ["report", "ii06a", "--agency", AGENCY, "--from", "01/03/2026", "--to",
            "31/03/2026", "--database", url]
    result = CliRunner().invoke(cli, [*args, "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert str(target) in result.output and not (tmp_path / "quy-1.xlsx.part").exists()
    sheet = load_workbook(target).active
    assert sheet["B10"].value == "Tổng cộng" and sheet["C10"].value == 10
    result = CliRunner().invoke(cli, [*args, "-o", "-", "--format", "csv"])
    assert result.exit_code == 0 and result.output.startswith("\ufeffstt,agency_code")
    refused = CliRunner().invoke(cli, [*args, "--user", "motcua_bm", "-o", "-"])
    assert refused.exit_code == 1 and "error: " in refused.output
    wrong = CliRunner().invoke(cli, [*args[:4], "--from", "31/02/2026", "--to", "01/03/2026"])
    assert wrong.exit_code == 2 and "dd/mm/yyyy" in wrong.output


PERIODS = [MARCH, (date(2026, 2, 1), date(2026, 4, 10)), (date(2026, 3, 3), date(2026, 3, 11)),
           (date(2026, 2, 15), date(2026, 3, 31)), (date(2026, 4, 1), date(2026, 4, 10)),
           (date(2026, 3, 5), date(2026, 3, 5))]


def _reports(services):
    """Every report of every agency and period of the scenario."""
    found = {}
    for agency in (PROVINCE, AGENCY, OTHER_AGENCY):
        for start, end in PERIODS:
            board = services.dashboard(agency, start, end, actor="admin")
            heat = services.step_heatmap(HO_KINH_DOANH, agency, start, end, actor="admin")
            found[agency, start, end] = (board.totals, board.lines, board.procedures,
                                         board.steps, board.officials, board.satisfaction,
                                         board.working_day, heat.steps)
    return found


def _forget_sums(services):
    from sqlalchemy import delete

    from isobpmn.store import (
        ReportCases,
        ReportCaseTime,
        ReportOfficials,
        ReportRollup,
        ReportSteps,
    )

    with services.db.write() as session:
        for table in (ReportCases, ReportCaseTime, ReportOfficials, ReportSteps, ReportRollup):
            session.execute(delete(table))


def test_summed_days_give_the_same_reports(province):
    """The pre-aggregates change how a report is read, never what it says: every figure of
    every report is the same read from the projections and read from the sums, for periods
    of whole months, parts of months, and days after the watermark."""
    services, _ = province
    live = _reports(services)
    try:
        done = services.roll_up_reports()
        # from the first receipt (24/02) to the day before "now" (10/04), a month at a time
        assert (done.first, done.until, done.runs) == (date(2026, 2, 24), date(2026, 4, 10), 2)
        assert done.rows > 0
        assert services.roll_up_reports().first is None  # nothing left
        with services.db.read() as session:
            march = window(session, Period.of_days(*MARCH, _calendar().tz))
        # March comes whole from its month rows, nothing from the projections
        assert (march.any_summed, march.month_first < march.month_end, march.live) == (
            True, True, None)
        assert _reports(services) == live
    finally:
        _forget_sums(services)
