"""Errors the store raises, each with a message an operator can act on."""

from __future__ import annotations


class StoreError(Exception):
    """Base class of every error raised by :mod:`isobpmn.store`."""


class DatabaseConfigError(StoreError):
    """The database URL or data directory cannot be used (unknown backend, bad path)."""


class ConcurrentUpdateError(StoreError):
    """Someone else changed the row since it was read (optimistic lock); reload and retry.

    Raised by :meth:`Database.write` in place of SQLAlchemy's ``StaleDataError``, which stays
    available as ``__cause__``.
    """


class AppendOnlyError(StoreError):
    """An attempt to update or delete an audit event: the event log only grows."""


class ImmutableVersionError(StoreError):
    """An attempt to change the diagram of a procedure version that has left the draft state."""


class DatabaseUnavailableError(StoreError):
    """The database cannot be reached or opened (server down, wrong credentials, bad file)."""


class MigrationError(StoreError):
    """A schema migration cannot run: unknown revision, or a database ahead of this release."""
