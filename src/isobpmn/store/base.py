"""The declarative base and the column types every table shares.

- :class:`UTCDateTime` stores every moment in UTC and always hands back an *aware* datetime in
  UTC, on SQLite (which has no time-zone type) as on PostgreSQL (``timestamptz``). Naive
  datetimes are refused: a moment without a zone is ambiguous, and the services' clock is
  always aware.
- :data:`JSONDoc` is JSON text on SQLite and ``jsonb`` on PostgreSQL; ``None`` is SQL NULL.
- :data:`BigId` is a 64-bit key on PostgreSQL that stays SQLite's ``INTEGER PRIMARY KEY``
  (the rowid alias) so autoincrement works there.
- :data:`NAMING` names every constraint and index, so migrations can refer to them and
  ``compare_metadata`` sees the same names on both backends.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, DateTime, Integer, MetaData
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JSONDoc = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")
BigId = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> datetime:
    """Now, aware, in UTC: the default of ``created_at`` columns (services pass their clock)."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """An aware datetime stored in UTC; read back aware in UTC on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()}: the store needs an aware "
                             "datetime (attach the agency's zone or UTC)")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def one_of(column: str, values: Any) -> CheckConstraint:
    """``CHECK (column IN (...))`` named ``ck_<table>_<column>``, from a StrEnum or strings."""
    quoted = ", ".join(f"'{str(v)}'" for v in values)
    return CheckConstraint(f"{column} IN ({quoted})", name=column)


class Base(DeclarativeBase):
    """Base of every mapped class; its metadata carries :data:`NAMING`."""

    metadata = MetaData(naming_convention=NAMING)
