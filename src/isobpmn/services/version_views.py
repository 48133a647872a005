"""The read side of the procedure lifecycle: the library list, one procedure's versions, one
version with what the reader may do next, and a version's file for export.

Results are dataclasses; people are :class:`Person` (user name and full name), moments aware
datetimes in Vietnam's zone. ``actor`` ``None`` is the operator running a command, who sees
everything; a user sees province-wide procedures and those of the agencies where they hold a
role (administrators: all).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from isobpmn.store import Agency, Procedure, ProcedureVersion, User, VersionReview, VersionStatus

from .access import find_user
from .context import ServiceContext
from .errors import UnknownProcedure
from .validation import FindingView, finding_views, lint_findings
from .versions import ACTIONS, OPEN, find_procedure, may, require_visible, visible
from .views import local

__all__ = ["ExportedVersion", "Person", "ProcedureDetail", "ProcedureSummary", "ReviewView",
           "VersionSummary", "VersionView", "export_version", "list_procedures",
           "procedure_detail", "version_view", "view_of"]


@dataclass(frozen=True)
class Person:
    username: str
    name: str


@dataclass(frozen=True)
class ReviewView:
    """One review comment: ``verdict`` ``ok`` (passed on) or ``changes`` (back to draft)."""

    reviewer: Person
    verdict: str
    comment: str
    at: datetime


@dataclass(frozen=True)
class VersionSummary:
    """One version of a procedure: status, who did what when, and its review comments.
    ``None`` for a person who is not recorded (the operator, or the step not reached)."""

    id: int
    revision: int
    status: str
    author: Person | None
    created_at: datetime
    saved_by: Person | None
    saved_at: datetime | None
    submitted_by: Person | None
    submitted_at: datetime | None
    reviewed_by: Person | None
    reviewed_at: datetime | None
    approved_by: Person | None
    approved_at: datetime | None
    published_at: datetime | None
    retired_at: datetime | None
    reviews: tuple[ReviewView, ...]


@dataclass(frozen=True)
class VersionView(VersionSummary):
    """A version with its diagram, for the modeler and the review page. ``lock_version`` goes
    back with the next save (``expected_lock``); ``actions`` are what this reader may do now
    (``save``, ``submit``, ``discard``, ``review``, ``approve``, ``publish``, ``retire``);
    ``findings`` are the validator's (``recommended`` preset) for a draft."""

    procedure_id: int = 0
    code: str = ""
    title: str = ""
    agency_code: str | None = None
    xml: str = ""
    lock_version: int = 0
    content_hash: str = ""
    actions: tuple[str, ...] = ()
    findings: tuple[FindingView, ...] = ()


@dataclass(frozen=True)
class ProcedureSummary:
    """One line of the procedure library."""

    procedure_id: int
    code: str
    title: str
    agency_code: str | None
    agency_name: str | None
    published_revision: int | None
    published_version_id: int | None
    open_version_id: int | None
    open_revision: int | None
    open_status: str | None


@dataclass(frozen=True)
class ProcedureDetail:
    """A procedure with all its versions, newest first."""

    procedure_id: int
    code: str
    title: str
    agency_code: str | None
    agency_name: str | None
    versions: tuple[VersionSummary, ...]


@dataclass(frozen=True)
class ExportedVersion:
    code: str
    revision: int
    status: str
    agency_code: str | None
    xml: bytes
    file_name: str


def _people(session: Session, ids) -> dict[int, Person]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(User.id, User.username, User.full_name)
                           .where(User.id.in_(wanted))).all()
    return {row.id: Person(row.username, row.full_name) for row in rows}


def _reviews(session: Session, version_ids) -> dict[int, list[VersionReview]]:
    out: dict[int, list[VersionReview]] = {}
    for review in session.scalars(select(VersionReview).where(
            VersionReview.version_id.in_(list(version_ids))).order_by(VersionReview.id)):
        out.setdefault(review.version_id, []).append(review)
    return out


def _summaries(session: Session, versions: list[ProcedureVersion]
               ) -> dict[int, dict[str, object]]:
    """The fields of :class:`VersionSummary` for each version (two queries for all)."""
    reviews = _reviews(session, [v.id for v in versions])
    people = _people(session, [
        *(getattr(v, f) for v in versions for f in ("created_by", "saved_by", "submitted_by",
                                                      "reviewed_by", "approved_by")),
        *(r.user_id for rows in reviews.values() for r in rows)])
    return {v.id: {
        "id": v.id, "revision": v.revision, "status": v.status,
        "author": people.get(v.created_by), "created_at": local(v.created_at),
        "saved_by": people.get(v.saved_by), "saved_at": local(v.saved_at),
        "submitted_by": people.get(v.submitted_by), "submitted_at": local(v.submitted_at),
        "reviewed_by": people.get(v.reviewed_by), "reviewed_at": local(v.reviewed_at),
        "approved_by": people.get(v.approved_by), "approved_at": local(v.approved_at),
        "published_at": local(v.published_at), "retired_at": local(v.retired_at),
        "reviews": tuple(ReviewView(people[r.user_id], r.verdict, r.comment, local(r.at))
                         for r in reviews.get(v.id, ())),
    } for v in versions}


