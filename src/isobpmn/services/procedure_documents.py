"""The ISO procedure document of a stored procedure version, as HTML, PDF or Word
(docs/procedure-document.md).

A read: the version's BPMN is read from the store in a read transaction, and laid out by
:mod:`isobpmn.forms.procedure_export` after the transaction has ended (a PDF takes a second or
two; no connection is held meanwhile). Any signed-in, active user may read the document of a
published (or retired) revision: it is what the agency publishes anyway. A version still on
its way (a draft, submitted, reviewed, approved) is read only by whoever may see the
procedure (:func:`~.versions.visible`: for an agency's own procedure, its members and the
administrators). A draft prints what can be read of it.
"""

from __future__ import annotations

from isobpmn.forms import FormError
from isobpmn.forms.procedure_export import FORMATS, export_procedure
from isobpmn.model import ModelError
from isobpmn.store import Procedure, ProcedureVersion, VersionStatus

from .access import find_user
from .context import ServiceContext
from .errors import InvalidRequest, ProcedureInvalid, UnknownProcedure
from .versions import require_visible

__all__ = ["DOCUMENT_FORMATS", "procedure_document"]

#: The formats :func:`procedure_document` makes.
DOCUMENT_FORMATS = tuple(FORMATS)
#: Statuses of a version whose document anyone signed in may read.
ISSUED = (VersionStatus.PUBLISHED, VersionStatus.RETIRED)


def procedure_document(ctx: ServiceContext, version_id: int, fmt: str, *,
                       actor: str) -> tuple[str, str, bytes]:
    """The procedure document of version ``version_id`` as ``fmt`` (``html``, ``pdf`` or
    ``docx``): ``(filename, mimetype, content)``, the file named after the document code and
    revision (``QT-DKKD-01-lan-02.pdf``). A version not issued yet only for a user who may see
    the procedure."""
    if fmt not in FORMATS:
        raise InvalidRequest(f"unknown document format {fmt!r}; use one of "
                             f"{', '.join(DOCUMENT_FORMATS)}")
    with ctx.db.read() as session:
        user = find_user(session, actor)
        version = session.get(ProcedureVersion, version_id)
        if version is None:
            raise UnknownProcedure(f"no procedure version {version_id}")
        if version.status not in ISSUED:
            require_visible(session, user, session.get(Procedure, version.procedure_id))
        xml = version.bpmn_xml
    try:
        exported = export_procedure(xml.encode("utf-8"), fmt,
                                    name=f"procedure version {version_id}", strict=False)
    except ModelError as exc:
        raise ProcedureInvalid(f"the document of procedure version {version_id} cannot be "
                               f"made: {exc}") from None
    except FormError as exc:
        raise InvalidRequest(str(exc)) from None
    return exported.filename, exported.mimetype, exported.content
