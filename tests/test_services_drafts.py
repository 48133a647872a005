"""Drafting procedure versions: upload, copy, save under the lock, submit, discard."""

from __future__ import annotations

import pytest
from fixtures_lifecycle import (
    AUTHOR,
    GPXD_CODE,
    GPXD_XML,
    LEADER,
    REVIEWER,
    add_iso_secretary,
    chain_kinds,
    renamed,
    with_stray_task,
)
from fixtures_services import AGENCY, OTHER_AGENCY, together
from conftest import EXAMPLE, bpmn_bytes

from isobpmn.model import read_procedure
from isobpmn.services import (
    Conflict,
    InvalidRequest,
    NotAllowed,
    ProcedureInvalid,
    UnknownProcedure,
)


@pytest.fixture
def services(services):
    add_iso_secretary(services)
    return services


def test_upload_of_a_new_procedure(services):
    view = services.create_draft(EXAMPLE.read_bytes(), AUTHOR, agency=AGENCY,
                                 name="hon-nhan.bpmn")
    assert (view.code, view.status, view.revision, view.agency_code) == \
        ("QT-HT-05", "draft", 2, AGENCY)  # new to the system: the file's own revision
    assert view.author.username == AUTHOR and view.saved_by.username == AUTHOR
    assert view.actions == ("save", "submit", "discard") and view.lock_version == 1
    document = read_procedure(view.xml.encode()).info.document
    assert (document.revision, document.issued) == (2, None)  # issued at approval
    assert [f.rule for f in view.findings] == ["issue-date-required"]
    assert chain_kinds(services, view.procedure_id) == ["version_drafted"]
    listed = {p.code: p for p in services.list_procedures(AUTHOR)}
    assert (listed["QT-HT-05"].open_status, listed["QT-HT-05"].published_revision) == \
        ("draft", None)


def test_upload_of_a_known_procedure_gets_the_next_revision(services):
    view = services.create_draft(GPXD_XML, AUTHOR, agency=AGENCY)
    assert view.revision == 3 and '<iso:document code="QT-XD-01" revision="3">' in view.xml
    # everything else is the uploaded file, byte for byte
    assert view.xml.replace('revision="3">', 'revision="2" issued="2026-01-12">', 1) == \
        GPXD_XML.decode()


def test_unreadable_uploads_are_refused_with_the_readers_message(services):
    with pytest.raises(ProcedureInvalid, match="not a BPMN 2.0 file"):
        services.create_draft(b"<not-bpmn/>", AUTHOR, agency=AGENCY, name="x.bpmn")
    with pytest.raises(ProcedureInvalid, match="not well-formed XML"):
        services.create_draft(b"<bpmn:definitions", AUTHOR, agency=AGENCY)
    with pytest.raises(ProcedureInvalid, match="must be UTF-8"):
        services.create_draft("<a>é</a>".encode("latin-1"), AUTHOR, agency=AGENCY)
    without_code = GPXD_XML.replace(b'code="QT-XD-01" ', b"")
    with pytest.raises(ProcedureInvalid, match=r":16: iso:document needs the attribute code"):
        services.create_draft(without_code, AUTHOR, agency=AGENCY)
    with pytest.raises(ProcedureInvalid, match="no iso:procedure with a document code"):
        services.create_draft(bpmn_bytes('<bpmn:startEvent id="S"/>'), AUTHOR, agency=AGENCY)


def test_one_version_on_its_way_at_a_time(services):
    draft = services.new_draft(GPXD_CODE, AUTHOR, agency=AGENCY)
    assert draft.revision == 3
    with pytest.raises(InvalidRequest, match=r"revision 03 of QT-XD-01 \(version \d+\) is "
                                             r"draft \(drafted by Đỗ Minh Tuấn"):
        services.create_draft(GPXD_XML, AUTHOR, agency=AGENCY)
    services.submit_version(draft.id, AUTHOR)
    with pytest.raises(InvalidRequest, match="is submitted"):
        services.new_draft(GPXD_CODE, AUTHOR, agency=AGENCY)
    with pytest.raises(InvalidRequest, match="through review and approval"):
        services.publish_procedure(GPXD_XML.replace(b'revision="2"', b'revision="4"'), AGENCY)


def test_a_draft_may_hold_errors_but_cannot_be_submitted(services):
    draft = services.new_draft(GPXD_CODE, AUTHOR, agency=AGENCY)
    saved = services.save_draft(draft.id, with_stray_task(draft.xml), AUTHOR,
                                expected_lock=draft.lock_version)
    assert "no-disconnected" in {f.rule for f in saved.findings if f.severity == "error"}
    with pytest.raises(InvalidRequest) as refused:
        services.submit_version(draft.id, AUTHOR)
    message = refused.value.message
    assert message.startswith("cannot submit revision 03 of QT-XD-01")
    assert "preset recommended" in message and "(Task_Lac) [no-disconnected]" in message
    assert services.version_view(draft.id, AUTHOR).status == "draft"
    fixed = services.save_draft(draft.id, draft.xml.encode(), AUTHOR,
                                expected_lock=saved.lock_version)
    assert services.submit_version(draft.id, AUTHOR).status == "submitted"
    assert not [f for f in fixed.findings if f.severity == "error"]


