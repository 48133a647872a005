"""When each open step turns yellow (``tasks.warn_at``), so the SLA sweep reads the steps whose
state changes from an index instead of measuring every open step.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-21

A frozen snapshot like 0001: it does not import the models. The column starts empty; the
services fill it for every step they project from now on, and the SLA sweep fills it for the
open steps projected before (docs/services.md).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

OPEN = "state IN ('ready', 'claimed')"


def upgrade() -> None:
    op.add_column("tasks", sa.Column("warn_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_tasks_open_warn_at", "tasks", ["warn_at"],
                    sqlite_where=sa.text(OPEN), postgresql_where=sa.text(OPEN))


def downgrade() -> None:
    op.drop_index("ix_tasks_open_warn_at", table_name="tasks")
    op.drop_column("tasks", "warn_at")
