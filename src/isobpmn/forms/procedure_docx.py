"""The ISO procedure document as a Word file (python-docx), the way agencies keep procedures.

The content is the :class:`~.procedure_doc.ProcedureDocument` the HTML prints, laid out in
Word's own terms: A4 with the margins of Nghị định 30/2020, Times New Roman 13 pt, headings as
Word headings (so the navigation pane lists sections 1 to 7), tables with a repeated header
row, the code, revision and page number (``PAGE``/``NUMPAGES`` fields) in the header of every
page but the first. The diagram of 5.7 is a PNG on a landscape page of its own, converted from
the SVG by CairoSVG; where CairoSVG cannot load its native library (libcairo), the document
says so in one line instead of the picture (:func:`diagram_png` returns ``None``).
"""

from __future__ import annotations

import io
import logging

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from .procedure_doc import COLUMNS, LABELS, NONE, SECTIONS, ProcedureDocument

__all__ = ["DIAGRAM_UNAVAILABLE", "diagram_png", "procedure_docx"]

log = logging.getLogger(__name__)

#: Printed under "Sơ đồ quy trình" when the diagram cannot be made into a picture.
DIAGRAM_UNAVAILABLE = ("Không chèn được hình sơ đồ: máy chủ thiếu thư viện Cairo để chuyển "
                       "SVG sang PNG. Sơ đồ có trong bản HTML và PDF của tài liệu.")
FONT = "Times New Roman"
#: Width of the diagram's picture in pixels (about 260 dpi across a landscape A4 page).
PNG_WIDTH = 2800


def diagram_png(svg: str, width: int = PNG_WIDTH) -> bytes | None:
    """The SVG as a PNG ``width`` pixels wide, or ``None`` when CairoSVG or its native
    library is not available on this machine."""
    try:
        import cairosvg  # loads libcairo through cffi: OSError when it is missing
    except (ImportError, OSError) as exc:
        log.warning("the procedure diagram is left out of the Word file: %s", exc)
        return None
    return cairosvg.svg2png(bytestring=svg.encode("utf-8"), output_width=width)


def procedure_docx(doc: ProcedureDocument) -> bytes:
    """The document as a ``.docx`` file."""
    word = Document()
    _styles(word)
    section = word.sections[0]
    _page(section, landscape=False)
    section.different_first_page_header_footer = True  # the title block says it there
    _running_header(section, doc)
    word.core_properties.title = " ".join(p for p in (doc.code, doc.title) if p)
    word.core_properties.subject = doc.kind
    word.core_properties.keywords = doc.code

    _title_block(word, doc)
    _sign_off(word, doc)
    _centered(word, LABELS["revisions"], bold=True, before=10)
    _table(word, COLUMNS["revisions"], [
        (r.request, r.section, r.description, r.revision, r.date) for r in doc.revisions],
        widths=(30, 30, 60, 20, 25), center=(3, 4))

    _text_section(word, SECTIONS["purpose"], doc.purpose)
    _text_section(word, SECTIONS["scope"], doc.scope)
    word.add_heading(SECTIONS["references"], level=1)
    _items(word, doc.references)
    word.add_heading(SECTIONS["definitions"], level=1)
    _items(word, [f"{term}: {meaning}" for term, meaning in doc.definitions])

    word.add_heading(SECTIONS["content"], level=1)
    word.add_heading(SECTIONS["legal_basis"], level=2)
    _items(word, doc.legal_basis)
    word.add_heading(SECTIONS["dossier"], level=2)
    _table(word, COLUMNS["dossier"], [
        (str(c.no), c.name + (f"\n({c.note})" if c.note else ""), c.copies, f"{c.quantity:02d}")
        for c in doc.components], widths=(10, 95, 45, 15), center=(0, 3))
    for key, text in (("sets", doc.sets), ("time_limit", doc.time_limit)):
        word.add_heading(SECTIONS[key], level=2)
        word.add_paragraph(text or NONE)
    if doc.time_limit_note:
        word.add_paragraph().add_run(doc.time_limit_note).italic = True
    for key, text in (("place", doc.place), ("fee", doc.fee)):
        word.add_heading(SECTIONS[key], level=2)
        word.add_paragraph(text or NONE)
    word.add_heading(SECTIONS["steps"], level=2)
    _step_table(word, doc)
    if doc.total:
        word.add_paragraph(f"{LABELS['sum']}: {doc.total}")
    if doc.has_branches:
        word.add_paragraph().add_run(LABELS["branch_note"]).italic = True
    _diagram(word, doc)

    word.add_heading(SECTIONS["forms"], level=1)
    _table(word, COLUMNS["forms"], [(str(f.no), f.code or NONE, f.title or NONE, f.steps)
                                    for f in doc.forms], widths=(10, 25, 100, 30), center=(0,))
    word.add_heading(SECTIONS["records"], level=1)
    _table(word, COLUMNS["records"], [(str(r.no), r.name, r.keeper, r.retention)
                                      for r in doc.records], widths=(10, 85, 40, 30), center=(0,))
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


