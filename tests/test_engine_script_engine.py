"""The bridge to SpiffWorkflow (isobpmn.engine.script_engine): every script, pre/post script
and condition of a running case goes through the safe evaluator, never Python's eval/exec."""

from __future__ import annotations

import pytest
from conftest import bpmn_bytes, flow
from test_engine_runtime import CALENDAR, MONDAY, Case, _ho_kinh_doanh_to_review

from isobpmn.engine import ExpressionError, ManualClock, load_spec, restore, start


SPIFF = 'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"'


def _scripted() -> bytes:
    return bpmn_bytes(
        '<bpmn:startEvent id="StartEvent"/>\n'
        '<bpmn:userTask id="Task_TiepNhan" name="Tiếp nhận"><bpmn:extensionElements>'
        f'<spiffworkflow:postScript {SPIFF}>ho_so_day_du = len(thanh_phan) &gt;= 2'
        "</spiffworkflow:postScript></bpmn:extensionElements></bpmn:userTask>\n"
        '<bpmn:scriptTask id="Script_Phi" name="Tính lệ phí"><bpmn:script>'
        "le_phi = 75000 if loai_cong_trinh == 'nha_o' else 150000\nso_lan = 0\n"
        "if not ho_so_day_du:\n    so_lan += 1</bpmn:script></bpmn:scriptTask>\n"
        '<bpmn:exclusiveGateway id="Gw_DayDu" default="F_Du"/>\n'
        '<bpmn:userTask id="Task_BoSung" name="Bổ sung"/>\n'
        '<bpmn:userTask id="Task_Ky" name="Ký"><bpmn:extensionElements>'
        f"<spiffworkflow:preScript {SPIFF}>han_ky = so_ngay * 2 + 1</spiffworkflow:preScript>"
        "</bpmn:extensionElements></bpmn:userTask>\n"
        '<bpmn:endEvent id="End_Ky"/>\n<bpmn:endEvent id="End_BoSung"/>\n'
        + flow("F1", "StartEvent", "Task_TiepNhan") + flow("F2", "Task_TiepNhan", "Script_Phi")
        + flow("F3", "Script_Phi", "Gw_DayDu") + flow("F_Du", "Gw_DayDu", "Task_Ky")
        + '<bpmn:sequenceFlow id="F_Thieu" sourceRef="Gw_DayDu" targetRef="Task_BoSung">'
          "<bpmn:conditionExpression>ho_so_day_du == False</bpmn:conditionExpression>"
          "</bpmn:sequenceFlow>"
        + flow("F4", "Task_Ky", "End_Ky") + flow("F5", "Task_BoSung", "End_BoSung"))


def test_scripts_and_pre_post_scripts_run_on_the_safe_evaluator():
    spec = load_spec(_scripted())
    clock = ManualClock(MONDAY)
    run = start(spec, {"loai_cong_trinh": "nha_o", "so_ngay": 3}, clock=clock, calendar=CALENDAR)
    run.complete(run.ready_tasks()[0].task_uuid, {"thanh_phan": ["don", "ban_ve"]})
    [sign] = run.ready_tasks()
    assert sign.bpmn_id == "Task_Ky"
    assert {k: sign.data[k] for k in ("ho_so_day_du", "le_phi", "so_lan", "han_ky")} == \
        {"ho_so_day_du": True, "le_phi": 75000, "so_lan": 0, "han_ky": 7}
    run = restore(spec, run.serialize(), clock=clock, calendar=CALENDAR)
    run.complete(sign.task_uuid, {})
    assert run.end_event() == "End_Ky"
    other = start(spec, {"loai_cong_trinh": "khac", "so_ngay": 3}, clock=clock, calendar=CALENDAR)
    other.complete(other.ready_tasks()[0].task_uuid, {"thanh_phan": []})
    assert [t.bpmn_id for t in other.ready_tasks()] == ["Task_BoSung"]
    assert (other.data["le_phi"], other.data["so_lan"]) == (150000, 1)


def test_an_unsafe_post_script_stops_the_step_with_its_id():
    xml = _scripted().replace(b"ho_so_day_du = len(thanh_phan) &gt;= 2",
                              b"ho_so_day_du = thanh_phan.__class__")
    run = start(load_spec(xml), {}, clock=ManualClock(MONDAY), calendar=CALENDAR)
    with pytest.raises(ExpressionError, match="attribute access") as info:
        run.complete(run.ready_tasks()[0].task_uuid, {"thanh_phan": []})
    assert info.value.element_id == "Task_TiepNhan"


def test_no_python_eval_or_exec_runs_any_part_of_a_case(monkeypatch):
    """SpiffWorkflow's default environment (Python's eval/exec) is never reached."""
    from SpiffWorkflow.bpmn.script_engine.python_environment import TaskDataEnvironment

    case = Case("dang-ky-ho-kinh-doanh")

    def refuse(*args, **kwargs):
        raise AssertionError("Python eval/exec was called")
    for name in ("evaluate", "execute"):
        monkeypatch.setattr(TaskDataEnvironment, name, refuse)
    monkeypatch.setattr("builtins.eval", refuse)
    monkeypatch.setattr("builtins.exec", refuse)
    case.do("Task_TiepNhan", ho_so_day_du=False).do("Task_HuongDanBoSung").message("Hồ sơ bổ sung")
    _ho_kinh_doanh_to_review(case).do("Task_XemXet", y_kien_xem_xet="tra_lai")
    case.do("Task_ThamDinh", ket_qua_tham_dinh="khong_dat").do("Task_DuThaoTuChoi")
    case.do("Task_KyTuChoi")
    case.ends_at("End_TuChoi")

