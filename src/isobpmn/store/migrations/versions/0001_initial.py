"""Initial schema: organisation, procedures, cases, tasks, timers, the event log.

Revision ID: 0001
Revises:
Create Date: 2026-02-13

Written by hand, a frozen snapshot: it does not import the models, so later changes to
models.py need a new revision (tests/test_store_migrations.py compares the result of all
revisions with models.py). On PostgreSQL it also installs the triggers that make ``events``
append-only and keep a published version's diagram frozen, even against raw SQL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
JSONDoc = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
CODE = sa.String(50)
NAME = sa.String(255)
HASH = sa.String(64)
ENGINE_ID = sa.String(64)
SHORT = sa.String(20)

LEVELS = ("province", "department", "commune", "other")
VERSION_STATUSES = ("draft", "submitted", "reviewed", "approved", "published", "retired")
CHANNELS = ("in_person", "online", "post")
CASE_STATUSES = ("open", "paused", "resolved", "returned", "refused", "withdrawn")
OUTCOMES = ("early", "on_time", "late")
PAUSE_REASONS = ("supplement", "fee", "other")
TASK_STATES = ("ready", "claimed", "completed", "cancelled")
SLA_STATES = ("on_track", "due_soon", "overdue")


def _check(table: str, column: str, values: tuple[str, ...]) -> sa.CheckConstraint:
    quoted = ", ".join(f"'{v}'" for v in values)
    # op.f(): the name is final, not a token for the metadata's "ck" naming convention.
    return sa.CheckConstraint(f"{column} IN ({quoted})", name=op.f(f"ck_{table}_{column}"))


def _fk(table: str, column: str, target: str, **options) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"],
                                   name=f"fk_{table}_{column}_{target}", **options)


def _where(predicate: str) -> dict:
    return {"sqlite_where": sa.text(predicate), "postgresql_where": sa.text(predicate)}


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "agencies",
        _id(),
        sa.Column("code", CODE, nullable=False),
        sa.Column("name", NAME, nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("level", SHORT, nullable=False),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("calendar", JSONDoc, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_agencies"),
        sa.UniqueConstraint("code", name="uq_agencies_code"),
        _fk("agencies", "parent_id", "agencies"),
        _check("agencies", "level", LEVELS),
    )
    op.create_index("ix_agencies_parent_id", "agencies", ["parent_id"])

    op.create_table(
        "units",
        _id(),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("code", CODE, nullable=False),
        sa.Column("name", NAME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_units"),
        sa.UniqueConstraint("agency_id", "code", name="uq_units_agency_id_code"),
        _fk("units", "agency_id", "agencies"),
    )

    op.create_table(
        "users",
        _id(),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("full_name", NAME, nullable=False),
        sa.Column("email", NAME, nullable=True),
        sa.Column("password_hash", NAME, nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("username", name="uq_users_username"),
    )

    op.create_table(
        "memberships",
        _id(),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("role_code", CODE, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_memberships"),
        sa.UniqueConstraint("user_id", "agency_id", "unit_id", "role_code",
                            name="uq_memberships_user_id_agency_id_unit_id_role_code"),
        _fk("memberships", "user_id", "users", ondelete="CASCADE"),
        _fk("memberships", "agency_id", "agencies", ondelete="CASCADE"),
        _fk("memberships", "unit_id", "units", ondelete="CASCADE"),
    )
    op.create_index("ix_memberships_agency_id_role_code", "memberships",
                    ["agency_id", "role_code"])
    op.create_index("ix_memberships_unit_id", "memberships", ["unit_id"])
    op.create_index("uq_memberships_agency_wide", "memberships",
                    ["user_id", "agency_id", "role_code"], unique=True,
                    **_where("unit_id IS NULL"))

    op.create_table(
        "procedures",
        _id(),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("code", CODE, nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_procedures"),
        sa.UniqueConstraint("agency_id", "code", name="uq_procedures_agency_id_code"),
        _fk("procedures", "agency_id", "agencies"),
    )
    op.create_index("uq_procedures_province_wide_code", "procedures", ["code"], unique=True,
                    **_where("agency_id IS NULL"))

    op.create_table(
        "procedure_versions",
        _id(),
        sa.Column("procedure_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("status", SHORT, nullable=False),
        sa.Column("bpmn_xml", sa.Text(), nullable=False),
        sa.Column("content_hash", HASH, nullable=False),
        sa.Column("process_id", NAME, nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("published_at", TS, nullable=True),
        sa.Column("retired_at", TS, nullable=True),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_procedure_versions"),
        sa.UniqueConstraint("procedure_id", "revision",
                            name="uq_procedure_versions_procedure_id_revision"),
        _fk("procedure_versions", "procedure_id", "procedures"),
        _fk("procedure_versions", "created_by", "users"),
        _check("procedure_versions", "status", VERSION_STATUSES),
    )
    op.create_index("ix_procedure_versions_content_hash", "procedure_versions", ["content_hash"])
    op.create_index("ix_procedure_versions_created_by", "procedure_versions", ["created_by"])

    op.create_table(
        "cases",
        _id(),
        sa.Column("code", CODE, nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("procedure_version_id", sa.Integer(), nullable=False),
        sa.Column("applicant_name", NAME, nullable=False),
        sa.Column("applicant_id_number", CODE, nullable=True),
        sa.Column("applicant_address", sa.Text(), nullable=True),
        sa.Column("applicant_phone", CODE, nullable=True),
        sa.Column("applicant_email", NAME, nullable=True),
        sa.Column("request", sa.Text(), nullable=True),
        sa.Column("channel", SHORT, nullable=False),
        sa.Column("status", SHORT, nullable=False),
        sa.Column("received_at", TS, nullable=False),
        sa.Column("clock_started_at", TS, nullable=True),
        sa.Column("appointment_at", TS, nullable=True),
        sa.Column("original_appointment_at", TS, nullable=True),
        sa.Column("resolved_at", TS, nullable=True),
        sa.Column("returned_at", TS, nullable=True),
        sa.Column("outcome", SHORT, nullable=True),
        sa.Column("lookup_code", SHORT, nullable=False),
        sa.Column("supplement_count", sa.Integer(), nullable=False),
        sa.Column("dossier_components", JSONDoc, nullable=False),
        sa.Column("data", JSONDoc, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_cases"),
        sa.UniqueConstraint("code", name="uq_cases_code"),
        _fk("cases", "agency_id", "agencies"),
        _fk("cases", "procedure_version_id", "procedure_versions"),
        _check("cases", "channel", CHANNELS),
        _check("cases", "status", CASE_STATUSES),
        _check("cases", "outcome", OUTCOMES),
    )
    op.create_index("ix_cases_agency_id_received_at", "cases", ["agency_id", "received_at"])
    op.create_index("ix_cases_status_appointment_at", "cases", ["status", "appointment_at"])
    op.create_index("ix_cases_procedure_version_id", "cases", ["procedure_version_id"])

    op.create_table(
        "case_pauses",
        _id(),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("reason", SHORT, nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("ended_at", TS, nullable=True),
        sa.Column("requested_by", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_case_pauses"),
        _fk("case_pauses", "case_id", "cases"),
        _fk("case_pauses", "requested_by", "users"),
        _check("case_pauses", "reason", PAUSE_REASONS),
    )
    op.create_index("ix_case_pauses_case_id", "case_pauses", ["case_id"])
    op.create_index("ix_case_pauses_requested_by", "case_pauses", ["requested_by"])

    op.create_table(
        "case_states",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("format_version", sa.Integer(), nullable=False),
        sa.Column("state", sa.LargeBinary(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("case_id", name="pk_case_states"),
        _fk("case_states", "case_id", "cases"),
    )

    op.create_table(
        "tasks",
        _id(),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("task_uuid", ENGINE_ID, nullable=False),
        sa.Column("bpmn_id", NAME, nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("step_number", SHORT, nullable=True),
        sa.Column("role_code", CODE, nullable=True),
        sa.Column("unit_code", CODE, nullable=True),
        sa.Column("state", SHORT, nullable=False),
        sa.Column("ready_at", TS, nullable=False),
        sa.Column("due_at", TS, nullable=True),
        sa.Column("paused_seconds", sa.Integer(), nullable=False),
        sa.Column("claimed_by", sa.Integer(), nullable=True),
        sa.Column("claimed_at", TS, nullable=True),
        sa.Column("completed_by", sa.Integer(), nullable=True),
        sa.Column("completed_at", TS, nullable=True),
        sa.Column("outcome", SHORT, nullable=True),
        sa.Column("sla_state", SHORT, nullable=False),
        sa.Column("data", JSONDoc, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_tasks"),
        sa.UniqueConstraint("case_id", "task_uuid", name="uq_tasks_case_id_task_uuid"),
        _fk("tasks", "case_id", "cases"),
        _fk("tasks", "agency_id", "agencies"),
        _fk("tasks", "claimed_by", "users"),
        _fk("tasks", "completed_by", "users"),
        _check("tasks", "state", TASK_STATES),
        _check("tasks", "outcome", OUTCOMES),
        _check("tasks", "sla_state", SLA_STATES),
    )
    op.create_index("ix_tasks_agency_id_state_role_code", "tasks",
                    ["agency_id", "state", "role_code"])
    op.create_index("ix_tasks_claimed_by_state", "tasks", ["claimed_by", "state"])
    op.create_index("ix_tasks_completed_by_completed_at", "tasks",
                    ["completed_by", "completed_at"])
    op.create_index("ix_tasks_open_due_at", "tasks", ["due_at"],
                    **_where("state IN ('ready', 'claimed')"))

    op.create_table(
        "timers",
        _id(),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("task_uuid", ENGINE_ID, nullable=False),
        sa.Column("bpmn_id", NAME, nullable=False),
        sa.Column("fire_at", TS, nullable=False),
        sa.Column("locked_by", sa.String(100), nullable=True),
        sa.Column("locked_at", TS, nullable=True),
        sa.Column("fired_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_timers"),
        sa.UniqueConstraint("case_id", "task_uuid", name="uq_timers_case_id_task_uuid"),
        _fk("timers", "case_id", "cases"),
    )
    op.create_index("ix_timers_unfired_fire_at", "timers", ["fire_at"],
                    **_where("fired_at IS NULL"))

    op.create_table(
        "events",
        sa.Column("id", BigId, nullable=False, autoincrement=True),
        sa.Column("chain_key", sa.String(100), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("kind", CODE, nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", NAME, nullable=True),
        sa.Column("at", TS, nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("payload", JSONDoc, nullable=False),
        sa.Column("prev_hash", HASH, nullable=True),
        sa.Column("hash", HASH, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
        sa.UniqueConstraint("chain_key", "seq", name="uq_events_chain_key_seq"),
        _fk("events", "case_id", "cases"),
        _fk("events", "actor_id", "users"),
        _fk("events", "task_id", "tasks"),
    )
    op.create_index("ix_events_case_id", "events", ["case_id"])
    op.create_index("ix_events_actor_id", "events", ["actor_id"])
    op.create_index("ix_events_task_id", "events", ["task_id"])

    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRES_GUARDS:
            op.execute(statement)


#: Triggers refusing what the ORM guards refuse (isobpmn.store.guards), for raw SQL too.
POSTGRES_GUARDS = (
    """
    CREATE FUNCTION isobpmn_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'events are append-only: % refused', TG_OP
            USING ERRCODE = 'restrict_violation',
                  HINT = 'record a new event instead; audit verify checks the chains';
    END
    $$
    """,
    """
    CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
        FOR EACH ROW EXECUTE FUNCTION isobpmn_events_append_only()
    """,
    """
    CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
        FOR EACH STATEMENT EXECUTE FUNCTION isobpmn_events_append_only()
    """,
    """
    CREATE FUNCTION isobpmn_procedure_versions_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF OLD.status <> 'draft' THEN
            IF TG_OP = 'DELETE' THEN
                RAISE EXCEPTION 'procedure version % is % and cannot be deleted',
                    OLD.id, OLD.status USING ERRCODE = 'restrict_violation';
            END IF;
            IF NEW.procedure_id IS DISTINCT FROM OLD.procedure_id
               OR NEW.revision IS DISTINCT FROM OLD.revision
               OR NEW.bpmn_xml IS DISTINCT FROM OLD.bpmn_xml
               OR NEW.content_hash IS DISTINCT FROM OLD.content_hash
               OR NEW.process_id IS DISTINCT FROM OLD.process_id THEN
                RAISE EXCEPTION 'procedure version % is %: its diagram cannot change',
                    OLD.id, OLD.status USING ERRCODE = 'restrict_violation';
            END IF;
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER procedure_versions_frozen BEFORE UPDATE OR DELETE ON procedure_versions
        FOR EACH ROW EXECUTE FUNCTION isobpmn_procedure_versions_frozen()
    """,
)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER procedure_versions_frozen ON procedure_versions")
        op.execute("DROP FUNCTION isobpmn_procedure_versions_frozen()")
        op.execute("DROP TRIGGER events_no_truncate ON events")
        op.execute("DROP TRIGGER events_append_only ON events")
        op.execute("DROP FUNCTION isobpmn_events_append_only()")
    for table in ("events", "timers", "tasks", "case_states", "case_pauses", "cases",
                  "procedure_versions", "procedures", "memberships", "users", "units",
                  "agencies"):
        op.drop_table(table)
