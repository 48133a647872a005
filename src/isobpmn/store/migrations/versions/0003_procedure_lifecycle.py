"""The procedure lifecycle: who saved, submitted, reviewed and approved a version; review
comments; the diagram may change when a reviewed version is approved.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07

A frozen snapshot like 0001: it does not import the models. On SQLite a column with a foreign
key is added with a plain ``ALTER TABLE … ADD COLUMN … REFERENCES`` (SQLite allows it for a
column that defaults to NULL) and dropped with ``ALTER TABLE … DROP COLUMN``: the copy-and-move
of batch mode would drop ``procedure_versions``, which dossiers reference, and fail on a
database that has any. On PostgreSQL the trigger function of 0001 is replaced so that the
flush approving a reviewed version may write its diagram (isobpmn.store.guards does the same).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
USER_COLUMNS = ("saved", "submitted", "reviewed", "approved")
VERDICTS = ("ok", "changes")


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    for step in USER_COLUMNS:
        by, fk = f"{step}_by", f"fk_procedure_versions_{step}_by_users"
        if _sqlite():
            op.execute(f"ALTER TABLE procedure_versions ADD COLUMN {by} INTEGER "
                       f"CONSTRAINT {fk} REFERENCES users (id)")
        else:
            op.add_column("procedure_versions", sa.Column(by, sa.Integer(), nullable=True))
            op.create_foreign_key(fk, "procedure_versions", "users", [by], ["id"])
        op.add_column("procedure_versions", sa.Column(f"{step}_at", TS, nullable=True))
        op.create_index(f"ix_procedure_versions_{by}", "procedure_versions", [by])

    op.create_table(
        "version_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_version_reviews"),
        sa.ForeignKeyConstraint(["version_id"], ["procedure_versions.id"],
                                name="fk_version_reviews_version_id_procedure_versions"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name="fk_version_reviews_user_id_users"),
        sa.CheckConstraint("verdict IN ({})".format(", ".join(f"'{v}'" for v in VERDICTS)),
                           name=op.f("ck_version_reviews_verdict")),
    )
    op.create_index("ix_version_reviews_version_id", "version_reviews", ["version_id"])
    op.create_index("ix_version_reviews_user_id", "version_reviews", ["user_id"])

    if not _sqlite():
        op.execute(FROZEN_FUNCTION.format(may_change=(
            "OLD.status = 'draft' OR (OLD.status = 'reviewed' AND NEW.status = 'approved')")))


def downgrade() -> None:
    if not _sqlite():
        op.execute(FROZEN_FUNCTION.format(may_change="OLD.status = 'draft'"))
    op.drop_index("ix_version_reviews_user_id", table_name="version_reviews")
    op.drop_index("ix_version_reviews_version_id", table_name="version_reviews")
    op.drop_table("version_reviews")
    for step in reversed(USER_COLUMNS):
        op.drop_index(f"ix_procedure_versions_{step}_by", table_name="procedure_versions")
    for step in reversed(USER_COLUMNS):
        if _sqlite():  # a column added with ALTER TABLE … REFERENCES drops the same way
            op.execute(f"ALTER TABLE procedure_versions DROP COLUMN {step}_at")
            op.execute(f"ALTER TABLE procedure_versions DROP COLUMN {step}_by")
        else:
            op.drop_constraint(f"fk_procedure_versions_{step}_by_users", "procedure_versions",
                               type_="foreignkey")
            op.drop_column("procedure_versions", f"{step}_at")
            op.drop_column("procedure_versions", f"{step}_by")

#: The trigger function of 0001 (trigger ``procedure_versions_frozen``), with the condition
#: under which a version's content may change; a deletion stays refused after draft.
FROZEN_FUNCTION = """
    CREATE OR REPLACE FUNCTION isobpmn_procedure_versions_frozen() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF OLD.status <> 'draft' AND TG_OP = 'DELETE' THEN
            RAISE EXCEPTION 'procedure version % is % and cannot be deleted',
                OLD.id, OLD.status USING ERRCODE = 'restrict_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        IF NOT ({may_change}) AND (
               NEW.procedure_id IS DISTINCT FROM OLD.procedure_id
               OR NEW.revision IS DISTINCT FROM OLD.revision
               OR NEW.bpmn_xml IS DISTINCT FROM OLD.bpmn_xml
               OR NEW.content_hash IS DISTINCT FROM OLD.content_hash
               OR NEW.process_id IS DISTINCT FROM OLD.process_id) THEN
            RAISE EXCEPTION 'procedure version % is %: its diagram cannot change',
                OLD.id, OLD.status USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
    END
    $$
"""
