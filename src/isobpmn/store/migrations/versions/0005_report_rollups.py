"""The reports' pre-aggregates (per day and month, per agency and procedure version, step and
official), their watermark, and the indexes the reports and the SLA sweep read by.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-21

A frozen snapshot like 0001: it does not import the models. The new tables start empty: the
reports read everything from the projections until the first roll-up (``isobpmn report
rollup`` or the worker) has summed the days that are over.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
SPANS = ("day", "month")


def _where(predicate: str) -> dict:
    return {"sqlite_where": sa.text(predicate), "postgresql_where": sa.text(predicate)}


def _span(table: str) -> sa.CheckConstraint:
    quoted = ", ".join(f"'{v}'" for v in SPANS)
    return sa.CheckConstraint(f"span IN ({quoted})", name=op.f(f"ck_{table}_span"))


def _counts(*names: str) -> list[sa.Column]:
    return [sa.Column(n, sa.Integer(), nullable=False) for n in names]


def _sums(*names: str) -> list[sa.Column]:
    return [sa.Column(n, sa.Float(), nullable=False) for n in names]


def upgrade() -> None:
    op.create_table(
        "report_rollup",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rolled_until", sa.Integer(), nullable=False),
        sa.Column("utc_offset", sa.Integer(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_report_rollup"),
    )
    op.create_table(
        "report_cases",
        sa.Column("span", sa.String(10), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("procedure_version_id", sa.Integer(), nullable=False),
        *_counts("received", "online", "in_person", "post", "ended", "resolved", "early",
                 "on_time", "late", "refused", "withdrawn"),
        sa.Column("used_seconds", sa.Float(), nullable=False),
        sa.Column("used_count", sa.Integer(), nullable=False),
        sa.Column("allowed_seconds", sa.Float(), nullable=False),
        sa.Column("allowed_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("span", "agency_id", "day", "procedure_version_id",
                                name="pk_report_cases"),
        _span("report_cases"),
    )
    op.create_index("ix_report_cases_day", "report_cases", ["day"])
    op.create_table(
        "report_case_times",
        sa.Column("case_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("procedure_version_id", sa.Integer(), nullable=False),
        sa.Column("used_seconds", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("case_id", name="pk_report_case_times"),
    )
    op.create_index("ix_report_case_times_agency_id_day", "report_case_times",
                    ["agency_id", "day"],
                    postgresql_include=["procedure_version_id", "used_seconds"])
    op.create_index("ix_report_case_times_day", "report_case_times", ["day"])
    op.create_table(
        "report_steps",
        sa.Column("span", sa.String(10), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("procedure_version_id", sa.Integer(), nullable=False),
        sa.Column("bpmn_id", sa.String(255), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("step_number", sa.String(20), nullable=True),
        *_counts("completed", "late"),
        sa.Column("used_seconds", sa.Float(), nullable=False),
        sa.Column("used_count", sa.Integer(), nullable=False),
        sa.Column("allotted_seconds", sa.Float(), nullable=False),
        sa.Column("allotted_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("span", "agency_id", "day", "procedure_version_id", "bpmn_id",
                                name="pk_report_steps"),
        _span("report_steps"),
    )
    op.create_index("ix_report_steps_day", "report_steps", ["day"])
    op.create_table(
        "report_officials",
        sa.Column("span", sa.String(10), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        *_counts("completed", "on_time", "late"),
        sa.PrimaryKeyConstraint("span", "agency_id", "day", "user_id",
                                name="pk_report_officials"),
        _span("report_officials"),
    )
    op.create_index("ix_report_officials_day", "report_officials", ["day"])
    op.create_index("ix_cases_agency_id_resolved_at", "cases", ["agency_id", "resolved_at"],
                    postgresql_include=["outcome", "returned_at", "procedure_version_id"])
    op.create_index("ix_cases_open_agency_id", "cases", ["agency_id", "received_at"],
                    **_where("resolved_at IS NULL"),
                    postgresql_include=["id", "appointment_at", "procedure_version_id"])
    op.create_index("ix_cases_awaiting_return", "cases", ["agency_id", "resolved_at"],
                    **_where("resolved_at IS NOT NULL AND returned_at IS NULL"))
    op.create_index("ix_tasks_agency_id_completed_at", "tasks", ["agency_id", "completed_at"])
    op.create_index("ix_ratings_agency_id_created_at", "ratings", ["agency_id", "created_at"])
    op.drop_index("ix_ratings_agency_id", table_name="ratings")


def downgrade() -> None:
    op.create_index("ix_ratings_agency_id", "ratings", ["agency_id"])
    op.drop_index("ix_ratings_agency_id_created_at", table_name="ratings")
    op.drop_index("ix_tasks_agency_id_completed_at", table_name="tasks")
    op.drop_index("ix_cases_awaiting_return", table_name="cases")
    op.drop_index("ix_cases_open_agency_id", table_name="cases")
    op.drop_index("ix_cases_agency_id_resolved_at", table_name="cases")
    for table in ("report_officials", "report_steps", "report_case_times", "report_cases",
                  "report_rollup"):
        op.drop_table(table)
