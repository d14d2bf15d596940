"""Everything the dashboard and `retainer status` show for one month, in a few SQL queries:
the view's dataclasses and the build that fills them.

Targets and actuals for every client come from one query over covering indexes (goal
carry-forward included), read as plain tuples (month_query); the rules in domain/ are
applied to them, per client through month_rules.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from operator import attrgetter
from typing import TYPE_CHECKING

from retainer_tui.db.engine import Database
from retainer_tui.db.statements import session_of
from retainer_tui.domain.clients import ClientStatus
from retainer_tui.domain.hours import over_included
from retainer_tui.domain.income import annual_run_rate, guaranteed_monthly_income
from retainer_tui.domain.month import Month
from retainer_tui.domain.payments import PaymentState, payment_state, still_owed
from retainer_tui.domain.reports import ReportState, report_state
from retainer_tui.domain.status import (
    MetricStatus,
    expected_by_now,
    metric_status,
    needs_attention,
    worst_status,
)
from retainer_tui.services.catalog import database_currency as read_currency
from retainer_tui.services.month_query import statement, table, targets_statement
from retainer_tui.services.month_rules import Lifecycle, lifecycle, payments_owed, reports_owed

if TYPE_CHECKING:
    from sqlmodel import Session

    from retainer_tui.db.statements import RawConnection


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
    on_retainer: bool = False
    payment_received_cents: int = 0
    payments_owed: tuple[tuple[Month, int], ...] = ()
    """(month, cents still owed) for every month past its grace, oldest first."""
    tracked_from: Month | None = None
    """The first month reports and payments are owed for (the start month unless the
    client's tracked-from month is later); None without a start month."""

    @property
    def needs_attention(self) -> bool:
        return needs_attention(self.month_status)

    @property
    def owed_this_month_cents(self) -> int:
        """What is still to pay of the selected month's fee (0 when nothing is expected)."""
        if self.payment is PaymentState.NOT_APPLICABLE:
            return 0
        return still_owed(self.monthly_fee_cents, self.payment_received_cents)

    @property
    def total_owed_cents(self) -> int:
        return sum(cents for _, cents in self.payments_owed)

    @property
    def due_owed(self) -> int:
        return len(self.reports_owed) - self.overdue_owed

    @property
    def over_hours(self) -> bool:
        return over_included(self.hours_x100, self.included_hours)

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
    total_owed_cents: int = 0

    @property
    def annual_run_rate_cents(self) -> int:
        return annual_run_rate(self.guaranteed_monthly_income_cents)

    @property
    def tracked_metrics(self) -> tuple[MetricInfo, ...]:
        """Metrics that some client has a target for this month, in catalogue order."""
        used = {cell.metric for c in self.clients for cell in c.metrics}
        return tuple(m for m in self.metrics if m.key in used)


def read_metrics(conn: Session | RawConnection) -> tuple[MetricInfo, ...]:
    from sqlalchemy import select

    from retainer_tui.db.models import Metric

    m = table(Metric).c
    rows = (
        session_of(conn)
        .connection()
        .execute(select(m.key, m.label, m.unit, m.builtin).order_by(m.position, m.key))
    )
    return tuple(MetricInfo(k, label, unit, bool(b)) for k, label, unit, b in rows)


_cell_status = attrgetter("status")


def load_month(
    db: Database,
    *,
    month: Month,
    as_of: date,
    tolerance: float = 0.2,
    grace_days: int = 7,
) -> MonthView:
    """The month's figures for every client, as of a date."""
    with db.reading() as session:
        return load_month_from(
            session, month=month, as_of=as_of, tolerance=tolerance, grace_days=grace_days
        )


def load_month_from(
    conn: Session | RawConnection,
    *,
    month: Month,
    as_of: date,
    tolerance: float = 0.2,
    grace_days: int = 7,
) -> MonthView:
    """load_month in an open Session or db.read() connection (one snapshot shared with
    other reads)."""
    session = session_of(conn)
    with _collector_paused():
        return _build(session, month=month, as_of=as_of, tolerance=tolerance, grace_days=grace_days)


# How many month loads hold the collector off now, and the lock that counts them: the
# collector comes back when the last of overlapping loads (two screens' workers) is done.
_paused_loads = 0
_pause_lock = threading.Lock()


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Hold off Python's cyclic garbage collector while the view is built.

    Building 10,000 clients' rows allocates enough to set off full collections, and in the
    app each of them walks Textual's whole heap (~60 ms of a 250 ms load at 10,000
    clients). Nothing built here forms a cycle, so the pause frees nothing late. A
    collector the process turned off itself stays off; loads that overlap share the pause.
    """
    global _paused_loads
    with _pause_lock:
        if _paused_loads == 0 and not gc.isenabled():
            owned = False
        else:
            owned = True
            _paused_loads += 1
            gc.disable()
    try:
        yield
    finally:
        if owned:
            with _pause_lock:
                _paused_loads -= 1
                if _paused_loads == 0:
                    gc.enable()


def _build(
    session: Session,
    *,
    month: Month,
    as_of: date,
    tolerance: float,
    grace_days: int,
) -> MonthView:
    """The view itself. The domain rules are applied to every distinct input once per call
    and the answers reused (memo dictionaries below): with thousands of clients the inputs
    repeat a lot. Bulk reads go through the Session's Core connection: plain rows, no ORM
    result processing."""
    last_ended = Month.of(as_of).previous()
    params = {"m": str(month), "last": str(last_ended)}
    currency = read_currency(session)
    metrics = read_metrics(session)
    conn = session.connection()
    rows = conn.execute(statement("clients"), params).all()
    order = {m.key: i for i, m in enumerate(metrics)}
    tol = Fraction(str(tolerance))

    cell_memo: dict[tuple[str, int, int | None], MetricCell] = {}
    expected_memo: dict[int, Fraction] = {}
    # Cells by metric first, then per client in catalogue order (metrics missing from the
    # catalogue last, by key): the order a stable sort by catalogue position gives.
    by_metric: dict[str, list[tuple[int, MetricCell]]] = {}
    # .all(): one fetch, where iterating the result costs a fetchone() per row.
    targets = conn.execute(targets_statement(month)).all()
    for client_id, key, target, actual in targets:
        cell = cell_memo.get((key, target, actual))
        if cell is None:
            expected = expected_memo.get(target)
            if expected is None:
                expected = expected_memo[target] = expected_by_now(target, month, as_of)
            cell = cell_memo[key, target, actual] = MetricCell(
                key, target, actual, expected, metric_status(target, actual, month, as_of, tol)
            )
        bucket = by_metric.get(key)
        if bucket is None:
            by_metric[key] = [(client_id, cell)]
        else:
            bucket.append((client_id, cell))
    cells: dict[int, list[MetricCell]] = {}
    for key in sorted(by_metric, key=lambda k: (order.get(k, len(order)), k)):
        for client_id, cell in by_metric[key]:
            found = cells.get(client_id)
            if found is None:
                cells[client_id] = [cell]
            else:
                found.append(cell)

    lifecycles: dict[tuple[str, str | None, str | None, str | None], Lifecycle] = {}
    owed: dict[int, tuple[Month, ...]] = {}
    unsure: dict[int, tuple[int, int]] = {}
    latest_index: dict[str, int] = {}
    lives: list[Lifecycle] = []
    for row in rows:
        key4 = (row[3], row[7], row[8], row[17])
        life = lifecycles.get(key4)
        if life is None:
            life = lifecycles[key4] = lifecycle(*key4, month, last_ended)
        lives.append(life)
        first, last, sent = life.owed_first, life.owed_last, row[14]
        if last - first + 1 <= sent:
            continue
        latest = row[15]
        if latest is None:
            owed[row[0]] = tuple(Month.from_index(i) for i in range(first, last + 1))
            continue
        done = latest_index.get(latest)
        if done is None:
            done = latest_index[latest] = Month.stored(latest).index
        if done - first + 1 == sent:  # the sent ones fill first..latest: owed after it
            owed[row[0]] = tuple(Month.from_index(i) for i in range(done + 1, last + 1))
        else:
            unsure[row[0]] = (first, last)
    owed.update(reports_owed(conn, unsure))
    months_owed = payments_owed(conn, rows, lives, as_of=as_of, grace_days=grace_days)

    report_memo: dict[tuple[int, date | None, bool], ReportState] = {}
    payment_memo: dict[tuple[int, int, int, bool], PaymentState] = {}
    overdue_memo: dict[tuple[Month, int], bool] = {}
    worst_memo: dict[tuple[MetricStatus, ...], MetricStatus] = {}
    clients: list[ClientMonth] = []
    append = clients.append
    retained: list[tuple[ClientStatus, Month | None, Month | None, int]] = []
    attention = reports_due = reports_overdue = payments_late = owing = total_owed = 0
    cells_get, owed_get = cells.get, owed.get
    payments_owed_get = months_owed.get
    for row, life in zip(rows, lives, strict=True):
        (cid, name, company, _status, tier, fee, included, _start, _end,
         billing_day, report_due_day, hours, received_on, sent_on, _sent, _latest,
         received_cents, _tracked) = row  # fmt: skip
        received_cents = received_cents or 0
        serving = life.serving
        # Before the tracked-from month no report and no payment is owed: not applicable.
        reported = serving and life.tracked_now
        metric_cells: tuple[MetricCell, ...] = ()
        if serving:
            found = cells_get(cid)
            if found:
                metric_cells = tuple(found)
        statuses = tuple(map(_cell_status, metric_cells))
        month_status = worst_memo.get(statuses)
        if month_status is None:
            month_status = worst_memo[statuses] = worst_status(statuses)
        # The date columns come back as dates (or None) through their Date type.
        report = report_memo.get((report_due_day, sent_on, reported))
        if report is None:
            report = report_memo[report_due_day, sent_on, reported] = report_state(
                month, as_of, report_due_day=report_due_day, sent_on=sent_on, applicable=reported
            )
        paid_for = life.billable and life.tracked_now
        payment_key = (billing_day, received_cents, fee, paid_for)
        payment = payment_memo.get(payment_key)
        if payment is None:
            payment = payment_memo[payment_key] = payment_state(
                month,
                as_of,
                billing_day=billing_day,
                received_cents=received_cents,
                fee_cents=fee,
                applicable=paid_for,
                grace_days=grace_days,
            )
        client_payments_owed = payments_owed_get(cid, ())
        if client_payments_owed:
            owing += 1
            total_owed += sum(cents for _, cents in client_payments_owed)
        client_owed = owed_get(cid, ())
        overdue = 0
        for m in client_owed:
            late = overdue_memo.get((m, report_due_day))
            if late is None:
                late = overdue_memo[m, report_due_day] = (
                    report_state(m, as_of, report_due_day=report_due_day, sent_on=None)
                    is ReportState.OVERDUE
                )
            overdue += late
        status = life.status
        if life.retained:
            retained.append((status, life.start, life.end, fee))
        if needs_attention(month_status):
            attention += 1
        if len(client_owed) > overdue:
            reports_due += 1
        if overdue:
            reports_overdue += 1
        if payment is PaymentState.LATE:
            payments_late += 1
        # Positional (ClientMonth's field order): keywords cost a tenth of the loop.
        append(
            ClientMonth(
                cid, name, company, status, tier, fee, included, hours, life.start, life.end,
                serving, month_status, report, sent_on, client_owed, overdue, payment,
                received_on, metric_cells, life.retained, received_cents, client_payments_owed,
                life.tracked,
            )
        )  # fmt: skip
    counts = {
        "clients": len(clients),
        "active": len(retained),
        "needs_attention": attention,
        "reports_due": reports_due,
        "reports_overdue": reports_overdue,
        "payments_late": payments_late,
        "payments_owed": owing,
    }
    return MonthView(
        month=month,
        as_of=as_of,
        currency=currency,
        guaranteed_monthly_income_cents=guaranteed_monthly_income(retained, month),
        metrics=metrics,
        clients=tuple(clients),
        counts=counts,
        total_owed_cents=total_owed,
    )
