"""From a BPMN file to the ISO procedure document in one format: HTML, PDF or DOCX.

The one entry point the command line (``isobpmn document``) and the services
(``procedure_document``) share::

    from isobpmn.forms.procedure_export import export_procedure
    exported = export_procedure(Path("bpmn/dang-ky-ho-kinh-doanh.bpmn"), "docx")
    exported.filename, exported.mimetype, exported.content   # "QT-DKKD-01-lan-02.docx", …

The file is parsed once, safely (:func:`isobpmn.model.xmlsafe.parse_xml`): the model reads the
procedure from the tree and :func:`.diagram_svg.di_layout` the label positions it leaves out.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from isobpmn.model.reader import document_from_tree, load_bytes
from isobpmn.model.xmlsafe import parse_xml

from .diagram_svg import di_layout
from .procedure_doc import ProcedureDocument, build_procedure_document
from .sets import FormError

__all__ = ["FORMATS", "ExportedDocument", "export_procedure", "read_procedure_document",
           "render_procedure_document"]

#: Format → (media type, file extension).
FORMATS = {
    "html": ("text/html; charset=utf-8", "html"),
    "pdf": ("application/pdf", "pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
}


@dataclass(frozen=True)
class ExportedDocument:
    """A procedure document in one format, ready to save or send."""

    filename: str
    mimetype: str
    content: bytes


def read_procedure_document(source: str | os.PathLike | bytes, *, name: str | None = None,
                            strict: bool = True) -> ProcedureDocument:
    """The :class:`ProcedureDocument` of a BPMN file (a path or its bytes).

    Raises :class:`~isobpmn.model.ModelError` (one line: ``file:line: message``) for a file
    that cannot be read; with ``strict=False`` only an unreadable file or one without a
    procedure raises, and the rest prints what could be read.
    """
    data, label = load_bytes(source, name=name)
    root = parse_xml(data, label)
    document = document_from_tree(root, label, strict=strict)
    return build_procedure_document(document, layout=di_layout(root))


def render_procedure_document(doc: ProcedureDocument, fmt: str) -> ExportedDocument:
    """``doc`` as ``fmt`` (a key of :data:`FORMATS`), named after its code and revision."""
    mimetype, extension = _format(fmt)
    if fmt == "docx":
        from .procedure_docx import procedure_docx

        content = procedure_docx(doc)
    else:
        from .procedure_html import procedure_html, procedure_pdf

        content = procedure_pdf(doc) if fmt == "pdf" else procedure_html(doc).encode("utf-8")
    return ExportedDocument(f"{doc.file_stem}.{extension}", mimetype, content)


def export_procedure(source: str | os.PathLike | bytes, fmt: str, *, name: str | None = None,
                     strict: bool = True) -> ExportedDocument:
    """Read a BPMN file and render its procedure document as ``fmt``."""
    _format(fmt)  # before reading: a typo should not cost a parse
    return render_procedure_document(read_procedure_document(source, name=name, strict=strict),
                                     fmt)


def _format(fmt: str) -> tuple[str, str]:
    try:
        return FORMATS[fmt]
    except KeyError:
        raise FormError(f"unknown document format {fmt!r}; use one of "
                        f"{', '.join(FORMATS)}") from None
