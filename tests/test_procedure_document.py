"""The ISO procedure document generated from a diagram (DOMAIN §3, docs/procedure-document.md):
its content in each format, the server-side SVG of the diagram, the Word file with and without
libcairo, the ``isobpmn document`` command and the ``procedure_document`` service.

PDFs take a second or two each: the hộ kinh doanh PDF is made once for the module, the command
and the service make theirs from the short example of docs/schema.md.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import BPMN_DIR, EXAMPLE, MINIMAL_PROCEDURE, bpmn_bytes, chain, task
from lxml import etree

from isobpmn.cli import cli
from isobpmn.forms import FormError
from isobpmn.forms.diagram_svg import SVG_NS, di_layout, diagram_svg
from isobpmn.forms.procedure_doc import COLUMNS, NONE, SECTIONS
from isobpmn.forms.procedure_docx import DIAGRAM_UNAVAILABLE, diagram_png, procedure_docx
from isobpmn.forms.procedure_export import (
    FORMATS,
    export_procedure,
    read_procedure_document,
    render_procedure_document,
)
from isobpmn.forms.procedure_html import procedure_html
from isobpmn.model import ModelError, read_document
from isobpmn.model.reader import document_from_tree
from isobpmn.model.xmlsafe import parse_xml

HKD = BPMN_DIR / "dang-ky-ho-kinh-doanh.bpmn"
HKD_STEPS = ("Tiếp nhận, kiểm tra hồ sơ", "Thẩm định hồ sơ", "Xem xét hồ sơ, trình ký",
             "Ký Giấy chứng nhận đăng ký hộ kinh doanh", "Vào sổ, đóng dấu, phát hành",
             "Thu lệ phí, trả kết quả", "Hướng dẫn bổ sung, hoàn thiện hồ sơ",
             "Dự thảo văn bản từ chối, nêu rõ lý do", "Ký văn bản từ chối")
#: What every document prints, whatever the diagram says (DOMAIN §3).
FIXED = ("QUY TRÌNH", "Mã hiệu", "Lần ban hành", "Ngày ban hành", "Soạn thảo", "Xem xét",
         "Phê duyệt", "Họ và tên", "Chữ ký", "Chức vụ", "Sửa đổi tài liệu",
         *COLUMNS["revisions"], *SECTIONS.values(), *COLUMNS["steps"], *COLUMNS["dossier"],
         *COLUMNS["forms"], *COLUMNS["records"], "Sơ đồ quy trình")
#: What the hộ kinh doanh diagram fills in.
HKD_CONTENT = ("QT-DKKD-01", "02", "15/10/2025", "ỦY BAN NHÂN DÂN XÃ HÒA AN",
               "ĐĂNG KÝ THÀNH LẬP HỘ KINH DOANH", "Hoàng Thị Lan", "Trưởng phòng Kinh tế",
               "Trần Quốc Huy", "Ban hành lần đầu", "TCVN ISO 9001:2015", "Ủy ban nhân dân",
               "Luật Doanh nghiệp số 59/2020/QH14", "Giấy đề nghị đăng ký hộ kinh doanh",
               "Bản chính hoặc bản điện tử", "01 bộ hồ sơ", "3 ngày làm việc",
               "100.000 đồng/lần cấp", "Bộ phận Một cửa, Trung tâm Phục vụ hành chính công",
               "Mẫu 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả", "Phiếu yêu cầu bổ sung",
               "Sổ đăng ký hộ kinh doanh", "Vĩnh viễn", "Văn phòng HĐND và UBND xã",
               *HKD_STEPS)


def flat(text: str) -> str:
    return " ".join(text.split())


def docx_text(content: bytes) -> str:
    """Every paragraph of the body, its tables and the page header, in one string."""
    import docx

    word = docx.Document(io.BytesIO(content))
    parts = [p.text for p in word.paragraphs]
    for table in word.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    for section in word.sections:
        parts += [p.text for p in section.header.paragraphs]
    return flat("\n".join(parts))


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return flat(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages))


@pytest.fixture(scope="module")
def hkd():
    return read_procedure_document(HKD)


@pytest.fixture(scope="module")
def hkd_docx(hkd):
    return procedure_docx(hkd)


@pytest.fixture(scope="module")
def hkd_pdf_pages(hkd):
    """(landscape, text) of each page of the hộ kinh doanh PDF."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(render_procedure_document(hkd, "pdf").content))
    return [(page.mediabox.width > page.mediabox.height, flat(page.extract_text()))
            for page in reader.pages]


