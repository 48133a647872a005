"""API tokens, satisfaction ratings, and whether an agency's lookup names its officials.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

A frozen snapshot like 0001: it does not import the models.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("agencies") as batch:
        batch.add_column(sa.Column("public_names", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))

    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("prefix", sa.String(12), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("last_used_at", TS, nullable=True),
        sa.Column("revoked_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_api_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_api_tokens_user_id_users",
                                ondelete="CASCADE"),
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])

    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ratings"),
        sa.UniqueConstraint("case_id", name="uq_ratings_case_id"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_ratings_case_id_cases"),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"],
                                name="fk_ratings_agency_id_agencies"),
    )
    op.create_index("ix_ratings_agency_id", "ratings", ["agency_id"])


def downgrade() -> None:
    op.drop_index("ix_ratings_agency_id", table_name="ratings")
    op.drop_table("ratings")
    op.drop_index("ix_api_tokens_user_id", table_name="api_tokens")
    op.drop_table("api_tokens")
    with op.batch_alter_table("agencies") as batch:
        batch.drop_column("public_names")
