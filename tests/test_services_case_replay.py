"""The replay of a dossier's audit events, frame by frame: done and open steps, office time
used against the allotments, pauses and forms, all as the log said at each moment."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fixtures_replay import household_case
from fixtures_services import (
    AGENCY,
    HO_KINH_DOANH,
    gpxd_waiting_for_supplement,
    vn,
)

from isobpmn.services import InvalidRequest, NotAllowed, UnknownCase

HOURS = timedelta(hours=1)


@pytest.fixture
def household(services, clock):
    """Hộ kinh doanh with a supplement, a fee pause and a return (``fixtures_replay``)."""
    return household_case(services, clock)


def test_one_frame_per_event_in_the_log_order(services, household):
    replay = services.case_replay(household, "chuyenvien")
    view = services.case_view(household)
    assert [(f.seq, f.kind, f.at, f.actor) for f in replay.frames] == \
        [(e.seq, e.kind, e.at, e.actor) for e in view.events]
    assert (replay.case_code, replay.procedure_code, replay.revision) == \
        (household, HO_KINH_DOANH, view.revision)
    assert 'id="Task_ThamDinh"' in replay.bpmn_xml
    assert replay.working_day == 8 * HOURS


def test_done_and_current_steps_after_each_event(services, household):
    frames = services.case_replay(household, "admin").frames
    seen = [(f.kind, f.bpmn_id, f.done, f.current, f.status) for f in frames]
    assert seen == [
        ("case_received", None, (), ("Task_TiepNhan",), "open"),
        ("task_completed", "Task_TiepNhan", ("Task_TiepNhan",), ("Task_HuongDanBoSung",), "open"),
        ("task_completed", "Task_HuongDanBoSung", ("Task_TiepNhan", "Task_HuongDanBoSung"), (),
         "open"),
        # waiting at the diagram's "Nhận hồ sơ bổ sung" while the papers are missing
        ("supplement_requested", "Task_HuongDanBoSung",
         ("Task_TiepNhan", "Task_HuongDanBoSung"), ("Evt_NhanBoSung",), "paused"),
        ("supplement_received", None, ("Task_HuongDanBoSung",), ("Task_TiepNhan",), "open"),
        ("task_completed", "Task_TiepNhan", ("Task_TiepNhan", "Task_HuongDanBoSung"),
         ("Task_ThamDinh",), "open"),
        ("task_claimed", "Task_ThamDinh", ("Task_TiepNhan", "Task_HuongDanBoSung"),
         ("Task_ThamDinh",), "open"),
        ("payment_awaited", None, ("Task_TiepNhan", "Task_HuongDanBoSung"),
         ("Task_ThamDinh",), "paused"),
        ("payment_received", None, ("Task_TiepNhan", "Task_HuongDanBoSung"),
         ("Task_ThamDinh",), "open"),
        ("task_completed", "Task_ThamDinh",
         ("Task_TiepNhan", "Task_HuongDanBoSung", "Task_ThamDinh"), ("Task_XemXet",), "open"),
        # the return: the examination is open again, the review done
        ("task_returned", "Task_XemXet", ("Task_TiepNhan", "Task_HuongDanBoSung", "Task_XemXet"),
         ("Task_ThamDinh",), "open"),
        ("task_completed", "Task_ThamDinh",
         ("Task_TiepNhan", "Task_HuongDanBoSung", "Task_ThamDinh"), ("Task_XemXet",), "open"),
        ("task_completed", "Task_XemXet",
         ("Task_TiepNhan", "Task_HuongDanBoSung", "Task_ThamDinh", "Task_XemXet"),
         ("Task_Ky",), "open"),
        ("task_completed", "Task_Ky",
         ("Task_TiepNhan", "Task_HuongDanBoSung", "Task_ThamDinh", "Task_XemXet", "Task_Ky"),
         ("Task_VaoSo",), "open"),
        ("task_completed", "Task_VaoSo",
         ("Task_TiepNhan", "Task_HuongDanBoSung", "Task_ThamDinh", "Task_XemXet", "Task_Ky",
          "Task_VaoSo"), ("Task_TraKetQua",), "open"),
        ("task_completed", "Task_TraKetQua",
         ("Task_TiepNhan", "Task_HuongDanBoSung", "Task_ThamDinh", "Task_XemXet", "Task_Ky",
          "Task_VaoSo", "Task_TraKetQua"), (), "open"),
        ("case_resolved", "End_TraKetQua",
         ("Task_TiepNhan", "Task_HuongDanBoSung", "Task_ThamDinh", "Task_XemXet", "Task_Ky",
          "Task_VaoSo", "Task_TraKetQua", "End_TraKetQua"), (), "resolved"),
        ("result_returned", None,
         ("Task_TiepNhan", "Task_HuongDanBoSung", "Task_ThamDinh", "Task_XemXet", "Task_Ky",
          "Task_VaoSo", "Task_TraKetQua", "End_TraKetQua"), (), "returned"),
    ]
    names = {f.kind: f.step_name for f in frames}
    assert names["task_returned"] == "Xem xét hồ sơ, trình ký"
    assert names["case_resolved"] == "Trả kết quả"


def _steps(frame):
    return [(s.bpmn_id, s.state, s.used) for s in frame.steps]


def test_office_time_used_up_to_each_moment_without_pauses(services, household):
    frames = services.case_replay(household, "admin").frames
    by_kind = {}
    for frame in frames:
        by_kind.setdefault(frame.kind, []).append(frame)

    received = by_kind["case_received"][0]
    [first] = received.steps
    assert (first.state, first.used, first.allotted, first.allotment.describe("vi")) == \
        ("ready", timedelta(0), 4 * HOURS, "0,5 ngày làm việc")

    # the supplement's wait: nothing open, the two steps done before it keep their time
    asked = by_kind["supplement_requested"][0]
    assert _steps(asked) == [("Task_TiepNhan", "completed", HOURS / 2),
                             ("Task_HuongDanBoSung", "completed", HOURS / 2)]
    # the check starts again when the papers arrive (Wed 09:00)
    back = by_kind["supplement_received"][0]
    assert back.steps[-1].bpmn_id == "Task_TiepNhan" and back.steps[-1].ready_at == \
        vn(2026, 3, 4, 9, 0)

    # the examination (office hours 07:00–11:30, 13:30–17:00): ready Wed 10:00, claimed at
    # 11:00; at 13:00 it waits for the fee until 15:00, which does not count
    claimed = by_kind["task_claimed"][0]
    assert (claimed.steps[-1].state, claimed.steps[-1].holder, claimed.steps[-1].used) == \
        ("claimed", "Trần Văn Bình", HOURS)
    awaited = by_kind["payment_awaited"][0]
    assert awaited.steps[-1].used == 1.5 * HOURS         # 10:00–11:30
    paid = by_kind["payment_received"][0]
    assert paid.steps[-1].used == 1.5 * HOURS            # the pause stood still
    examined = by_kind["task_completed"][3]
    assert examined.bpmn_id == "Task_ThamDinh"
    assert (examined.steps[-2].state, examined.steps[-2].outcome, examined.steps[-2].used,
            examined.steps[-2].allotted) == ("completed", "early", 2.5 * HOURS, 12 * HOURS)

    # a step done twice (the return) has a row per time
    returned = by_kind["task_returned"][0]
    assert [s.bpmn_id for s in returned.steps].count("Task_ThamDinh") == 2
    assert returned.steps[-1].state == "ready"


def test_the_last_frame_counts_time_as_the_timeline_does(services, household):
    last = services.case_replay(household, "admin").frames[-1]
    steps = {t.id: t.bpmn_id for t in services.case_view(household).tasks}
    assert [(s.bpmn_id, s.used) for s in last.steps] == \
        [(steps[t.task_id], t.used) for t in services.case_timeline(household, "admin")]
    assert all(s.state == "completed" for s in last.steps)


def test_pauses_open_at_each_moment(services, household):
    frames = services.case_replay(household, "admin").frames
    running = {f.seq: [(p.reason, p.started_at, p.requested_by) for p in f.pauses]
               for f in frames if f.pauses}
    kinds = {f.seq: f.kind for f in frames}
    assert {kinds[seq] for seq in running} == {"supplement_requested", "payment_awaited"}
    assert list(running.values()) == [
        [("supplement", vn(2026, 3, 3, 10, 0), "Nguyễn Thị Mai")],
        [("fee", vn(2026, 3, 4, 13, 0), "Trần Văn Bình")]]
    note = next(f for f in frames if f.kind == "payment_awaited").pauses[0].note
    assert note == "Lệ phí đăng ký"


def test_appointment_moves_with_the_pauses(services, household):
    frames = services.case_replay(household, "admin").frames
    moments = {f.kind: f.appointment_at for f in frames}
    assert frames[0].appointment_at == vn(2026, 3, 6, 9, 0)
    assert moments["supplement_received"] > frames[0].appointment_at
    assert moments["payment_received"] > moments["supplement_received"]
    assert frames[-1].appointment_at == services.case_view(household).appointment_at


def test_forms_existing_at_each_moment(services, household):
    frames = services.case_replay(household, "admin").frames
    forms = [[(f.kind, f.no) for f in frame.forms] for frame in frames]
    assert forms[0] == [("receipt", None), ("control-sheet", None)]
    asked = next(i for i, f in enumerate(frames) if f.kind == "supplement_requested")
    assert all(("supplement", 1) not in f for f in forms[:asked])
    assert all(("supplement", 1) in f for f in forms[asked:])
    supplement = frames[asked].forms[-1]
    assert (supplement.number, supplement.title) == \
        ("02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")
    old = services.case_replay(household, "admin", form_set="tt01-2018").frames[0]
    assert [f.number for f in old.forms] == ["01", "05"]


def test_apology_and_refusal_forms_and_the_end_of_open_steps(services, clock):
    code = services.receive_dossier(HO_KINH_DOANH, AGENCY, "Trần Thị Bích",
                                    actor="motcua").case_code
    clock.set(vn(2026, 3, 9, 9, 0))  # past the appointment (Fri 06/03 09:00)
    services.issue_apology(code, "motcua", new_appointment=vn(2026, 3, 12, 9, 0),
                           reason="Chờ ý kiến phối hợp", signer="chutich")
    clock.set(vn(2026, 3, 9, 10, 0))
    services.refuse(code, "motcua", "Ngành nghề cấm kinh doanh")
    received, apology, refused = services.case_replay(code, "motcua").frames
    assert [(f.kind, f.no) for f in apology.forms][-1] == ("apology", 1)
    assert apology.appointment_at == vn(2026, 3, 12, 9, 0)
    assert "refusal" not in [f.kind for f in apology.forms]
    assert [f.kind for f in refused.forms][-1] == "refusal"
    assert (refused.status, refused.current, refused.done) == ("refused", (), ())
    [step] = refused.steps
    assert (step.state, step.ended_at) == ("cancelled", vn(2026, 3, 9, 10, 0))
    # Tue 09:00 → Mon 10:00: 6 + 3 × 8 + 3 office hours
    assert step.used == 33 * HOURS and received.steps[0].used == timedelta(0)


def test_a_timer_that_ends_the_wait_for_a_supplement_ends_the_pause(services, clock):
    code, _ = gpxd_waiting_for_supplement(services, clock)
    services.run_worker_once(vn(2026, 2, 27, 10, 0))
    *_, asked, fired, resolved = services.case_replay(code, "admin").frames
    assert (asked.kind, asked.status, len(asked.pauses)) == ("supplement_requested", "paused", 1)
    assert (fired.kind, fired.status, fired.pauses) == ("timer_fired", "open", ())
    assert fired.bpmn_id == "Timer_QuaHanBoSung"
    assert (resolved.status, resolved.done[-1]) == ("resolved", "End_TraLaiHoSo")


def test_only_members_of_the_agency_and_administrators(services, household):
    with pytest.raises(NotAllowed, match="XA-HOA-AN"):
        services.case_replay(household, "motcua_bm")
    assert services.case_replay(household, "admin").frames
    with pytest.raises(UnknownCase):
        services.case_replay("XA-HOA-AN-000000-0000", "admin")
    with pytest.raises(InvalidRequest, match="form set"):
        services.case_replay(household, "admin", form_set="tt99")


def test_replaying_writes_nothing(services, household):
    before = services.verify_audit(household)
    count = len(services.case_view(household).events)
    services.case_replay(household, "admin")
    assert len(services.case_view(household).events) == count
    assert services.verify_audit(household) == before
