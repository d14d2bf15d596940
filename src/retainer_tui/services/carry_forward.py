"""Goal carry-forward as one portable condition: the target in force for a month is the
goal row set in that month or the latest earlier one, per client and metric (a
correlated MAX subquery, which SQLite and PostgreSQL both run on the primary key)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement

    from retainer_tui.domain.month import Month


def goal_in_force(month: Month) -> ColumnElement[bool]:
    """A WHERE condition on Goal: this row is its client's and metric's target in force
    in the month (add Goal.target > 0 where a target of 0, tracking stopped, is left out)."""
    from sqlalchemy import func, select
    from sqlalchemy.orm import aliased
    from sqlmodel import col

    from retainer_tui.db.models import Goal

    later = aliased(Goal)
    latest = (
        select(func.max(col(later.month)))
        .where(
            col(later.client_id) == col(Goal.client_id),
            col(later.metric_key) == col(Goal.metric_key),
            col(later.month) <= str(month),
        )
        .scalar_subquery()
    )
    return col(Goal.month) == latest