# --- content -----------------------------------------------------------------------------------


def test_the_document_data_follows_the_diagram(hkd):
    assert (hkd.code, hkd.revision, hkd.issued) == ("QT-DKKD-01", "02", "15/10/2025")
    assert hkd.name == "đăng ký thành lập hộ kinh doanh"
    assert [c.role for c in hkd.sign_offs] == ["Soạn thảo", "Xem xét", "Phê duyệt"]
    assert [s.name for s in hkd.steps] == list(HKD_STEPS)
    assert [s.number for s in hkd.steps][:3] == ["1", "2", "3"] and hkd.has_branches
    assert [(f.code, f.steps) for f in hkd.forms] == [("Mẫu 01", "1"), ("Mẫu 02", "1, 7")]
    assert hkd.total == "3 ngày làm việc / thời hạn giải quyết 3 ngày làm việc"
    assert hkd.file_stem == "QT-DKKD-01-lan-02"


def test_docx_has_every_section_of_the_iso_document(hkd_docx):
    text = docx_text(hkd_docx)
    for expected in (*FIXED, *HKD_CONTENT):
        assert expected in text, expected
    assert "QT-DKKD-01 · Lần ban hành: 02 · Trang" in text  # the running header


def test_docx_embeds_the_diagram_on_a_landscape_page(hkd_docx):
    import docx
    from docx.enum.section import WD_ORIENT

    word = docx.Document(io.BytesIO(hkd_docx))
    assert len(word.inline_shapes) == 1
    assert [s.orientation for s in word.sections] == [
        WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    assert DIAGRAM_UNAVAILABLE not in docx_text(hkd_docx)


def test_pdf_has_every_section_of_the_iso_document(hkd_pdf_pages):
    text = " ".join(text for _, text in hkd_pdf_pages)
    for expected in (*FIXED, *HKD_CONTENT):
        assert expected in text, expected
    assert "Trang: 1/" in text and "QT-DKKD-01 · Lần ban hành: 02 · Trang 2/" in text


def test_pdf_draws_the_diagram_on_a_landscape_page(hkd_pdf_pages):
    landscape = [text for wide, text in hkd_pdf_pages if wide]
    assert len(landscape) == 1
    text = landscape[0]
    assert "Sơ đồ quy trình" in text and "Tổ chức, cá nhân nộp hồ sơ" in text  # the SVG's text


def test_html_is_self_contained_and_prints_on_a4(hkd):
    html = procedure_html(hkd)
    for expected in (*FIXED, *HKD_CONTENT):
        assert expected.replace("&", "&amp;") in html or expected.upper() in html, expected
    assert "size: A4" in html and "<svg" in html and 'class="bpmn-diagram"' in html
    assert "src=" not in html and "href=" not in html  # nothing to fetch


def _escaping_diagram() -> bytes:
    name = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; hồ sơ"
    process = (f'<bpmn:startEvent id="S" name="{name}"/>\n'
               + task("T", name, allotment="1 working-days") + '\n<bpmn:endEvent id="E"/>\n'
               + chain("S", "T", "E"))
    shapes = "".join(
        f'<bpmndi:BPMNShape id="{i}_di" bpmnElement="{i}"><dc:Bounds x="{x}" y="80" '
        f'width="{w}" height="{h}"/></bpmndi:BPMNShape>'
        for i, x, w, h in (("S", 100, 36, 36), ("T", 200, 100, 80), ("E", 360, 36, 36)))
    edges = "".join(
        f'<bpmndi:BPMNEdge id="{f}_di" bpmnElement="{f}"><di:waypoint x="{a}" y="100"/>'
        f'<di:waypoint x="{b}" y="100"/></bpmndi:BPMNEdge>'
        for f, a, b in (("F_S_T", 136, 200), ("F_T_E", 300, 360)))
    di = (f'<bpmndi:BPMNDiagram id="D"><bpmndi:BPMNPlane id="PL" bpmnElement="P">{shapes}{edges}'
          "</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>")
    return bpmn_bytes(process, MINIMAL_PROCEDURE, after=di)


def test_html_escapes_what_the_diagram_says():
    doc = read_procedure_document(_escaping_diagram())
    assert doc.steps[0].name == "<script>alert(1)</script> & hồ sơ"
    html = procedure_html(doc)
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; hồ sơ" in html  # the step table
    svg = html[html.index("<svg"):html.index("</svg>") + 6]
    assert "&lt;script&gt;" in svg
    texts = "".join(etree.fromstring(svg.encode()).itertext())
    assert texts.count("<script>alert(1)</script>") == 2  # the task and the start event


def test_missing_parts_print_a_dash_under_their_heading():
    doc = read_procedure_document(bpmn_bytes(task("T", "Bước duy nhất"), MINIMAL_PROCEDURE))
    assert doc.diagram_svg == "" and doc.purpose == "" and doc.records == ()
    html = procedure_html(doc)
    for heading in SECTIONS.values():
        assert heading in html, heading
    assert html.count(f">{NONE}<") >= 12
    text = docx_text(procedure_docx(doc))
    for heading in SECTIONS.values():
        assert heading in text
    assert "Bước duy nhất" in text and f"{NONE} Tệp không có sơ đồ" in text


def test_a_diagram_without_iso_data_still_has_a_document():
    doc = read_procedure_document(bpmn_bytes(task("T", "Một bước")))
    assert (doc.code, doc.revision, doc.file_stem) == ("", "", "P")
    assert "Một bước" in procedure_html(doc)


@pytest.mark.parametrize(("code", "stem"), [("QT-HT-01", "QT-HT-01-lan-01"),
                                           ("QT/ĐKKD 01", "QT-DKKD-01-lan-01"),
                                           ("Quy trình số 7", "Quy-trinh-so-7-lan-01")])
def test_file_names_are_ascii(code, stem):
    ext = MINIMAL_PROCEDURE.replace("QT-TEST-01", code)
    assert read_procedure_document(bpmn_bytes(task("T"), ext)).file_stem == stem


# --- the diagram -------------------------------------------------------------------------------


LIBRARY = sorted(BPMN_DIR.glob("*.bpmn")) + [EXAMPLE]


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.stem)
def test_svg_is_well_formed_with_one_shape_per_di_shape(path):
    data = path.read_bytes()
    root = parse_xml(data, str(path))
    document = document_from_tree(root, str(path))
    svg = etree.fromstring(diagram_svg(document, document.procedure,
                                       layout=di_layout(root)).encode("utf-8"))
    assert svg.tag == f"{{{SVG_NS}}}svg"
    drawn = [g.get("data-bpmn-id") for g in svg.iter(f"{{{SVG_NS}}}g")
             if g.get("class", "").startswith("shape ")]
    assert sorted(drawn) == sorted(document.diagram.shapes)
    edges = [g.get("data-bpmn-id") for g in svg.iter(f"{{{SVG_NS}}}g")
             if g.get("class", "").startswith("edge ")]
    assert sorted(edges) == sorted(document.diagram.edges)


