"""The ISO procedure document (DOMAIN §3) as data, assembled from a diagram.

One frozen :class:`ProcedureDocument` holds everything the document prints, already as text in
the order of the document: title block, sign-off grid, revision table, sections 1 to 7 and the
diagram as SVG. The HTML/PDF (:mod:`.procedure_html`) and DOCX (:mod:`.procedure_docx`)
layouts only place it, so the three formats cannot disagree.

The content comes from the model (:class:`~isobpmn.model.Procedure` and its ``iso`` data, the
step table numbered by :mod:`isobpmn.model.order`, the main-path sum of
:func:`~isobpmn.model.serialize.main_path_allotment`), as ``isobpmn procedures show`` prints it.
A part the diagram does not fill prints :data:`NONE` under its heading, never an empty heading.
The document is a legal text and always reads in Vietnamese.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from isobpmn.model import BpmnDocument, DocumentRef, Fee, Procedure, ProcedureInfo, SignOff
from isobpmn.model.serialize import main_path_allotment
from isobpmn.model.types import SignOffRole
from isobpmn.textfmt import format_date

from .diagram_svg import DiLayout, diagram_svg

__all__ = ["COLUMNS", "LABELS", "NONE", "SECTIONS", "DossierLine", "FormUsed", "ProcedureDocument",
           "RecordLine", "RevisionLine", "SignOffCell", "StepLine", "build_procedure_document",
           "file_stem"]

#: What a part the diagram leaves empty prints.
NONE = "—"

#: Headings of the document, in order (DOMAIN §3).
SECTIONS = {
    "purpose": "1. Mục đích",
    "scope": "2. Phạm vi",
    "references": "3. Tài liệu viện dẫn",
    "definitions": "4. Định nghĩa/Viết tắt",
    "content": "5. Nội dung quy trình",
    "legal_basis": "5.1 Cơ sở pháp lý",
    "dossier": "5.2 Thành phần hồ sơ",
    "sets": "5.3 Số lượng hồ sơ",
    "time_limit": "5.4 Thời gian xử lý",
    "place": "5.5 Nơi tiếp nhận và trả kết quả",
    "fee": "5.6 Lệ phí",
    "steps": "5.7 Quy trình xử lý công việc",
    "forms": "6. Biểu mẫu",
    "records": "7. Hồ sơ cần lưu",
}

#: Column headings of the tables, and the other fixed labels.
COLUMNS = {
    "steps": ("TT", "Trình tự", "Trách nhiệm", "Thời gian", "Biểu mẫu/Kết quả"),
    "dossier": ("TT", "Tên giấy tờ", "Bản chính/bản sao", "Số lượng"),
    "revisions": ("Yêu cầu sửa đổi/bổ sung", "Trang/Phần liên quan việc sửa đổi",
                  "Mô tả nội dung sửa đổi", "Lần ban hành", "Ngày ban hành"),
    "sign_off_rows": ("Họ và tên", "Chữ ký", "Chức vụ", "Ngày"),
    "forms": ("TT", "Mã hiệu", "Tên biểu mẫu", "Dùng ở bước"),
    "records": ("TT", "Hồ sơ", "Trách nhiệm lưu", "Thời gian lưu"),
}
LABELS = {
    "heading": "QUY TRÌNH",
    "code": "Mã hiệu",
    "revision": "Lần ban hành",
    "issued": "Ngày ban hành",
    "page": "Trang",
    "field": "Lĩnh vực",
    "revisions": "Sửa đổi tài liệu",
    "sum": "Tổng thời gian các bước trên đường xử lý chính",
    "limit": "thời hạn giải quyết",
    "branch": "nhánh",
    "branch_note": "(nhánh): bước ngoài đường xử lý chính (bổ sung, từ chối, trả lại…).",
    "diagram": "Sơ đồ quy trình",
    "no_diagram": "Tệp không có sơ đồ (BPMN DI).",
    "optional": "nếu có",
}
_TITLE_PREFIX = re.compile(r"^\s*quy\s+trình\s*[:\-–]?\s*", re.IGNORECASE)


@dataclass(frozen=True)
class SignOffCell:
    """One column of the sign-off grid: Soạn thảo, Xem xét or Phê duyệt; empty texts leave
    the cell blank to fill in by hand."""

    role: str
    name: str = ""
    position: str = ""
    date: str = ""


@dataclass(frozen=True)
class RevisionLine:
    """One row of Sửa đổi tài liệu."""

    request: str
    section: str
    description: str
    revision: str
    date: str


@dataclass(frozen=True)
class DossierLine:
    """One paper of 5.2: ``note`` is printed under its name."""

    no: int
    name: str
    note: str
    copies: str
    quantity: int


@dataclass(frozen=True)
class StepLine:
    """One row of the step table (5.7); ``documents`` are its forms, then its results."""

    number: str
    name: str
    description: str
    responsible: str
    time: str
    documents: tuple[str, ...]
    branch: bool


@dataclass(frozen=True)
class FormUsed:
    """One form of section 6, with the numbers of the steps that use it."""

    no: int
    code: str
    title: str
    steps: str


@dataclass(frozen=True)
class RecordLine:
    """One row of 7. Hồ sơ cần lưu."""

    no: int
    name: str
    keeper: str
    retention: str


@dataclass(frozen=True)
class ProcedureDocument:
    """Everything the ISO procedure document prints, as text (module docstring).

    Lists are empty and texts ``""`` where the diagram says nothing; the layouts print
    :data:`NONE` there. ``diagram_svg`` is ``""`` for a file without DI.
    """

    agency: str
    name: str  # the procedure's name, without a leading "Quy trình"
    title: str  # the title as iso:title gives it
    code: str
    revision: str  # "02"
    issued: str  # dd/mm/yyyy
    kind: str
    field: str
    sign_offs: tuple[SignOffCell, ...]
    revisions: tuple[RevisionLine, ...]
    purpose: str
    scope: str
    references: tuple[str, ...]
    definitions: tuple[tuple[str, str], ...]
    legal_basis: tuple[str, ...]
    components: tuple[DossierLine, ...]
    sets: str
    time_limit: str
    time_limit_note: str
    place: str
    fee: str
    steps: tuple[StepLine, ...]
    total: str  # the main path's sum against the statutory limit
    forms: tuple[FormUsed, ...]
    records: tuple[RecordLine, ...]
    diagram_svg: str
    file_stem: str

    @property
    def has_branches(self) -> bool:
        return any(step.branch for step in self.steps)

    @property
    def sign_off_dates(self) -> bool:
        """Whether the grid needs its date row."""
        return any(cell.date for cell in self.sign_offs)


def build_procedure_document(document: BpmnDocument, procedure: Procedure | None = None, *,
                             layout: DiLayout | None = None) -> ProcedureDocument:
    """The document of ``procedure`` (default: the file's procedure) in ``document``;
    ``layout`` places the diagram's labels (:func:`.diagram_svg.di_layout`)."""
    p = procedure or document.procedure
    name = _TITLE_PREFIX.sub("", p.title) or p.title
    limit = p.time_limit.describe("vi") if p.time_limit else ""
    total = main_path_allotment(p).describe("vi") + (f" / {LABELS['limit']} {limit}"
                                                     if limit else "")
    parts = _statutory_parts(p.info) if p.info else dict(_NO_INFO)
    return ProcedureDocument(
        agency=parts.pop("agency") or p.participant_name,
        name=name,
        title=p.title,
        code=p.code,
        time_limit=limit,
        steps=tuple(StepLine(
            number=s.number, name=s.name or s.bpmn_id, description=s.info.description,
            responsible=s.responsible, time=s.allotment.describe("vi") if s.allotment else "",
            documents=tuple(str(ref) for ref in (*s.info.forms, *s.info.results)),
            branch=not s.on_main_path) for s in p.steps),
        total=total if p.steps else "",
        forms=_forms_used(p),
        diagram_svg=diagram_svg(document, p, title=f"{LABELS['diagram']} {p.code or name}",
                                layout=layout),
        file_stem=file_stem(p),
        **parts,
    )


#: The parts :func:`_statutory_parts` fills, for a diagram without ``iso:procedure``.
_NO_INFO = MappingProxyType({
    "agency": "", "revision": "", "issued": "", "kind": "", "field": "",
    "sign_offs": tuple(SignOffCell(role.label("vi")) for role in SignOffRole),
    "revisions": (), "purpose": "", "scope": "", "references": (), "definitions": (),
    "legal_basis": (), "components": (), "sets": "", "time_limit_note": "", "place": "",
    "fee": "", "records": ()})


def _statutory_parts(info: ProcedureInfo) -> dict[str, Any]:
    """Document control and statutory data (``iso:procedure``) as the document prints them."""
    doc = info.document
    return {
        "agency": info.agency,
        "revision": f"{doc.revision:02d}",
        "issued": format_date(doc.issued),
        "kind": info.kind.label("vi"),
        "field": info.field,
        "sign_offs": tuple(_sign_off(role, doc.sign_off(role)) for role in SignOffRole),
        "revisions": tuple(RevisionLine(r.request, r.section, r.description, f"{r.number:02d}",
                                        format_date(r.date)) for r in info.revisions),
        "purpose": info.purpose,
        "scope": info.scope,
        "references": info.references,
        "definitions": tuple((d.term, d.meaning) for d in info.definitions),
        "legal_basis": info.legal_basis,
        "components": tuple(
            DossierLine(i, c.name, c.note or ("" if c.required else LABELS["optional"]),
                        c.copies_label("vi"), c.quantity)
            for i, c in enumerate(info.dossier, 1)),
        "sets": f"{info.dossier_sets:02d} bộ hồ sơ" if info.dossier else "",
        "time_limit_note": info.time_limit_note,
        "place": info.place,
        "fee": _fee(info.fee) if info.fee else "",
        "records": tuple(RecordLine(i, r.name, r.keeper, r.retention)
                         for i, r in enumerate(info.records, 1)),
    }


def file_stem(procedure: Procedure) -> str:
    """``QT-DKKD-01-lan-02``: the code and revision, in ASCII letters, digits, ``-`` and ``_``
    (the process id when the diagram has no document control)."""
    info = procedure.info
    base = procedure.code or procedure.bpmn_id or "quy-trinh"
    if info:
        base = f"{base}-lan-{info.document.revision:02d}"
    ascii_text = unicodedata.normalize("NFKD", base.replace("đ", "d").replace("Đ", "D"))
    ascii_text = ascii_text.encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9_-]+", "-", ascii_text).strip("-") or "quy-trinh"


