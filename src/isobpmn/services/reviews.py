"""Review, approval, publication and retirement of a procedure version (ISO 9001 7.5.2–7.5.3).

- **Review** records a comment with a verdict: ``ok`` passes a submitted version on
  (``reviewed``), ``changes`` sends it back to ``draft``; a leader may also send back a reviewed
  version instead of approving it.
- **Approval** by a leader is when the system writes the document control into the diagram
  (:func:`isobpmn.model.edit.stamp_approval`): the issue date (today in Vietnam), the
  revision-history row with the review comments as its description, and the sign-off grid —
  drafted by the author, reviewed by the reviewer, approved by the approver, with names and
  dates. Everything else in the file stays byte for byte.
- **Publication** puts the approved version in force: new dossiers take it, the previous
  published version is retired, running dossiers finish on theirs.
- **Retirement** takes a published version out of force (no new dossiers), or drops an
  approved one that will not be published.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from isobpmn.engine import SpecError, load_spec, xml_hash
from isobpmn.model import ModelError
from isobpmn.model.edit import NewSignOff, stamp_approval
from isobpmn.store import (
    Agency,
    ProcedureVersion,
    ReviewVerdict,
    User,
    VersionReview,
    VersionStatus,
)

from .access import find_user
from .casework import transaction
from .context import ServiceContext
from .errors import InvalidRequest, ProcedureInvalid
from .kinds import EventKind
from .version_views import VersionView, load_version, view_of
from .versions import begin, require, version_event, version_label
from .views import local

__all__ = ["approve_version", "publish_version", "retire_version", "review_version",
           "revision_description"]

#: The longest review comment kept (the revision row quotes them).
MAX_COMMENT = 2000


def review_version(ctx: ServiceContext, version_id: int, actor: str, *, comment: str,
                   verdict: str) -> VersionView:
    """A review comment on a submitted version: ``verdict`` ``ok`` (→ reviewed) or
    ``changes`` (→ draft, the comment saying what to change). Not by the author."""
    if verdict not in {v.value for v in ReviewVerdict}:
        raise InvalidRequest(f"unknown verdict {verdict!r}; use ok (fit for approval) or "
                             "changes (back to the author)")
    comment = (comment or "").strip()
    if verdict == ReviewVerdict.CHANGES and not comment:
        raise InvalidRequest("a review asking for changes needs a comment saying what to change")
    if len(comment) > MAX_COMMENT:
        raise InvalidRequest(f"the comment has {len(comment)} characters; keep it under "
                             f"{MAX_COMMENT}")
    now = ctx.now()
    with transaction(ctx) as session:
        user, owner, version = begin(ctx, session, version_id, actor, "review")
        if version.status == VersionStatus.REVIEWED and verdict == ReviewVerdict.OK:
            raise InvalidRequest(f"{version_label(owner, version)} is reviewed already; approve "
                                 "it, or send it back with the verdict changes")
        session.add(VersionReview(version_id=version.id, user_id=user.id, verdict=verdict,
                                  comment=comment, at=now))
        before = version.status
        if verdict == ReviewVerdict.OK:
            version.status = VersionStatus.REVIEWED
            version.reviewed_by, version.reviewed_at = user.id, now
        else:
            version.status = VersionStatus.DRAFT
            version.reviewed_by = version.reviewed_at = None
        session.flush()
        version_event(ctx, session, EventKind.VERSION_REVIEWED, owner, version, user,
                      verdict=verdict, comment=comment, status_before=before)
        return view_of(ctx, session, owner, version, user)


def approve_version(ctx: ServiceContext, version_id: int, actor: str) -> VersionView:
    """Approve a reviewed version (a leader, not its author) and write its document control:
    issue date, revision row, sign-offs (module docstring)."""
    now = ctx.now()
    today = local(now).date()
    with transaction(ctx) as session:
        user, owner, version = begin(ctx, session, version_id, actor, "approve")
        reviews = list(session.scalars(select(VersionReview)
                                       .where(VersionReview.version_id == version.id)
                                       .order_by(VersionReview.id)))
        published = session.scalar(select(ProcedureVersion.id).where(
            ProcedureVersion.procedure_id == owner.id,
            ProcedureVersion.status.in_((VersionStatus.PUBLISHED, VersionStatus.RETIRED))))
        description = revision_description([r.comment for r in reviews],
                                           first=published is None)
        sign_offs = [entry for entry in (
            _sign_off(session, "drafted", version.created_by, version.submitted_at),
            _sign_off(session, "reviewed", version.reviewed_by, version.reviewed_at),
            NewSignOff("approved", user.full_name, date=today)) if entry is not None]
        label = version_label(owner, version)
        try:
            xml = stamp_approval(version.bpmn_xml.encode("utf-8"), revision=version.revision,
                                 issued=today, description=description, sign_offs=sign_offs,
                                 name=label)
        except ModelError as exc:
            raise ProcedureInvalid(f"cannot approve {label}: {exc}") from None
        version.bpmn_xml, version.content_hash = xml.decode("utf-8"), xml_hash(xml)
        version.status = VersionStatus.APPROVED
        version.approved_by, version.approved_at = user.id, now
        session.flush()
        version_event(ctx, session, EventKind.VERSION_APPROVED, owner, version, user,
                      issued=today.isoformat(), description=description,
                      sign_offs=[{"role": s.role, "name": s.name,
                                  "date": s.date.isoformat() if s.date else None}
                                 for s in sign_offs],
                      content_hash=version.content_hash)
        return view_of(ctx, session, owner, version, user)


def publish_version(ctx: ServiceContext, version_id: int, actor: str) -> VersionView:
    """Put an approved version in force: new dossiers take it; the version published before
    is retired (its running dossiers finish on it)."""
    with ctx.db.read() as session:
        user = find_user(session, actor)
        owner, version = load_version(session, version_id)
        require(session, ctx.settings, user, "publish", owner, version)
        label, xml = version_label(owner, version), version.bpmn_xml.encode("utf-8")
    try:
        spec = load_spec(xml, name=label)  # parsed once per process, by content hash
    except (ModelError, SpecError) as exc:
        raise ProcedureInvalid(f"cannot publish {label}: the engine cannot run it: {exc}") \
            from None
    now = ctx.now()
    with transaction(ctx) as session:
        user, owner, version = begin(ctx, session, version_id, actor, "publish")
        retired = []
        for old in session.scalars(select(ProcedureVersion).where(
                ProcedureVersion.procedure_id == owner.id,
                ProcedureVersion.status == VersionStatus.PUBLISHED)):
            old.status, old.retired_at = VersionStatus.RETIRED, now
            retired.append(old.id)
        version.status, version.published_at = VersionStatus.PUBLISHED, now
        owner.title = spec.procedure.title
        session.flush()
        office = session.get(Agency, owner.agency_id) if owner.agency_id else None
        version_event(ctx, session, EventKind.PROCEDURE_PUBLISHED, owner, version, user,
                      title=owner.title, content_hash=version.content_hash,
                      process_id=version.process_id, agency=office.code if office else None,
                      retired=retired)
        return view_of(ctx, session, owner, version, user)


def retire_version(ctx: ServiceContext, version_id: int, actor: str) -> VersionView:
    """Take a published version out of force (new dossiers can no longer be received on it;
    running ones finish), or drop an approved version that will not be published."""
    now = ctx.now()
    with transaction(ctx) as session:
        user, owner, version = begin(ctx, session, version_id, actor, "retire")
        before = version.status
        version.status, version.retired_at = VersionStatus.RETIRED, now
        session.flush()
        version_event(ctx, session, EventKind.VERSION_RETIRED, owner, version, user,
                      status_before=before)
        return view_of(ctx, session, owner, version, user)


def revision_description(comments: list[str], *, first: bool) -> str:
    """The revision row's description: the review comments, each once, in order; without
    any, the usual wording of a first issue or an amendment."""
    seen: list[str] = []
    for comment in comments:
        text = " ".join(comment.split())
        if text and text not in seen:
            seen.append(text)
    if seen:
        return "; ".join(seen)
    return "Ban hành lần đầu" if first else "Sửa đổi, bổ sung quy trình"


def _sign_off(session, role: str, user_id: int | None, moment) -> NewSignOff | None:
    user = session.get(User, user_id) if user_id else None
    if user is None:
        return None
    day: date | None = local(moment).date() if moment else None
    return NewSignOff(role, user.full_name, date=day)
