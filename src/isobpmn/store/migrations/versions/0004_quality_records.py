"""Quality records: yearly quality objectives and nonconformities with corrective actions.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-14

A frozen snapshot like 0001: it does not import the models. Two new tables only; nothing
existing changes, so SQLite needs no batch mode.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
METRICS = ("on_time_rate", "avg_time_share", "satisfaction_avg", "satisfied_rate",
           "online_rate")
COMPARISONS = ("at_least", "at_most")
SOURCES = ("late_case", "manual", "audit")
STATUSES = ("open", "action_planned", "implemented", "closed")


def _check(table: str, column: str, values: tuple[str, ...]) -> sa.CheckConstraint:
    quoted = ", ".join(f"'{v}'" for v in values)
    return sa.CheckConstraint(f"{column} IN ({quoted})", name=op.f(f"ck_{table}_{column}"))


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"],
                                   name=f"fk_{table}_{column}_{target}")


def upgrade() -> None:
    op.create_table(
        "quality_objectives",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(30), nullable=False),
        sa.Column("comparison", sa.String(20), nullable=False),
        sa.Column("target", sa.Numeric(9, 2), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("set_by", sa.Integer(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_quality_objectives"),
        sa.UniqueConstraint("agency_id", "year", "metric",
                            name="uq_quality_objectives_agency_id_year_metric"),
        _fk("quality_objectives", "agency_id", "agencies"),
        _fk("quality_objectives", "set_by", "users"),
        _check("quality_objectives", "metric", METRICS),
        _check("quality_objectives", "comparison", COMPARISONS),
        sa.CheckConstraint("year BETWEEN 2000 AND 2100", name=op.f("ck_quality_objectives_year")),
        sa.CheckConstraint("target >= 0", name=op.f("ck_quality_objectives_target")),
    )
    op.create_index("ix_quality_objectives_set_by", "quality_objectives", ["set_by"])

    op.create_table(
        "nonconformities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("step_bpmn_id", sa.String(255), nullable=True),
        sa.Column("step_name", sa.String(500), nullable=True),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("opened_at", TS, nullable=False),
        sa.Column("opened_by", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("cause", sa.Text(), nullable=True),
        sa.Column("action", sa.Text(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("planned_at", TS, nullable=True),
        sa.Column("implemented_at", TS, nullable=True),
        sa.Column("implementation", sa.Text(), nullable=True),
        sa.Column("verification", sa.Text(), nullable=True),
        sa.Column("verified_by", sa.Integer(), nullable=True),
        sa.Column("verified_at", TS, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_nonconformities"),
        _fk("nonconformities", "agency_id", "agencies"),
        _fk("nonconformities", "case_id", "cases"),
        _fk("nonconformities", "task_id", "tasks"),
        _fk("nonconformities", "opened_by", "users"),
        _fk("nonconformities", "owner_id", "users"),
        _fk("nonconformities", "verified_by", "users"),
        _check("nonconformities", "source", SOURCES),
        _check("nonconformities", "status", STATUSES),
    )
    op.create_index("ix_nonconformities_agency_id_status", "nonconformities",
                    ["agency_id", "status"])
    op.create_index("ix_nonconformities_agency_id_opened_at", "nonconformities",
                    ["agency_id", "opened_at"])
    op.create_index("ix_nonconformities_owner_id_status", "nonconformities",
                    ["owner_id", "status"])
    op.create_index("ix_nonconformities_case_id", "nonconformities", ["case_id"])
    op.create_index("ix_nonconformities_task_id", "nonconformities", ["task_id"])
    op.create_index("ix_nonconformities_opened_by", "nonconformities", ["opened_by"])
    op.create_index("ix_nonconformities_verified_by", "nonconformities", ["verified_by"])


def downgrade() -> None:
    for name in ("verified_by", "opened_by", "task_id", "case_id", "owner_id_status",
                 "agency_id_opened_at", "agency_id_status"):
        op.drop_index(f"ix_nonconformities_{name}", table_name="nonconformities")
    op.drop_table("nonconformities")
    op.drop_index("ix_quality_objectives_set_by", table_name="quality_objectives")
    op.drop_table("quality_objectives")
