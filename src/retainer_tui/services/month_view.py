"""Everything the dashboard and `retainer status` show for one month, in a few SQL queries.

Targets and actuals for every client come from one query over covering indexes (goal
carry-forward included), read as plain tuples; the rules in domain/ are applied to them.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from functools import lru_cache
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from retainer_tui.db.engine import Database
from retainer_tui.db.statements import session_of
from retainer_tui.domain.clients import (
    ClientStatus,
    billable,
    first_tracked,
    in_service,
    on_retainer,
)
from retainer_tui.domain.hours import over_included
from retainer_tui.domain.income import annual_run_rate, guaranteed_monthly_income
from retainer_tui.domain.month import Month
from retainer_tui.domain.payments import (
    PaymentState,
    last_month_past_grace,
    owed_months,
    payment_state,
    still_owed,
)
from retainer_tui.domain.reports import ReportState, report_state
from retainer_tui.domain.status import (
    MetricStatus,
    expected_by_now,
    metric_status,
    needs_attention,
    worst_status,
)
from retainer_tui.services.catalog import database_currency as read_currency

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
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


# The month-independent statements, built once from the table classes on first use
# (about 1 ms a load saved; SQLAlchemy stays off the app's start-up path). Bound
# parameters: m (the month), last (the month before the as-of date), base and now (see
# _payments_owed). The targets read holds the month (goal_in_force): kept per month.
_statements: dict[str, Any] = {}


def _clients_stmt() -> Any:
    """A row per client, by name. The two correlated columns count the client's sent
    reports within its months of service up to :last and give the latest of them, read
    from the report primary key per client: when the sent ones are the first months of
    that span (the usual case), the owed ones are the months after the latest, with no
    further query."""
    from sqlalchemy import String, and_, bindparam, func, or_, select

    from retainer_tui.db.models import Client, Hours, Payment, Report, Tier

    c, t, h, p = _table(Client).c, _table(Tier).c, _table(Hours).c, _table(Payment).c
    report = _table(Report)
    r, s = report.alias("r"), report.alias("s")
    m, last = bindparam("m", type_=String), bindparam("last", type_=String)
    sent_in_span = and_(
        s.c.client_id == c.id,
        s.c.sent_on.is_not(None),
        s.c.month >= _first_owed_column(),
        s.c.month <= last,
        or_(c.end_month.is_(None), s.c.month <= c.end_month),
    )
    return (
        select(
            c.id,
            c.name,
            c.company,
            c.status,
            t.name,
            func.coalesce(c.fee_override_cents, t.monthly_fee_cents, 0),
            t.included_hours,
            c.start_month,
            c.end_month,
            c.billing_day,
            c.report_due_day,
            h.hours_x100,
            p.received_on,
            r.c.sent_on,
            select(func.count()).where(sent_in_span).scalar_subquery(),
            select(func.max(s.c.month)).where(sent_in_span).scalar_subquery(),
            p.amount_cents,
            c.tracked_from,
        )
        .select_from(_table(Client))
        .outerjoin(_table(Tier), t.id == c.tier_id)
        .outerjoin(_table(Hours), and_(h.client_id == c.id, h.month == m))
        .outerjoin(_table(Payment), and_(p.client_id == c.id, p.month == m))
        .outerjoin(r, and_(r.c.client_id == c.id, r.c.month == m))
        # lower() folds ASCII only on SQLite, as the name's NOCASE does (names are unique
        # under it, so no ties there); the name itself orders PostgreSQL's ties.
        .order_by(func.lower(c.name), c.name)
    )


@lru_cache(maxsize=24)
def _targets_stmt(month: Month) -> Any:
    """Per client and metric, the target in force in the month (carry-forward: set then or
    the latest earlier one, a correlated MAX on the goal primary key), with the month's
    actual. A target of 0 stops tracking. (A ROW_NUMBER() window instead measured a third
    slower on SQLite at 10,000 clients.)"""
    from sqlalchemy import and_, select

    from retainer_tui.db.models import Goal, Result
    from retainer_tui.services.carry_forward import goal_in_force

    g, res = _table(Goal).c, _table(Result).c
    return (
        select(g.client_id, g.metric_key, g.target, res.actual)
        .select_from(_table(Goal))
        .outerjoin(
            _table(Result),
            and_(
                res.client_id == g.client_id,
                res.metric_key == g.metric_key,
                res.month == str(month),
            ),
        )
        .where(goal_in_force(month), g.target > 0)
    )


def _first_owed_column() -> Any:
    """The first month a client owes a report or a payment for: its tracked-from month when
    that is later than its start month, else the start month (domain.clients.first_tracked;
    NULL without a start month). This and _first_owed must name the same month."""
    from sqlalchemy import case

    from retainer_tui.db.models import Client

    c = _table(Client).c
    # CASE, not max()/GREATEST(): the same text on SQLite and PostgreSQL, and a NULL
    # tracked-from compares as unknown, so the start month stands.
    return case((c.tracked_from > c.start_month, c.tracked_from), else_=c.start_month)


def _paid_stmt() -> Any:
    """Per client that can owe: how many months from its first owed one up to :base (a
    month past its grace whatever the billing day) are paid in full, read from the payment
    primary key per client. When that count covers the whole early span, only the later
    months (_recent_stmt) can be owed."""
    from sqlalchemy import String, bindparam, func, or_, select

    from retainer_tui.db.models import Client, Payment, Tier

    c, t, q = _table(Client).c, _table(Tier).c, _table(Payment).c
    first = _first_owed_column()
    full = (
        select(func.count())
        .where(
            q.client_id == c.id,
            q.month >= first,
            q.month <= bindparam("base", type_=String),
            or_(c.end_month.is_(None), q.month <= c.end_month),
            q.amount_cents >= func.coalesce(c.fee_override_cents, t.monthly_fee_cents, 0),
        )
        .scalar_subquery()
    )
    return (
        select(c.id, full)
        .select_from(_table(Client))
        .outerjoin(_table(Tier), t.id == c.tier_id)
        .where(c.status.in_(("active", "ended")), first.is_not(None))
    )


def _recent_stmt() -> Any:
    """Every payment after :base up to the as-of month :now (a month or two per client),
    by client and month."""
    from sqlalchemy import String, bindparam, select

    from retainer_tui.db.models import Payment

    q = _table(Payment).c
    return (
        select(q.client_id, q.month, q.amount_cents)
        .where(q.month > bindparam("base", type_=String), q.month <= bindparam("now", type_=String))
        .order_by(q.client_id, q.month)
    )


def _table(model: Any) -> Any:
    """The table class's Core Table (SQLModel leaves __table__ untyped)."""
    return model.__table__


