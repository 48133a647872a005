"""isobpmn.engine.Replay: a case re-run from scratch by diagram ids at recorded moments."""

from __future__ import annotations

from datetime import datetime

import pytest
from conftest import BPMN_DIR

from isobpmn.calendar import WorkingCalendar
from isobpmn.engine import MessageNotExpected, Replay, TaskNotReady, load_spec
from isobpmn.engine.clock import VIETNAM

CALENDAR = WorkingCalendar()
SPEC = load_spec((BPMN_DIR / "dang-ky-ho-kinh-doanh.bpmn").read_bytes())
GPXD = load_spec((BPMN_DIR / "cap-giay-phep-xay-dung-nha-o-rieng-le.bpmn").read_bytes())


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=VIETNAM)


def test_steps_by_diagram_id_answer_what_became_ready():
    replay = Replay(SPEC, {"ma_ho_so": "X-1"}, at=at(3), calendar=CALENDAR)
    assert replay.started == ["Task_TiepNhan"] and replay.clock.now() == at(3)
    with pytest.raises(TaskNotReady, match="Task_Ky is not ready; the steps ready are: "
                                           "Task_TiepNhan"):
        replay.complete_step("Task_Ky", {}, at=at(3, 10))
    assert replay.complete_step("Task_TiepNhan", {"ho_so_day_du": False},
                                at=at(3, 10)) == ["Task_HuongDanBoSung"]
    assert replay.complete_step("Task_HuongDanBoSung", {}, at=at(3, 11)) == []
    with pytest.raises(MessageNotExpected):
        replay.deliver("Tin khác", {}, at=at(4))
    assert replay.deliver("Hồ sơ bổ sung", {"giay_to": "CCCD"}, at=at(4)) == ["Task_TiepNhan"]
    assert replay.clock.now() == at(4) and not replay.is_completed


def test_timers_fire_at_the_recorded_moment():
    replay = Replay(GPXD, {}, at=datetime(2026, 1, 26, 9, tzinfo=VIETNAM), calendar=CALENDAR)
    replay.complete_step("Task_TiepNhan", {"ket_qua_kiem_tra": "tiep_nhan"},
                         at=datetime(2026, 1, 26, 10, tzinfo=VIETNAM))
    replay.complete_step("Task_PhanCong", {}, at=datetime(2026, 1, 26, 11, tzinfo=VIETNAM))
    replay.complete_step("Task_ThamDinh", {"ket_qua_tham_dinh": "bo_sung"},
                         at=datetime(2026, 1, 27, 14, tzinfo=VIETNAM))
    replay.complete_step("Task_ThongBaoBoSung", {}, at=datetime(2026, 1, 28, 10, tzinfo=VIETNAM))
    [timer] = replay.waiting_timers()
    assert timer.fire_at == datetime(2026, 2, 27, 10, tzinfo=VIETNAM)  # P30D, calendar time
    assert replay.fire_timers(at=datetime(2026, 2, 27, 9, 59, tzinfo=VIETNAM)) == ([], [])
    fired, ready = replay.fire_timers(at=timer.fire_at)
    assert [t.bpmn_id for t in fired] == ["Timer_QuaHanBoSung"] and ready == []
    assert replay.is_completed and replay.end_event() == "End_TraLaiHoSo"
