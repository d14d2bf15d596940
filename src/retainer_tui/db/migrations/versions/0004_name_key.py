"""name keys: case-insensitive unique names by a stored key, not a collation

Revision ID: 0004_name_key
Revises: 0003_tier_goals
Create Date: 2026-12-03

Client and tier names were unique under SQLite's NOCASE collation, which folds ASCII
only and which PostgreSQL does not have. Each row now stores its name's key (NFC, full
case folding, blanks ignored: retainer_tui.domain.names.name_key, the rule the app
compares names by) under a unique index, and the name columns lose the collation.

Rows are kept as they are. Two rows whose names give one key (possible in a database
older than the names rule: "Café" written two ways) keep their names and get keys made
distinct by their id after a zero-width space, a character a name's key never holds.
Should the rule change, a later revision recomputes the keys.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

from retainer_tui.domain.names import name_key

revision = "0004_name_key"
down_revision = "0003_tier_goals"
branch_labels = None
depends_on = None

_TABLES = ("client", "tier")


def _fill_keys(table: str) -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text(f"SELECT id, name FROM {table} ORDER BY id")).all()
    seen: set[str] = set()
    for row_id, name in rows:
        key = name_key(name)
        if key in seen:
            key = f"{key}\u200b{row_id}"
        seen.add(key)
        conn.execute(
            sa.text(f"UPDATE {table} SET name_key = :key WHERE id = :id"),
            {"key": key, "id": row_id},
        )


def upgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("name_key", sqlmodel.sql.sqltypes.AutoString()))
            batch.alter_column(
                "name",
                existing_type=sa.String(collation="NOCASE"),
                type_=sqlmodel.sql.sqltypes.AutoString(),
                existing_nullable=False,
            )
        _fill_keys(table)
        with op.batch_alter_table(table) as batch:
            batch.create_unique_constraint(op.f(f"uq_{table}_name_key"), ["name_key"])


def downgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f"uq_{table}_name_key"), type_="unique")
            batch.drop_column("name_key")
            batch.alter_column(
                "name",
                existing_type=sqlmodel.sql.sqltypes.AutoString(),
                type_=sa.String(collation="NOCASE"),
                existing_nullable=False,
            )