def _stmt(name: str) -> Any:
    found = _statements.get(name)
    if found is None:
        found = _statements[name] = _BUILDERS[name]()
    return found


_BUILDERS = {
    "clients": _clients_stmt,
    "paid": _paid_stmt,
    "recent": _recent_stmt,
}

_STATUSES = {s.value: s for s in ClientStatus}
_cell_status = attrgetter("status")


def _month_or_none(text: str | None) -> Month | None:
    return Month.stored(text) if text else None


def read_metrics(conn: Session | RawConnection) -> tuple[MetricInfo, ...]:
    from sqlalchemy import select

    from retainer_tui.db.models import Metric

    m = _table(Metric).c
    rows = (
        session_of(conn)
        .connection()
        .execute(select(m.key, m.label, m.unit, m.builtin).order_by(m.position, m.key))
    )
    return tuple(MetricInfo(k, label, unit, bool(b)) for k, label, unit, b in rows)


@dataclass(frozen=True, slots=True)
class _Lifecycle:
    """What a client's status, start and end mean for the month and for reports owed."""

    status: ClientStatus
    start: Month | None
    end: Month | None
    serving: bool
    billable: bool
    retained: bool
    # The first month owing a report or a payment (first_tracked), and whether the
    # selected month is one of them.
    tracked: Month | None
    tracked_now: bool
    # Index range (inclusive) of the ended months of service up to the as-of date.
    owed_first: int
    owed_last: int

    def billable_in(self, month: Month) -> bool:
        return billable(self.status, self.start, self.end, month)


