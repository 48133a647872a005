"""The tables of isobpmn, as SQLAlchemy 2 typed declarative classes.

Organisation (agencies, units, users, memberships), procedures and their immutable versions,
dossiers (cases) with their pauses, the engine state per case, the task and timer projections
that inboxes, reports and the worker query without deserializing a workflow, and the
append-only event log; the quality records (objectives, nonconformities) live in
:mod:`.quality` and are imported at the end, so this module's ``Base.metadata`` holds every
table. docs/store.md explains each table; ``migrations/versions`` creates them
and a test checks that the two agree.

Conventions: keys are ``id``; diagram ids are ``bpmn_id``; moments are :class:`UTCDateTime`;
enum-like columns are short strings with a ``CHECK`` (values in :mod:`isobpmn.store.choices`);
every foreign key is the leading column of some index.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    and_,
    false,
    literal_column,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, BigId, JSONDoc, UTCDateTime, one_of, utcnow
from .choices import (
    OPEN_TASK_STATES,
    AgencyLevel,
    CaseStatus,
    Channel,
    Outcome,
    PauseReason,
    ReviewVerdict,
    SlaState,
    TaskState,
    VersionStatus,
)

CODE = String(50)
NAME = String(255)
HASH = String(64)  # SHA-256, hex
ENGINE_ID = String(64)  # an engine task id (UUID text)

#: Partial-index predicates, written once for both dialects (and repeated in the migration).
OPEN_TASKS = text("state IN ('ready', 'claimed')")
#: Open steps the SLA sweep may still turn yellow, and those it may still turn red.
GREEN_TASKS = text("state IN ('ready', 'claimed') AND sla_state = 'on_track'")
NOT_RED_TASKS = text("state IN ('ready', 'claimed') AND sla_state <> 'overdue'")
CLAIMED_TASKS = text("state = 'claimed'")
UNFIRED = text("fired_at IS NULL")
CASE_IS_OPEN = text("resolved_at IS NULL")
AWAITING_RETURN = text("resolved_at IS NOT NULL AND returned_at IS NULL")


def _where(predicate) -> dict[str, Any]:
    return {"sqlite_where": predicate, "postgresql_where": predicate}


def _user_fk() -> ForeignKey:
    return ForeignKey("users.id")


# --- organisation --------------------------------------------------------------------------


class Agency(Base):
    """A state body running procedures: the province, its departments, the communes (a tree)."""

    __tablename__ = "agencies"
    __table_args__ = (one_of("level", AgencyLevel),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(CODE, unique=True)
    name: Mapped[str] = mapped_column(NAME)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    level: Mapped[str] = mapped_column(String(20))
    address: Mapped[str | None] = mapped_column(Text)
    #: The agency's ``[calendar]`` settings (office hours, cut-off, overrides) as a JSON object.
    calendar: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    #: Whether the public lookup names the official holding the dossier (else role and unit).
    public_names: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Agency | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Agency]] = relationship(back_populates="parent")
    units: Mapped[list[Unit]] = relationship(back_populates="agency")


class Unit(Base):
    """A division of an agency (phòng, bộ phận một cửa); lanes may name one."""

    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("agency_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    code: Mapped[str] = mapped_column(CODE)
    name: Mapped[str] = mapped_column(NAME)

    agency: Mapped[Agency] = relationship(back_populates="units")


class User(Base):
    """An official (or operator) who signs in."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    full_name: Mapped[str] = mapped_column(NAME)
    email: Mapped[str | None] = mapped_column(NAME)
    password_hash: Mapped[str | None] = mapped_column(NAME)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(back_populates="user")


class Membership(Base):
    """A user holds a role (a lane's role code) in an agency, optionally within one unit.

    ``UNIQUE`` treats NULLs as distinct, so a second, partial unique index keeps agency-wide
    memberships (``unit_id IS NULL``) unique too.
    """

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("user_id", "agency_id", "unit_id", "role_code"),
        Index("ix_memberships_agency_id_role_code", "agency_id", "role_code"),
        Index("uq_memberships_agency_wide", "user_id", "agency_id", "role_code", unique=True,
              **_where(text("unit_id IS NULL"))),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"),
                                                index=True)
    role_code: Mapped[str] = mapped_column(CODE)

    user: Mapped[User] = relationship(back_populates="memberships")
    agency: Mapped[Agency] = relationship()
    unit: Mapped[Unit | None] = relationship()


