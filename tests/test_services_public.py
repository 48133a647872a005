"""The public lookup and the satisfaction rating: what a citizen sees with the receipt's two
codes, that nothing tells a wrong code from an unknown one, and one rating per dossier."""

from __future__ import annotations

import dataclasses

import pytest
from fixtures_services import AGENCY, HO_KINH_DOANH, kinds, ready, vn
from fixtures_services import HKD_HAPPY as HAPPY
from sqlalchemy import select

from isobpmn.services import InvalidRequest, UnknownCase
from isobpmn.services.public import NOT_FOUND, PublicDossier, PublicStep
from isobpmn.store import Rating


def receive(services):
    return services.receive_dossier(HO_KINH_DOANH, AGENCY, "Nguyễn Văn An", actor="motcua")


def run(services, clock, code: str, steps=HAPPY) -> None:
    for bpmn_id, actor, data in steps:
        clock.advance(hours=2)
        services.complete_task(ready(services, code, bpmn_id).id, actor, data)


def returned(services, clock):
    receipt = receive(services)
    run(services, clock, receipt.case_code)
    clock.advance(hours=1)
    services.return_result(receipt.case_code, "motcua")
    return receipt


def test_a_new_dossier_shows_its_first_step_without_names(services):
    receipt = receive(services)
    services.claim(ready(services, receipt.case_code, "Task_TiepNhan").id, "motcua")
    found = services.lookup_dossier(receipt.case_code, receipt.lookup_code)
    assert (found.code, found.status, found.agency_name, found.timing) == \
        (receipt.case_code, "open", "Ủy ban nhân dân xã Hòa An", "on_track")
    assert found.procedure_title == receipt.procedure_title
    assert found.received_at == vn(2026, 3, 3, 9, 0)
    assert found.appointment_at == vn(2026, 3, 6, 9, 0)
    [step] = found.current_steps
    assert (step.name, step.responsible, step.unit_name, step.official) == \
        ("Tiếp nhận, kiểm tra hồ sơ", "Bộ phận Một cửa", None, None)
    assert step.sla_state == "on_track" and step.completed_at is None
    assert (found.history, found.pauses, found.can_rate, found.rated) == ((), (), False, False)


def test_codes_are_read_forgivingly(services):
    receipt = receive(services)
    found = services.lookup_dossier(f"  {receipt.case_code.lower()} ",
                                    f" {receipt.lookup_code[:3].lower()} {receipt.lookup_code[3:]}")
    assert found.code == receipt.case_code


@pytest.mark.parametrize("wrong", ["code", "verification", "both", "empty", "long code",
                                   "long verification", "non-ascii"])
def test_every_mismatch_gets_one_answer(services, wrong):
    receipt = receive(services)
    code, verification = receipt.case_code, receipt.lookup_code
    code, verification = {
        "code": (code[:-1] + "9", verification),
        "verification": (code, "ABCDEF" if verification != "ABCDEF" else "ABCDEG"),
        "both": ("XA-KHONG-CO-260303-0001", "ZZZZZZ"),
        "empty": ("", ""),
        "long code": (code + "X" * 60, verification),
        "long verification": (code, verification + "2" * 30),
        "non-ascii": (code, "Ấ" * 6),
    }[wrong]
    with pytest.raises(UnknownCase) as refused:
        services.lookup_dossier(code, verification)
    assert refused.value.message == NOT_FOUND
    with pytest.raises(UnknownCase) as refused_rating:
        services.rate_dossier(code, verification, 5)
    assert refused_rating.value.message == NOT_FOUND


def test_history_has_dates_but_not_what_was_entered(services, clock):
    receipt = receive(services)
    run(services, clock, receipt.case_code, HAPPY[:2])
    found = services.lookup_dossier(receipt.case_code, receipt.lookup_code)
    assert [(s.name, s.responsible, s.unit_name) for s in found.history] == [
        ("Tiếp nhận, kiểm tra hồ sơ", "Bộ phận Một cửa", None),
        ("Thẩm định hồ sơ", "Chuyên viên Phòng Kinh tế", "Phòng Kinh tế")]
    assert [s.completed_at for s in found.history] == [vn(2026, 3, 3, 11, 0),
                                                       vn(2026, 3, 3, 13, 0)]
    assert all(s.outcome and s.official is None for s in found.history)
    [current] = found.current_steps
    assert current.name == "Xem xét hồ sơ, trình ký" and current.unit_name == "Phòng Kinh tế"
    fields = {f.name for f in dataclasses.fields(PublicDossier)} | \
        {f.name for f in dataclasses.fields(PublicStep)}
    assert not fields & {"data", "note", "applicant", "lookup_code", "events"}
    text = repr(found)
    assert "An Phát" not in text and "300000000" not in text and "Nguyễn Văn An" not in text


