"""The ISO procedure document of a stored procedure version, as HTML, PDF or Word
(docs/procedure-document.md).

A read: the version's BPMN is read from the store in a read transaction, and laid out by
:mod:`isobpmn.forms.procedure_export` after the transaction has ended (a PDF takes a second or
two; no connection is held meanwhile). Any signed-in, active user may read a procedure: the
document is what the agency publishes anyway. A draft prints what can be read of it.
"""

from __future__ import annotations

from sqlalchemy import select

from isobpmn.forms import FormError
from isobpmn.forms.procedure_export import FORMATS, export_procedure
from isobpmn.model import ModelError
from isobpmn.store import ProcedureVersion

from .access import find_user
from .context import ServiceContext
from .errors import InvalidRequest, ProcedureInvalid, UnknownProcedure

__all__ = ["DOCUMENT_FORMATS", "procedure_document"]

#: The formats :func:`procedure_document` makes.
DOCUMENT_FORMATS = tuple(FORMATS)


def procedure_document(ctx: ServiceContext, version_id: int, fmt: str, *,
                       actor: str) -> tuple[str, str, bytes]:
    """The procedure document of version ``version_id`` as ``fmt`` (``html``, ``pdf`` or
    ``docx``): ``(filename, mimetype, content)``, the file named after the document code and
    revision (``QT-DKKD-01-lan-02.pdf``)."""
    if fmt not in FORMATS:
        raise InvalidRequest(f"unknown document format {fmt!r}; use one of "
                             f"{', '.join(DOCUMENT_FORMATS)}")
    with ctx.db.read() as session:
        find_user(session, actor)
        xml = session.scalar(select(ProcedureVersion.bpmn_xml)
                             .where(ProcedureVersion.id == version_id))
    if xml is None:
        raise UnknownProcedure(f"no procedure version {version_id}")
    try:
        exported = export_procedure(xml.encode("utf-8"), fmt,
                                    name=f"procedure version {version_id}", strict=False)
    except ModelError as exc:
        raise ProcedureInvalid(f"the document of procedure version {version_id} cannot be "
                               f"made: {exc}") from None
    except FormError as exc:
        raise InvalidRequest(str(exc)) from None
    return exported.filename, exported.mimetype, exported.content
