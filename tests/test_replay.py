"""The re-execution check: dossiers' audit logs replayed on a fresh engine run.

Real paths through the library's procedures (and a fired timer) replay without a deviation;
logs changed behind the store's back (an event inserted by raw SQL, recorded data changed so
the gateway would go elsewhere) are named, and ``isobpmn audit replay`` exits 1.
"""

from __future__ import annotations

import json
from datetime import date, timezone

import pytest
from click.testing import CliRunner
from fixtures_services import (
    AGENCY,
    GPXD,
    GPXD_STEPS,
    HKD_HAPPY,
    HO_KINH_DOANH,
    KHAI_SINH,
    ready,
    vn,
)

from isobpmn.cli import cli
from isobpmn.services import UnknownCase
from isobpmn.services.replay import replay_cases

KS_HAPPY = [
    ("Task_TiepNhan", "motcua", {"nguoi_yeu_cau": "Lê Văn Tâm", "ket_qua_kiem_tra": "tiep_nhan"}),
    ("Task_GhiSo", "hotich", {"ho_ten_tre": "Lê Minh Khang", "ngay_sinh": "01/03/2026",
                              "so_dang_ky": "15/2026"}),
    ("Task_XemXet", "truongphong", {"y_kien_xem_xet": "Đủ điều kiện, trình ký"}),
    ("Task_Ky", "chutich", {"ngay_ky": "03/03/2026"}),
    ("Task_VaoSo", "vanthu", {"so_ban_sao": 2}),
    ("Task_TraKetQua", "motcua", {"ngay_tra": "03/03/2026", "nguoi_nhan": "Lê Văn Tâm"}),
]
INCOMPLETE = {"nguoi_nop": "Nguyễn Văn An", "ho_so_day_du": "không"}


@pytest.fixture
def url(database):
    return database.engine.url.render_as_string(hide_password=False)


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def walk(services, clock, code, steps):
    for bpmn_id, actor, data in steps:
        clock.advance(minutes=20)
        services.complete_task(ready(services, code, bpmn_id).id, actor, data)


def receive(services, procedure):
    return services.receive_dossier(procedure, AGENCY, "Nguyễn Văn An", actor="motcua").case_code


def replay(services, **selection):
    return replay_cases(services.context, **selection)


def assert_clean(report, cases=1):
    assert [d.message for d in report.deviations] == []
    assert report.ok and report.cases == cases and report.events > 0


# -- real paths: no deviation --------------------------------------------------------------


@pytest.mark.parametrize(("procedure", "steps"), [(HO_KINH_DOANH, HKD_HAPPY),
                                                  (GPXD, GPXD_STEPS), (KHAI_SINH, KS_HAPPY)])
def test_happy_paths_replay_without_deviation(services, clock, procedure, steps):
    code = receive(services, procedure)
    walk(services, clock, code, steps)
    assert services.case_view(code).status == "resolved"
    assert_clean(replay(services, case_code=code))


def test_claims_return_and_result_handed_over(services, clock):
    code = receive(services, HO_KINH_DOANH)
    services.claim(ready(services, code, "Task_TiepNhan").id, "motcua")
    walk(services, clock, code, HKD_HAPPY[:2])
    clock.advance(hours=1)
    services.return_to_previous(ready(services, code, "Task_XemXet").id, "truongphong",
                                "Thiếu mã số thuế")
    walk(services, clock, code, HKD_HAPPY[1:])
    services.return_result(code, "motcua", receiver="Nguyễn Văn An")
    assert_clean(replay(services, case_code=code))


def test_two_supplements_replay(services, clock):
    code = receive(services, HO_KINH_DOANH)
    for round_ in range(2):
        clock.advance(hours=2)
        services.complete_task(ready(services, code, "Task_TiepNhan").id, "motcua", INCOMPLETE)
        clock.advance(minutes=30)
        services.request_supplement(ready(services, code, "Task_HuongDanBoSung").id, "motcua",
                                    reason=f"Thiếu giấy tờ ({round_ + 1})",
                                    items=["Bản sao Căn cước"])
        clock.advance(days=1)
        services.receive_supplement(code, "motcua", note="Đã nộp",
                                    data={"giay_to_bo_sung": "Bản sao Căn cước"})
    walk(services, clock, code, HKD_HAPPY)
    assert services.case_view(code).outcome == "late"
    assert_clean(replay(services, case_code=code))


