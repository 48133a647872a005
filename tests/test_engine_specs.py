"""Procedure specs (isobpmn.engine.specs): parsed once, cached by hash, read safely."""

from __future__ import annotations

from datetime import datetime

import pytest
from conftest import BPMN_DIR, MINIMAL_PROCEDURE, bpmn_bytes, chain

from isobpmn.calendar import WorkingCalendar
from isobpmn.engine import (
    FixedClock,
    SpecCache,
    SpecError,
    SpecNotLoaded,
    cached_spec,
    load_spec,
    restore,
    start,
    xml_hash,
)
from isobpmn.engine.specs import SPECS

KHAI_SINH = (BPMN_DIR / "dang-ky-khai-sinh.bpmn").read_bytes()
HO_KINH_DOANH = (BPMN_DIR / "dang-ky-ho-kinh-doanh.bpmn").read_bytes()
GPXD = (BPMN_DIR / "cap-giay-phep-xay-dung-nha-o-rieng-le.bpmn").read_bytes()
CLOCK = FixedClock(datetime(2026, 3, 2, 8, 0))
CALENDAR = WorkingCalendar()


def simple(*, process_id: str = "P", **kwargs) -> bytes:
    body = ('<bpmn:startEvent id="StartEvent"/>\n<bpmn:userTask id="Task_A" name="A"/>\n'
            '<bpmn:endEvent id="EndEvent"/>\n' + chain("StartEvent", "Task_A", "EndEvent"))
    return bpmn_bytes(body, process_id=process_id, **kwargs)


def test_the_same_xml_is_parsed_once():
    cache = SpecCache()
    first = cache.load(KHAI_SINH)
    assert cache.load(bytes(KHAI_SINH)) is first
    assert (cache.hits, cache.misses, len(cache)) == (1, 1, 1)
    assert first.xml_hash == xml_hash(KHAI_SINH) and first.xml_hash in cache
    assert cache.get(first.xml_hash) is first and cache.hits == 2


def test_the_cache_is_bounded_and_keeps_the_recently_used():
    cache = SpecCache(maxsize=2)
    khai_sinh, ho_kinh_doanh = cache.load(KHAI_SINH), cache.load(HO_KINH_DOANH)
    cache.load(KHAI_SINH)  # used again: the older one is now hộ kinh doanh
    cache.load(GPXD)
    assert len(cache) == 2 and khai_sinh.xml_hash in cache
    assert ho_kinh_doanh.xml_hash not in cache
    with pytest.raises(SpecNotLoaded, match="load_spec"):
        cache.get(ho_kinh_doanh.xml_hash)
    with pytest.raises(ValueError):
        SpecCache(maxsize=0)


def test_cases_start_and_restore_by_spec_xml_or_hash():
    spec = load_spec(GPXD)
    assert cached_spec(spec.xml_hash) is spec and spec.xml_hash in SPECS
    misses = SPECS.misses
    for source in (spec, GPXD, spec.xml_hash):
        run = start(source, {}, clock=CLOCK, calendar=CALENDAR)
        again = restore(source, run.serialize(), clock=CLOCK, calendar=CALENDAR)
        assert [t.bpmn_id for t in again.ready_tasks()] == ["Task_TiepNhan"]
        assert again.spec is spec
    assert SPECS.misses == misses
    with pytest.raises(SpecNotLoaded):
        start("0" * 64, {}, clock=CLOCK, calendar=CALENDAR)


def test_spec_knows_the_procedure_lanes_messages_and_condition_flows():
    spec = load_spec(GPXD)
    assert spec.process_id == "QT_CapGiayPhepXayDung" == spec.procedure.bpmn_id
    assert spec.lanes["Task_TiepNhan"] == "Lane_MotCua"
    assert spec.messages == {"Msg_HoSoBoSung": "Hồ sơ bổ sung"}
    assert spec.conditions[("Gw_KetQuaThamDinh", 'ket_qua_tham_dinh == "khong_dat"')] == "F15"
    assert "QT_CapGiayPhepXayDung" in repr(spec)


def test_the_process_is_the_one_the_model_names():
    """With two processes, the one carrying iso:procedure runs (isobpmn.model.main_process)."""
    other = ('<bpmn:process id="Other" isExecutable="true"><bpmn:startEvent id="S2"/>'
             "</bpmn:process>")
    xml = simple(process_id="QT_Chinh", iso_process_ext=MINIMAL_PROCEDURE, before=other)
    spec = load_spec(xml)
    assert spec.process_id == "QT_Chinh"
    run = start(spec, {}, clock=CLOCK, calendar=CALENDAR)
    assert [t.bpmn_id for t in run.ready_tasks()] == ["Task_A"]


@pytest.mark.parametrize("xml, message", [
    (b'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
     b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&e;'
     b"</bpmn:definitions>", "DOCTYPE"),
    (b"<not-bpmn/>", "not a BPMN 2.0 file"),
    (b"", "empty"),
    (bpmn_bytes('<bpmn:startEvent id="StartEvent"/>\n<bpmn:serviceTask id="Task_Goi" name="Gọi"/>'
                '\n<bpmn:endEvent id="EndEvent"/>\n' + chain("StartEvent", "Task_Goi", "EndEvent")),
     "service tasks"),
    (bpmn_bytes('<bpmn:startEvent id="Start"/>'), "'Start' is one SpiffWorkflow gives"),
    (bpmn_bytes('<bpmn:userTask id="T"/>'), "No start event"),
])
def test_what_cannot_run_is_refused_with_a_reason(xml, message):
    with pytest.raises(SpecError, match=message):
        load_spec(xml)


def test_the_engine_parser_never_sees_raw_bytes(monkeypatch):
    """SpiffWorkflow's own string/file parsing (entities on) is never used."""
    from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser

    def refuse(*args, **kwargs):
        raise AssertionError("SpiffWorkflow parsed XML itself")
    for name in ("add_bpmn_str", "add_bpmn_io", "add_bpmn_file", "add_bpmn_files"):
        monkeypatch.setattr(BpmnParser, name, refuse)
    SpecCache().load(KHAI_SINH)
