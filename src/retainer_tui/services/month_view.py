"""Everything the dashboard and `retainer status` show for one month, in a few SQL queries.

Targets and actuals for every client come from one query over covering indexes (goal
carry-forward included), read as plain tuples; the rules in domain/ are applied to them.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from retainer_tui.db.engine import Database
from retainer_tui.domain.clients import ClientStatus, billable, in_service
from retainer_tui.domain.income import annual_run_rate, guaranteed_monthly_income
from retainer_tui.domain.month import Month
from retainer_tui.domain.payments import PaymentState, payment_state
from retainer_tui.domain.reports import ReportState, report_state
from retainer_tui.domain.status import (
    MetricStatus,
    expected_by_now,
    metric_status,
    needs_attention,
    worst_status,
)


@dataclass(frozen=True, slots=True)
class MetricInfo:
    key: str
    label: str
    unit: str
    builtin: bool


@dataclass(frozen=True, slots=True)
class MetricCell:
    metric: str
    target: int
    actual: int | None
    expected_by_now: Fraction
    status: MetricStatus


@dataclass(frozen=True, slots=True)
class ClientMonth:
    """One client's row for the month."""

    id: int
    name: str
    company: str
    status: ClientStatus
    tier: str | None
    monthly_fee_cents: int
    included_hours: int | None
    hours_x100: int | None
    start: Month | None
    end: Month | None
    in_service: bool
    month_status: MetricStatus
    report: ReportState
    report_sent_on: date | None
    reports_owed: tuple[Month, ...]
    overdue_owed: int
    payment: PaymentState
    payment_received_on: date | None
    metrics: tuple[MetricCell, ...]

    @property
    def needs_attention(self) -> bool:
        return needs_attention(self.month_status)

    @property
    def due_owed(self) -> int:
        return len(self.reports_owed) - self.overdue_owed

    @property
    def over_hours(self) -> bool:
        """Over-servicing: more hours worked than the tier includes."""
        return (
            self.hours_x100 is not None
            and self.included_hours is not None
            and self.hours_x100 > self.included_hours * 100
        )

    def metric(self, key: str) -> MetricCell | None:
        return next((m for m in self.metrics if m.metric == key), None)


@dataclass(frozen=True, slots=True)
class MonthView:
    month: Month
    as_of: date
    currency: str
    guaranteed_monthly_income_cents: int
    metrics: tuple[MetricInfo, ...]
    clients: tuple[ClientMonth, ...]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def annual_run_rate_cents(self) -> int:
        return annual_run_rate(self.guaranteed_monthly_income_cents)

    @property
    def tracked_metrics(self) -> tuple[MetricInfo, ...]:
        """Metrics that some client has a target for this month, in catalogue order."""
        used = {cell.metric for c in self.clients for cell in c.metrics}
        return tuple(m for m in self.metrics if m.key in used)


_CLIENTS_SQL = """
SELECT c.id, c.name, c.company, c.status, t.name,
       COALESCE(c.fee_override_cents, t.monthly_fee_cents, 0), t.included_hours,
       c.start_month, c.end_month, c.billing_day, c.report_due_day,
       h.hours_x100, p.received_on, r.sent_on
FROM client c
LEFT JOIN tier t ON t.id = c.tier_id
LEFT JOIN hours h ON h.client_id = c.id AND h.month = :m
LEFT JOIN payment p ON p.client_id = c.id AND p.month = :m
LEFT JOIN report r ON r.client_id = c.id AND r.month = :m
ORDER BY c.name COLLATE NOCASE
"""

# SQLite returns the bare columns of the row holding MAX(month): the latest target set
# for this month or an earlier one (carry-forward). A target of 0 stops tracking.
_TARGETS_SQL = """
SELECT g.client_id, g.metric_key, g.target, r.actual
FROM (
    SELECT client_id, metric_key, target, MAX(month) AS set_in
    FROM goal WHERE month <= :m GROUP BY client_id, metric_key
) AS g
LEFT JOIN result r ON r.client_id = g.client_id AND r.metric_key = g.metric_key
                  AND r.month = :m
WHERE g.target > 0
"""

_SENT_COUNTS_SQL = """
SELECT r.client_id, count(*)
FROM report r JOIN client c ON c.id = r.client_id
WHERE r.sent_on IS NOT NULL AND r.month <= :last
  AND c.start_month IS NOT NULL AND r.month >= c.start_month
  AND (c.end_month IS NULL OR r.month <= c.end_month)
GROUP BY r.client_id
"""


def _month_or_none(text: str | None) -> Month | None:
    return Month.parse(text) if text else None


