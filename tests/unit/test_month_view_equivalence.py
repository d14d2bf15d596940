"""load_month against a plain, per-client reading of the rules on varied random databases.

load_month is tuned for 10,000 clients (one SQL pass, memoised rules); this pins that it
gives exactly what applying domain/ client by client and month by month gives.
"""

from __future__ import annotations

import gc
import random
from datetime import date, timedelta
from fractions import Fraction

import pytest

from retainer_tui.db.engine import Database
from retainer_tui.domain.clients import (
    ClientStatus,
    billable,
    first_tracked,
    in_service,
    on_retainer,
    tracked_in,
)
from retainer_tui.domain.income import guaranteed_monthly_income
from retainer_tui.domain.month import Month, months_between
from retainer_tui.domain.payments import PaymentState, payment_state
from retainer_tui.domain.reports import ReportState, report_state
from retainer_tui.domain.status import (
    expected_by_now,
    metric_status,
    needs_attention,
    worst_status,
)
from retainer_tui.services.month_view import (
    ClientMonth,
    MetricCell,
    MonthView,
    load_month,
    read_currency,
    read_metrics,
)

FIRST = Month(2024, 1)
LAST = Month(2027, 3)
STATUSES = [s.value for s in ClientStatus]


def _month(rng: random.Random, low: Month = FIRST, high: Month = LAST) -> Month:
    return Month.from_index(rng.randint(low.index, high.index))


def _fill(db: Database, seed: int, clients: int = 60) -> None:
    """Clients of every status and span, sparse goals (some 0), results, payments, reports."""
    rng = random.Random(seed)
    with db.write() as conn:
        conn.execute(
            "INSERT INTO metric (key, label, unit, builtin, position) VALUES "
            "('reels', 'Reels', 'reels', 0, 50), ('aa_first', 'First', 'x', 0, -1)"
        )
        metrics = [k for (k,) in conn.execute("SELECT key FROM metric")]
        tiers = [t for (t,) in conn.execute("SELECT id FROM tier")] + [None]
        for i in range(clients):
            start = None if rng.random() < 0.1 else _month(rng, FIRST, Month(2026, 12))
            end = None
            if rng.random() < 0.35:
                end = _month(rng, start or FIRST, LAST)
            # Tracked from: mostly unset; else within the span, after its end, or (a stored
            # value older than the rule) before the start month.
            tracked = None
            if rng.random() < 0.4:
                tracked = _month(rng, start or FIRST, LAST)
            elif rng.random() < 0.1:
                tracked = _month(rng, FIRST, start or FIRST)
            conn.execute(
                "INSERT INTO client (id, name, company, decision_maker, email, phone,"
                " service_type, tier_id, fee_override_cents, billing_day, report_due_day,"
                " start_month, end_month, tracked_from, status, notes, stage, next_action,"
                " objections)"
                " VALUES (?, ?, '', '', '', '', 'other', ?, ?, ?, ?, ?, ?, ?, ?, '', '', '', '')",
                (
                    i + 1,
                    f"{rng.choice('abcXYZ')}client {i:03d}",
                    rng.choice(tiers),
                    rng.choice([None, None, 150_000, 0]),
                    rng.choice([1, 1, 15, 28, 31]),
                    rng.choice([1, 5, 5, 10, 31]),
                    str(start) if start else None,
                    str(end) if end else None,
                    str(tracked) if tracked else None,
                    rng.choice(STATUSES + ["active", "active"]),
                ),
            )
            for key in rng.sample(metrics, rng.randint(0, len(metrics))):
                for _ in range(rng.randint(1, 3)):
                    conn.execute(
                        "INSERT OR REPLACE INTO goal VALUES (?, ?, ?, ?)",
                        (i + 1, key, str(_month(rng)), rng.choice([0, 1, 7, 10, 30, 400])),
                    )
                for m in months_between(FIRST, LAST):
                    if rng.random() < 0.6:
                        conn.execute(
                            "INSERT INTO result VALUES (?, ?, ?, ?)",
                            (i + 1, key, str(m), rng.randint(0, 40) * rng.choice([1, 10])),
                        )
            # Some clients pay every month in full, some now and then, some in part.
            pays = rng.choice([0.5, 0.97, 1.0, 1.0])
            amounts = rng.choice([[10**9], [10**9], [100, 10**9], [100], [150_000, 149_999]])
            for m in months_between(FIRST, LAST):
                roll = rng.random()
                if roll < 0.5:
                    sent = m.next().day(rng.randint(1, 28)) if rng.random() < 0.9 else None
                    conn.execute(
                        "INSERT INTO report VALUES (?, ?, ?, '')",
                        (i + 1, str(m), sent.isoformat() if sent else None),
                    )
                if rng.random() < pays:
                    conn.execute(
                        "INSERT INTO payment VALUES (?, ?, ?, ?)",
                        (
                            i + 1,
                            str(m),
                            rng.choice(amounts),
                            (m.first_day + timedelta(rng.randint(0, 40))).isoformat(),
                        ),
                    )
                if rng.random() < 0.3:
                    conn.execute(
                        "INSERT INTO hours VALUES (?, ?, ?)", (i + 1, str(m), rng.randint(0, 9000))
                    )


