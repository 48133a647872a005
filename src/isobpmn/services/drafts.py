"""Drafting a procedure version: upload one, copy the published one, save, submit, discard.

A draft is where a procedure changes (docs/lifecycle.md). It may hold validator errors; it may
not be submitted with any under the ``recommended`` preset, nor if the engine cannot run it.
The system numbers it: the revision after the newest version of the procedure (for a
procedure new to the system, the file's own revision, so a paper history carries on), written
into ``iso:document revision``; its issue date stays empty until approval. One version per
procedure is on its way at a time (draft, submitted, reviewed or approved). Saves use the
version's ``lock_version``: a save built on an older copy is refused, naming who saved since.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from isobpmn.engine import SpecError, load_spec, xml_hash
from isobpmn.model import ModelError
from isobpmn.model.edit import set_revision
from isobpmn.store import Agency, Procedure, ProcedureVersion, VersionReview, VersionStatus

from .access import agency_label, find_agency, find_user
from .casework import transaction
from .context import ServiceContext
from .errors import Conflict, InvalidRequest, ProcedureInvalid, UnknownProcedure
from .kinds import EventKind
from .validation import blocking_findings, finding_views, lint_findings
from .version_views import VersionView, load_version, view_of
from .versions import (
    begin,
    check_lock,
    find_procedure,
    lock_procedure,
    may_create,
    open_version,
    read_upload,
    require,
    version_event,
    version_label,
    who_when,
)

__all__ = ["create_draft", "discard_draft", "new_draft", "save_draft", "submit_version"]

#: How many findings a refused submission lists.
SHOWN_FINDINGS = 5


def create_draft(ctx: ServiceContext, xml: bytes, actor: str, *, agency: str | None = None,
                 name: str | None = None) -> VersionView:
    """A new draft from an uploaded diagram (``name``: the file, for messages): of a new
    procedure named by its ``iso:document code``, or the next revision of an existing one of
    ``agency`` (``None``: province-wide)."""
    label = name or "<upload>"
    diagram = read_upload(xml, label)
    now = ctx.now()
    with transaction(ctx) as session:
        user = find_user(session, actor)
        office = find_agency(session, agency) if agency else None
        may_create(session, ctx.settings, user, office.id if office else None,
                   agency_label(office) if office else "the province (province-wide)")
        owner = session.scalar(select(Procedure).where(
            Procedure.code == diagram.code,
            Procedure.agency_id == office.id if office else Procedure.agency_id.is_(None)))
        created = owner is None
        if owner is None:
            owner = Procedure(agency_id=office.id if office else None, code=diagram.code,
                              title=diagram.title, created_at=now)
            session.add(owner)
            try:
                session.flush()
            except IntegrityError:  # the same code uploaded at the same moment
                raise Conflict(f"{diagram.code} was created by someone else meanwhile; upload "
                               "the file again to make it a draft of that procedure") from None
        else:
            owner = lock_procedure(session, owner.id)
            _refuse_open(session, owner)
        revision = _next_revision(session, owner, diagram.info.document.revision)
        version = _add(ctx, session, owner, _numbered(xml, revision, label), diagram.bpmn_id,
                       revision, user)
        version_event(ctx, session, EventKind.VERSION_DRAFTED, owner, version, user,
                      source="upload", file=label, new_procedure=created,
                      content_hash=version.content_hash)
        view = view_of(ctx, session, owner, version, user)
    return _with_findings(view)


def new_draft(ctx: ServiceContext, procedure_code: str, actor: str, *,
              agency: str | None = None) -> VersionView:
    """A draft of the next revision, copied from the newest published one."""
    with transaction(ctx) as session:
        user = find_user(session, actor)
        owner = lock_procedure(session, find_procedure(session, procedure_code, agency).id)
        office = session.get(Agency, owner.agency_id) if owner.agency_id else None
        may_create(session, ctx.settings, user, owner.agency_id,
                   agency_label(office) if office else "the province (province-wide)")
        _refuse_open(session, owner)
        source = session.scalar(select(ProcedureVersion).where(
            ProcedureVersion.procedure_id == owner.id,
            ProcedureVersion.status == VersionStatus.PUBLISHED)
            .order_by(ProcedureVersion.revision.desc()).limit(1))
        if source is None:
            raise UnknownProcedure(f"{owner.code} has no published revision to start from; "
                                   "upload a diagram as a new draft instead")
        revision = _next_revision(session, owner, source.revision)
        xml = _numbered(source.bpmn_xml.encode("utf-8"), revision, version_label(owner, source))
        version = _add(ctx, session, owner, xml, source.process_id, revision, user)
        version_event(ctx, session, EventKind.VERSION_DRAFTED, owner, version, user,
                      source="copy", from_version=source.id, from_revision=source.revision,
                      content_hash=version.content_hash)
        view = view_of(ctx, session, owner, version, user)
    return _with_findings(view)


def save_draft(ctx: ServiceContext, version_id: int, xml: bytes, actor: str, *,
               expected_lock: int) -> VersionView:
    """Replace a draft's diagram. ``expected_lock`` is the ``lock_version`` of the copy the
    change was made on: if someone saved since, :class:`Conflict` and nothing is written. The
    same bytes again change nothing."""
    label = f"version {version_id}"
    diagram = read_upload(xml, label)
    now = ctx.now()
    with transaction(ctx) as session:
        user, owner, version = begin(ctx, session, version_id, actor, "save")
        check_lock(session, owner, version, expected_lock, "make your change again")
        if diagram.code != owner.code:
            raise InvalidRequest(f"the diagram's document code is {diagram.code}, but this is a "
                                 f"draft of {owner.code}; keep the code (upload it as a new "
                                 "procedure to start another one)")
        numbered = _numbered(xml, version.revision, label)
        if xml_hash(numbered) != version.content_hash:
            version.bpmn_xml = numbered.decode("utf-8")
            version.content_hash = xml_hash(numbered)
            version.process_id = diagram.bpmn_id
            version.saved_by, version.saved_at = user.id, now
            session.flush()
            version_event(ctx, session, EventKind.VERSION_SAVED, owner, version, user,
                          content_hash=version.content_hash, lock=version.lock_version)
        view = view_of(ctx, session, owner, version, user)
    return _with_findings(view)


def submit_version(ctx: ServiceContext, version_id: int, actor: str) -> VersionView:
    """Send a draft for review: refused while the validator (``recommended``) finds errors,
    or while the engine cannot run the diagram."""
    with ctx.db.read() as session:
        user = find_user(session, actor)
        owner, version = load_version(session, version_id)
        require(session, ctx.settings, user, "submit", owner, version)
        label, xml, lock = version_label(owner, version), version.bpmn_xml, version.lock_version
    data = xml.encode("utf-8")
    errors = blocking_findings(data, label)
    if errors:
        shown = "; ".join(f.describe() for f in errors[:SHOWN_FINDINGS])
        more = f"; … and {len(errors) - SHOWN_FINDINGS} more" \
            if len(errors) > SHOWN_FINDINGS else ""
        raise InvalidRequest(f"cannot submit {label}: the validator (preset recommended) finds "
                             f"{len(errors)} error(s); fix them in the draft first: {shown}{more}")
    try:
        load_spec(data, name=label)
    except (ModelError, SpecError) as exc:
        raise ProcedureInvalid(f"cannot submit {label}: the engine cannot run it: {exc}") from None
    now = ctx.now()
    with transaction(ctx) as session:
        user, owner, version = begin(ctx, session, version_id, actor, "submit")
        check_lock(session, owner, version, lock, "submit it again")
        version.status = VersionStatus.SUBMITTED
        version.submitted_by, version.submitted_at = user.id, now
        version.reviewed_by = version.reviewed_at = None
        version_event(ctx, session, EventKind.VERSION_SUBMITTED, owner, version, user,
                      content_hash=version.content_hash)
        return view_of(ctx, session, owner, version, user)


def discard_draft(ctx: ServiceContext, version_id: int, actor: str) -> None:
    """Delete a draft (its review comments with it; the audit events keep them), so that
    another version of the procedure can be started."""
    with transaction(ctx) as session:
        user, owner, version = begin(ctx, session, version_id, actor, "discard")
        version_event(ctx, session, EventKind.VERSION_DISCARDED, owner, version, user,
                      content_hash=version.content_hash)
        session.execute(delete(VersionReview).where(VersionReview.version_id == version.id))
        session.delete(version)


# --- helpers ----------------------------------------------------------------------------------


def _refuse_open(session, procedure: Procedure) -> None:
    pending = open_version(session, procedure)
    if pending is not None:
        raise InvalidRequest(
            f"{procedure.code} already has a version on its way: "
            f"{version_label(procedure, pending)} is {pending.status} (drafted by "
            f"{who_when(session, pending.created_by, None)}); finish it, or discard the draft, "
            "before starting another")


def _next_revision(session, procedure: Procedure, own: int | None) -> int:
    newest = session.scalar(select(ProcedureVersion.revision)
                            .where(ProcedureVersion.procedure_id == procedure.id)
                            .order_by(ProcedureVersion.revision.desc()).limit(1))
    return newest + 1 if newest is not None else max(own or 1, 1)


def _numbered(xml: bytes, revision: int, label: str) -> bytes:
    try:
        return set_revision(xml, revision, name=label)
    except ModelError as exc:
        raise ProcedureInvalid(str(exc)) from None


def _add(ctx: ServiceContext, session, procedure: Procedure, xml: bytes, process_id: str,
         revision: int, user) -> ProcedureVersion:
    now = ctx.now()
    version = ProcedureVersion(procedure_id=procedure.id, revision=revision,
                               status=VersionStatus.DRAFT, bpmn_xml=xml.decode("utf-8"),
                               content_hash=xml_hash(xml), process_id=process_id,
                               created_by=user.id, created_at=now, saved_by=user.id,
                               saved_at=now)
    session.add(version)
    session.flush()
    return version


def _with_findings(view: VersionView) -> VersionView:
    return replace(view, findings=finding_views(lint_findings(view.xml.encode("utf-8")),
                                                draft=True))
