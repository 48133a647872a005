"""Publishing a diagram directly: the shortcut for seeds, tests and bootstrapping a library.

The lifecycle (draft, review, approval: docs/lifecycle.md) is how a procedure changes in
operation; this publishes a finished file as it is, its revision and document control included.

The diagram is read strictly (:func:`isobpmn.model.read_procedure`: any problem refuses it)
and parsed by the engine (a diagram that cannot run is refused too). It becomes an immutable
``published`` version of the procedure named by its document code (``iso:document code``),
revision ``iso:document revision``, for one agency or province-wide. Publishing the same bytes
again changes nothing; other bytes under an existing revision number are refused ("raise the
revision"), and so is any file while a version of the procedure is on its way through the
lifecycle. Earlier published revisions become ``retired``: new dossiers take the new one,
while running dossiers keep the version they started on (their state restores only on it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from isobpmn.audit import append_event, procedure_chain
from isobpmn.engine import SpecError, load_spec, xml_hash
from isobpmn.model import ModelError, read_procedure
from isobpmn.store import Procedure, ProcedureVersion, VersionStatus

from .access import find_agency, find_user, require_leader
from .casework import transaction
from .context import ServiceContext
from .errors import InvalidRequest, ProcedureInvalid
from .kinds import EventKind
from .versions import OPEN, version_label

__all__ = ["PublishedVersion", "publish_procedure"]


@dataclass(frozen=True)
class PublishedVersion:
    procedure_id: int
    version_id: int
    code: str
    title: str
    revision: int
    agency_code: str | None
    content_hash: str
    published_at: datetime
    new: bool  # False when these exact bytes were already published
    retired: list[int]


def publish_procedure(ctx: ServiceContext, xml: bytes, agency: str | None = None,
                      actor: str | None = None, *, name: str | None = None) -> PublishedVersion:
    """Publish the diagram ``xml`` for ``agency`` (its code; ``None``: province-wide).

    ``actor``, when given, must be an administrator or a leader of the agency; without one the
    operator running the command publishes (recorded as such).
    """
    label = name or "<procedure>"
    try:
        text = xml.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProcedureInvalid(f"{label}: a published diagram must be UTF-8 ({exc})") from None
    try:
        procedure = read_procedure(xml, name=label)
        load_spec(xml, name=label)
    except ModelError as exc:
        raise ProcedureInvalid(str(exc)) from None
    except SpecError as exc:
        raise ProcedureInvalid(f"{label}: {exc}") from None
    if procedure.info is None or not procedure.code:
        raise ProcedureInvalid(f"{label}: the process has no iso:procedure with a document code")
    digest = xml_hash(xml)
    revision = procedure.info.document.revision
    now = ctx.now()
    with transaction(ctx) as session:
        office = find_agency(session, agency) if agency else None
        user = find_user(session, actor) if actor else None
        if user is not None and not user.is_admin:
            if office is None:
                raise ProcedureInvalid("only an administrator publishes province-wide procedures")
            require_leader(session, user, office, ctx.settings.leader_roles,
                           "publish procedures")
        agency_id = office.id if office else None
        owner = session.scalar(select(Procedure).where(
            Procedure.code == procedure.code,
            Procedure.agency_id == agency_id if agency_id else Procedure.agency_id.is_(None)))
        if owner is None:
            owner = Procedure(agency_id=agency_id, code=procedure.code, title=procedure.title,
                              created_at=now)
            session.add(owner)
            session.flush()
        versions = session.scalars(select(ProcedureVersion)
                                   .where(ProcedureVersion.procedure_id == owner.id)).all()
        same = [v for v in versions if v.revision == revision and v.status not in OPEN]
        if same:
            if same[0].content_hash != digest:
                raise ProcedureInvalid(
                    f"{label}: revision {revision} of {procedure.code} already exists with other "
                    "content; raise the revision (iso:document revision) to publish a change")
            return _result(owner, same[0], office, new=False, retired=[])
        pending = [v for v in versions if v.status in OPEN]
        if pending:
            raise InvalidRequest(
                f"{label}: {version_label(owner, pending[0])} is {pending[0].status}; publish "
                "it through review and approval, or discard the draft, before publishing "
                "another revision")
        newer = [v.revision for v in versions if v.revision > revision]
        if newer:
            raise ProcedureInvalid(f"{label}: {procedure.code} already has revision "
                                   f"{max(newer)}; this diagram is revision {revision}")
        retired = []
        for old in versions:
            if old.status == VersionStatus.PUBLISHED:
                old.status, old.retired_at = VersionStatus.RETIRED, now
                retired.append(old.id)
        version = ProcedureVersion(procedure_id=owner.id, revision=revision,
                                   status=VersionStatus.PUBLISHED, bpmn_xml=text,
                                   content_hash=digest, process_id=procedure.bpmn_id,
                                   created_by=user.id if user else None, created_at=now,
                                   published_at=now)
        session.add(version)
        owner.title = procedure.title
        session.flush()
        append_event(session, chain_key=procedure_chain(owner.id),
                     kind=EventKind.PROCEDURE_PUBLISHED, at=now, actor=user,
                     actor_name=None if user else "operator",
                     payload={"code": procedure.code, "title": procedure.title,
                              "revision": revision, "version": version.id,
                              "content_hash": digest, "process_id": procedure.bpmn_id,
                              "agency": office.code if office else None, "retired": retired})
        return _result(owner, version, office, new=True, retired=retired)


def _result(owner: Procedure, version: ProcedureVersion, office, *, new: bool,
            retired: list[int]) -> PublishedVersion:
    return PublishedVersion(owner.id, version.id, owner.code, owner.title, version.revision,
                            office.code if office else None, version.content_hash,
                            version.published_at, new, retired)