def _sign_off(role: SignOffRole, sign_off: SignOff | None) -> SignOffCell:
    """A column of the grid; a role nobody signed stays blank."""
    if sign_off is None:
        return SignOffCell(role.label("vi"))
    return SignOffCell(role.label("vi"), sign_off.name, sign_off.position,
                       format_date(sign_off.date))


def _fee(fee: Fee) -> str:
    """The fee as the diagram states it, else its amount: "100.000 đồng"."""
    if fee.text or fee.amount is None:
        return fee.text
    if fee.amount == 0:
        return "Miễn lệ phí"
    amount = fee.amount.quantize(Decimal(1)) if fee.amount == fee.amount.to_integral() \
        else fee.amount.normalize()
    grouped = f"{amount:,f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"{grouped} đồng" if fee.currency == "VND" else f"{grouped} {fee.currency}"


def _forms_used(p: Procedure) -> tuple[FormUsed, ...]:
    """The forms the steps name (``iso:form``), once each, in step-table order."""
    seen: dict[tuple[str, str], list[str]] = {}
    refs: dict[tuple[str, str], DocumentRef] = {}
    for step in p.steps:
        for ref in step.info.forms:
            key = (ref.code.casefold(), " ".join(ref.title.split()).casefold())
            refs.setdefault(key, ref)
            numbers = seen.setdefault(key, [])
            if step.number not in numbers:
                numbers.append(step.number)
    return tuple(FormUsed(i, refs[key].code, refs[key].title, ", ".join(numbers))
                 for i, (key, numbers) in enumerate(seen.items(), 1))
