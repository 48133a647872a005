"""When each open step turns yellow (``tasks.warn_at``), so the SLA sweep reads the steps whose
state changes from partial indexes instead of measuring every open step; a partial index of
the claimed steps per agency and official, for the dashboard's "held now".

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

GREEN = "state IN ('ready', 'claimed') AND sla_state = 'on_track'"
NOT_RED = "state IN ('ready', 'claimed') AND sla_state <> 'overdue'"
CLAIMED = "state = 'claimed'"


def _where(predicate: str) -> dict:
    return {"sqlite_where": sa.text(predicate), "postgresql_where": sa.text(predicate)}


def upgrade() -> None:
    op.add_column("tasks", sa.Column("warn_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_tasks_green_warn_at", "tasks", ["warn_at"], **_where(GREEN))
    op.create_index("ix_tasks_not_red_due_at", "tasks", ["due_at"], **_where(NOT_RED))
    op.create_index("ix_tasks_claimed_agency_id", "tasks", ["agency_id", "claimed_by", "due_at"],
                    **_where(CLAIMED))


def downgrade() -> None:
    op.drop_index("ix_tasks_claimed_agency_id", table_name="tasks")
    op.drop_index("ix_tasks_not_red_due_at", table_name="tasks")
    op.drop_index("ix_tasks_green_warn_at", table_name="tasks")
    op.drop_column("tasks", "warn_at")
