"""Procedure versions in the store: reading an upload, finding and locking versions, and who
may do what with them (docs/lifecycle.md).

A version moves draft → submitted → reviewed → approved → published → retired. The rules:

- **edit** (create, save, submit, discard a draft): an administrator, or a holder of a
  ``procedure_roles`` or ``leader_roles`` role in the procedure's agency (for a province-wide
  procedure: in any agency);
- **review**: the same people, but not the author (``created_by``);
- **approve**: a leader (``leader_roles``) of the agency — of any agency for a province-wide
  procedure — or an administrator, but not the author;
- **publish / retire**: a leader of the agency or an administrator (province-wide: an
  administrator), as :func:`~.publish.publish_procedure`.

Each check returns the reason it fails (``None``: allowed), so that one function both refuses
a call and lists the actions a page may offer.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from isobpmn.audit import append_event, hold_chain, procedure_chain
from isobpmn.model import ModelError, Procedure as Diagram, read_document
from isobpmn.model.reader import main_process
from isobpmn.store import Agency, Procedure, ProcedureVersion, User, VersionStatus
from isobpmn.textfmt import format_datetime

from .access import agency_label, find_agency, find_user, roles_of, user_label
from .context import ServiceContext, ServiceSettings
from .errors import Conflict, InvalidRequest, NotAllowed, ProcedureInvalid, UnknownProcedure
from .views import local

__all__ = ["ACTIONS", "OPEN", "begin", "check_lock", "find_procedure", "lock_procedure",
           "lock_version", "may", "may_create", "open_version", "read_upload", "require",
           "require_visible", "version_event", "version_label", "visible", "who_when"]

#: Statuses of a version still on its way to publication: one at a time per procedure.
OPEN = (VersionStatus.DRAFT, VersionStatus.SUBMITTED, VersionStatus.REVIEWED,
        VersionStatus.APPROVED)
#: What may be done to a version, by status.
ACTIONS = {
    VersionStatus.DRAFT: ("save", "submit", "discard"),
    VersionStatus.SUBMITTED: ("review",),
    VersionStatus.REVIEWED: ("review", "approve"),
    VersionStatus.APPROVED: ("publish", "retire"),
    VersionStatus.PUBLISHED: ("retire",),
    VersionStatus.RETIRED: (),
}
_DOING = {"save": "edit", "submit": "submit", "discard": "discard", "review": "review",
          "approve": "approve", "publish": "publish", "retire": "retire"}


def read_upload(xml: bytes, name: str) -> Diagram:
    """The procedure of an uploaded diagram. Lint errors are allowed (a draft may hold them);
    a file that is not UTF-8, cannot be read, or has no document code is refused."""
    try:
        xml.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProcedureInvalid(f"{name}: a diagram must be UTF-8 ({exc})") from None
    try:
        document = read_document(xml, name=name, strict=False)
        diagram = main_process(document)
    except ModelError as exc:
        raise ProcedureInvalid(str(exc)) from None
    if diagram.info is None or not diagram.code:
        iso = [p for p in document.problems if p.code == "iso"]
        if iso:  # the document control is there but wrong: say what is wrong with it
            raise ProcedureInvalid(str(ModelError(name, iso)))
        raise ProcedureInvalid(
            f"{name}: the process has no iso:procedure with a document code; add "
            '<iso:procedure kind="tthc"><iso:document code="QT-..." revision="1">'
            "<iso:title>…</iso:title></iso:document></iso:procedure> to its extensionElements")
    return diagram


def find_procedure(session: Session, code: str, agency: str | None) -> Procedure:
    """The procedure ``code`` of ``agency``; without one, the province-wide procedure of that
    code, else the only one (several: :class:`InvalidRequest` naming their agencies)."""
    query = select(Procedure).where(Procedure.code == code)
    if agency is not None:
        office = find_agency(session, agency)
        found = session.scalar(query.where(Procedure.agency_id == office.id))
        if found is None:
            raise UnknownProcedure(f"{agency_label(office)} has no procedure {code}")
        return found
    rows = session.scalars(query).all()
    province = [p for p in rows if p.agency_id is None]
    if province or len(rows) == 1:
        return (province or rows)[0]
    if not rows:
        raise UnknownProcedure(f"no procedure has the code {code}")
    codes = ", ".join(sorted(session.get(Agency, p.agency_id).code for p in rows))
    raise InvalidRequest(f"{code} exists for several agencies ({codes}); name the agency")


def lock_version(session: Session, version_id: int) -> tuple[Procedure, ProcedureVersion]:
    """The version and its procedure, both locked (procedure first: one writer per
    procedure, which also serialises its audit chain)."""
    procedure_id = session.scalar(select(ProcedureVersion.procedure_id)
                                  .where(ProcedureVersion.id == version_id))
    if procedure_id is None:
        raise UnknownProcedure(f"no procedure version with id {version_id}")
    procedure = lock_procedure(session, procedure_id)
    version = session.scalar(select(ProcedureVersion).where(ProcedureVersion.id == version_id)
                             .with_for_update().execution_options(populate_existing=True))
    return procedure, version


def lock_procedure(session: Session, procedure_id: int) -> Procedure:
    procedure = session.scalar(select(Procedure).where(Procedure.id == procedure_id)
                               .with_for_update().execution_options(populate_existing=True))
    hold_chain(session, procedure_chain(procedure_id))
    return procedure


def open_version(session: Session, procedure: Procedure) -> ProcedureVersion | None:
    return session.scalar(select(ProcedureVersion).where(
        ProcedureVersion.procedure_id == procedure.id, ProcedureVersion.status.in_(OPEN)))


def version_label(procedure: Procedure, version: ProcedureVersion) -> str:
    return f"revision {version.revision:02d} of {procedure.code} (version {version.id})"


def who_when(session: Session, user_id: int | None, moment) -> str:
    user = session.get(User, user_id) if user_id else None
    name = user_label(user) if user is not None else "the operator"
    return f"{name} at {format_datetime(local(moment))}" if moment else name


# --- who may do what --------------------------------------------------------------------------


def _holds(session: Session, user: User, agency_id: int | None, roles: Iterable[str]) -> bool:
    wanted = set(roles)
    return any(r.role_code in wanted for r in roles_of(session, user, agency_id))


def _where(session: Session, procedure: Procedure) -> str:
    if procedure.agency_id is None:
        return "any agency (a province-wide procedure)"
    return agency_label(session.get(Agency, procedure.agency_id))


def may(session: Session, settings: ServiceSettings, user: User | None, action: str,
        procedure: Procedure, version: ProcedureVersion) -> str | None:
    """Why ``user`` may not do ``action`` to ``version`` now (``None``: they may). ``None`` as
    the user is the operator running a command, who may do anything the status allows."""
    status = version.status
    if action not in ACTIONS[VersionStatus(status)]:
        return f"{version_label(procedure, version)} is {status}"
    return _role_reason(session, settings, user, action, procedure, version)


def _role_reason(session: Session, settings: ServiceSettings, user: User | None, action: str,
                 procedure: Procedure, version: ProcedureVersion) -> str | None:
    """Why ``user`` may not do ``action`` to ``version`` whatever its status (``None``: they
    may)."""
    if user is None:
        return None
    editors = (*settings.procedure_roles, *settings.leader_roles)
    agency_id = procedure.agency_id
    if action in ("publish", "retire"):
        if user.is_admin or (agency_id is not None
                             and _holds(session, user, agency_id, settings.leader_roles)):
            return None
        needed = ("an administrator" if agency_id is None else
                  f"the role {' or '.join(settings.leader_roles)} in {_where(session, procedure)}"
                  " (a leader) or an administrator")
        return f"{user_label(user)} cannot {action} it: it needs {needed}"
    roles = settings.leader_roles if action == "approve" else editors
    if not user.is_admin and not _holds(session, user, agency_id, roles):
        return (f"{user_label(user)} cannot {_DOING[action]} {procedure.code}: it needs the "
                f"role {' or '.join(roles)} in {_where(session, procedure)} or an administrator")
    if action in ("review", "approve") and version.created_by == user.id:
        return (f"{user_label(user)} drafted {version_label(procedure, version)} and cannot "
                f"{action} it too (ISO 9001 7.5.2: documents are reviewed and approved by "
                "someone other than their author)")
    return None


def require(session: Session, settings: ServiceSettings, user: User | None, action: str,
            procedure: Procedure, version: ProcedureVersion) -> None:
    """:class:`InvalidRequest` when the status does not allow ``action``, :class:`NotAllowed`
    when the user may not do it; a user who may not see the procedure (:func:`visible`) gets
    :class:`NotAllowed` first, whatever the status, which is not theirs to learn."""
    if user is not None and not visible(session, user, procedure):
        raise NotAllowed(_role_reason(session, settings, user, action, procedure, version)
                         or _unseen(session, user, procedure))
    reason = may(session, settings, user, action, procedure, version)
    if reason is None:
        return
    if action not in ACTIONS[VersionStatus(version.status)]:
        allowed = ", ".join(ACTIONS[VersionStatus(version.status)]) or "nothing"
        raise InvalidRequest(f"cannot {action} {version_label(procedure, version)}: it is "
                             f"{version.status} (allowed now: {allowed})")
    raise NotAllowed(reason)


def may_create(session: Session, settings: ServiceSettings, user: User | None,
               agency_id: int | None, agency_text: str) -> None:
    """:class:`NotAllowed` unless ``user`` may draft procedures for the agency."""
    if user is None or user.is_admin:
        return
    roles = (*settings.procedure_roles, *settings.leader_roles)
    if not _holds(session, user, agency_id, roles):
        raise NotAllowed(f"{user_label(user)} cannot draft procedures for {agency_text}: it "
                         f"needs the role {' or '.join(roles)} there, or an administrator")


def visible(session: Session, user: User | None, procedure: Procedure) -> bool:
    """Whether ``user`` may read the procedure: administrators and the operator all of them,
    others province-wide ones and those of agencies where they hold a role."""
    return (user is None or user.is_admin or procedure.agency_id is None
            or bool(roles_of(session, user, procedure.agency_id)))


def _unseen(session: Session, user: User, procedure: Procedure) -> str:
    return (f"{user_label(user)} cannot see {procedure.code}: it belongs to "
            f"{_where(session, procedure)}, where {user.username} holds no role")


def require_visible(session: Session, user: User | None, procedure: Procedure) -> None:
    if not visible(session, user, procedure):
        raise NotAllowed(_unseen(session, user, procedure))


def begin(ctx: ServiceContext, session: Session, version_id: int, actor: str, action: str
          ) -> tuple[User, Procedure, ProcedureVersion]:
    """The acting user and the version, locked, once checked that ``action`` may be done."""
    user = find_user(session, actor)
    procedure, version = lock_version(session, version_id)
    require(session, ctx.settings, user, action, procedure, version)
    return user, procedure, version


def check_lock(session: Session, procedure: Procedure, version: ProcedureVersion,
               expected: int, then: str) -> None:
    """:class:`Conflict` naming who saved the version since the copy at lock ``expected``."""
    if version.lock_version != expected:
        raise Conflict(f"{version_label(procedure, version)} was saved by "
                       f"{who_when(session, version.saved_by, version.saved_at)} meanwhile "
                       f"(your copy is at lock {expected}, the stored one at "
                       f"{version.lock_version}); reload it and {then}")


def version_event(ctx: ServiceContext, session: Session, kind: str, procedure: Procedure,
                  version: ProcedureVersion, user: User | None, **payload: Any) -> None:
    """The audit event of one transition, on the procedure's chain."""
    append_event(session, chain_key=procedure_chain(procedure.id), kind=kind, at=ctx.now(),
                 actor=user, actor_name=None if user else "operator",
                 payload={"code": procedure.code, "version": version.id,
                          "revision": version.revision, "status": version.status, **payload})
