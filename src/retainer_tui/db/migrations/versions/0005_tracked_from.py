"""tracked from: the month a client's reports and payments are owed from

Revision ID: 0005_tracked_from
Revises: 0004_name_key
Create Date: 2026-12-03

A client added long after it started (a January client entered in December) arrived
with a year of "overdue" reports and unpaid months. `client.tracked_from` ('YYYY-MM'
text, NULL) names the first month reports and payments are owed for; NULL means the
start month, which is what every row in use before this revision meant, so no row is
rewritten.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_tracked_from"
down_revision = "0004_name_key"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ADD COLUMN, not a table rebuild (as 0004): the rebuild would copy the table's
    # constraints in no fixed order. A nullable column with no default: rows stay as they are.
    op.add_column("client", sa.Column("tracked_from", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("client") as batch:
        batch.drop_column("tracked_from")