def test_svg_draws_the_notation(hkd):
    svg = etree.fromstring(hkd.diagram_svg.encode("utf-8"))

    def shape(bpmn_id):
        return next(g for g in svg.iter(f"{{{SVG_NS}}}g") if g.get("data-bpmn-id") == bpmn_id)

    def text(bpmn_id):
        return " ".join(" ".join(shape(bpmn_id).itertext()).split())

    box = shape("Task_TiepNhan").find(f"{{{SVG_NS}}}rect")
    assert (box.get("x"), box.get("y"), box.get("rx")) == ("408", "235", "10")
    assert text("Task_TiepNhan") == "Tiếp nhận, kiểm tra hồ sơ 1"  # the name, the step number
    assert text("Task_DuThaoTuChoi").endswith(" 8")
    assert shape("StartEvent").find(f"{{{SVG_NS}}}circle").get("r") == "18"
    assert shape("End_TraKetQua").find(f"{{{SVG_NS}}}circle").get("stroke-width") == "4"
    assert shape("Gw_HoSoDayDu").find(f"{{{SVG_NS}}}polygon") is not None
    assert "Bộ phận Một cửa" in text("Lane_MotCua")
    assert "Ủy ban nhân dân xã Hòa An" in text("Pool_DKHKD")
    assert shape("Evt_NhanBoSung").find(f"{{{SVG_NS}}}rect") is not None  # the envelope
    flow = shape("F16")
    assert flow.find(f"{{{SVG_NS}}}polyline").get("points") == "1343,690 1343,360 753,360 753,420"
    assert flow.find(f"{{{SVG_NS}}}polygon") is not None and text("F16") == "Trả lại"
    label = flow.find(f"{{{SVG_NS}}}text")  # at the DI label bounds (1349, 670, 42 wide)
    assert label.get("x") == "1370"


