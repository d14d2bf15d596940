"""The rules the month view applies per client to its row: what its status, start and end
mean for the month (Lifecycle), the months whose report is still unsent, and the months
whose payment is owed, read in bulk with a narrow second read for the few unsure clients.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from retainer_tui.domain.clients import (
    ClientStatus,
    billable,
    first_tracked,
    in_service,
    on_retainer,
)
from retainer_tui.domain.month import Month
from retainer_tui.domain.payments import last_month_past_grace, owed_months
from retainer_tui.services.month_query import statement, table

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection


_STATUSES = {s.value: s for s in ClientStatus}


def _month_or_none(text: str | None) -> Month | None:
    return Month.stored(text) if text else None


@dataclass(frozen=True, slots=True)
class Lifecycle:
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


def lifecycle(
    status_text: str,
    start_t: str | None,
    end_t: str | None,
    tracked_t: str | None,
    month: Month,
    last_ended: Month,
) -> Lifecycle:
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
    return Lifecycle(
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


def first_owed(life: Lifecycle) -> Month | None:
    """The first month whose payment is owed (see month_query._first_owed_column), None
    when no month of the client's is billable (within start..end that depends on the status
    alone, so the first tracked month answers for all; one after the end month owes
    nothing)."""
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
    for cid, month_t, cents in conn.execute(statement("recent"), params).all():
        found = get(cid)
        recent[cid] = (month_t, cents) if found is None else (*found, month_t, cents)
    return recent


def _paid_amounts(recent: tuple) -> dict[Month, int]:
    """('2026-10', 200000, '2026-11', 150000) as month -> cents."""
    return {Month.stored(recent[i]): recent[i + 1] for i in range(0, len(recent), 2)}


def payments_owed(
    conn: Connection,
    rows: Sequence[Any],
    lives: list[Lifecycle],
    *,
    as_of: date,
    grace_days: int,
) -> dict[int, tuple[tuple[Month, int], ...]]:
    """Every client's months owed (owed_months), from month_query's paid and recent
    statements plus, for the few clients with a gap in their early months, one read of
    their payments."""
    now = Month.of(as_of)
    base = last_month_past_grace(as_of, billing_day=31, grace_days=grace_days)
    base_i, after_base = base.index, base.next()
    recent_by_client = _recent_payments(conn, base, now)
    no_payments: tuple = ()
    paid = {
        cid: (full, recent_by_client.get(cid, no_payments))
        for cid, full in conn.execute(statement("paid"), {"base": str(base)}).all()
    }
    owed: dict[int, tuple[tuple[Month, int], ...]] = {}
    unsure: dict[int, tuple[Month, Lifecycle, int, int]] = {}
    last_memo: dict[int, int] = {}
    first_memo: dict[Lifecycle, Month | None] = {}
    memo: dict[tuple, tuple[tuple[Month, int], ...]] = {}
    paid_get, first_get = paid.get, first_memo.get
    for row, life in zip(rows, lives, strict=True):
        cid, fee, billing_day = row[0], row[5], row[9]
        found_paid = paid_get(cid)
        if found_paid is None or fee <= 0:
            continue
        first = first_get(life, after_base)
        if first is after_base:
            first = first_memo[life] = first_owed(life)
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

        q = table(Payment).c
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


def reports_owed(
    conn: Connection, spans: dict[int, tuple[int, int]]
) -> dict[int, tuple[Month, ...]]:
    """The unsent months (oldest first) in each client's span of month indexes."""
    owed: dict[int, tuple[Month, ...]] = {}
    if not spans:
        return owed
    from sqlalchemy import select

    from retainer_tui.db.models import Report

    r = table(Report).c
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
