"""The monthly results grid's rows: clients in service that month × every metric, plus hours.

Four queries over the month's covering indexes (clients, targets with carry-forward,
results, hours), returned as plain frozen rows; the status of a cell is computed by the
rules in domain/ as the user types, so it is not stored here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from retainer_tui.db.engine import Database
from retainer_tui.domain.clients import ClientStatus, in_service
from retainer_tui.domain.month import Month
from retainer_tui.domain.status import MetricStatus, metric_status
from retainer_tui.services.month_view import MetricInfo, read_metrics


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


_CLIENTS_SQL = """
SELECT c.id, c.name, c.status, c.start_month, c.end_month, t.name, t.included_hours, h.hours_x100
FROM client c
LEFT JOIN tier t ON t.id = c.tier_id
LEFT JOIN hours h ON h.client_id = c.id AND h.month = :m
WHERE c.status IN ('active', 'trial', 'ended')
  AND (c.start_month IS NULL OR c.start_month <= :m)
  AND (c.end_month IS NULL OR c.end_month >= :m)
ORDER BY c.name COLLATE NOCASE
"""

# The latest target set for this month or an earlier one (SQLite's bare-column MAX rule).
_TARGETS_SQL = """
SELECT client_id, metric_key, target, MAX(month)
FROM goal WHERE month <= :m GROUP BY client_id, metric_key
"""

_RESULTS_SQL = "SELECT client_id, metric_key, actual FROM result WHERE month = :m"


def load_grid(db: Database, *, month: Month) -> GridData:
    """Every client in service in the month, with its targets, results and hours."""
    params = {"m": str(month)}
    with db.read() as conn:
        metrics = read_metrics(conn)
        clients = conn.execute(_CLIENTS_SQL, params).fetchall()
        targets: dict[int, dict[str, int]] = {}
        for cid, key, target, _set_in in conn.execute(_TARGETS_SQL, params):
            if target > 0:
                targets.setdefault(cid, {})[key] = target
        actuals: dict[int, dict[str, int]] = {}
        for cid, key, actual in conn.execute(_RESULTS_SQL, params):
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


def cell_status(
    target: int | None, actual: int | None, month: Month, as_of: date, tolerance: float
) -> MetricStatus | None:
    """The rule's status for a cell (None when there is no target to measure against)."""
    if not target:
        return None
    return metric_status(target, actual, month, as_of, Fraction(str(tolerance)))
