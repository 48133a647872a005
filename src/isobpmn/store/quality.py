"""The quality system's records: yearly quality objectives and nonconformities.

ISO 9001 asks an agency to set measurable quality objectives (6.2) and evaluate them (9.1),
to review them at leadership level (9.3), and to trace every nonconformity to its cause and
correct it (10.2). These two tables keep those records; the measured values themselves are
computed from ``cases`` and ``ratings`` when asked (docs/quality.md), never stored.

Kept apart from :mod:`.models` (which imports it, so ``Base.metadata`` always holds both) to
keep one concept per module; the conventions are the same (``one_of`` CHECKs, every foreign
key leading an index, moments as :class:`UTCDateTime`).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, one_of, utcnow
from .choices import Comparison, NonconformitySource, NonconformityStatus, ObjectiveMetric

__all__ = ["Nonconformity", "QualityObjective"]


class QualityObjective(Base):
    """One measurable objective of an agency for a year (mục tiêu chất lượng): a metric, how
    it is compared and the target, e.g. on-time rate at least 98 %."""

    __tablename__ = "quality_objectives"
    __table_args__ = (
        UniqueConstraint("agency_id", "year", "metric"),
        one_of("metric", ObjectiveMetric),
        one_of("comparison", Comparison),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year"),
        CheckConstraint("target >= 0", name="target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    year: Mapped[int] = mapped_column(Integer)
    metric: Mapped[str] = mapped_column(String(30))
    comparison: Mapped[str] = mapped_column(String(20))
    #: In the metric's unit: a percentage for rates and shares, a score 1–5 for ratings.
    target: Mapped[Decimal] = mapped_column(Numeric(9, 2))
    title: Mapped[str] = mapped_column(String(500))
    set_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Nonconformity(Base):
    """A nonconformity (sự không phù hợp) and its corrective action, ISO 9001 10.2.

    ``source`` ``late_case`` rows are opened by the system when a dossier is resolved late,
    linked to the dossier and the late step (``task_id``, ``step_bpmn_id``, ``step_name``);
    ``manual`` and ``audit`` rows are reported by people. The status moves open →
    action_planned (cause recorded, action, owner and due date set) → implemented → closed
    (verified effective by someone other than the owner).
    """

    __tablename__ = "nonconformities"
    __table_args__ = (
        one_of("source", NonconformitySource),
        one_of("status", NonconformityStatus),
        Index("ix_nonconformities_agency_id_status", "agency_id", "status"),
        Index("ix_nonconformities_agency_id_opened_at", "agency_id", "opened_at"),
        Index("ix_nonconformities_owner_id_status", "owner_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"), index=True)
    step_bpmn_id: Mapped[str | None] = mapped_column(String(255))
    step_name: Mapped[str | None] = mapped_column(String(500))
    source: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=NonconformityStatus.OPEN)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Who reported it; NULL when the system opened it (a late dossier).
    opened_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    cause: Mapped[str | None] = mapped_column(Text)
    action: Mapped[str | None] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due_on: Mapped[date | None] = mapped_column(Date)
    planned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    implemented_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: What the owner did, written when marking the action implemented.
    implementation: Mapped[str | None] = mapped_column(Text)
    verification: Mapped[str | None] = mapped_column(Text)
    verified_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
