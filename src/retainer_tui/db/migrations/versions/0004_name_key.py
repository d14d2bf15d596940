"""name keys: case-insensitive unique names by a stored key, not a collation

Revision ID: 0004_name_key
Revises: 0003_tier_goals
Create Date: 2026-12-03

Client and tier names were unique under SQLite's NOCASE collation, which folds ASCII
only and which PostgreSQL does not have. Each row now stores its name's key (NFC, full
case folding, blanks ignored: retainer_tui.domain.names.name_key, the rule the app
compares names by) under a unique index. The names' NOCASE collation stays in SQLite
files made before (it only ever folded ASCII, a subset of the key's rule); the table
classes declare none, so PostgreSQL gets none.

Rows are kept as they are. Two rows whose names give one key (possible in a database
older than the names rule: "Café" written two ways) keep their names and get keys made
distinct by their id after a zero-width space, a character a name's key never holds.
Should the rule change, a later revision recomputes the keys.
"""

from __future__ import annotations

import sqlalchemy as sa
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
        # ADD COLUMN and CREATE INDEX, not a table rebuild: the rebuild would copy the
        # table's constraints in no fixed order (two databases, two schema texts).
        op.add_column(table, sa.Column("name_key", sa.String()))
        _fill_keys(table)
        op.create_index(op.f(f"ix_{table}_name_key"), table, ["name_key"], unique=True)


def downgrade() -> None:
    for table in _TABLES:
        op.drop_index(op.f(f"ix_{table}_name_key"), table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("name_key")
