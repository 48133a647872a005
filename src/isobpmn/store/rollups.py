"""The reports' pre-aggregates: the projections summed per local day and per month.

A province's dashboard over a quarter would otherwise count and measure hundreds of
thousands of dossiers and steps on every visit. The reports (:mod:`isobpmn.reports.rollup`)
instead sum, once per day that is over, what happened that day, per agency and procedure
version (``report_cases``), per step (``report_steps``) and per official
(``report_officials``); a month's rows are the sums of its days. Each finished dossier's
office time keeps a row of its own (``report_case_times``), for percentiles.

Days are local day numbers (days since 1970-01-01 in the agencies' zone); ``span`` says
whether a row covers one day or the month starting that day. Everything here is derived:
the rows can be deleted and rebuilt from ``cases``, ``tasks`` and ``case_pauses`` at any time,
so the tables carry no foreign keys.

``report_rollup`` keeps the one watermark: days before ``rolled_until`` are summed, the
reports read the rest from the projections. The facts summed are receipts
(``cases.received_at``), endings (``cases.resolved_at``) and step completions
(``tasks.completed_at``); one written through the ORM with a moment more than a few minutes
old (a receipt entered after the fact, or a clock set in the past) lowers the watermark to its
day in the same transaction (listeners below), and the next roll-up sums those days again.
The roll-up itself only sums days that ended :data:`SETTLE` ago, so a fact stamped "now" never
lands on a summed day.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import Float, Index, Integer, PrimaryKeyConstraint, String, event, inspect, text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, one_of, utcnow
from .choices import RollupSpan

__all__ = ["ReportCaseTime", "ReportCases", "ReportOfficials", "ReportRollup", "ReportSteps",
           "lower_watermark"]

NAME = String(255)


class ReportRollup(Base):
    """The watermark of the pre-aggregates: one row (``id`` 1) once anything was summed."""

    __tablename__ = "report_rollup"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Days (local day numbers) before this one are summed in the report tables.
    rolled_until: Mapped[int] = mapped_column(Integer)
    #: The agencies' offset from UTC (seconds) that turned moments into local days.
    utc_offset: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReportCases(Base):
    """Dossiers of an agency and procedure version received or ended on a day (or a month)."""

    __tablename__ = "report_cases"
    __table_args__ = (
        PrimaryKeyConstraint("span", "agency_id", "day", "procedure_version_id"),
        Index("ix_report_cases_day", "day"),
        one_of("span", RollupSpan),
    )

    span: Mapped[str] = mapped_column(String(10))
    day: Mapped[int] = mapped_column(Integer)
    agency_id: Mapped[int] = mapped_column(Integer)
    procedure_version_id: Mapped[int] = mapped_column(Integer)
    #: Received that day, and of those by channel.
    received: Mapped[int] = mapped_column(Integer, default=0)
    online: Mapped[int] = mapped_column(Integer, default=0)
    in_person: Mapped[int] = mapped_column(Integer, default=0)
    post: Mapped[int] = mapped_column(Integer, default=0)
    #: Ended that day (any way), of those resolved (by outcome), refused, withdrawn.
    ended: Mapped[int] = mapped_column(Integer, default=0)
    resolved: Mapped[int] = mapped_column(Integer, default=0)
    early: Mapped[int] = mapped_column(Integer, default=0)
    on_time: Mapped[int] = mapped_column(Integer, default=0)
    late: Mapped[int] = mapped_column(Integer, default=0)
    refused: Mapped[int] = mapped_column(Integer, default=0)
    withdrawn: Mapped[int] = mapped_column(Integer, default=0)
    #: Office time (seconds) from clock start to resolution of the resolved ones, and how
    #: many were measured; the same for the allowance (clock start to the appointment).
    used_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    used_count: Mapped[int] = mapped_column(Integer, default=0)
    allowed_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    allowed_count: Mapped[int] = mapped_column(Integer, default=0)


class ReportCaseTime(Base):
    """A dossier resolved on a summed day and its office time, for the percentiles."""

    __tablename__ = "report_case_times"
    __table_args__ = (
        PrimaryKeyConstraint("case_id"),
        Index("ix_report_case_times_agency_id_day", "agency_id", "day",
              postgresql_include=["procedure_version_id", "used_seconds"]),
        Index("ix_report_case_times_day", "day"),
    )

    case_id: Mapped[int] = mapped_column(Integer, autoincrement=False)
    day: Mapped[int] = mapped_column(Integer)
    agency_id: Mapped[int] = mapped_column(Integer)
    procedure_version_id: Mapped[int] = mapped_column(Integer)
    used_seconds: Mapped[float | None] = mapped_column(Float)


class ReportSteps(Base):
    """Steps of a procedure version completed on a day (or a month) in an agency."""

    __tablename__ = "report_steps"
    __table_args__ = (
        PrimaryKeyConstraint("span", "agency_id", "day", "procedure_version_id", "bpmn_id"),
        Index("ix_report_steps_day", "day"),
        one_of("span", RollupSpan),
    )

    span: Mapped[str] = mapped_column(String(10))
    day: Mapped[int] = mapped_column(Integer)
    agency_id: Mapped[int] = mapped_column(Integer)
    procedure_version_id: Mapped[int] = mapped_column(Integer)
    bpmn_id: Mapped[str] = mapped_column(NAME)
    name: Mapped[str] = mapped_column(String(500))
    step_number: Mapped[str | None] = mapped_column(String(20))
    completed: Mapped[int] = mapped_column(Integer, default=0)
    late: Mapped[int] = mapped_column(Integer, default=0)
    #: Office time used (ready to completion) and allotted (ready to due), pauses excluded.
    used_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    used_count: Mapped[int] = mapped_column(Integer, default=0)
    allotted_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    allotted_count: Mapped[int] = mapped_column(Integer, default=0)


class ReportOfficials(Base):
    """Steps an official completed on a day (or a month) for an agency, by outcome."""

    __tablename__ = "report_officials"
    __table_args__ = (
        PrimaryKeyConstraint("span", "agency_id", "day", "user_id"),
        Index("ix_report_officials_day", "day"),
        one_of("span", RollupSpan),
    )

    span: Mapped[str] = mapped_column(String(10))
    day: Mapped[int] = mapped_column(Integer)
    agency_id: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(Integer)
    completed: Mapped[int] = mapped_column(Integer, default=0)
    on_time: Mapped[int] = mapped_column(Integer, default=0)
    late: Mapped[int] = mapped_column(Integer, default=0)


#: How long after a day's end the roll-up may sum it, and how old a fact must be to lower
#: the watermark: a fact stamped "now" is never older than this when it is written.
SETTLE = timedelta(minutes=10)

_LOWER = text("UPDATE report_rollup SET rolled_until = (:epoch + utc_offset) / 86400 "
              "WHERE rolled_until > (:epoch + utc_offset) / 86400")


def lower_watermark(connection, moment: datetime) -> None:
    """Make the reports read the local day of ``moment``, and every day after it, from the
    projections again (nothing happens when that day is not summed)."""
    connection.execute(_LOWER, {"epoch": int(moment.timestamp())})


def _old_facts(target, names: tuple[str, ...], inserted: bool) -> list[datetime]:
    state = inspect(target)
    horizon = datetime.now(timezone.utc) - SETTLE
    found = []
    for name in names:
        if inserted:
            value = getattr(target, name)
        else:
            history = state.attrs[name].history
            value = history.added[0] if history.added else None
        if isinstance(value, datetime) and value.astimezone(timezone.utc) < horizon:
            found.append(value)
    return found


def _watch(model, names: tuple[str, ...]) -> None:
    def lower(inserted: bool):
        def listener(mapper, connection, target) -> None:
            facts = _old_facts(target, names, inserted)
            if facts:
                lower_watermark(connection, min(facts))
        return listener

    event.listen(model, "after_insert", lower(True))
    event.listen(model, "after_update", lower(False))


def install() -> None:
    """Watch the summed facts of dossiers and steps (called once by the store's import)."""
    from .models import Case, Task

    _watch(Case, ("received_at", "resolved_at"))
    _watch(Task, ("completed_at",))