def test_a_file_without_di_has_no_svg():
    document = read_document(bpmn_bytes(task("T")))
    assert diagram_svg(document) == ""


# --- the Word file's picture -------------------------------------------------------------------


def test_the_diagram_becomes_a_png(hkd):
    png = diagram_png(hkd.diagram_svg, width=600)
    assert png is not None and png.startswith(b"\x89PNG\r\n\x1a\n")


def test_without_libcairo_the_word_file_says_so_instead_of_the_picture(hkd, monkeypatch):
    import docx

    monkeypatch.setitem(sys.modules, "cairosvg", None)  # as when the library cannot load
    assert diagram_png(hkd.diagram_svg) is None
    content = procedure_docx(hkd)
    assert len(docx.Document(io.BytesIO(content)).inline_shapes) == 0
    text = docx_text(content)
    assert DIAGRAM_UNAVAILABLE in text and "Sơ đồ quy trình" in text
    assert "Thẩm định hồ sơ" in text


# --- formats -----------------------------------------------------------------------------------


def test_unknown_format_is_refused_before_reading():
    with pytest.raises(FormError, match="unknown document format 'odt'; use one of html, pdf"):
        export_procedure(b"not even xml", "odt")


def test_export_names_the_file_and_its_type():
    exported = export_procedure(EXAMPLE, "html")
    assert exported.filename == "QT-HT-05-lan-02.html"
    assert exported.mimetype == FORMATS["html"][0] == "text/html; charset=utf-8"
    assert exported.content.startswith(b"<!doctype html>")


def test_an_unreadable_file_is_a_model_error():
    with pytest.raises(ModelError, match="not well-formed"):
        export_procedure(b"<bpmn:definitions", "html", name="broken.bpmn")


# --- the command line --------------------------------------------------------------------------


@pytest.fixture
def runner():
    return CliRunner()


def run(runner, *args):
    return runner.invoke(cli, ["document", *map(str, args)], catch_exceptions=False)


