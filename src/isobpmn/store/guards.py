"""ORM guards: the event log only grows, and a version's diagram is frozen once it leaves draft.

A version's content may change while it is a draft, and in the one flush that moves it from
``reviewed`` to ``approved``: approval is when the system writes the issue date, the revision
row and the sign-offs into the diagram (docs/lifecycle.md). Any other change is refused.

These listeners refuse the change before any SQL is sent, on every backend. They cannot stop
raw SQL: on PostgreSQL the initial migration adds triggers that refuse the same changes in the
database itself; on SQLite the ORM guard is the only barrier, and ``isobpmn audit verify``
detects an event edited behind the store's back (its hash chain breaks).

Installed when :mod:`isobpmn.store.models` is imported through :mod:`isobpmn.store`.
"""

from __future__ import annotations

from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState, Session

from .choices import VersionStatus
from .errors import AppendOnlyError, ImmutableVersionError
from .models import Event, ProcedureVersion

#: Columns of a procedure version that make up its content; frozen after draft.
FROZEN_VERSION_COLUMNS = ("procedure_id", "revision", "bpmn_xml", "content_hash", "process_id")


@event.listens_for(Event, "before_update")
def _refuse_event_update(mapper, connection, target: Event) -> None:
    raise AppendOnlyError(f"event {target.id} ({target.chain_key} #{target.seq}) cannot be "
                          "changed: the audit log is append-only; record a new event instead")


@event.listens_for(Event, "before_delete")
def _refuse_event_delete(mapper, connection, target: Event) -> None:
    raise AppendOnlyError(f"event {target.id} ({target.chain_key} #{target.seq}) cannot be "
                          "deleted: the audit log is append-only")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_event_changes(state: ORMExecuteState) -> None:
    """``session.execute(update(Event)...)`` bypasses the mapper events above; refuse it here."""
    if (state.is_update or state.is_delete) and state.bind_mapper is inspect(Event):
        raise AppendOnlyError("events cannot be updated or deleted in bulk: the audit log is "
                              "append-only")


def _status_before(target: ProcedureVersion) -> str:
    """The status as it was loaded, so a draft may still be edited in the flush that publishes it."""
    history = inspect(target).attrs.status.history
    return history.deleted[0] if history.deleted else target.status


def content_may_change(before: str, after: str) -> bool:
    """Whether a version's diagram may change in a flush that moves its status ``before`` →
    ``after``: in a draft, and when the reviewed version is approved."""
    return before == VersionStatus.DRAFT or (before == VersionStatus.REVIEWED
                                             and after == VersionStatus.APPROVED)


@event.listens_for(ProcedureVersion, "before_update")
def _refuse_frozen_version_change(mapper, connection, target: ProcedureVersion) -> None:
    status = _status_before(target)
    if content_may_change(status, target.status):
        return
    attrs = inspect(target).attrs
    changed = [name for name in FROZEN_VERSION_COLUMNS if attrs[name].history.has_changes()]
    if changed:
        raise ImmutableVersionError(
            f"procedure version {target.id} (revision {target.revision}) is {status}: "
            f"{', '.join(changed)} cannot change; create a new revision instead")


@event.listens_for(ProcedureVersion, "before_delete")
def _refuse_frozen_version_delete(mapper, connection, target: ProcedureVersion) -> None:
    status = _status_before(target)
    if status != VersionStatus.DRAFT:
        raise ImmutableVersionError(f"procedure version {target.id} (revision "
                                    f"{target.revision}) is {status} and cannot be deleted; "
                                    "retire it instead")
