"""Reading the procedure library: lists, details, one version with its actions, export, the
diff of two versions, and the modeler's validation."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from fixtures_lifecycle import (
    AUTHOR,
    GPXD_CODE,
    GPXD_XML,
    REVIEWER,
    add_iso_secretary,
    publish_next_revision,
    with_stray_task,
)
from fixtures_services import AGENCY, HO_KINH_DOANH, KHAI_SINH

from isobpmn.cli import cli
from isobpmn.services import InvalidRequest, NotAllowed, UnknownProcedure


@pytest.fixture
def services(services):
    add_iso_secretary(services)
    return services


def test_the_library_as_each_reader_sees_it(services):
    draft = services.new_draft(KHAI_SINH, AUTHOR, agency=AGENCY)
    mine = services.list_procedures(AUTHOR)
    assert [(p.code, p.published_revision, p.open_status) for p in mine] == [
        (HO_KINH_DOANH, 2, None), (KHAI_SINH, 3, "draft"), (GPXD_CODE, 2, None)]
    assert mine[1].open_version_id == draft.id and mine[1].agency_code == AGENCY
    assert services.list_procedures("motcua_bm") == []  # another commune's procedures
    assert len(services.list_procedures("admin")) == len(services.list_procedures(None)) == 3
    with pytest.raises(NotAllowed, match="motcua_bm holds no role"):
        services.procedure_detail(KHAI_SINH, "motcua_bm")


def test_a_version_and_what_its_reader_may_do(services):
    draft = services.new_draft(GPXD_CODE, AUTHOR, agency=AGENCY)
    assert services.version_view(draft.id, AUTHOR).actions == ("save", "submit", "discard")
    assert services.version_view(draft.id, "chuyenvien").actions == ()  # a member, no editor
    assert services.version_view(draft.id, None).actions == ("save", "submit", "discard")
    services.submit_version(draft.id, AUTHOR)
    assert services.version_view(draft.id, AUTHOR).actions == ()  # not their own review
    view = services.version_view(draft.id, REVIEWER)
    assert view.actions == ("review",) and view.findings == ()  # findings: drafts only
    assert (view.submitted_by.name, view.revision, view.code) == ("Đỗ Minh Tuấn", 3, GPXD_CODE)
    with pytest.raises(UnknownProcedure, match="no procedure version with id 999"):
        services.version_view(999, AUTHOR)


def test_procedure_lookup_by_code(services):
    detail = services.procedure_detail(GPXD_CODE, AUTHOR)  # the only one of that code
    assert detail.agency_code == AGENCY and [v.status for v in detail.versions] == ["published"]
    services.create_agency("TINH-QN-SXD", "Sở Xây dựng", level="department", parent="TINH-QN")
    services.add_membership(AUTHOR, "TINH-QN-SXD", "lanh-dao-phong")
    services.create_draft(GPXD_XML, AUTHOR, agency="TINH-QN-SXD")
    with pytest.raises(InvalidRequest, match="exists for several agencies "
                                             r"\(TINH-QN-SXD, XA-HOA-AN\); name the agency"):
        services.procedure_detail(GPXD_CODE, AUTHOR)
    other = services.procedure_detail(GPXD_CODE, AUTHOR, agency="TINH-QN-SXD")
    assert [(v.revision, v.status) for v in other.versions] == [(2, "draft")]


def test_export(services):
    exported = services.export_version(GPXD_CODE, agency=AGENCY)
    assert (exported.revision, exported.status, exported.file_name) == \
        (2, "published", "QT-XD-01-02.bpmn")
    assert exported.xml == GPXD_XML
    publish_next_revision(services)
    assert services.export_version(GPXD_CODE, actor=AUTHOR).revision == 3
    assert services.export_version(GPXD_CODE, revision=2).status == "retired"
    with pytest.raises(UnknownProcedure, match="QT-XD-01 has no revision 7"):
        services.export_version(GPXD_CODE, revision=7)


def test_diff_of_two_versions(services):
    old = services.procedure_detail(GPXD_CODE, AUTHOR).versions[0]
    new = publish_next_revision(services)
    diff = services.diff_versions(old.id, new.id, REVIEWER)
    assert (diff.code, diff.from_revision, diff.to_revision, diff.to_status) == \
        (GPXD_CODE, 2, 3, "published")
    kinds = [c.kind for c in diff.changes]
    assert kinds[:3] == ["document"] * 3  # revision, issue date, sign-offs
    assert "revision-entry" in kinds
    renamed = [c for c in diff.changes if c.kind == "step-renamed"]
    assert [(c.bpmn_id, c.after) for c in renamed] == \
        [("Task_ThamDinh", "Thẩm định hồ sơ và kiểm tra thực địa")]
    assert diff.changed == {"Task_ThamDinh"} and not diff.added and not diff.removed
    # a draft with problems compares too
    draft = services.new_draft(GPXD_CODE, AUTHOR, agency=AGENCY)
    services.save_draft(draft.id, with_stray_task(draft.xml), AUTHOR,
                        expected_lock=draft.lock_version)
    stray = services.diff_versions(new.id, draft.id, AUTHOR)
    assert "Task_Lac" in stray.added
    with pytest.raises(NotAllowed):
        services.diff_versions(old.id, new.id, "motcua_bm")


def test_validate_like_the_command_line(services):
    clean = services.validate_bpmn(GPXD_XML)
    assert clean.errors == 0 and clean.elapsed_ms > 0
    broken = services.validate_bpmn(with_stray_task(GPXD_XML))
    stray = [f for f in broken.findings if f.bpmn_id == "Task_Lac"]
    assert {f.rule for f in stray} >= {"no-disconnected"}
    assert stray[0].element_name == "Bước lạc" and stray[0].line is not None
    assert len(services.validate_bpmn(GPXD_XML, preset="strict").findings) >= \
        len(services.validate_bpmn(GPXD_XML, preset="correctness").findings)
    unreadable = services.validate_bpmn(b"<x/>")
    assert [(f.rule, f.severity) for f in unreadable.findings] == \
        [("readable-bpmn-file", "error")]
    with pytest.raises(InvalidRequest, match="unknown preset 'loose'; use one of: correctness, "
                                             "recommended, strict, tthc"):
        services.validate_bpmn(GPXD_XML, preset="loose")


def test_validation_matches_the_command_line(services, tmp_path):
    path = tmp_path / "lac.bpmn"
    path.write_bytes(with_stray_task(GPXD_XML))
    for preset in ("recommended", "strict"):
        result = CliRunner().invoke(cli, ["validate", str(path), "--preset", preset,
                                          "--format", "json"])
        expected = [(f["rule"], f["severity"], f["line"])
                    for f in json.loads(result.stdout)[0]["findings"]]
        found = services.validate_bpmn(path.read_bytes(), preset=preset).findings
        assert [(f.rule, f.severity, f.line) for f in found] == expected
