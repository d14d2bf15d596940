"""change log: every change signed (when, who, what: table, record, field, before, after)

Revision ID: 0006_change_log
Revises: 0005_tracked_from
Create Date: 2026-12-03

Each write the app makes through its undo recorder (every form, every undo) and each
import adds rows here in the same transaction. No foreign key to the client: the history
of a deleted client stays readable.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_change_log"
down_revision = "0005_tracked_from"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "change_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.String(), nullable=False),
        sa.Column("author", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("table_name", sa.String(), nullable=False),
        sa.Column("record", sa.String(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("field", sa.String(), nullable=True),
        sa.Column("before", sa.String(), nullable=True),
        sa.Column("after", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_log")),
    )
    op.create_index("ix_change_log_client", "change_log", ["client_id", "id"])
    op.create_index("ix_change_log_record", "change_log", ["table_name", "record", "id"])


def downgrade() -> None:
    op.drop_index("ix_change_log_record", table_name="change_log")
    op.drop_index("ix_change_log_client", table_name="change_log")
    op.drop_table("change_log")
