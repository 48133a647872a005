"""Stored case state (isobpmn.engine.state): no spec inside, versioned, migrated, checked."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from conftest import BPMN_DIR

from isobpmn.calendar import WorkingCalendar
from isobpmn.engine import (
    FORMAT_VERSION,
    ManualClock,
    StateError,
    load_spec,
    restore,
    start,
)
from isobpmn.engine import state as state_module

CALENDAR = WorkingCalendar()
GPXD = load_spec((BPMN_DIR / "cap-giay-phep-xay-dung-nha-o-rieng-le.bpmn").read_bytes())
KHAI_SINH = load_spec((BPMN_DIR / "dang-ky-khai-sinh.bpmn").read_bytes())


def waiting_for_supplement():
    """A building-permit case waiting for the supplement, with its 30-day timer running."""
    clock = ManualClock(datetime(2026, 3, 2, 8, 0))
    run = start(GPXD, {"ma_ho_so": "XD-260302-001"}, clock=clock, calendar=CALENDAR)
    for bpmn_id, data in (("Task_TiepNhan", {"ket_qua_kiem_tra": "tiep_nhan"}),
                          ("Task_PhanCong", {"chuyen_vien_thu_ly": "Lý Minh Khoa"}),
                          ("Task_ThamDinh", {"ket_qua_tham_dinh": "bo_sung"}),
                          ("Task_ThongBaoBoSung", {"noi_dung_bo_sung": "Bản vẽ móng"})):
        [task] = [t for t in run.ready_tasks() if t.bpmn_id == bpmn_id]
        run.complete(task.task_uuid, data)
    return run, clock


def test_the_stored_state_holds_no_spec():
    run, _ = waiting_for_supplement()
    state = run.serialize()
    document = json.loads(state)
    assert document["format_version"] == FORMAT_VERSION == 1
    assert document["xml_hash"] == GPXD.xml_hash
    assert document["process_id"] == "QT_CapGiayPhepXayDung"
    assert "spec" not in document["workflow"] and "subprocess_specs" not in document["workflow"]
    for spec_only in (b'"task_specs"', b"cond_task_specs", "Thẩm định hồ sơ".encode(),
                      b'ket_qua_tham_dinh == \\"khong_dat\\"'):
        assert spec_only not in state
    assert "Bản vẽ móng".encode() in state  # UTF-8, not \u escapes
    assert len(state) < 12_000


def test_restore_in_the_middle_gives_the_same_next_steps_timers_and_data():
    run, clock = waiting_for_supplement()
    again = restore(GPXD, run.serialize(), clock=clock, calendar=CALENDAR)
    assert again.waiting_timers() == run.waiting_timers()
    assert again.waiting_messages() == run.waiting_messages()
    assert again.data == run.data and again.path_taken() == run.path_taken()
    assert again.serialize() == run.serialize()
    for each in (run, again):
        each.receive_message("Hồ sơ bổ sung")
    assert [(t.task_uuid, t.bpmn_id) for t in again.ready_tasks()] == \
        [(t.task_uuid, t.bpmn_id) for t in run.ready_tasks()] and again.ready_tasks()


def test_a_state_from_another_version_or_damaged_is_refused():
    run, clock = waiting_for_supplement()
    state = run.serialize()
    with pytest.raises(StateError, match="another procedure version"):
        restore(KHAI_SINH, state, clock=clock, calendar=CALENDAR)
    document = json.loads(state)
    for change, message in (({"format_version": 99}, "newer isobpmn"),
                            ({"format_version": None}, "no valid format_version"),
                            ({"spiff_version": "0.9"}, "SpiffWorkflow serializer 0.9")):
        with pytest.raises(StateError, match=message):
            restore(GPXD, json.dumps({**document, **change}).encode(), clock=clock,
                    calendar=CALENDAR)
    for garbage in (b"not json", b"[]", b'{"format_version": 1, "xml_hash": "%s"}'
                    % GPXD.xml_hash.encode()):
        with pytest.raises(StateError):
            restore(GPXD, garbage, clock=clock, calendar=CALENDAR)


def test_older_states_go_through_the_migrations_in_order(monkeypatch):
    run, clock = waiting_for_supplement()
    state = run.serialize()
    steps = []

    def one_to_two(document):
        steps.append(1)
        document["renamed_path"] = document.pop("path")
        return document

    def two_to_three(document):
        steps.append(2)
        document["path"] = document.pop("renamed_path")
        return document
    monkeypatch.setattr(state_module, "FORMAT_VERSION", 3)
    monkeypatch.setattr(state_module, "MIGRATIONS", {1: one_to_two, 2: two_to_three})
    again = restore(GPXD, state, clock=clock, calendar=CALENDAR)
    assert steps == [1, 2] and again.path_taken() == run.path_taken()
    assert json.loads(again.serialize())["format_version"] == 3
    monkeypatch.setattr(state_module, "MIGRATIONS", {1: one_to_two})
    with pytest.raises(StateError, match="no migration from stored format 2"):
        restore(GPXD, state, clock=clock, calendar=CALENDAR)