# --- parts -----------------------------------------------------------------------------------


def _title_block(word, doc: ProcedureDocument) -> None:
    table = word.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    agency, title, control = table.rows[0].cells
    _widths(table, (45, 75, 45))
    _cell_text(agency, (doc.agency or NONE).upper(), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER,
               size=11.5)
    _cell_text(title, LABELS["heading"], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=15)
    _cell_line(title, doc.name.upper(), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    if doc.field:
        _cell_line(title, f"{LABELS['field']}: {doc.field}", italic=True,
                   align=WD_ALIGN_PARAGRAPH.CENTER, size=11)
    _cell_text(control, f"{LABELS['code']}: {doc.code or NONE}", size=11)
    _cell_line(control, f"{LABELS['revision']}: {doc.revision or NONE}", size=11)
    _cell_line(control, f"{LABELS['issued']}: {doc.issued or NONE}", size=11)
    page = _cell_line(control, f"{LABELS['page']}: ", size=11)
    _field(page, "PAGE", "1", size=11)
    _run(page, "/", size=11)
    _field(page, "NUMPAGES", "1", size=11)


def _sign_off(word, doc: ProcedureDocument) -> None:
    """The grid Soạn thảo / Xem xét / Phê duyệt: name, room to sign, position (and date)."""
    _spacer(word)
    rows = list(zip(COLUMNS["sign_off_rows"], ("name", None, "position", "date"), strict=True))
    if not doc.sign_off_dates:
        rows = rows[:3]
    table = word.add_table(rows=1 + len(rows), cols=4)
    table.style = "Table Grid"
    _widths(table, (30, 45, 45, 45))
    for cell, sign_off in zip(table.rows[0].cells[1:], doc.sign_offs, strict=True):
        _cell_text(cell, sign_off.role, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for row, (label, attribute) in zip(table.rows[1:], rows, strict=True):
        _cell_text(row.cells[0], label)
        for cell, sign_off in zip(row.cells[1:], doc.sign_offs, strict=True):
            _cell_text(cell, getattr(sign_off, attribute) if attribute else "",
                       align=WD_ALIGN_PARAGRAPH.CENTER)
        if attribute is None:  # room to sign
            row.height = Mm(18)


def _step_table(word, doc: ProcedureDocument) -> None:
    table = _grid(word, COLUMNS["steps"])
    for step in doc.steps:
        cells = table.add_row().cells
        _cell_text(cells[0], step.number, align=WD_ALIGN_PARAGRAPH.CENTER)
        name = (f"({LABELS['branch']}) " if step.branch else "") + step.name
        _cell_text(cells[1], name, bold=True, italic=step.branch)
        if step.description:
            _cell_line(cells[1], step.description, size=11.5, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        _cell_text(cells[2], step.responsible or NONE)
        _cell_text(cells[3], step.time or NONE)
        _cell_text(cells[4], step.documents[0] if step.documents else NONE)
        for document in step.documents[1:]:
            _cell_line(cells[4], document)
    if not doc.steps:
        _empty_row(table)
    _widths(table, (11, 66, 30, 22, 36))


def _diagram(word, doc: ProcedureDocument) -> None:
    if not doc.diagram_svg:
        word.add_heading(LABELS["diagram"], level=3)
        word.add_paragraph(f"{NONE} {LABELS['no_diagram']}")
        return
    png = diagram_png(doc.diagram_svg)
    if png is None:
        word.add_heading(LABELS["diagram"], level=3)
        word.add_paragraph().add_run(DIAGRAM_UNAVAILABLE).italic = True
        return
    _page(word.add_section(WD_SECTION.NEW_PAGE), landscape=True)
    word.add_heading(LABELS["diagram"], level=3)
    width, height = _svg_size(doc.diagram_svg)
    usable_width, usable_height = 270, 165  # mm on a landscape A4 page, under the caption
    scale = min(usable_width / width, usable_height / height)
    paragraph = word.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run().add_picture(io.BytesIO(png), width=Mm(width * scale))
    _page(word.add_section(WD_SECTION.NEW_PAGE), landscape=False)


def _text_section(word, heading: str, text: str) -> None:
    word.add_heading(heading, level=1)
    paragraphs = [p for p in text.split("\n") if p.strip()] or [NONE]
    for paragraph in paragraphs:
        word.add_paragraph(paragraph).alignment = WD_ALIGN_PARAGRAPH.JUSTIFY


def _items(word, values) -> None:
    if not values:
        word.add_paragraph(NONE)
    for value in values:
        word.add_paragraph(value, style="List Bullet").alignment = WD_ALIGN_PARAGRAPH.JUSTIFY


def _table(word, headers, rows, *, widths, center=()):
    """A grid of ``rows`` (texts; a line break starts an italic line) under ``headers``."""
    table = _grid(word, headers)
    for values in rows:
        cells = table.add_row().cells
        for i, (cell, value) in enumerate(zip(cells, values, strict=True)):
            lines = str(value).split("\n")
            _cell_text(cell, lines[0], align=WD_ALIGN_PARAGRAPH.CENTER if i in center else None)
            for line in lines[1:]:
                _cell_line(cell, line, italic=True, size=11.5)
    if not rows:
        _empty_row(table)
    _widths(table, widths)
    return table


def _grid(word, headers):
    """A table with a bold header row that Word repeats on every page."""
    table = word.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        _cell_text(cell, header, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(header)
    return table


def _empty_row(table) -> None:
    """One row across the table saying :data:`NONE`."""
    cells = table.add_row().cells
    _cell_text(cells[0].merge(cells[-1]), NONE, align=WD_ALIGN_PARAGRAPH.CENTER)


# --- Word details ----------------------------------------------------------------------------


def _styles(word) -> None:
    """Times New Roman throughout; headings bold and black instead of the template's blue
    theme font."""
    normal = word.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(13)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(3)
    for name, italic, before in (("Heading 1", False, 8), ("Heading 2", True, 5),
                                 ("Heading 3", True, 5)):
        style = word.styles[name]
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attribute), None)
        style.font.name, style.font.size = FONT, Pt(13)
        style.font.bold, style.font.italic = True, italic
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(3)
    for name in ("Header", "List Bullet"):
        word.styles[name].font.name = FONT


def _page(section, *, landscape: bool) -> None:
    """A4 in either orientation; a section after the first shows the running header on its
    first page too (a new section copies the first one's "different first page")."""
    short, long = Mm(210), Mm(297)
    section.different_first_page_header_footer = False
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = long, short
        section.top_margin = section.bottom_margin = Mm(15)
        section.left_margin, section.right_margin = Mm(15), Mm(12)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = short, long
        section.top_margin = section.bottom_margin = Mm(20)
        section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)


def _running_header(section, doc: ProcedureDocument) -> None:
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    parts = [doc.code, f"{LABELS['revision']}: {doc.revision}" if doc.revision else ""]
    text = " · ".join(p for p in parts if p)
    _run(paragraph, f"{text} · {LABELS['page']} " if text else f"{LABELS['page']} ", size=10,
         italic=True)
    _field(paragraph, "PAGE", "1", size=10, italic=True)
    _run(paragraph, "/", size=10, italic=True)
    _field(paragraph, "NUMPAGES", "1", size=10, italic=True)


def _run(paragraph, text: str, *, bold: bool = False, italic: bool = False,
         size: float | None = None):
    run = paragraph.add_run(text)
    run.bold, run.italic = bold or None, italic or None
    if size:
        run.font.size = Pt(size)
    return run


def _field(paragraph, instruction: str, shown: str, **style) -> None:
    """A Word field (``PAGE``, ``NUMPAGES``) showing ``shown`` until Word updates it."""
    begin, separate, end = (OxmlElement("w:fldChar") for _ in range(3))
    begin.set(qn("w:fldCharType"), "begin")
    separate.set(qn("w:fldCharType"), "separate")
    end.set(qn("w:fldCharType"), "end")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    _run(paragraph, "", **style)._r.append(begin)
    _run(paragraph, "", **style)._r.append(instr)
    _run(paragraph, "", **style)._r.append(separate)
    _run(paragraph, shown, **style)
    _run(paragraph, "", **style)._r.append(end)


def _cell_text(cell, text: str, *, bold: bool = False, italic: bool = False, align=None,
               size: float | None = None):
    """Write ``text`` in the cell's first paragraph."""
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_after = Pt(0)
    if align is not None:
        paragraph.alignment = align
    _run(paragraph, text, bold=bold, italic=italic, size=size or 12)
    return paragraph


def _cell_line(cell, text: str, *, bold: bool = False, italic: bool = False, align=None,
               size: float | None = None):
    """Add ``text`` as a new paragraph of the cell."""
    paragraph = cell.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(0)
    if align is not None:
        paragraph.alignment = align
    _run(paragraph, text, bold=bold, italic=italic, size=size or 12)
    return paragraph


def _centered(word, text: str, *, bold: bool = False, before: float = 0) -> None:
    paragraph = word.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_before = Pt(before)
    _run(paragraph, text, bold=bold)


def _spacer(word) -> None:
    word.add_paragraph().paragraph_format.space_after = Pt(0)


def _widths(table, millimetres) -> None:
    """Column widths: Word reads the grid and every cell (a merged row keeps its span)."""
    table.autofit = False
    for column, width in zip(table.columns, millimetres, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        if len(row._tr.tc_lst) == len(millimetres):
            for cell, width in zip(row.cells, millimetres, strict=True):
                cell.width = Mm(width)


def _svg_size(svg: str) -> tuple[float, float]:
    """Width and height of the diagram, from its root element (``width``, ``height``)."""
    from lxml import etree

    root = etree.fromstring(svg.encode("utf-8"))
    return float(root.get("width", "1")), float(root.get("height", "1"))