def test_building_permit_refused_and_not_eligible_branches(services, clock):
    refused = receive(services, GPXD)
    clock.advance(minutes=10)
    services.complete_task(ready(services, refused, "Task_TiepNhan").id, "motcua",
                           {**GPXD_STEPS[0][2], "ket_qua_kiem_tra": "tu_choi"})
    clock.advance(minutes=10)
    services.complete_task(ready(services, refused, "Task_TuChoiTiepNhan").id, "motcua",
                           {"ly_do_tu_choi": "Không thuộc thẩm quyền"})
    not_eligible = receive(services, GPXD)
    walk(services, clock, not_eligible, GPXD_STEPS[:2])
    clock.advance(hours=1)
    services.complete_task(ready(services, not_eligible, "Task_ThamDinh").id, "chuyenvien",
                           {**GPXD_STEPS[2][2], "ket_qua_tham_dinh": "khong_dat"})
    for bpmn_id, actor, data in (
            ("Task_DuThaoKhongCap", "chuyenvien", {"ly_do_khong_cap": "Không phù hợp quy hoạch"}),
            ("Task_KyKhongCap", "chutich", {"van_ban_khong_cap": {"number": "20/UBND",
                                                                  "date": "04/03/2026"}})):
        clock.advance(hours=1)
        services.complete_task(ready(services, not_eligible, bpmn_id).id, actor, data)
    refused_desk = receive(services, GPXD)
    services.refuse(refused_desk, "motcua", "Hồ sơ không thuộc thẩm quyền")
    assert_clean(replay(services, procedure=GPXD), cases=3)


def test_a_fired_timer_replays(services, clock):
    """The building permit's 30-day supplement wait runs out: the worker's timer_fired and
    the end at "Trả lại hồ sơ" replay as recorded."""
    clock.set(vn(2026, 1, 26, 9, 0))
    code = receive(services, GPXD)
    walk(services, clock, code, GPXD_STEPS[:2])
    clock.set(vn(2026, 1, 27, 14, 0))
    services.complete_task(ready(services, code, "Task_ThamDinh").id, "chuyenvien",
                           {**GPXD_STEPS[2][2], "ket_qua_tham_dinh": "bo_sung"})
    clock.set(vn(2026, 1, 28, 10, 0))
    services.request_supplement(ready(services, code, "Task_ThongBaoBoSung").id, "chuyenvien",
                                reason="Bản vẽ không đúng", items=["Bản vẽ mặt bằng"],
                                data={"thong_bao_bo_sung": "15/TB-UBND ngày 28/01/2026"})
    assert services.run_worker_once(vn(2026, 2, 27, 10, 0)).fired == [(code, "Timer_QuaHanBoSung")]
    assert services.case_view(code).data["end_event"] == "End_TraLaiHoSo"
    assert_clean(replay(services, case_code=code))


def test_selection_and_progress(services, clock):
    clock.set(vn(2026, 3, 2, 9, 0))
    early = receive(services, KHAI_SINH)
    clock.set(vn(2026, 3, 4, 9, 0))
    late = receive(services, HO_KINH_DOANH)
    walk(services, clock, late, HKD_HAPPY[:3])
    seen = []
    report = replay(services, progress=lambda done, total: seen.append((done, total)))
    assert report.ok and report.cases == 2 and seen == [(1, 2), (2, 2)]
    assert replay(services, since=date(2026, 3, 3)).cases == 1
    assert replay(services, procedure=KHAI_SINH).cases == 1
    assert replay(services, case_code=early).events == 1
    with pytest.raises(UnknownCase, match="NOPE"):
        replay(services, case_code="NOPE")


# -- crafted deviations --------------------------------------------------------------------


def _events(database, code):
    from sqlalchemy import select

    from isobpmn.store import Case, Event

    with database.read() as session:
        case_id = session.scalar(select(Case.id).where(Case.code == code))
        return case_id, [(e.id, e.seq, e.kind, e.payload) for e in session.scalars(
            select(Event).where(Event.chain_key == f"case:{case_id}").order_by(Event.seq))]


