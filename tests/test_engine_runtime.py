"""The case runtime (isobpmn.engine.runtime) on the procedure library, every branch.

Each scenario runs a library diagram as officials would: the ready step is completed with its
declared fields filled in, and the case is saved and restored from bytes after every change,
as the services will do. The clock is a ManualClock; nothing reads the real time.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from conftest import BPMN_DIR

from isobpmn.calendar import WorkingCalendar
from isobpmn.engine import (
    DataError,
    EngineError,
    ExpressionError,
    ManualClock,
    MessageNotExpected,
    ReadyTask,
    RunBroken,
    TaskNotReady,
    UnknownTask,
    load_spec,
    restore,
    start,
)
from isobpmn.model.types import FieldType

CALENDAR = WorkingCalendar()
MONDAY = datetime(2026, 3, 2, 8, 0)
_SAMPLE = {FieldType.TEXT: "Nguyễn Văn An", FieldType.NUMBER: 2, FieldType.DATE: "2026-03-02",
           FieldType.BOOL: True, FieldType.DOCUMENT: "01/2026/QĐ-UBND"}


class Case:
    """One case of a library procedure, saved and restored after every change."""

    def __init__(self, name: str, *, clock: ManualClock | None = None, data=None) -> None:
        self.spec = load_spec((BPMN_DIR / f"{name}.bpmn").read_bytes(), name=name)
        self.clock = clock or ManualClock(MONDAY)
        self.run = start(self.spec, data or {}, clock=self.clock, calendar=CALENDAR)
        self.round_trip()

    def round_trip(self) -> None:
        before = [(t.task_uuid, t.bpmn_id) for t in self.run.ready_tasks()]
        state = self.run.serialize()
        self.run = restore(self.spec, state, clock=self.clock, calendar=CALENDAR)
        assert [(t.task_uuid, t.bpmn_id) for t in self.run.ready_tasks()] == before

    def ready(self) -> list[str]:
        return [t.bpmn_id for t in self.run.ready_tasks()]

    def task(self, bpmn_id: str) -> ReadyTask:
        found = [t for t in self.run.ready_tasks() if t.bpmn_id == bpmn_id]
        assert len(found) == 1, f"{bpmn_id} is not ready; ready: {self.ready()}"
        return found[0]

    def do(self, bpmn_id: str, **decisions) -> Case:
        """Complete a step with every declared field filled in, ``decisions`` overriding."""
        data = {f.name: f.choices[0].value if f.choices else _SAMPLE[f.type]
                for f in self.spec.procedure.step(bpmn_id).info.fields}
        self.run.complete(self.task(bpmn_id).task_uuid, {**data, **decisions})
        self.round_trip()
        return self

    def message(self, name: str, **payload) -> Case:
        self.run.receive_message(name, payload)
        self.round_trip()
        return self

    def ends_at(self, end_id: str) -> list[str]:
        assert self.run.is_completed, f"not completed; ready: {self.ready()}"
        assert self.run.end_event() == end_id
        assert self.ready() == [] and self.run.waiting_timers() == []
        return self.run.path_taken()


# -- đăng ký khai sinh --------------------------------------------------------------------


def test_khai_sinh_happy_path():
    case = Case("dang-ky-khai-sinh").do("Task_TiepNhan", ket_qua_kiem_tra="tiep_nhan")
    for step in ("Task_GhiSo", "Task_XemXet", "Task_Ky", "Task_VaoSo", "Task_TraKetQua"):
        case.do(step)
    path = case.ends_at("End_TraKetQua")
    assert path == ["StartEvent", "Gw_HoSoChoKiemTra", "Task_TiepNhan", "Gw_KetQuaKiemTra",
                    "Task_GhiSo", "Task_XemXet", "Task_Ky", "Task_VaoSo", "Task_TraKetQua",
                    "End_TraKetQua"]
    assert case.run.data["ket_qua_kiem_tra"] == "tiep_nhan"
    assert case.run.data["ngay_tra"] == "2026-03-02"


def test_khai_sinh_supplement_by_message_then_accepted():
    case = Case("dang-ky-khai-sinh").do("Task_TiepNhan", ket_qua_kiem_tra="bo_sung")
    case.do("Task_HuongDanBoSung")
    assert case.ready() == []
    [waiting] = case.run.waiting_messages()
    assert (waiting.bpmn_id, waiting.message, waiting.name) == \
        ("Evt_NhanBoSung", "Hồ sơ bổ sung", "Nhận hồ sơ bổ sung")
    case.message("Hồ sơ bổ sung", giay_to_bo_sung="Bản sao giấy chứng sinh")
    assert case.ready() == ["Task_TiepNhan"]
    assert case.task("Task_TiepNhan").data["giay_to_bo_sung"] == "Bản sao giấy chứng sinh"
    case.do("Task_TiepNhan", ket_qua_kiem_tra="tiep_nhan")
    for step in ("Task_GhiSo", "Task_XemXet", "Task_Ky", "Task_VaoSo", "Task_TraKetQua"):
        case.do(step)
    path = case.ends_at("End_TraKetQua")
    assert path.count("Task_TiepNhan") == 2 and "Evt_NhanBoSung" in path


def test_khai_sinh_refused_at_reception():
    case = Case("dang-ky-khai-sinh").do("Task_TiepNhan", ket_qua_kiem_tra="tu_choi")
    case.do("Task_TuChoiTiepNhan", ly_do_tu_choi="Không thuộc thẩm quyền")
    assert case.ends_at("End_TuChoiTiepNhan")[-2:] == ["Task_TuChoiTiepNhan", "End_TuChoiTiepNhan"]


# -- đăng ký hộ kinh doanh ----------------------------------------------------------------


def _ho_kinh_doanh_to_review(case: Case) -> Case:
    return case.do("Task_TiepNhan", ho_so_day_du=True).do("Task_ThamDinh", ket_qua_tham_dinh="dat")


def _ho_kinh_doanh_finish(case: Case) -> list[str]:
    for step in ("Task_Ky", "Task_VaoSo", "Task_TraKetQua"):
        case.do(step)
    return case.ends_at("End_TraKetQua")


def test_ho_kinh_doanh_happy_path():
    case = _ho_kinh_doanh_to_review(Case("dang-ky-ho-kinh-doanh"))
    case.do("Task_XemXet", y_kien_xem_xet="dong_y")
    assert "Task_DuThaoTuChoi" not in _ho_kinh_doanh_finish(case)


def test_ho_kinh_doanh_incomplete_dossier_loops_back_after_supplement():
    case = Case("dang-ky-ho-kinh-doanh").do("Task_TiepNhan", ho_so_day_du=False)
    case.do("Task_HuongDanBoSung").message("Msg_HoSoBoSung")  # by message id as well
    assert case.ready() == ["Task_TiepNhan"]
    _ho_kinh_doanh_to_review(case).do("Task_XemXet", y_kien_xem_xet="dong_y")
    assert _ho_kinh_doanh_finish(case).count("Gw_HoSoChoKiemTra") == 2


def test_ho_kinh_doanh_refused_after_examination():
    case = Case("dang-ky-ho-kinh-doanh").do("Task_TiepNhan", ho_so_day_du=True)
    case.do("Task_ThamDinh", ket_qua_tham_dinh="khong_dat")
    case.do("Task_DuThaoTuChoi").do("Task_KyTuChoi")
    assert "Task_XemXet" not in case.ends_at("End_TuChoi")


def test_ho_kinh_doanh_returned_by_the_reviewer_is_examined_again():
    case = _ho_kinh_doanh_to_review(Case("dang-ky-ho-kinh-doanh"))
    case.do("Task_XemXet", y_kien_xem_xet="tra_lai")
    assert case.ready() == ["Task_ThamDinh"]
    case.do("Task_ThamDinh", ket_qua_tham_dinh="dat").do("Task_XemXet", y_kien_xem_xet="dong_y")
    path = _ho_kinh_doanh_finish(case)
    assert path.count("Task_ThamDinh") == 2 and path.count("Task_XemXet") == 2


# -- cấp giấy phép xây dựng ---------------------------------------------------------------


def _gpxd_examined(case: Case, result: str) -> Case:
    case.do("Task_TiepNhan", ket_qua_kiem_tra="tiep_nhan").do("Task_PhanCong")
    return case.do("Task_ThamDinh", ket_qua_tham_dinh=result)


def _gpxd_issue(case: Case) -> list[str]:
    for step in ("Task_DuThaoGiayPhep", "Task_XemXet", "Task_Ky", "Task_VaoSo", "Task_TraKetQua"):
        case.do(step)
    return case.ends_at("End_TraKetQua")


def test_gpxd_happy_path():
    assert "Task_ThongBaoBoSung" not in _gpxd_issue(_gpxd_examined(Case(
        "cap-giay-phep-xay-dung-nha-o-rieng-le"), "dat"))


def test_gpxd_refused_at_reception():
    case = Case("cap-giay-phep-xay-dung-nha-o-rieng-le")
    case.do("Task_TiepNhan", ket_qua_kiem_tra="tu_choi").do("Task_TuChoiTiepNhan")
    case.ends_at("End_TuChoiTiepNhan")


def test_gpxd_supplement_at_reception():
    case = Case("cap-giay-phep-xay-dung-nha-o-rieng-le")
    case.do("Task_TiepNhan", ket_qua_kiem_tra="bo_sung").do("Task_HuongDanBoSung")
    case.message("Hồ sơ bổ sung")
    assert case.ready() == ["Task_TiepNhan"]
    _gpxd_issue(_gpxd_examined(case, "dat"))


def test_gpxd_not_eligible():
    case = _gpxd_examined(Case("cap-giay-phep-xay-dung-nha-o-rieng-le"), "khong_dat")
    case.do("Task_DuThaoKhongCap").do("Task_KyKhongCap")
    case.ends_at("End_KhongCapPhep")


def test_gpxd_supplement_during_examination_received_in_time():
    case = _gpxd_examined(Case("cap-giay-phep-xay-dung-nha-o-rieng-le"), "bo_sung")
    case.do("Task_ThongBaoBoSung")
    [timer] = case.run.waiting_timers()
    assert (timer.bpmn_id, timer.attached_to) == ("Timer_QuaHanBoSung", "Task_ChoBoSung")
    assert [m.bpmn_id for m in case.run.waiting_messages()] == ["Task_ChoBoSung"]
    case.clock.advance(days=29)
    assert case.run.fire_due_timers() == []
    case.message("Hồ sơ bổ sung", ban_ve_bo_sung="Bản vẽ mặt bằng móng")
    assert case.ready() == ["Task_ThamDinh"] and case.run.waiting_timers() == []
    assert case.task("Task_ThamDinh").data["ban_ve_bo_sung"] == "Bản vẽ mặt bằng móng"
    case.do("Task_ThamDinh", ket_qua_tham_dinh="dat")
    path = _gpxd_issue(case)
    assert "Task_ChoBoSung" in path and "Timer_QuaHanBoSung" not in path


def test_gpxd_supplement_overdue_returns_the_dossier():
    """Quá hạn bổ sung: no supplement within 30 days of the notice ends the case."""
    case = _gpxd_examined(Case("cap-giay-phep-xay-dung-nha-o-rieng-le"), "bo_sung")
    case.clock.advance(hours=3)
    case.do("Task_ThongBaoBoSung")
    notified = case.clock.now()
    [timer] = case.run.waiting_timers()
    assert timer.fire_at == notified + timedelta(days=30)
    case.clock.advance(days=30, seconds=-1)
    assert case.run.fire_due_timers() == []
    case.clock.advance(seconds=1)
    [fired] = case.run.fire_due_timers()
    assert fired.bpmn_id == "Timer_QuaHanBoSung"
    case.round_trip()
    path = case.ends_at("End_TraLaiHoSo")
    assert path[-2:] == ["Timer_QuaHanBoSung", "End_TraLaiHoSo"] and "Task_ChoBoSung" not in path
    with pytest.raises(MessageNotExpected, match="Hồ sơ bổ sung"):
        case.run.receive_message("Hồ sơ bổ sung")


def test_gpxd_timer_survives_save_and_restore_and_fires_at_a_given_moment():
    case = _gpxd_examined(Case("cap-giay-phep-xay-dung-nha-o-rieng-le"), "bo_sung")
    case.do("Task_ThongBaoBoSung")
    [timer] = case.run.waiting_timers()
    assert case.run.fire_due_timers(timer.fire_at - timedelta(minutes=1)) == []
    assert [t.bpmn_id for t in case.run.fire_due_timers(timer.fire_at)] == ["Timer_QuaHanBoSung"]
    case.ends_at("End_TraLaiHoSo")


# -- kiểm soát sự không phù hợp, kiểm soát tài liệu (internal procedures) -----------------


def test_su_khong_phu_hop_happy_path_and_both_loops():
    case = Case("kiem-soat-su-khong-phu-hop").do("Task_GhiNhan").do("Task_PhanTich")
    case.do("Task_DeXuat").do("Task_PheDuyet", phe_duyet=False)
    assert case.ready() == ["Task_DeXuat"]
    case.do("Task_DeXuat").do("Task_PheDuyet", phe_duyet=True).do("Task_ThucHien")
    case.do("Task_KiemTraHieuLuc", co_hieu_luc=False)
    assert case.ready() == ["Task_PhanTich"]
    case.do("Task_PhanTich").do("Task_DeXuat").do("Task_PheDuyet", phe_duyet=True)
    case.do("Task_ThucHien").do("Task_KiemTraHieuLuc", co_hieu_luc=True).do("Task_Dong")
    path = case.ends_at("End_DaKhacPhuc")
    assert path.count("Task_DeXuat") == 3 and path.count("Task_PhanTich") == 2


def test_kiem_soat_tai_lieu_happy_path_and_both_loops():
    case = Case("kiem-soat-tai-lieu").do("Task_DeNghi").do("Task_SoanThao")
    case.do("Task_XemXet", ket_qua_xem_xet="can_sua")
    assert case.ready() == ["Task_SoanThao"]
    case.do("Task_SoanThao").do("Task_XemXet", ket_qua_xem_xet="dat")
    case.do("Task_PheDuyet", phe_duyet=False)
    assert case.ready() == ["Task_SoanThao"]
    case.do("Task_SoanThao").do("Task_XemXet", ket_qua_xem_xet="dat")
    case.do("Task_PheDuyet", phe_duyet=True).do("Task_PhanPhoi").do("Task_ThuHoi")
    assert case.ends_at("End_BanHanh").count("Task_SoanThao") == 3


# -- what the runtime tells and refuses ---------------------------------------------------


def test_ready_task_carries_lane_kind_name_and_a_copy_of_the_data():
    case = Case("dang-ky-khai-sinh", data={"ma_ho_so": "UBND-260302-001"})
    task = case.task("Task_TiepNhan")
    assert (task.name, task.lane, task.kind) == \
        ("Tiếp nhận, kiểm tra hồ sơ", "Lane_MotCua", "userTask")
    assert task.data == {"ma_ho_so": "UBND-260302-001"}
    task.data["ma_ho_so"] = "changed"
    assert case.task("Task_TiepNhan").data["ma_ho_so"] == "UBND-260302-001"
    case.run.data["ma_ho_so"] = "changed"
    assert case.run.data["ma_ho_so"] == "UBND-260302-001"


def test_unknown_and_finished_tasks_are_refused_without_breaking_the_run():
    case = Case("dang-ky-khai-sinh")
    first = case.task("Task_TiepNhan").task_uuid
    with pytest.raises(UnknownTask):
        case.run.complete("00000000-0000-0000-0000-000000000000", {})
    with pytest.raises(UnknownTask):
        case.run.complete("not-a-uuid", {})
    case.do("Task_TiepNhan", ket_qua_kiem_tra="tiep_nhan")
    with pytest.raises(TaskNotReady, match="completed") as info:
        case.run.complete(first, {})
    assert info.value.element_id == "Task_TiepNhan"
    case.do("Task_GhiSo")  # still usable


def test_data_that_cannot_be_stored_is_refused_before_anything_changes():
    case = Case("dang-ky-khai-sinh")
    uuid = case.task("Task_TiepNhan").task_uuid
    for bad in ({"typename": "BpmnWorkflow"}, {"x": {"typename": "UUID"}}, {"x": object()},
                {"x": datetime(2026, 3, 2)}, {"x": {1: "a"}}, {"x": float("nan")}):
        with pytest.raises(DataError):
            case.run.complete(uuid, bad)
    case.do("Task_TiepNhan")


def test_a_failing_condition_names_the_flow_and_breaks_only_the_in_memory_run():
    case = Case("dang-ky-ho-kinh-doanh")
    stored = case.run.serialize()
    uuid = case.task("Task_TiepNhan").task_uuid
    with pytest.raises(ExpressionError, match="ho_so_day_du") as info:
        case.run.complete(uuid, {"nguoi_nop": "An"})  # the required decision is missing
    assert info.value.element_id == "F05" and info.value.expression == "ho_so_day_du == False"
    for use in (case.run.ready_tasks, lambda: case.run.complete(uuid, {"ho_so_day_du": True}),
                case.run.serialize):
        with pytest.raises(RunBroken, match="restore the case"):
            use()
    again = restore(case.spec, stored, clock=case.clock, calendar=CALENDAR)
    again.complete(uuid, {"nguoi_nop": "An", "ho_so_day_du": True})
    assert [t.bpmn_id for t in again.ready_tasks()] == ["Task_ThamDinh"]


def test_every_engine_error_is_an_engine_error():
    case = Case("dang-ky-khai-sinh")
    with pytest.raises(EngineError):
        case.run.receive_message("Hồ sơ bổ sung")


# -- runaway loops, sub-processes (small diagrams) ------------------------------------------

def test_a_loop_of_automatic_steps_is_stopped():
    from conftest import bpmn_bytes, flow

    from isobpmn.engine import RunawayProcess

    xml = bpmn_bytes(
        '<bpmn:startEvent id="StartEvent"/>\n'
        '<bpmn:scriptTask id="Script_Dem"><bpmn:script>dem += 1</bpmn:script></bpmn:scriptTask>\n'
        '<bpmn:exclusiveGateway id="Gw_Lap" default="F_Het"/>\n<bpmn:endEvent id="EndEvent"/>\n'
        + flow("F1", "StartEvent", "Script_Dem") + flow("F2", "Script_Dem", "Gw_Lap")
        + '<bpmn:sequenceFlow id="F_Lap" sourceRef="Gw_Lap" targetRef="Script_Dem">'
          "<bpmn:conditionExpression>dem &lt; 1000000</bpmn:conditionExpression>"
          "</bpmn:sequenceFlow>"
        + flow("F_Het", "Gw_Lap", "EndEvent"))
    with pytest.raises(RunawayProcess, match="loop of automatic steps"):
        start(load_spec(xml), {"dem": 0}, clock=ManualClock(MONDAY), calendar=CALENDAR)


def test_a_case_deeper_than_the_engine_follows_is_stopped_not_reported_done(monkeypatch):
    from isobpmn.engine import RunawayProcess
    from isobpmn.engine import runtime

    monkeypatch.setattr(runtime, "MAX_CASE_DEPTH", 12)
    case = Case("kiem-soat-tai-lieu").do("Task_DeNghi")
    with pytest.raises(RunawayProcess, match="steps deep"):
        for _ in range(10):
            case.do("Task_SoanThao").do("Task_XemXet", ket_qua_xem_xet="can_sua")


def test_a_case_saved_inside_an_embedded_sub_process_restores_there():
    from conftest import bpmn_bytes, flow

    xml = bpmn_bytes(
        '<bpmn:startEvent id="StartEvent"/>\n<bpmn:subProcess id="Sub_XuLy" name="Xử lý">'
        '<bpmn:startEvent id="Sub_Start"/><bpmn:userTask id="Task_Trong" name="Trong"/>'
        '<bpmn:endEvent id="Sub_End"/>' + flow("S1", "Sub_Start", "Task_Trong")
        + flow("S2", "Task_Trong", "Sub_End") + "</bpmn:subProcess>\n"
        '<bpmn:userTask id="Task_Sau" name="Sau"/>\n<bpmn:endEvent id="EndEvent"/>\n'
        + flow("F1", "StartEvent", "Sub_XuLy") + flow("F2", "Sub_XuLy", "Task_Sau")
        + flow("F3", "Task_Sau", "EndEvent"))
    spec, clock = load_spec(xml), ManualClock(MONDAY)
    run = restore(spec, start(spec, {"a": 1}, clock=clock, calendar=CALENDAR).serialize(),
                  clock=clock, calendar=CALENDAR)
    [inside] = run.ready_tasks()
    assert inside.bpmn_id == "Task_Trong" and run.end_event() is None
    run.complete(inside.task_uuid, {"b": 2})
    run = restore(spec, run.serialize(), clock=clock, calendar=CALENDAR)
    assert [t.bpmn_id for t in run.ready_tasks()] == ["Task_Sau"]
    assert run.data == {"a": 1, "b": 2} and run.end_event() is None  # Sub_End is not the case's
    run.complete(run.ready_tasks()[0].task_uuid, {})
    assert run.end_event() == "EndEvent"
    assert run.path_taken() == ["StartEvent", "Sub_Start", "Task_Trong", "Sub_End", "Sub_XuLy",
                                "Task_Sau", "EndEvent"]
