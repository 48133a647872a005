"""Review, approval, publication and retirement: who may, what the system writes, what the
dossiers see, what the store lets change."""

from __future__ import annotations

from datetime import date

import pytest
from fixtures_lifecycle import (
    AUTHOR,
    GPXD_CODE,
    LEADER,
    REVIEWER,
    add_iso_secretary,
    chain_kinds,
    publish_next_revision,
    renamed,
    through_review,
)
from fixtures_services import AGENCY, GPXD_STEPS, ready
from sqlalchemy import select, text

from isobpmn.model import read_procedure
from isobpmn.model.types import SignOffRole
from isobpmn.services import InvalidRequest, NotAllowed, UnknownProcedure
from isobpmn.store import ImmutableVersionError, ProcedureVersion


@pytest.fixture
def services(services):
    add_iso_secretary(services)
    return services


def test_the_whole_lifecycle_with_its_events(services, clock):
    before = services.procedure_detail(GPXD_CODE, AUTHOR, agency=AGENCY)
    [old] = before.versions
    draft = services.new_draft(GPXD_CODE, AUTHOR, agency=AGENCY)
    services.save_draft(draft.id, renamed(draft.xml), AUTHOR, expected_lock=draft.lock_version)
    assert services.submit_version(draft.id, AUTHOR).status == "submitted"
    back = services.review_version(draft.id, REVIEWER, verdict="changes",
                                   comment="Bổ sung căn cứ Nghị định 175/2024/NĐ-CP")
    assert back.status == "draft" and back.actions == ("save", "submit", "discard")
    clock.advance(days=1)
    through_review(services, draft.id, "Đạt, trình phê duyệt")
    reviewed = services.version_view(draft.id, LEADER)
    assert reviewed.status == "reviewed" and reviewed.actions == ("review", "approve")
    clock.advance(days=1)
    approved = services.approve_version(draft.id, LEADER)
    assert approved.status == "approved" and approved.approved_by.username == LEADER
    assert services.list_procedures(LEADER)[-1].open_status == "approved"
    published = services.publish_version(draft.id, LEADER)
    assert published.status == "published" and published.actions == ("retire",)

    detail = services.procedure_detail(GPXD_CODE, REVIEWER, agency=AGENCY)
    assert [(v.revision, v.status) for v in detail.versions] == [(3, "published"),
                                                                  (2, "retired")]
    assert detail.versions[1].id == old.id and detail.versions[1].retired_at is not None
    assert [(r.reviewer.username, r.verdict) for r in detail.versions[0].reviews] == \
        [(REVIEWER, "changes"), (REVIEWER, "ok")]
    summary = [p for p in services.list_procedures(AUTHOR) if p.code == GPXD_CODE][0]
    assert (summary.published_revision, summary.open_version_id) == (3, None)
    assert chain_kinds(services, draft.procedure_id) == [
        "procedure_published", "version_drafted", "version_saved", "version_submitted",
        "version_reviewed", "version_submitted", "version_reviewed", "version_approved",
        "procedure_published"]
    assert services.verify_audit().ok


def test_approval_writes_the_document_control(services, clock):
    draft = services.new_draft(GPXD_CODE, AUTHOR, agency=AGENCY)
    services.submit_version(draft.id, AUTHOR)
    services.review_version(draft.id, REVIEWER, verdict="changes", comment="Rút ngắn thẩm định")
    clock.advance(days=1)
    through_review(services, draft.id, "Đạt")
    clock.advance(days=6)  # Tuesday 10/03/2026
    before = services.version_view(draft.id, LEADER)
    approved = services.approve_version(draft.id, LEADER)
    assert approved.content_hash != before.content_hash
    info = read_procedure(approved.xml.encode()).info  # strict: reads without a problem
    document = info.document
    assert (document.revision, document.issued) == (3, date(2026, 3, 10))
    assert [(s.role, s.name, s.date) for s in document.sign_offs] == [
        (SignOffRole.DRAFTED, "Đỗ Minh Tuấn", date(2026, 3, 4)),
        (SignOffRole.REVIEWED, "Phan Thu Trang", date(2026, 3, 4)),
        (SignOffRole.APPROVED, "Nguyễn Văn An", date(2026, 3, 10))]
    row = info.revisions[-1]
    assert (row.number, row.date, row.description) == \
        (3, date(2026, 3, 10), "Rút ngắn thẩm định; Đạt")
    # only the document control moved: the rest is the reviewed file, byte for byte
    old, new = before.xml.splitlines(), approved.xml.splitlines()
    assert len(new) == len(old) + 1
    changed = [line for line in new if line not in old]
    assert [line.strip()[:14] for line in changed] == \
        ["<iso:document ", *["<iso:signOff r"] * 3, "<iso:revision "]
    payload = _last_event(services, draft.procedure_id)
    assert payload["issued"] == "2026-03-10" and payload["sign_offs"][2]["name"] == "Nguyễn Văn An"


def _last_event(services, procedure_id):
    from isobpmn.store import Event

    with services.db.read() as session:
        return session.scalars(select(Event.payload)
                               .where(Event.chain_key == f"procedure:{procedure_id}")
                               .order_by(Event.seq.desc()).limit(1)).one()


def test_the_author_neither_reviews_nor_approves(services):
    draft = services.new_draft(GPXD_CODE, LEADER, agency=AGENCY)  # a leader may draft too
    services.submit_version(draft.id, LEADER)
    with pytest.raises(NotAllowed, match=r"Nguyễn Văn An \(chutich\) drafted revision 03 of "
                                         r"QT-XD-01 .* cannot review it too"):
        services.review_version(draft.id, LEADER, comment="", verdict="ok")
    services.review_version(draft.id, REVIEWER, comment="", verdict="ok")
    assert "approve" not in services.version_view(draft.id, LEADER).actions
    with pytest.raises(NotAllowed, match="cannot approve it too"):
        services.approve_version(draft.id, LEADER)
    assert services.approve_version(draft.id, "admin").status == "approved"