def _raw(database, sql: str, **params) -> None:
    """Write behind the store's back (no ORM guard; SQLite has no trigger)."""
    from sqlalchemy import text

    with database.engine.begin() as connection:
        connection.execute(text(sql), params)


def _insert(database, case_id: int, seq: int, kind: str, at, payload: dict) -> None:
    """Slip an event into a dossier's chain with a plain INSERT (no hash: the chain breaks)."""
    sqlite = database.engine.dialect.name == "sqlite"
    moment = at.astimezone(timezone.utc)
    _raw(database, "INSERT INTO events (chain_key, seq, case_id, kind, actor_name, at, payload, "
         f"prev_hash, hash) VALUES (:key, :seq, :case, :kind, 'x', :at, "
         f"{':payload' if sqlite else 'CAST(:payload AS jsonb)'}, NULL, :hash)",
         key=f"case:{case_id}", seq=seq, case=case_id, kind=kind, hash="0" * 64,
         at=moment.replace(tzinfo=None) if sqlite else moment, payload=json.dumps(payload))


@pytest.fixture
def sqlite_only(database):
    if database.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's triggers refuse changes to events even by raw SQL")


def test_an_inserted_completion_of_a_step_not_ready(services, clock, database, sqlite_only, url):
    code = receive(services, HO_KINH_DOANH)
    walk(services, clock, code, HKD_HAPPY[:2])
    case_id, events = _events(database, code)
    # slip a completion of "Ký" between the receipt and the first completion: seq 2, the rest
    # moved on by one (a forger's insert; the hash chain breaks, replay is another check)
    _raw(database, "UPDATE events SET seq = seq + 100 WHERE chain_key = :key AND seq > 1",
         key=f"case:{case_id}")
    _raw(database, "UPDATE events SET seq = seq - 99 WHERE chain_key = :key AND seq > 100",
         key=f"case:{case_id}")
    _insert(database, case_id, 2, "task_completed", vn(2026, 3, 3, 9, 10),
            {"bpmn_id": "Task_Ky", "data": {"ngay_ky": "2026-03-03"},
             "ready": [{"bpmn_id": "Task_VaoSo"}]})
    report = replay(services, case_code=code)
    [deviation] = report.deviations
    assert (deviation.seq, deviation.event, deviation.kind) == (2, "task_completed", "not_ready")
    assert deviation.expected == "Task_Ky" and deviation.found == ["Task_TiepNhan"]
    assert "Task_Ky" in deviation.message and "not ready" in deviation.message

    result = invoke("audit", "replay", code, "--database", url)
    assert result.exit_code == 1, result.output
    assert f"{code} #2 task_completed [not_ready]" in result.output
    assert "1 dossier(s), 4 event(s): 1 deviation(s) in 1 dossier(s)" in result.output


def test_changed_data_takes_the_gateway_elsewhere(services, clock, database, sqlite_only, url):
    code = receive(services, HO_KINH_DOANH)
    walk(services, clock, code, HKD_HAPPY)
    case_id, events = _events(database, code)
    [(event_id, seq, _, payload)] = [e for e in events if e[2] == "task_completed"
                                     and e[3]["bpmn_id"] == "Task_TiepNhan"]
    assert payload["data"]["ho_so_day_du"] is True  # as validated: a bool
    payload["data"]["ho_so_day_du"] = False
    _raw(database, "UPDATE events SET payload = :payload WHERE id = :id", id=event_id,
         payload=json.dumps(payload))
    report = replay(services)
    [deviation] = report.deviations
    assert (deviation.case_code, deviation.seq, deviation.kind) == \
        (code, seq, "different_ready_steps")
    assert (deviation.expected, deviation.found) == (["Task_ThamDinh"], ["Task_HuongDanBoSung"])

    result = invoke("audit", "replay", "--all", "--format", "json", "--database", url)
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert (data["ok"], data["cases"], len(data["deviations"])) == (False, 1, 1)
    assert data["deviations"][0]["kind"] == "different_ready_steps"