def _lifecycle(
    status_text: str,
    start_t: str | None,
    end_t: str | None,
    tracked_t: str | None,
    month: Month,
    last_ended: Month,
) -> _Lifecycle:
    status = _STATUSES.get(status_text) or ClientStatus(status_text)
    start, end = _month_or_none(start_t), _month_or_none(end_t)
    tracked = first_tracked(start, _month_or_none(tracked_t))
    first, last = 0, -1
    # Within start..min(end, last_ended) in_service depends on the status alone, so the
    # months of service there are the whole range or none of it; reports are owed from
    # the tracked-from month on (an empty range when that is after the end).
    if (
        status not in (ClientStatus.PROSPECT, ClientStatus.PAUSED)
        and start is not None
        and tracked is not None
        and tracked <= last_ended
        and in_service(status, start, end, start)
    ):
        first = tracked.index
        last = last_ended.index if end is None else min(end, last_ended).index
    return _Lifecycle(
        status,
        start,
        end,
        in_service(status, start, end, month),
        billable(status, start, end, month),
        on_retainer(status, start, end, month),
        tracked,
        tracked is not None and month >= tracked,
        first,
        last,
    )


def _first_owed(life: _Lifecycle) -> Month | None:
    """The first month whose payment is owed (see _first_owed_column), None when no month of
    the client's is billable (within start..end that depends on the status alone, so the
    first tracked month answers for all; one after the end month owes nothing)."""
    first = life.tracked
    if first is None or not billable(life.status, life.start, life.end, first):
        return None
    return first


def _recent_payments(conn: Connection, base: Month, now: Month) -> dict[int, tuple]:
    """Per client, its payments after base up to now as ('YYYY-MM', cents, ...) in month
    order: hashable, so equal histories share one owed_months answer."""
    recent: dict[int, tuple] = {}
    get = recent.get
    params = {"base": str(base), "now": str(now)}
    for cid, month_t, cents in conn.execute(_stmt("recent"), params).all():
        found = get(cid)
        recent[cid] = (month_t, cents) if found is None else (*found, month_t, cents)
    return recent


def _paid_amounts(recent: tuple) -> dict[Month, int]:
    """('2026-10', 200000, '2026-11', 150000) as month -> cents."""
    return {Month.stored(recent[i]): recent[i + 1] for i in range(0, len(recent), 2)}


def _payments_owed(
    conn: Connection,
    rows: Sequence[Any],
    lives: list[_Lifecycle],
    *,
    as_of: date,
    grace_days: int,
) -> dict[int, tuple[tuple[Month, int], ...]]:
    """Every client's months owed (owed_months), from _paid_stmt and _recent_stmt plus, for
    the few clients with a gap in their early months, one read of their payments."""
    now = Month.of(as_of)
    base = last_month_past_grace(as_of, billing_day=31, grace_days=grace_days)
    base_i, after_base = base.index, base.next()
    recent_by_client = _recent_payments(conn, base, now)
    no_payments: tuple = ()
    paid = {
        cid: (full, recent_by_client.get(cid, no_payments))
        for cid, full in conn.execute(_stmt("paid"), {"base": str(base)}).all()
    }
    owed: dict[int, tuple[tuple[Month, int], ...]] = {}
    unsure: dict[int, tuple[Month, _Lifecycle, int, int]] = {}
    last_memo: dict[int, int] = {}
    first_memo: dict[_Lifecycle, Month | None] = {}
    memo: dict[tuple, tuple[tuple[Month, int], ...]] = {}
    paid_get, first_get = paid.get, first_memo.get
    for row, life in zip(rows, lives, strict=True):
        cid, fee, billing_day = row[0], row[5], row[9]
        found_paid = paid_get(cid)
        if found_paid is None or fee <= 0:
            continue
        first = first_get(life, after_base)
        if first is after_base:
            first = first_memo[life] = _first_owed(life)
        if first is None:
            continue
        last = last_memo.get(billing_day)
        if last is None:
            last = last_memo[billing_day] = last_month_past_grace(
                as_of, billing_day=billing_day, grace_days=grace_days
            ).index
        first_i = first.index
        stop = last if life.end is None else min(life.end.index, last)
        if stop < first_i:
            continue
        full, recent = found_paid
        if full != max(0, min(stop, base_i) - first_i + 1):
            unsure[cid] = (first, life, fee, billing_day)
            continue
        from_month = first if first_i > base_i else after_base
        key = (row[3], row[7], row[8], from_month.index, fee, billing_day, recent)
        found = memo.get(key)
        if found is None:
            found = memo[key] = owed_months(
                from_month,
                as_of,
                fee_cents=fee,
                billing_day=billing_day,
                received=_paid_amounts(recent),
                billable_in=life.billable_in,
                grace_days=grace_days,
            )
        if found:
            owed[cid] = found
    if unsure:
        from sqlalchemy import select

        from retainer_tui.db.models import Payment

        q = _table(Payment).c
        received: dict[int, dict[Month, int]] = {cid: {} for cid in unsure}
        ids = list(unsure)
        for chunk_start in range(0, len(ids), 500):
            chunk = ids[chunk_start : chunk_start + 500]
            for cid, month_t, cents in conn.execute(
                select(q.client_id, q.month, q.amount_cents).where(
                    q.client_id.in_(chunk), q.month <= str(now)
                )
            ).all():
                received[cid][Month.stored(month_t)] = cents
        for cid, (first, life, fee, billing_day) in unsure.items():
            found = owed_months(
                first,
                as_of,
                fee_cents=fee,
                billing_day=billing_day,
                received=received[cid],
                billable_in=life.billable_in,
                grace_days=grace_days,
            )
            if found:
                owed[cid] = found
    return owed