def test_officials_are_named_only_where_the_agency_chose_it(services, clock):
    receipt = receive(services)
    run(services, clock, receipt.case_code, HAPPY[:1])
    services.claim(ready(services, receipt.case_code, "Task_ThamDinh").id, "chuyenvien")
    hidden = services.lookup_dossier(receipt.case_code, receipt.lookup_code)
    assert hidden.current_steps[0].official is None and hidden.history[0].official is None
    detail = services.agency_detail(AGENCY)
    services.update_agency(AGENCY, name=detail.name, address=detail.address,
                           calendar=detail.calendar, public_names=True, actor="admin")
    shown = services.lookup_dossier(receipt.case_code, receipt.lookup_code)
    assert shown.current_steps[0].official == "Trần Văn Bình"
    assert shown.history[0].official == "Nguyễn Thị Mai"


def test_timing_follows_the_open_steps_and_the_appointment(services, clock):
    receipt = receive(services)
    code, key = receipt.case_code, receipt.lookup_code
    clock.set(vn(2026, 3, 3, 14, 0))  # the check (0.5 day, due 15:00) has 1 h left
    assert services.lookup_dossier(code, key).timing == "due_soon"
    clock.set(vn(2026, 3, 3, 16, 0))
    found = services.lookup_dossier(code, key)
    assert (found.timing, found.current_steps[0].sla_state) == ("overdue", "overdue")
    clock.set(vn(2026, 3, 9, 8, 0))  # past the appointment too
    assert services.lookup_dossier(code, key).timing == "overdue"


def test_a_paused_dossier_shows_its_pause_and_no_timing(services, clock):
    receipt = receive(services)
    code = receipt.case_code
    clock.set(vn(2026, 3, 3, 10, 0))
    services.complete_task(ready(services, code, "Task_TiepNhan").id, "motcua",
                           {"nguoi_nop": "Nguyễn Văn An", "ho_so_day_du": "không"})
    services.request_supplement(ready(services, code, "Task_HuongDanBoSung").id, "motcua",
                                reason="Thiếu bản sao Căn cước",
                                items=[{"name": "Bản sao Căn cước", "quantity": 1}])
    found = services.lookup_dossier(code, receipt.lookup_code)
    assert (found.status, found.timing, found.current_steps) == ("paused", None, ())
    [pause] = found.pauses
    assert (pause.reason, pause.started_at, pause.ended_at) == \
        ("supplement", vn(2026, 3, 3, 10, 0), None)
    assert "Thiếu bản sao" not in repr(found)  # the reason written to the applicant stays off


def test_rating_comes_after_the_return_and_only_once(services, clock, database):
    receipt = receive(services)
    code, key = receipt.case_code, receipt.lookup_code
    with pytest.raises(InvalidRequest, match="once its result has been returned"):
        services.rate_dossier(code, key, 5)
    run(services, clock, code)
    resolved = services.lookup_dossier(code, key)
    assert (resolved.status, resolved.outcome, resolved.timing, resolved.can_rate) == \
        ("resolved", "early", None, False)
    with pytest.raises(InvalidRequest, match="returned"):
        services.rate_dossier(code, key, 5)
    clock.advance(hours=1)
    services.return_result(code, "motcua")
    assert services.lookup_dossier(code, key).can_rate is True
    services.rate_dossier(code.lower(), key, 4, "  Nhanh, chu đáo.  ")
    with pytest.raises(InvalidRequest, match="already rated"):
        services.rate_dossier(code, key, 1)
    after = services.lookup_dossier(code, key)
    assert (after.rated, after.can_rate) == (True, False)
    with database.read() as session:
        [rating] = session.scalars(select(Rating)).all()
        assert (rating.score, rating.comment) == (4, "Nhanh, chu đáo.")
    event = services.case_view(code).events[-1]
    assert (event.kind, event.actor, event.payload) == \
        ("dossier_rated", "applicant", {"rating": rating.id, "score": 4, "with_comment": True})
    assert kinds(services, code)[-2:] == ["result_returned", "dossier_rated"]
    assert services.verify_audit(code).ok


@pytest.mark.parametrize("score, comment, problem", [
    (0, None, "from 1"), (6, None, "from 1"), ("5", None, "whole number"),
    (True, None, "whole number"), (3, "x" * 1001, "1001 characters"),
])
def test_a_rating_must_make_sense(services, clock, score, comment, problem):
    receipt = returned(services, clock)
    with pytest.raises(InvalidRequest, match=problem):
        services.rate_dossier(receipt.case_code, receipt.lookup_code, score, comment)
    assert services.lookup_dossier(receipt.case_code, receipt.lookup_code).can_rate


def test_a_rating_without_comment(services, clock):
    receipt = returned(services, clock)
    services.rate_dossier(receipt.case_code, receipt.lookup_code, 5, "   ")
    assert services.case_view(receipt.case_code).events[-1].payload["with_comment"] is False
