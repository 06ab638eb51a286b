"""The team store: decisions with a version, assignments, the audit trail, users.

A triage.sqlite written before this store (a `decisions` table without a version) is
upgraded in place: its decisions are kept, each at version 1.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    existing = sa.inspect(op.get_bind()).get_table_names()
    if "decisions" in existing:  # the single-analyst file of earlier versions
        with op.batch_alter_table("decisions") as batch:
            batch.add_column(sa.Column("version", sa.Integer, nullable=False, server_default="1"))
            batch.alter_column("decision", existing_type=sa.String, nullable=True)
    else:
        op.create_table(
            "decisions",
            sa.Column("unit_key", sa.String, primary_key=True),
            sa.Column("year", sa.Integer, primary_key=True),
            sa.Column("rule", sa.String, primary_key=True),
            sa.Column("fingerprint", sa.String, primary_key=True),
            # NULL: reopened (the row stays, so its version keeps counting).
            sa.Column("decision", sa.String),
            sa.Column("note", sa.Text),
            sa.Column("decided_by", sa.String),
            sa.Column("decided_at", sa.String, nullable=False),
            sa.Column("version", sa.Integer, nullable=False, server_default="1"),
            sa.CheckConstraint("decision IN ('dismissed', 'confirmed')", name="decision_known"),
        )
    op.create_table(
        "assignments",
        sa.Column("unit_key", sa.String, primary_key=True),
        sa.Column("assignee", sa.String),
        sa.Column("assigned_by", sa.String),
        sa.Column("assigned_at", sa.String, nullable=False),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.String, nullable=False),
        sa.Column("actor", sa.String, nullable=False),
        sa.Column("action", sa.String, nullable=False),
        sa.Column("unit_key", sa.String, nullable=False),
        sa.Column("year", sa.Integer),
        sa.Column("rule", sa.String),
        sa.Column("fingerprint", sa.String),
        sa.Column("before", sa.String),
        sa.Column("after", sa.String),
        sa.Column("before_note", sa.Text),
        sa.Column("after_note", sa.Text),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("audit_unit", "audit", ["unit_key"])
    op.create_table(
        "users",
        sa.Column("name", sa.String, primary_key=True),
        sa.Column("password_hash", sa.String),
        sa.Column("role", sa.String, nullable=False),
        sa.Column("created_at", sa.String, nullable=False),
        sa.CheckConstraint("role IN ('analyst', 'reviewer')", name="role_known"),
    )


def downgrade() -> None:
    for name in ("users", "audit", "assignments"):
        op.drop_table(name)