def view_of(ctx: ServiceContext, session: Session, procedure: Procedure,
            version: ProcedureVersion, user: User | None,
            findings: tuple[FindingView, ...] = ()) -> VersionView:
    """The :class:`VersionView` of a version as ``user`` sees it (inside a transaction)."""
    agency = session.get(Agency, procedure.agency_id) if procedure.agency_id else None
    actions = tuple(a for a in ACTIONS[VersionStatus(version.status)]
                    if may(session, ctx.settings, user, a, procedure, version) is None)
    return VersionView(**_summaries(session, [version])[version.id],
                       procedure_id=procedure.id, code=procedure.code, title=procedure.title,
                       agency_code=agency.code if agency else None, xml=version.bpmn_xml,
                       lock_version=version.lock_version, content_hash=version.content_hash,
                       actions=actions, findings=findings)


def _actor(session: Session, actor: str | None) -> User | None:
    return find_user(session, actor) if actor is not None else None


def list_procedures(ctx: ServiceContext, actor: str | None) -> list[ProcedureSummary]:
    """The procedures ``actor`` may see, by agency and code: the published revision in force
    and the version on its way (its status), if any."""
    with ctx.db.read() as session:
        user = _actor(session, actor)
        agencies = {a.id: a for a in session.scalars(select(Agency))}
        procedures = [p for p in session.scalars(select(Procedure)) if visible(session, user, p)]
        rows = session.execute(select(ProcedureVersion.procedure_id, ProcedureVersion.id,
                                      ProcedureVersion.revision, ProcedureVersion.status)
                               .where(ProcedureVersion.status.in_((VersionStatus.PUBLISHED,
                                                                   *OPEN)))).all()
        published, pending = {}, {}
        for row in rows:
            target = published if row.status == VersionStatus.PUBLISHED else pending
            if row.procedure_id not in target or row.revision > target[row.procedure_id].revision:
                target[row.procedure_id] = row
        out = []
        for p in procedures:
            agency = agencies.get(p.agency_id)
            live, draft = published.get(p.id), pending.get(p.id)
            out.append(ProcedureSummary(
                p.id, p.code, p.title, agency.code if agency else None,
                agency.name if agency else None, live.revision if live else None,
                live.id if live else None, draft.id if draft else None,
                draft.revision if draft else None, draft.status if draft else None))
        return sorted(out, key=lambda s: (s.agency_code or "", s.code))


def procedure_detail(ctx: ServiceContext, code: str, actor: str | None, *,
                     agency: str | None = None) -> ProcedureDetail:
    """One procedure (``agency``: whose; default the province-wide or only one) with every
    version, newest first."""
    with ctx.db.read() as session:
        user = _actor(session, actor)
        procedure = find_procedure(session, code, agency)
        require_visible(session, user, procedure)
        office = session.get(Agency, procedure.agency_id) if procedure.agency_id else None
        versions = list(session.scalars(select(ProcedureVersion)
                                        .where(ProcedureVersion.procedure_id == procedure.id)
                                        .order_by(ProcedureVersion.revision.desc())))
        fields = _summaries(session, versions)
        return ProcedureDetail(procedure.id, procedure.code, procedure.title,
                               office.code if office else None, office.name if office else None,
                               tuple(VersionSummary(**fields[v.id]) for v in versions))


def load_version(session: Session, version_id: int) -> tuple[Procedure, ProcedureVersion]:
    version = session.get(ProcedureVersion, version_id)
    if version is None:
        raise UnknownProcedure(f"no procedure version with id {version_id}")
    return session.get(Procedure, version.procedure_id), version


def version_view(ctx: ServiceContext, version_id: int, actor: str | None) -> VersionView:
    """One version with its diagram, lock, reviews and the actions ``actor`` may take; a
    draft comes with the validator's findings."""
    with ctx.db.read() as session:
        user = _actor(session, actor)
        procedure, version = load_version(session, version_id)
        require_visible(session, user, procedure)
        findings = ()
        if version.status == VersionStatus.DRAFT:
            findings = finding_views(lint_findings(version.bpmn_xml.encode("utf-8")),
                                     draft=True)
        return view_of(ctx, session, procedure, version, user, findings)


def export_version(ctx: ServiceContext, code: str, *, agency: str | None = None,
                   revision: int | None = None, actor: str | None = None) -> ExportedVersion:
    """The diagram of a procedure's published revision in force, or of ``revision`` (any
    status), as the bytes stored."""
    with ctx.db.read() as session:
        user = _actor(session, actor)
        procedure = find_procedure(session, code, agency)
        require_visible(session, user, procedure)
        query = select(ProcedureVersion).where(ProcedureVersion.procedure_id == procedure.id)
        if revision is None:
            query = query.where(ProcedureVersion.status == VersionStatus.PUBLISHED)
        else:
            query = query.where(ProcedureVersion.revision == revision)
        version = session.scalar(query.order_by(ProcedureVersion.revision.desc()).limit(1))
        if version is None:
            what = f"revision {revision}" if revision is not None else "published revision"
            raise UnknownProcedure(f"{code} has no {what}")
        office = session.get(Agency, procedure.agency_id) if procedure.agency_id else None
        return ExportedVersion(procedure.code, version.revision, version.status,
                               office.code if office else None,
                               version.bpmn_xml.encode("utf-8"),
                               f"{procedure.code}-{version.revision:02d}.bpmn")