def test_only_a_leader_approves(services):
    draft = services.new_draft(GPXD_CODE, AUTHOR, agency=AGENCY)
    through_review(services, draft.id)
    for who in (REVIEWER, "truongphong", "motcua_bm"):
        with pytest.raises(NotAllowed, match=r"cannot approve QT-XD-01: it needs the role "
                                             r"lanh-dao in .*XA-HOA-AN"):
            services.approve_version(draft.id, who)
    assert services.version_view(draft.id, REVIEWER).actions == ("review",)
    services.approve_version(draft.id, LEADER)
    with pytest.raises(NotAllowed, match="cannot publish it: it needs the role lanh-dao"):
        services.publish_version(draft.id, REVIEWER)


def test_each_step_in_its_order(services):
    draft = services.new_draft(GPXD_CODE, AUTHOR, agency=AGENCY)
    with pytest.raises(InvalidRequest, match=r"cannot approve .* it is draft \(allowed now: "
                                             r"save, submit, discard\)"):
        services.approve_version(draft.id, LEADER)
    services.submit_version(draft.id, AUTHOR)
    with pytest.raises(InvalidRequest, match="cannot publish .* it is submitted"):
        services.publish_version(draft.id, LEADER)
    with pytest.raises(InvalidRequest, match="needs a comment saying what to change"):
        services.review_version(draft.id, REVIEWER, comment="  ", verdict="changes")
    with pytest.raises(InvalidRequest, match="unknown verdict 'maybe'"):
        services.review_version(draft.id, REVIEWER, comment="x", verdict="maybe")
    services.review_version(draft.id, REVIEWER, comment="", verdict="ok")
    with pytest.raises(InvalidRequest, match="is reviewed already"):
        services.review_version(draft.id, REVIEWER, comment="", verdict="ok")
    # the leader may send it back instead of approving
    back = services.review_version(draft.id, LEADER, comment="Làm rõ bước 4", verdict="changes")
    assert back.status == "draft" and back.reviewed_by is None


def test_running_dossiers_stay_on_their_version(services):
    old = services.receive_dossier(GPXD_CODE, AGENCY, "Lê Văn Cường", actor="motcua")
    published = publish_next_revision(services)
    new = services.receive_dossier(GPXD_CODE, AGENCY, "Trần Thị Dung", actor="motcua")
    assert services.case_view(old.case_code).revision == 2
    assert services.case_view(new.case_code).revision == 3 == published.revision
    bpmn_id, who, data = GPXD_STEPS[0]
    for code in (old.case_code, new.case_code):  # both move on, each on its own diagram
        task = ready(services, code, bpmn_id)
        services.claim(task.id, who)
        services.complete_task(task.id, who, data)
        assert ready(services, code, "Task_PhanCong")
    # the old diagram's name, the new diagram's name
    assert "Thẩm định hồ sơ, kiểm tra" in services.case_diagram(old.case_code, "motcua").bpmn_xml
    assert "Thẩm định hồ sơ và kiểm tra" in services.case_diagram(new.case_code,
                                                                  "motcua").bpmn_xml


def test_retiring(services):
    published = publish_next_revision(services)
    with pytest.raises(NotAllowed, match="cannot retire it"):
        services.retire_version(published.id, REVIEWER)
    retired = services.retire_version(published.id, LEADER)
    assert retired.status == "retired" and retired.actions == ()
    with pytest.raises(UnknownProcedure):
        services.receive_dossier(GPXD_CODE, AGENCY, "Trần Thị Dung", actor="motcua")
    with pytest.raises(UnknownProcedure, match="no published revision to start from"):
        services.new_draft(GPXD_CODE, AUTHOR, agency=AGENCY)
    # an approved version that will not be published is retired too; its number is used
    draft = services.create_draft(published.xml.encode(), AUTHOR, agency=AGENCY)
    assert draft.revision == 4
    through_review(services, draft.id)
    services.approve_version(draft.id, LEADER)
    services.retire_version(draft.id, "admin")
    assert services.create_draft(published.xml.encode(), AUTHOR, agency=AGENCY).revision == 5
    assert chain_kinds(services, draft.procedure_id).count("version_retired") == 2


def test_the_store_lets_the_diagram_change_only_at_approval(services, database):
    draft = services.new_draft(GPXD_CODE, AUTHOR, agency=AGENCY)
    through_review(services, draft.id)
    with pytest.raises(ImmutableVersionError, match="is reviewed: bpmn_xml cannot change"):
        with database.write() as session:
            session.get(ProcedureVersion, draft.id).bpmn_xml = "<changed/>"
    services.approve_version(draft.id, LEADER)
    with pytest.raises(ImmutableVersionError, match="is approved: bpmn_xml"):
        with database.write() as session:
            version = session.get(ProcedureVersion, draft.id)
            version.bpmn_xml, version.status = "<changed/>", "published"
    if database.dialect != "postgresql":
        return
    # the trigger says the same to raw SQL: approval may write, nothing after it
    statement = text("UPDATE procedure_versions SET bpmn_xml = bpmn_xml || ' ', status = :to "
                     "WHERE id = :id")
    with pytest.raises(Exception, match="its diagram cannot change"):
        with database.engine.begin() as connection:
            connection.execute(statement, {"to": "published", "id": draft.id})
    other = services.new_draft("QT-HT-01", AUTHOR, agency=AGENCY)
    through_review(services, other.id)
    with database.engine.begin() as connection:
        connection.execute(statement, {"to": "approved", "id": other.id})