def _owed_reports(
    conn: Connection, spans: dict[int, tuple[int, int]]
) -> dict[int, tuple[Month, ...]]:
    """The unsent months (oldest first) in each client's span of month indexes."""
    owed: dict[int, tuple[Month, ...]] = {}
    if not spans:
        return owed
    from sqlalchemy import select

    from retainer_tui.db.models import Report

    r = _table(Report).c
    sent: dict[int, set[str]] = {cid: set() for cid in spans}
    ids = list(spans)
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start : chunk_start + 500]
        for cid, month in conn.execute(
            select(r.client_id, r.month).where(r.sent_on.is_not(None), r.client_id.in_(chunk))
        ).all():
            sent[cid].add(month)
    for cid, (first, last) in spans.items():
        done = sent[cid]
        missing = tuple(
            m for m in (Month.from_index(i) for i in range(first, last + 1)) if str(m) not in done
        )
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
    rows = conn.execute(_stmt("clients"), params).all()
    order = {m.key: i for i, m in enumerate(metrics)}
    tol = Fraction(str(tolerance))

    cell_memo: dict[tuple[str, int, int | None], MetricCell] = {}
    expected_memo: dict[int, Fraction] = {}
    # Cells by metric first, then per client in catalogue order (metrics missing from the
    # catalogue last, by key): the order a stable sort by catalogue position gives.
    by_metric: dict[str, list[tuple[int, MetricCell]]] = {}
    # .all(): one fetch, where iterating the result costs a fetchone() per row.
    targets = conn.execute(_targets_stmt(month)).all()
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

    lifecycles: dict[tuple[str, str | None, str | None, str | None], _Lifecycle] = {}
    owed: dict[int, tuple[Month, ...]] = {}
    unsure: dict[int, tuple[int, int]] = {}
    latest_index: dict[str, int] = {}
    lives: list[_Lifecycle] = []
    for row in rows:
        key4 = (row[3], row[7], row[8], row[17])
        life = lifecycles.get(key4)
        if life is None:
            life = lifecycles[key4] = _lifecycle(*key4, month, last_ended)
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
    owed.update(_owed_reports(conn, unsure))
    payments_owed = _payments_owed(conn, rows, lives, as_of=as_of, grace_days=grace_days)

    report_memo: dict[tuple[int, date | None, bool], ReportState] = {}
    payment_memo: dict[tuple[int, int, int, bool], PaymentState] = {}
    overdue_memo: dict[tuple[Month, int], bool] = {}
    worst_memo: dict[tuple[MetricStatus, ...], MetricStatus] = {}
    clients: list[ClientMonth] = []
    append = clients.append
    retained: list[tuple[ClientStatus, Month | None, Month | None, int]] = []
    attention = reports_due = reports_overdue = payments_late = owing = total_owed = 0
    cells_get, owed_get = cells.get, owed.get
    payments_owed_get = payments_owed.get
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
