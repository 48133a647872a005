"""Writing document control into a diagram: the meaning changes, every other byte stays."""

from __future__ import annotations

import difflib
from datetime import date

import pytest
from conftest import BPMN_DIR, EXAMPLE, bpmn_bytes

from isobpmn.model import ModelError, read_procedure
from isobpmn.model.edit import NewSignOff, set_revision, stamp_approval
from isobpmn.model.types import SignOffRole

LIBRARY = sorted(BPMN_DIR.glob("*.bpmn")) + [EXAMPLE]
SIGN_OFFS = [NewSignOff("drafted", "Đỗ Minh Tuấn", date=date(2026, 3, 1)),
             NewSignOff("reviewed", "Lê Văn Cường", date=date(2026, 3, 2)),
             NewSignOff("approved", "Nguyễn Văn An", "Chủ tịch UBND xã", date(2026, 3, 4))]


def changed_lines(before: bytes, after: bytes) -> tuple[list[str], list[str]]:
    """The lines removed and added from ``before`` to ``after``."""
    removed, added = [], []
    for line in difflib.unified_diff(before.decode().splitlines(), after.decode().splitlines(),
                                     lineterm="", n=0):
        if line.startswith("-") and not line.startswith("---"):
            removed.append(line[1:])
        elif line.startswith("+") and not line.startswith("+++"):
            added.append(line[1:])
    return removed, added


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.name)
def test_set_revision_touches_only_the_document_tag(path):
    source = path.read_bytes()
    result = set_revision(source, 7)
    removed, added = changed_lines(source, result)
    assert len(removed) == len(added) == 1 and "<iso:document " in removed[0]
    assert 'revision="7"' in added[0] and "issued=" not in added[0]
    document = read_procedure(result).info.document
    assert (document.revision, document.issued) == (7, None)


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.name)
def test_approval_writes_document_control_and_keeps_the_rest(path):
    source = set_revision(path.read_bytes(), 9)
    result = stamp_approval(source, revision=9, issued=date(2026, 3, 4),
                            description="Rút ngắn thời gian thẩm định", sign_offs=SIGN_OFFS)
    removed, added = changed_lines(source, result)
    assert all("iso:document " in line or "iso:signOff" in line for line in removed)
    assert [line.strip()[:14] for line in added] == \
        ["<iso:document ", *["<iso:signOff r"] * 3, "<iso:revision "]
    info = read_procedure(result).info
    assert info.document.issued == date(2026, 3, 4) and info.document.revision == 9
    assert [(s.role, s.name, s.date) for s in info.document.sign_offs] == [
        (SignOffRole.DRAFTED, "Đỗ Minh Tuấn", date(2026, 3, 1)),
        (SignOffRole.REVIEWED, "Lê Văn Cường", date(2026, 3, 2)),
        (SignOffRole.APPROVED, "Nguyễn Văn An", date(2026, 3, 4))]
    assert info.document.sign_offs[2].position == "Chủ tịch UBND xã"
    last = info.revisions[-1]
    assert (last.number, last.date, last.description) == \
        (9, date(2026, 3, 4), "Rút ngắn thời gian thẩm định")
    # the new rows are indented like their neighbours
    text = result.decode()
    title_indent = text.split("<iso:title>")[0].rsplit("\n", 1)[1]
    assert f"\n{title_indent}<iso:signOff role=\"drafted\"" in text


def _procedure(document: str, rows: str = "", prefix: str = "iso") -> bytes:
    ext = f"<{prefix}:procedure kind=\"tthc\">\n  {document}\n  {rows}\n</{prefix}:procedure>"
    data = bpmn_bytes('<bpmn:startEvent id="S"/>', ext)
    if prefix != "iso":
        data = data.replace(b'xmlns:iso="urn:isobpmn:iso:1"',
                            f'xmlns:{prefix}="urn:isobpmn:iso:1"'.encode())
    return data


def test_a_row_of_the_same_revision_gets_the_date_and_keeps_its_text():
    source = _procedure('<iso:document code="QT-A-01" revision="2"><iso:title>A</iso:title>'
                        '</iso:document>',
                        '<iso:revision number="2" date="2020-01-01" section="5.7">'
                        "Thêm bước ký</iso:revision>")
    info = read_procedure(stamp_approval(source, revision=2, issued=date(2026, 3, 4),
                                         description="khác", sign_offs=[])).info
    assert [(r.number, r.date, r.description, r.section) for r in info.revisions] == \
        [(2, date(2026, 3, 4), "Thêm bước ký", "5.7")]


def test_an_empty_row_of_the_same_revision_gets_the_description():
    source = _procedure('<iso:document code="QT-A-01" revision="2"><iso:title>A</iso:title>'
                        '</iso:document>', '<iso:revision number="2" date="2020-01-01" />')
    result = stamp_approval(source, revision=2, issued=date(2026, 3, 4),
                            description="Sửa <bước> & thời hạn", sign_offs=[])
    assert [(r.date, r.description) for r in read_procedure(result).info.revisions] == \
        [(date(2026, 3, 4), "Sửa <bước> & thời hạn")]


def test_quotes_prefix_and_positions_are_kept():
    source = _procedure("<q:document code='QT-A-01' revision='1' issued='2020-01-01'>"
                        "<q:title>A</q:title>"
                        "<q:signOff role='approved' name='Nguyễn Văn An' position='Chủ tịch'/>"
                        "</q:document>", prefix="q")
    result = stamp_approval(source, revision=2, issued=date(2026, 3, 4), description="x",
                            sign_offs=[NewSignOff("approved", "Nguyễn Văn An",
                                                  date=date(2026, 3, 4))])
    text = result.decode()
    assert "<q:document code='QT-A-01' revision='2' issued='2026-03-04'>" in text
    assert '<q:signOff role="approved" name="Nguyễn Văn An" position="Chủ tịch" ' \
           'date="2026-03-04"/>' in text
    assert '<q:revision number="2" date="2026-03-04">x</q:revision>' in text
    assert read_procedure(result).info.document.sign_offs[0].position == "Chủ tịch"


def test_a_layout_the_splicer_misreads_falls_back_to_lxml():
    """An attribute value that looks like the attribute being set: the spliced text would
    differ from the edited tree, so lxml writes the file."""
    source = _procedure("<iso:document code='QT-A-01 revision=\"5\"' revision=\"1\">"
                        "<iso:title>A</iso:title></iso:document>")
    result = set_revision(source, 3)
    assert result.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")  # lxml's declaration
    document = read_procedure(result, strict=False).info.document
    assert (document.code, document.revision) == ('QT-A-01 revision="5"', 3)


def test_a_diagram_without_document_control_is_refused():
    with pytest.raises(ModelError, match="no process carries iso:procedure"):
        set_revision(bpmn_bytes('<bpmn:startEvent id="S"/>'), 2)
    with pytest.raises(ModelError, match="no iso:document"):
        set_revision(bpmn_bytes('<bpmn:startEvent id="S"/>', '<iso:procedure kind="tthc"/>'), 2)
    with pytest.raises(ModelError, match="UTF-8"):
        set_revision("<?xml version='1.0'?><a>é</a>".encode("latin-1"), 2)