class ApiToken(Base):
    """A bearer token for an integration, acting as its user; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(NAME)
    token_hash: Mapped[str] = mapped_column(HASH, unique=True)
    #: The first characters of the token, so a list can tell tokens apart.
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# --- procedures ----------------------------------------------------------------------------


class Procedure(Base):
    """An ISO procedure (quy trình) by its document code; its content lives in versions.

    ``agency_id`` NULL means province-wide; a partial unique index keeps those codes unique.
    """

    __tablename__ = "procedures"
    __table_args__ = (
        UniqueConstraint("agency_id", "code"),
        Index("uq_procedures_province_wide_code", "code", unique=True,
              **_where(text("agency_id IS NULL"))),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    code: Mapped[str] = mapped_column(CODE)
    title: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    versions: Mapped[list[ProcedureVersion]] = relationship(
        back_populates="procedure", order_by="ProcedureVersion.revision")


class ProcedureVersion(Base):
    """One revision (lần ban hành) of a procedure: its BPMN, frozen once it leaves draft.

    ``created_by`` is the author (Soạn thảo); the ``*_by`` / ``*_at`` pairs record the last
    save, the submission, the review that passed it and the approval (docs/lifecycle.md).
    The diagram may change while the version is a draft and in the flush that approves it
    (the system writes the issue date, revision row and sign-offs), never after.
    """

    __tablename__ = "procedure_versions"
    __table_args__ = (
        UniqueConstraint("procedure_id", "revision"),
        one_of("status", VersionStatus),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id"))
    revision: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default=VersionStatus.DRAFT)
    bpmn_xml: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(HASH, index=True)
    process_id: Mapped[str] = mapped_column(NAME)
    created_by: Mapped[int | None] = mapped_column(_user_fk(), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lock_version: Mapped[int] = mapped_column(Integer)
    saved_by: Mapped[int | None] = mapped_column(_user_fk(), index=True)
    saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by: Mapped[int | None] = mapped_column(_user_fk(), index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by: Mapped[int | None] = mapped_column(_user_fk(), index=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by: Mapped[int | None] = mapped_column(_user_fk(), index=True)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    procedure: Mapped[Procedure] = relationship(back_populates="versions")
    reviews: Mapped[list[VersionReview]] = relationship(
        back_populates="version", order_by="VersionReview.id")

    __mapper_args__ = {"version_id_col": lock_version}


class VersionReview(Base):
    """A reviewer's comment on a submitted version: ``ok`` passes it on, ``changes`` sends it
    back to draft. Summarised into the revision row when the version is approved."""

    __tablename__ = "version_reviews"
    __table_args__ = (one_of("verdict", ReviewVerdict),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("procedure_versions.id"), index=True)
    user_id: Mapped[int] = mapped_column(_user_fk(), index=True)
    verdict: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime)

    version: Mapped[ProcedureVersion] = relationship(back_populates="reviews")


# --- cases ---------------------------------------------------------------------------------


class Case(Base):
    """A dossier (hồ sơ): who applied for what, under which procedure version, and its clock.

    ``lookup_code`` is the short verification code printed on the receipt; a citizen looks a
    dossier up by ``code`` plus ``lookup_code``, served by the unique index on ``code``.
    """

    __tablename__ = "cases"
    __table_args__ = (
        one_of("channel", Channel),
        one_of("status", CaseStatus),
        one_of("outcome", Outcome),
        Index("ix_cases_agency_id_received_at", "agency_id", "received_at"),
        Index("ix_cases_status_appointment_at", "status", "appointment_at"),
        Index("ix_cases_agency_id_resolved_at", "agency_id", "resolved_at",
              postgresql_include=["outcome", "returned_at", "procedure_version_id"]),
        Index("ix_cases_open_agency_id", "agency_id", "received_at", **_where(CASE_IS_OPEN),
              postgresql_include=["id", "appointment_at", "procedure_version_id"]),
        Index("ix_cases_awaiting_return", "agency_id", "resolved_at",
              **_where(AWAITING_RETURN)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(CODE, unique=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    procedure_version_id: Mapped[int] = mapped_column(ForeignKey("procedure_versions.id"),
                                                      index=True)
    applicant_name: Mapped[str] = mapped_column(NAME)
    applicant_id_number: Mapped[str | None] = mapped_column(CODE)
    applicant_address: Mapped[str | None] = mapped_column(Text)
    applicant_phone: Mapped[str | None] = mapped_column(CODE)
    applicant_email: Mapped[str | None] = mapped_column(NAME)
    request: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(20), default=Channel.IN_PERSON)
    status: Mapped[str] = mapped_column(String(20), default=CaseStatus.OPEN)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    clock_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    appointment_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    original_appointment_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(20))
    lookup_code: Mapped[str] = mapped_column(String(20))
    supplement_count: Mapped[int] = mapped_column(Integer, default=0)
    #: The dossier components ticked at the desk (list of component ids or objects).
    dossier_components: Mapped[list[Any]] = mapped_column(JSONDoc, default=list)
    data: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    agency: Mapped[Agency] = relationship()
    procedure_version: Mapped[ProcedureVersion] = relationship()
    pauses: Mapped[list[CasePause]] = relationship(back_populates="case",
                                                   order_by="CasePause.started_at")
    state: Mapped[CaseState | None] = relationship(back_populates="case")
    tasks: Mapped[list[Task]] = relationship(back_populates="case", order_by="Task.id")


class CasePause(Base):
    """A span during which the dossier's clock stood still (supplement, fees, other)."""

    __tablename__ = "case_pauses"
    __table_args__ = (one_of("reason", PauseReason),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    reason: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    requested_by: Mapped[int | None] = mapped_column(_user_fk(), index=True)
    note: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship(back_populates="pauses")


class CaseState(Base):
    """The engine's serialized workflow for a case: an opaque, versioned blob to the store.

    ``version`` is SQLAlchemy's ``version_id_col``: every UPDATE says ``WHERE version = N`` and
    raises ``StaleDataError`` (``ConcurrentUpdateError`` through ``Database.write``) when
    another transaction got there first.
    """

    __tablename__ = "case_states"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    format_version: Mapped[int] = mapped_column(Integer)
    state: Mapped[bytes] = mapped_column(LargeBinary)
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    case: Mapped[Case] = relationship(back_populates="state")

    __mapper_args__ = {"version_id_col": version}


class Task(Base):
    """A human task projected from the engine, so inboxes and reports never load a workflow.

    ``agency_id`` repeats the case's agency so an inbox (agency, state, role) is one index
    range; the partial indexes on ``due_at`` and ``warn_at`` cover open tasks only, for the SLA
    sweep (its queries filter with :data:`TASK_IS_OPEN`).
    """

    __tablename__ = "tasks"
    __table_args__ = (
        UniqueConstraint("case_id", "task_uuid"),
        one_of("state", TaskState),
        one_of("outcome", Outcome),
        one_of("sla_state", SlaState),
        Index("ix_tasks_agency_id_state_role_code", "agency_id", "state", "role_code"),
        Index("ix_tasks_claimed_by_state", "claimed_by", "state"),
        Index("ix_tasks_completed_by_completed_at", "completed_by", "completed_at"),
        Index("ix_tasks_open_due_at", "due_at", **_where(OPEN_TASKS)),
        Index("ix_tasks_agency_id_completed_at", "agency_id", "completed_at"),
        Index("ix_tasks_green_warn_at", "warn_at", **_where(GREEN_TASKS)),
        Index("ix_tasks_not_red_due_at", "due_at", **_where(NOT_RED_TASKS)),
        Index("ix_tasks_claimed_agency_id", "agency_id", "claimed_by", "due_at",
              **_where(CLAIMED_TASKS)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    task_uuid: Mapped[str] = mapped_column(ENGINE_ID)
    bpmn_id: Mapped[str] = mapped_column(NAME)
    name: Mapped[str] = mapped_column(String(500))
    #: The step table's number: "1", "2", or "3.1" inside a sub-process.
    step_number: Mapped[str | None] = mapped_column(String(20))
    role_code: Mapped[str | None] = mapped_column(CODE)
    unit_code: Mapped[str | None] = mapped_column(CODE)
    state: Mapped[str] = mapped_column(String(20), default=TaskState.READY)
    ready_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the step turns yellow (``due_soon``), for the SLA sweep's index.
    warn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_seconds: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[int | None] = mapped_column(_user_fk())
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by: Mapped[int | None] = mapped_column(_user_fk())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(20))
    sla_state: Mapped[str] = mapped_column(String(20), default=SlaState.ON_TRACK)
    data: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)

    case: Mapped[Case] = relationship(back_populates="tasks")


#: ``tasks.state IN ('ready', 'claimed')`` with literal values, as the partial index says it:
#: with bound parameters a prepared (generic) plan on PostgreSQL could not use the index.
TASK_IS_OPEN = Task.state.in_([literal_column(f"'{state}'") for state in OPEN_TASK_STATES])
#: The predicates of the SLA sweep's and the claimed steps' partial indexes, literally.
TASK_IS_GREEN = and_(TASK_IS_OPEN, Task.sla_state == literal_column("'on_track'"))
TASK_IS_NOT_RED = and_(TASK_IS_OPEN, Task.sla_state != literal_column("'overdue'"))
TASK_IS_CLAIMED = Task.state == literal_column("'claimed'")


class Timer(Base):
    """A due BPMN timer of a case; the worker locks, fires and stamps it exactly once.

    A cancelled timer (its task completed first) is deleted; the partial index on ``fire_at``
    holds unfired timers only (queries must say ``fired_at IS NULL``).
    """

    __tablename__ = "timers"
    __table_args__ = (
        UniqueConstraint("case_id", "task_uuid"),
        Index("ix_timers_unfired_fire_at", "fire_at", **_where(UNFIRED)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    task_uuid: Mapped[str] = mapped_column(ENGINE_ID)
    bpmn_id: Mapped[str] = mapped_column(NAME)
    fire_at: Mapped[datetime] = mapped_column(UTCDateTime)
    locked_by: Mapped[str | None] = mapped_column(String(100))
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Rating(Base):
    """The applicant's satisfaction rating of a returned dossier: one per case."""

    __tablename__ = "ratings"
    __table_args__ = (Index("ix_ratings_agency_id_created_at", "agency_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# --- audit ---------------------------------------------------------------------------------


class Event(Base):
    """One entry of the append-only audit log, at position ``seq`` of its hash chain.

    The audit package computes ``prev_hash`` and ``hash``; the store only refuses changes
    (:mod:`isobpmn.store.guards`, and a trigger on PostgreSQL).
    """

    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("chain_key", "seq"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    #: Which chain: ``"case:123"``, ``"procedure:7"``.
    chain_key: Mapped[str] = mapped_column(String(100))
    seq: Mapped[int] = mapped_column(Integer)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(CODE)
    actor_id: Mapped[int | None] = mapped_column(_user_fk(), index=True)
    actor_name: Mapped[str | None] = mapped_column(NAME)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    prev_hash: Mapped[str | None] = mapped_column(HASH)
    hash: Mapped[str] = mapped_column(HASH)


from .quality import Nonconformity, QualityObjective  # noqa: E402,F401  (registers the tables)
from .rollups import (  # noqa: E402,F401  (registers the tables)
    ReportCases,
    ReportCaseTime,
    ReportOfficials,
    ReportRollup,
    ReportSteps,
    install,
)

install()