def _date_or_none(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def read_currency(conn: sqlite3.Connection) -> str:
    row = conn.execute("SELECT value FROM meta WHERE key = 'currency'").fetchone()
    return row[0] if row else "USD"


def read_metrics(conn: sqlite3.Connection) -> tuple[MetricInfo, ...]:
    rows = conn.execute(
        "SELECT key, label, unit, builtin FROM metric ORDER BY position, key"
    ).fetchall()
    return tuple(MetricInfo(k, label, unit, bool(b)) for k, label, unit, b in rows)


def _service_span(
    status: ClientStatus, start: Month | None, end: Month | None, last: Month
) -> list[Month]:
    """The ended months (up to last) in which the client was in service."""
    if start is None or last < start:
        return []
    stop = last if end is None else min(end, last)
    months = [Month.from_index(i) for i in range(start.index, stop.index + 1)]
    return [m for m in months if in_service(status, start, end, m)]


def _owed_reports(
    conn: sqlite3.Connection, rows: list[tuple], as_of: date
) -> dict[int, tuple[Month, ...]]:
    """Every ended, unsent month of service per client, oldest first."""
    last_ended = Month.of(as_of).previous()
    sent_counts = dict(conn.execute(_SENT_COUNTS_SQL, {"last": str(last_ended)}).fetchall())
    spans: dict[int, list[Month]] = {}
    for row in rows:
        client_id, status = row[0], ClientStatus(row[3])
        start, end = _month_or_none(row[7]), _month_or_none(row[8])
        if status in (ClientStatus.PROSPECT, ClientStatus.PAUSED) or start is None:
            continue
        span = _service_span(status, start, end, last_ended)
        if len(span) > sent_counts.get(client_id, 0):
            spans[client_id] = span
    owed: dict[int, tuple[Month, ...]] = {}
    if not spans:
        return owed
    sent: dict[int, set[str]] = {cid: set() for cid in spans}
    ids = list(spans)
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start : chunk_start + 500]
        marks = ",".join("?" * len(chunk))
        for cid, month in conn.execute(
            f"SELECT client_id, month FROM report WHERE sent_on IS NOT NULL "
            f"AND client_id IN ({marks})",
            chunk,
        ):
            sent[cid].add(month)
    for cid, span in spans.items():
        missing = tuple(m for m in span if str(m) not in sent[cid])
        if missing:
            owed[cid] = missing
    return owed


def load_month(
    db: Database,
    *,
    month: Month,
    as_of: date,
    tolerance: float = 0.2,
    grace_days: int = 7,
) -> MonthView:
    """The month's figures for every client, as of a date."""
    with db.read() as conn:
        return load_month_from(
            conn, month=month, as_of=as_of, tolerance=tolerance, grace_days=grace_days
        )


def load_month_from(
    conn: sqlite3.Connection,
    *,
    month: Month,
    as_of: date,
    tolerance: float = 0.2,
    grace_days: int = 7,
) -> MonthView:
    params = {"m": str(month)}
    currency = read_currency(conn)
    metrics = read_metrics(conn)
    rows = conn.execute(_CLIENTS_SQL, params).fetchall()
    cells: dict[int, list[tuple[str, int, int | None]]] = {}
    for client_id, key, target, actual in conn.execute(_TARGETS_SQL, params):
        cells.setdefault(client_id, []).append((key, target, actual))
    owed = _owed_reports(conn, rows, as_of)
    order = {m.key: i for i, m in enumerate(metrics)}
    tol = Fraction(str(tolerance))

    clients: list[ClientMonth] = []
    for row in rows:
        (cid, name, company, status_text, tier, fee, included, start_t, end_t,
         billing_day, report_due_day, hours, received_t, sent_t) = row  # fmt: skip
        status = ClientStatus(status_text)
        start, end = _month_or_none(start_t), _month_or_none(end_t)
        serving = in_service(status, start, end, month)
        metric_cells: tuple[MetricCell, ...] = ()
        if serving:
            metric_cells = tuple(
                MetricCell(
                    key,
                    target,
                    actual,
                    expected_by_now(target, month, as_of),
                    metric_status(target, actual, month, as_of, tol),
                )
                for key, target, actual in sorted(
                    cells.get(cid, ()), key=lambda c: order.get(c[0], len(order))
                )
            )
        sent_on, received_on = _date_or_none(sent_t), _date_or_none(received_t)
        report = report_state(
            month, as_of, report_due_day=report_due_day, sent_on=sent_on, applicable=serving
        )
        payment = payment_state(
            month,
            as_of,
            billing_day=billing_day,
            received_on=received_on,
            applicable=billable(status, start, end, month),
            grace_days=grace_days,
        )
        client_owed = owed.get(cid, ())
        overdue = sum(
            1
            for m in client_owed
            if report_state(m, as_of, report_due_day=report_due_day, sent_on=None)
            is ReportState.OVERDUE
        )
        clients.append(
            ClientMonth(
                id=cid,
                name=name,
                company=company,
                status=status,
                tier=tier,
                monthly_fee_cents=fee,
                included_hours=included,
                hours_x100=hours,
                start=start,
                end=end,
                in_service=serving,
                month_status=worst_status(c.status for c in metric_cells),
                report=report,
                report_sent_on=sent_on,
                reports_owed=client_owed,
                overdue_owed=overdue,
                payment=payment,
                payment_received_on=received_on,
                metrics=metric_cells,
            )
        )
    income = guaranteed_monthly_income((c.status, c.monthly_fee_cents) for c in clients)
    counts = {
        "clients": len(clients),
        "active": sum(1 for c in clients if c.status is ClientStatus.ACTIVE),
        "needs_attention": sum(1 for c in clients if c.needs_attention),
        "reports_due": sum(1 for c in clients if c.due_owed > 0),
        "reports_overdue": sum(1 for c in clients if c.overdue_owed > 0),
        "payments_late": sum(1 for c in clients if c.payment is PaymentState.LATE),
    }
    return MonthView(
        month=month,
        as_of=as_of,
        currency=currency,
        guaranteed_monthly_income_cents=income,
        metrics=metrics,
        clients=tuple(clients),
        counts=counts,
    )