def test_a_stale_save_is_refused_and_nothing_is_overwritten(services, clock):
    draft = services.new_draft(GPXD_CODE, AUTHOR, agency=AGENCY)
    clock.advance(minutes=35)
    first = services.save_draft(draft.id, renamed(draft.xml), AUTHOR,
                                expected_lock=draft.lock_version)
    assert first.lock_version == draft.lock_version + 1
    with pytest.raises(Conflict, match=r"saved by Đỗ Minh Tuấn \(truongphong\) at "
                                       r"03/03/2026 09:35 meanwhile.*reload it"):
        services.save_draft(draft.id, renamed(draft.xml, new="Khác"), REVIEWER,
                            expected_lock=draft.lock_version)
    assert services.version_view(draft.id, AUTHOR).xml == first.xml


def test_two_saves_at_the_same_moment_one_wins(services):
    draft = services.new_draft(GPXD_CODE, AUTHOR, agency=AGENCY)
    texts = {who: renamed(draft.xml, new=f"Thẩm định ({who})") for who in (AUTHOR, REVIEWER)}
    errors = together(*(lambda who=who: services.save_draft(
        draft.id, texts[who], who, expected_lock=draft.lock_version) for who in texts))
    assert len(errors) == 1 and isinstance(errors[0], Conflict)
    stored = services.version_view(draft.id, AUTHOR)
    assert stored.lock_version == draft.lock_version + 1
    assert stored.xml.encode() in texts.values()


def test_save_checks_code_status_and_change(services):
    draft = services.new_draft(GPXD_CODE, AUTHOR, agency=AGENCY)
    with pytest.raises(InvalidRequest, match="document code is QT-XD-99, but this is a draft "
                                             "of QT-XD-01"):
        services.save_draft(draft.id, draft.xml.replace("QT-XD-01", "QT-XD-99").encode(),
                            AUTHOR, expected_lock=draft.lock_version)
    same = services.save_draft(draft.id, draft.xml.encode(), AUTHOR,
                               expected_lock=draft.lock_version)
    assert same.lock_version == draft.lock_version  # the same bytes change nothing
    # the author's own revision number is overwritten by the system's
    other = services.save_draft(draft.id, draft.xml.replace('revision="3"', 'revision="9"')
                                .replace("Thẩm định hồ sơ,", "Thẩm định kỹ hồ sơ,").encode(),
                                AUTHOR, expected_lock=draft.lock_version)
    assert other.revision == 3 and 'revision="3"' in other.xml and 'revision="9"' not in other.xml
    services.submit_version(draft.id, AUTHOR)
    with pytest.raises(InvalidRequest, match=r"cannot save .* it is submitted \(allowed now: "
                                             r"review\)"):
        services.save_draft(draft.id, draft.xml.encode(), AUTHOR,
                            expected_lock=other.lock_version)
    assert chain_kinds(services, draft.procedure_id)[-3:] == \
        ["version_drafted", "version_saved", "version_submitted"]


def test_who_may_draft(services):
    with pytest.raises(NotAllowed, match=r"Trần Văn Bình \(chuyenvien\) cannot draft procedures "
                                         r"for .*XA-HOA-AN.*thu-ky-iso or lanh-dao-phong or "
                                         "lanh-dao"):
        services.create_draft(GPXD_XML, "chuyenvien", agency=AGENCY)
    with pytest.raises(NotAllowed, match="motcua_bm"):
        services.new_draft(GPXD_CODE, "motcua_bm", agency=AGENCY)
    with pytest.raises(NotAllowed, match="cannot draft procedures for the province"):
        services.create_draft(EXAMPLE.read_bytes(), "motcua_bm")
    assert services.new_draft(GPXD_CODE, "admin", agency=AGENCY).author.username == "admin"
    with pytest.raises(UnknownProcedure, match="Bình Minh.*has no procedure QT-XD-01"):
        services.new_draft(GPXD_CODE, "admin", agency=OTHER_AGENCY)


def test_discard_makes_room_for_another_draft(services):
    draft = services.new_draft(GPXD_CODE, AUTHOR, agency=AGENCY)
    services.submit_version(draft.id, AUTHOR)
    services.review_version(draft.id, REVIEWER, comment="Thiếu căn cứ pháp lý", verdict="changes")
    with pytest.raises(NotAllowed, match="chuyenvien"):
        services.discard_draft(draft.id, "chuyenvien")
    services.discard_draft(draft.id, AUTHOR)
    with pytest.raises(UnknownProcedure, match=f"no procedure version with id {draft.id}"):
        services.version_view(draft.id, AUTHOR)
    again = services.new_draft(GPXD_CODE, LEADER, agency=AGENCY)
    assert again.revision == 3
    assert chain_kinds(services, draft.procedure_id) == [
        "procedure_published", "version_drafted", "version_submitted", "version_reviewed",
        "version_discarded", "version_drafted"]
    assert services.verify_audit().ok


def test_new_draft_needs_a_published_revision(services):
    draft = services.create_draft(EXAMPLE.read_bytes(), AUTHOR, agency=AGENCY)
    services.discard_draft(draft.id, AUTHOR)
    with pytest.raises(UnknownProcedure, match="QT-HT-05 has no published revision to start "
                                               "from"):
        services.new_draft("QT-HT-05", AUTHOR, agency=AGENCY)


def test_the_same_new_procedure_uploaded_twice_at_once(services):
    data = EXAMPLE.read_bytes()
    errors = together(*(lambda who=who: services.create_draft(data, who, agency=AGENCY)
                         for who in (AUTHOR, REVIEWER)))
    assert len(errors) == 1 and isinstance(errors[0], Conflict | InvalidRequest), errors
    [listed] = [p for p in services.list_procedures(AUTHOR) if p.code == "QT-HT-05"]
    assert listed.open_status == "draft"