def _reference(
    db: Database, month: Month, as_of: date, tolerance: float, grace_days: int
) -> MonthView:
    """The rules applied client by client with simple queries: slow and obviously right."""
    tol = Fraction(str(tolerance))
    with db.read() as conn:
        currency, metrics = read_currency(conn), read_metrics(conn)
        position = {m.key: i for i, m in enumerate(metrics)}
        rows = conn.execute(
            "SELECT c.id, c.name, c.company, c.status, t.name,"
            " c.fee_override_cents, t.monthly_fee_cents, t.included_hours, c.start_month,"
            " c.end_month, c.billing_day, c.report_due_day, c.tracked_from FROM client c"
            " LEFT JOIN tier t ON t.id = c.tier_id ORDER BY c.name COLLATE NOCASE"
        ).fetchall()
        clients = []
        for (cid, name, company, status_t, tier, override, tier_fee, included,
             start_t, end_t, billing_day, due_day, tracked_t) in rows:  # fmt: skip
            status = ClientStatus(status_t)
            start = Month.parse(start_t) if start_t else None
            end = Month.parse(end_t) if end_t else None
            tracked_from = Month.parse(tracked_t) if tracked_t else None
            serving = in_service(status, start, end, month)
            # Reports and payments are owed from the tracked-from month on (or the start).
            tracked = tracked_in(start, tracked_from, month)

            def one(sql: str, *args: object, cid: int = cid) -> object:
                row = conn.execute(sql, (cid, *args)).fetchone()
                return row[0] if row else None

            cells = []
            if serving:
                for key in sorted(position, key=position.__getitem__):
                    target = one(
                        "SELECT target FROM goal WHERE client_id = ? AND metric_key = ?"
                        " AND month <= ? ORDER BY month DESC LIMIT 1",
                        key,
                        str(month),
                    )
                    if not target:
                        continue
                    actual = one(
                        "SELECT actual FROM result WHERE client_id = ? AND metric_key = ?"
                        " AND month = ?",
                        key,
                        str(month),
                    )
                    cells.append(
                        MetricCell(
                            key,
                            target,
                            actual,
                            expected_by_now(target, month, as_of),
                            metric_status(target, actual, month, as_of, tol),
                        )
                    )
            sent_t = one("SELECT sent_on FROM report WHERE client_id = ? AND month = ?", str(month))
            received_t = one(
                "SELECT received_on FROM payment WHERE client_id = ? AND month = ?", str(month)
            )
            received_cents = one(
                "SELECT amount_cents FROM payment WHERE client_id = ? AND month = ?", str(month)
            )
            fee = override if override is not None else (tier_fee or 0)
            paid = dict(
                conn.execute("SELECT month, amount_cents FROM payment WHERE client_id = ?", (cid,))
            )
            # Owed: every billable month from the start month (and the tracked-from one)
            # whose billing day plus the grace has passed, short of the fee.
            payments_owed = (
                tuple(
                    (m, fee - paid.get(str(m), 0))
                    for m in months_between(start, Month.of(as_of))
                    if start is not None
                    and tracked_in(start, tracked_from, m)
                    and billable(status, start, end, m)
                    and as_of - m.day(billing_day) > timedelta(days=grace_days)
                    and paid.get(str(m), 0) < fee
                )
                if start is not None
                else ()
            )
            sent_on = date.fromisoformat(sent_t) if sent_t else None
            received_on = date.fromisoformat(received_t) if received_t else None
            sent_months = {
                m for (m,) in conn.execute(
                    "SELECT month FROM report WHERE client_id = ? AND sent_on IS NOT NULL", (cid,)
                )
            }  # fmt: skip
            last_ended = Month.of(as_of).previous()
            owed: tuple[Month, ...] = ()
            if start is not None:
                stop = last_ended if end is None else min(end, last_ended)
                owed = tuple(
                    m
                    for m in months_between(start, stop)
                    if in_service(status, start, end, m)
                    and tracked_in(start, tracked_from, m)
                    and str(m) not in sent_months
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
                    hours_x100=one(
                        "SELECT hours_x100 FROM hours WHERE client_id = ? AND month = ?",
                        str(month),
                    ),
                    start=start,
                    end=end,
                    in_service=serving,
                    month_status=worst_status(c.status for c in cells),
                    report=report_state(
                        month,
                        as_of,
                        report_due_day=due_day,
                        sent_on=sent_on,
                        applicable=serving and tracked,
                    ),
                    report_sent_on=sent_on,
                    reports_owed=owed,
                    overdue_owed=sum(
                        report_state(m, as_of, report_due_day=due_day, sent_on=None)
                        is ReportState.OVERDUE
                        for m in owed
                    ),
                    payment=payment_state(
                        month,
                        as_of,
                        billing_day=billing_day,
                        received_cents=received_cents or 0,
                        fee_cents=fee,
                        applicable=billable(status, start, end, month) and tracked,
                        grace_days=grace_days,
                    ),
                    payment_received_on=received_on,
                    metrics=tuple(cells),
                    on_retainer=on_retainer(status, start, end, month),
                    payment_received_cents=received_cents or 0,
                    payments_owed=payments_owed,
                    tracked_from=first_tracked(start, tracked_from),
                )
            )
    counts = {
        "clients": len(clients),
        "active": sum(c.on_retainer for c in clients),
        "needs_attention": sum(needs_attention(c.month_status) for c in clients),
        "reports_due": sum(c.due_owed > 0 for c in clients),
        "reports_overdue": sum(c.overdue_owed > 0 for c in clients),
        "payments_late": sum(c.payment is PaymentState.LATE for c in clients),
        "payments_owed": sum(bool(c.payments_owed) for c in clients),
    }
    return MonthView(
        month=month,
        as_of=as_of,
        currency=currency,
        guaranteed_monthly_income_cents=guaranteed_monthly_income(
            ((c.status, c.start, c.end, c.monthly_fee_cents) for c in clients), month
        ),
        metrics=metrics,
        clients=tuple(clients),
        counts=counts,
        total_owed_cents=sum(cents for c in clients for _, cents in c.payments_owed),
    )


