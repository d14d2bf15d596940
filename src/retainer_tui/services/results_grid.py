"""The monthly results grid's rows: clients in service that month × every metric, plus hours.

Four queries over the month's covering indexes (metrics, clients with their hours,
targets with carry-forward, results), returned as plain frozen rows; the status of a cell
is computed by the rules in domain/ as the user types, so it is not stored here.
SQLAlchemy is imported inside the functions: the app's start-up path imports this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from retainer_tui.db.engine import Database
from retainer_tui.domain.clients import ClientStatus, in_service
from retainer_tui.domain.month import Month
from retainer_tui.services.month_view import MetricInfo, read_metrics

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy import Row
    from sqlmodel import Session

    _Rows = Sequence[Row[*tuple[Any, ...]]]


@dataclass(frozen=True, slots=True)
class GridRow:
    client_id: int
    name: str
    status: ClientStatus
    tier: str | None
    included_hours: int | None
    hours_x100: int | None
    targets: dict[str, int]
    """Targets in force this month (carried forward), 0 targets left out."""
    actuals: dict[str, int]
    """Results entered for this month."""


@dataclass(frozen=True, slots=True)
class GridData:
    month: Month
    metrics: tuple[MetricInfo, ...]
    rows: tuple[GridRow, ...]


def _clients(session: Session, month: Month) -> _Rows:
    """(id, name, status, start, end, tier, included hours, hours) of the clients whose
    status and months may put them in service, by name as SQLite's NOCASE sorts it."""
    from sqlalchemy import and_, func, or_, select
    from sqlmodel import col

    from retainer_tui.db.models import Client, Hours, Tier

    m = str(month)
    start, end = col(Client.start_month), col(Client.end_month)
    return session.execute(
        select(
            col(Client.id),
            col(Client.name),
            col(Client.status),
            start,
            end,
            col(Tier.name),
            col(Tier.included_hours),
            col(Hours.hours_x100),
        )
        .select_from(Client)
        .outerjoin(Tier, col(Tier.id) == col(Client.tier_id))
        .outerjoin(Hours, and_(col(Hours.client_id) == col(Client.id), col(Hours.month) == m))
        .where(
            col(Client.status).in_(("active", "trial", "ended")),
            or_(start.is_(None), start <= m),
            or_(end.is_(None), end >= m),
        )
        # lower() folds ASCII only on SQLite, as NOCASE does; portable where NOCASE is not.
        .order_by(func.lower(col(Client.name)))
    ).all()


def _targets(session: Session, month: Month) -> _Rows:
    """(client, metric, target) of the latest target set for the month or an earlier one:
    the goal row whose month is the latest of its client and metric up to then, unless
    that target is 0 (tracking stopped)."""
    from sqlalchemy import select
    from sqlmodel import col

    from retainer_tui.db.models import Goal
    from retainer_tui.services.carry_forward import goal_in_force

    return session.execute(
        select(col(Goal.client_id), col(Goal.metric_key), col(Goal.target)).where(
            goal_in_force(month), col(Goal.target) > 0
        )
    ).all()


def _results(session: Session, month: Month) -> _Rows:
    from sqlalchemy import select
    from sqlmodel import col

    from retainer_tui.db.models import Result

    return session.execute(
        select(col(Result.client_id), col(Result.metric_key), col(Result.actual)).where(
            col(Result.month) == str(month)
        )
    ).all()


def load_grid(db: Database, *, month: Month) -> GridData:
    """Every client in service in the month, with its targets, results and hours."""
    from retainer_tui.db.statements import session_of

    with db.reading() as conn:
        session = session_of(conn)
        metrics = read_metrics(conn)
        clients = _clients(session, month)
        targets: dict[int, dict[str, int]] = {}
        for cid, key, target in _targets(session, month):
            targets.setdefault(cid, {})[key] = target
        actuals: dict[int, dict[str, int]] = {}
        for cid, key, actual in _results(session, month):
            actuals.setdefault(cid, {})[key] = actual
    rows = []
    for cid, name, status, start, end, tier, included, hours in clients:
        start_m = Month.stored(start) if start else None
        end_m = Month.stored(end) if end else None
        if not in_service(status, start_m, end_m, month):
            continue
        rows.append(
            GridRow(
                client_id=cid,
                name=name,
                status=ClientStatus(status),
                tier=tier,
                included_hours=included,
                hours_x100=hours,
                targets=targets.get(cid, {}),
                actuals=actuals.get(cid, {}),
            )
        )
    return GridData(month=month, metrics=metrics, rows=tuple(rows))
