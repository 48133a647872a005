"""Receiving dossiers: code, lookup code, clock start, appointment, receipt; publishing."""

from __future__ import annotations

import pytest
from fixtures_services import (
    AGENCY,
    FILES,
    HO_KINH_DOANH,
    KHAI_SINH,
    LIBRARY,
    OTHER_AGENCY,
    kinds,
    together,
    vn,
)

from isobpmn.audit import SYSTEM_CHAIN
from isobpmn.services import (
    Applicant,
    InvalidRequest,
    NotAllowed,
    ProcedureInvalid,
    Services,
    UnknownProcedure,
)
from isobpmn.services.intake import LOOKUP_ALPHABET


def test_khai_sinh_received_after_the_cutoff_before_tet(services, clock):
    """Friday 13/02/2026 15:30 is after the 15:00 cut-off; 16–20/02 are Tết: the same-day
    procedure's clock starts Monday 23/02 07:00 and the appointment is that day's close."""
    clock.set(vn(2026, 2, 13, 15, 30))
    receipt = services.receive_dossier(
        KHAI_SINH, AGENCY, Applicant("Nguyễn Văn Nam", address="Thôn 1", phone="0912345678"),
        actor="motcua")
    assert receipt.case_code == "XA-HOA-AN-260213-0001"
    assert receipt.received_at == vn(2026, 2, 13, 15, 30)
    assert receipt.clock_started_at == vn(2026, 2, 23, 7, 0)
    assert receipt.appointment_at == vn(2026, 2, 23, 17, 0)
    assert len(receipt.lookup_code) == 6 and set(receipt.lookup_code) <= set(LOOKUP_ALPHABET)
    # what form 01 prints
    assert (receipt.agency_name, receipt.parent_agency_name) == (
        "Ủy ban nhân dân xã Hòa An", "Ủy ban nhân dân tỉnh Quảng Ninh")
    assert receipt.procedure_code == "QT-HT-01" and receipt.revision == 3
    assert receipt.time_limit == "trong ngày làm việc" and "15 giờ" in receipt.time_limit_note
    assert [c.no for c in receipt.components] == [1, 2, 5]  # the required papers by default
    assert receipt.sets == 1 and receipt.place.startswith("Bộ phận Một cửa")
    assert receipt.received_by == "Nguyễn Thị Mai" and not receipt.entered_after_the_fact
    [first] = receipt.first_tasks
    assert (first.bpmn_id, first.role_code, first.state) == ("Task_TiepNhan", "mot-cua", "ready")
    # the desk's check is due 0.5 working hour after the clock start, not after 15:30
    assert first.due_at == vn(2026, 2, 23, 7, 30)
    view = services.case_view(receipt.case_code)
    assert view.status == "open" and view.original_appointment_at == receipt.appointment_at
    assert kinds(services, receipt.case_code) == ["case_received"]


def test_codes_count_per_agency_and_day(services, clock):
    def receive(agency=AGENCY, actor="motcua"):
        return services.receive_dossier(HO_KINH_DOANH, agency, "A", actor=actor).case_code

    assert [receive(), receive()] == ["XA-HOA-AN-260303-0001", "XA-HOA-AN-260303-0002"]
    clock.advance(days=1)
    assert receive() == "XA-HOA-AN-260304-0001"


def test_entered_after_the_fact_is_recorded(services, clock):
    clock.set(vn(2026, 3, 5, 9, 0))
    receipt = services.receive_dossier(HO_KINH_DOANH, AGENCY, "Trần Thị B", actor="motcua",
                                       channel="post", received_at=vn(2026, 3, 3, 14, 0))
    assert receipt.case_code == "XA-HOA-AN-260303-0001"  # the day it arrived
    assert receipt.entered_after_the_fact and receipt.entered_at == vn(2026, 3, 5, 9, 0)
    assert receipt.appointment_at == vn(2026, 3, 6, 14, 0)  # 3 working days from 03/03 14:00
    [event] = services.case_view(receipt.case_code).events
    assert event.payload["entered_after_the_fact"] is True
    assert event.payload["received_at"] == "2026-03-03T07:00:00.000000Z"
    assert event.payload["channel"] == "post"


def test_receipt_refusals(services, clock):
    with pytest.raises(InvalidRequest, match="in the future"):
        services.receive_dossier(HO_KINH_DOANH, AGENCY, "A", actor="motcua",
                                 received_at=vn(2026, 3, 4, 9, 0))
    with pytest.raises(UnknownProcedure, match="QT-KHONG-CO"):
        services.receive_dossier("QT-KHONG-CO", AGENCY, "A", actor="motcua")
    with pytest.raises(UnknownProcedure, match="Bình Minh"):  # published for Hòa An only
        services.receive_dossier(HO_KINH_DOANH, OTHER_AGENCY, "A", actor="motcua_bm")
    with pytest.raises(NotAllowed, match="mot-cua"):
        services.receive_dossier(HO_KINH_DOANH, AGENCY, "A", actor="chuyenvien")
    with pytest.raises(InvalidRequest, match="numbers 1 to"):
        services.receive_dossier(HO_KINH_DOANH, AGENCY, "A", actor="motcua", components=[99])
    with pytest.raises(InvalidRequest, match="name"):
        services.receive_dossier(HO_KINH_DOANH, AGENCY, " ", actor="motcua")


def test_simultaneous_receipts_get_distinct_codes(services, database, clock):
    codes = []

    def desk():
        mine = Services(database, clock)  # another process's services, same database
        for _ in range(4):
            codes.append(mine.receive_dossier(HO_KINH_DOANH, AGENCY, "A",
                                              actor="motcua").case_code)

    errors = together(desk, desk, desk)
    assert not errors
    assert sorted(codes) == [f"XA-HOA-AN-260303-{n:04d}" for n in range(1, 13)]


def test_publishing_is_idempotent_and_revisions_move_on(services):
    xml = (LIBRARY / FILES[KHAI_SINH]).read_bytes()
    again = services.publish_procedure(xml, AGENCY)
    assert not again.new and again.revision == 3
    with pytest.raises(ProcedureInvalid, match="raise the revision"):
        services.publish_procedure(xml.replace(b"QT_DangKyKhaiSinh\" name=",
                                               b"QT_DangKyKhaiSinh\" name=\"x\" a="), AGENCY)
    newer = services.publish_procedure(xml.replace(b'revision="3"', b'revision="4"'), AGENCY)
    assert newer.new and newer.revision == 4 and newer.retired == [again.version_id]
    receipt = services.receive_dossier(KHAI_SINH, AGENCY, "A", actor="motcua")
    assert receipt.revision == 4
    with pytest.raises(ProcedureInvalid):
        services.publish_procedure(b"<not-bpmn/>", AGENCY)
    with pytest.raises(NotAllowed, match="lanh-dao"):
        services.publish_procedure(xml.replace(b'revision="3"', b'revision="5"'), AGENCY,
                                   actor="chuyenvien")


def test_directory_changes_are_audited_on_the_system_chain(services, database):
    from sqlalchemy import select

    from isobpmn.store import Event

    with database.read() as session:
        events = session.scalars(select(Event).where(Event.chain_key == SYSTEM_CHAIN)
                                 .order_by(Event.seq)).all()
    assert [e.kind for e in events[:3]] == ["agency_created"] * 3
    assert {"unit_created", "user_created", "membership_added"} <= {e.kind for e in events}
    with pytest.raises(InvalidRequest, match="already exists"):
        services.create_user("motcua", "Ai đó")
    with pytest.raises(NotAllowed, match="administrators"):
        services.create_user("x", "X", actor="chutich")