CASES = [
    # (as_of, month offset from the as-of month, tolerance, grace days)
    (date(2026, 11, 20), 0, 0.2, 7),
    (date(2026, 11, 20), -1, 0.2, 7),
    (date(2026, 11, 20), 1, 0.2, 7),
    (date(2026, 11, 3), -1, 0.5, 0),
    (date(2026, 12, 31), 0, 0.0, 30),
    (date(2025, 3, 1), -14, 0.2, 7),
    (date(2027, 4, 6), -2, 0.25, 7),
    (date(2026, 3, 1), 0, 0.2, 60),
    (date(2026, 3, 2), -1, 0.2, 60),
    (date(2027, 2, 28), 0, 0.2, 0),
    (date(2024, 1, 2), 0, 0.2, 0),
]


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_load_month_matches_the_rules_client_by_client(db: Database, seed: int) -> None:
    _fill(db, seed)
    seen: set[str] = set()
    for as_of, offset, tolerance, grace in CASES:
        month = Month.of(as_of).plus(offset)
        got = load_month(db, month=month, as_of=as_of, tolerance=tolerance, grace_days=grace)
        want = _reference(db, month, as_of, tolerance, grace)
        assert got.counts == want.counts, (as_of, month)
        assert got.total_owed_cents == want.total_owed_cents, (as_of, month)
        for mine, theirs in zip(got.clients, want.clients, strict=True):
            assert mine == theirs, (as_of, month)
        assert got == want
        seen |= {str(c.payment) for c in got.clients}
        seen |= {"owing" if c.payments_owed else "clear" for c in got.clients if c.on_retainer}
        seen |= {"long clear" for c in got.clients if c.start and c.start < Month(2025, 1)
                 and c.on_retainer and not c.payments_owed}  # fmt: skip
        # Clients tracked from after their start, owing from then on and untracked now.
        later = [c for c in got.clients if c.tracked_from and c.start and c.tracked_from > c.start]
        seen |= {"tracked later, owing" for c in later if c.payments_owed and c.reports_owed}
        seen |= {"untracked month" for c in later if c.in_service and month < c.tracked_from}
    # The random databases reach every payment state and both sides of the arrears rule.
    assert {str(s) for s in PaymentState} | {"owing", "clear", "long clear"} <= seen
    assert {"tracked later, owing", "untracked month"} <= seen


@pytest.mark.parametrize("enabled", [True, False])
def test_load_month_leaves_the_garbage_collector_as_it_found_it(
    db: Database, enabled: bool
) -> None:
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        load_month(db, month=Month(2026, 11), as_of=date(2026, 11, 20))
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()