@pytest.mark.parametrize("fmt", ["html", "pdf", "docx"])
def test_cli_writes_each_format_under_the_code_and_revision(runner, fmt, tmp_path,
                                                             monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(runner, EXAMPLE, "--format", fmt)
    assert result.exit_code == 0, result.output
    written = tmp_path / f"QT-HT-05-lan-02.{fmt}"
    assert result.output.startswith(f"wrote {written.name} ({fmt}, ")
    content = written.read_bytes()
    text = {"html": lambda c: c.decode("utf-8"), "pdf": pdf_text, "docx": docx_text}[fmt](content)
    assert "QT-HT-05" in text and "Thẩm định, cấp giấy xác nhận" in text
    assert SECTIONS["records"] in text


def test_cli_refuses_to_overwrite_without_force(runner, tmp_path):
    out = tmp_path / "quy-trinh.html"
    out.write_text("kept")
    result = run(runner, EXAMPLE, "--format", "html", "-o", out)
    assert result.exit_code == 1
    assert result.output == f"error: {out} exists; add --force to overwrite it\n"
    assert out.read_text() == "kept"
    result = run(runner, EXAMPLE, "--format", "html", "-o", out, "--force")
    assert result.exit_code == 0 and out.read_text(encoding="utf-8").startswith("<!doctype html>")


def test_cli_writes_to_standard_output(runner):
    result = runner.invoke(cli, ["document", str(EXAMPLE), "--format", "docx", "-o", "-"])
    assert result.exit_code == 0 and result.stdout_bytes.startswith(b"PK")


@pytest.mark.parametrize(("content", "message"), [
    (None, "no such file"), (b"<bpmn:definitions", "not well-formed XML")])
def test_cli_errors_are_one_line(runner, tmp_path, content, message):
    path = tmp_path / "quy-trinh.bpmn"
    if content is not None:
        path.write_bytes(content)
    result = run(runner, path, "--format", "html", "-o", tmp_path / "out.html")
    assert result.exit_code == 1
    assert result.output.startswith(f"error: {path}") and message in result.output
    assert result.output.count("\n") == 1 and not (tmp_path / "out.html").exists()


def test_cli_rejects_an_unknown_format(runner):
    result = runner.invoke(cli, ["document", str(EXAMPLE), "--format", "odt"])
    assert result.exit_code == 2 and "'odt' is not one of 'html', 'pdf', 'docx'" in result.output


# --- the service -------------------------------------------------------------------------------


def _version(services, path: Path, agency: str = "XA-HOA-AN") -> int:
    return services.publish_procedure(path.read_bytes(), agency, name=path.name).version_id


def test_service_returns_each_format(services):
    version = _version(services, EXAMPLE)
    for fmt in ("html", "docx", "pdf"):
        filename, mimetype, content = services.procedure_document(version, fmt, actor="motcua")
        assert filename == f"QT-HT-05-lan-02.{fmt}" and mimetype == FORMATS[fmt][0]
        assert content.startswith({"html": b"<!doctype html>", "docx": b"PK",
                                   "pdf": b"%PDF"}[fmt])
    _, _, html = services.procedure_document(_version(services, HKD), "html", actor="admin")
    assert "QT-DKKD-01" in html.decode("utf-8") and "Thẩm định hồ sơ" in html.decode("utf-8")


def test_any_signed_in_user_may_read_it(services):
    version = _version(services, HKD)
    filename, _, _ = services.procedure_document(version, "html", actor="motcua_bm")
    assert filename == "QT-DKKD-01-lan-02.html"  # a member of another commune


def test_service_refusals(services):
    from isobpmn.services import InvalidRequest, UnknownProcedure, UnknownUser

    version = _version(services, HKD)
    with pytest.raises(UnknownProcedure, match="no procedure version 999999"):
        services.procedure_document(999999, "html", actor="motcua")
    with pytest.raises(InvalidRequest, match="unknown document format 'odt'"):
        services.procedure_document(version, "odt", actor="motcua")
    with pytest.raises(UnknownUser):
        services.procedure_document(version, "html", actor="nobody")