def test_a_completion_after_a_refusal(services, clock, database):
    code = receive(services, HO_KINH_DOANH)
    clock.advance(minutes=5)
    services.refuse(code, "motcua", "Không thuộc thẩm quyền")
    case_id, events = _events(database, code)
    _insert(database, case_id, 3, "task_completed", vn(2026, 3, 3, 9, 10),
            {"bpmn_id": "Task_TiepNhan", "data": {"nguoi_nop": "A", "ho_so_day_du": True}})
    _insert(database, case_id, 4, "case_reopened", vn(2026, 3, 3, 9, 11), {})
    kinds = [(d.seq, d.kind) for d in replay(services, case_code=code).deviations]
    assert kinds == [(3, "path_not_allowed"), (4, "unknown_event")]


def test_resolved_before_the_diagram_ended(services, clock, database):
    code = receive(services, KHAI_SINH)
    walk(services, clock, code, KS_HAPPY[:2])
    case_id, events = _events(database, code)
    _insert(database, case_id, len(events) + 1, "case_resolved", vn(2026, 3, 3, 10, 0),
            {"end_event": "End_TraKetQua"})
    [deviation] = replay(services, case_code=code).deviations
    assert (deviation.kind, deviation.expected, deviation.found) == \
        ("different_final_state", "End_TraKetQua", ["Task_XemXet"])


# -- the command line ----------------------------------------------------------------------


def test_cli_clean_run_and_usage_errors(services, clock, url):
    code = receive(services, KHAI_SINH)
    walk(services, clock, code, KS_HAPPY)
    result = invoke("audit", "replay", "--all", "--database", url)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith("1 dossier(s), 8 event(s): no deviation")
    result = invoke("audit", "replay", code, "--since", "02/03/2026", "--database", url)
    assert result.exit_code == 2 and "CASE or --all" in result.output
    assert invoke("audit", "replay", "--database", url).exit_code == 2
    result = invoke("audit", "replay", "--all", "--since", "31/02/2026", "--database", url)
    assert result.exit_code == 2 and "--since" in result.output
    result = invoke("audit", "replay", "NOPE", "--database", url)
    assert result.exit_code == 1 and "NOPE" in result.output


def test_demo_seed_replays_without_deviation(tmp_path):
    from conftest import BPMN_DIR

    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    assert invoke("db", "upgrade", "--url", url).exit_code == 0
    seeded = invoke("demo", "seed", "--library", str(BPMN_DIR), "--database", url)
    assert seeded.exit_code == 0, seeded.output
    result = invoke("audit", "replay", "--all", "--format", "json", "--database", url)
    data = json.loads(result.stdout)
    assert [d["message"] for d in data["deviations"]] == []
    assert result.exit_code == 0 and data["cases"] == 20


def test_two_timers_of_one_round(services, clock):
    """A worker round fires every due timer of a dossier: one timer_fired per timer, the same
    moment; the replay fires them once."""
    from conftest import FIXTURES_DIR

    xml = (FIXTURES_DIR / "services" / "leo-thang.bpmn").read_text(encoding="utf-8")
    reminders = "".join(
        f'<bpmn:boundaryEvent id="Timer_Nhac{n}" name="Nhắc {n}" attachedToRef="Task_XuLy" '
        f'cancelActivity="false"><bpmn:timerEventDefinition><bpmn:timeDuration>'
        f'working_days(1)</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>'
        f'<bpmn:endEvent id="End_Nhac{n}" name="Đã nhắc {n}"/>'
        f'<bpmn:sequenceFlow id="F_Nhac{n}" sourceRef="Timer_Nhac{n}" targetRef="End_Nhac{n}"/>'
        for n in (1, 2))
    xml = xml.replace("QT-TEST-LT", "QT-TEST-LT2").replace(
        "</bpmn:process>", f"{reminders}</bpmn:process>")
    services.publish_procedure(xml.encode("utf-8"), AGENCY)
    clock.set(vn(2026, 3, 3, 9, 0))
    code = receive(services, "QT-TEST-LT2")
    report = services.run_worker_once(vn(2026, 3, 4, 9, 0), "w1")
    assert sorted(report.fired) == [(code, "Timer_Nhac1"), (code, "Timer_Nhac2")]
    fired = [e.at for e in services.case_view(code).events if e.kind == "timer_fired"]
    assert len(fired) == 2 and fired[0] == fired[1]
    clock.set(vn(2026, 3, 4, 10, 0))
    services.complete_task(ready(services, code, "Task_XuLy").id, "motcua", {})
    assert services.case_view(code).status == "resolved"
    assert_clean(replay(services, case_code=code))
