"""Payment state for a client's retainer in a month, and the months still owed."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from enum import StrEnum

from retainer_tui.domain.month import Month

DEFAULT_GRACE_DAYS = 7


class PaymentState(StrEnum):
    RECEIVED = "received"
    PARTIAL = "partial"
    EXPECTED = "expected"
    LATE = "late"
    NOT_APPLICABLE = "not_applicable"


def payment_due_date(month: Month, billing_day: int) -> date:
    """The retainer for month M is expected on the billing day of M."""
    return month.day(billing_day)


def past_grace(
    month: Month, as_of: date, *, billing_day: int, grace_days: int = DEFAULT_GRACE_DAYS
) -> bool:
    """Whether the as-of date lies after the billing day of the month plus the grace days."""
    return as_of > payment_due_date(month, billing_day) + timedelta(days=grace_days)


def payment_state(
    month: Month,
    as_of: date,
    *,
    billing_day: int,
    received_cents: int,
    fee_cents: int,
    applicable: bool = True,
    grace_days: int = DEFAULT_GRACE_DAYS,
) -> PaymentState:
    """received once the amount reaches the fee; partial when less came in; late when
    nothing came past billing day + grace; expected otherwise."""
    if not applicable:
        return PaymentState.NOT_APPLICABLE
    if received_cents > 0:
        return PaymentState.RECEIVED if received_cents >= fee_cents else PaymentState.PARTIAL
    if past_grace(month, as_of, billing_day=billing_day, grace_days=grace_days):
        return PaymentState.LATE
    return PaymentState.EXPECTED


def still_owed(fee_cents: int, received_cents: int) -> int:
    """What is left to pay of the month's fee (never below zero: overpaying owes nothing)."""
    return max(fee_cents - received_cents, 0)


def last_month_past_grace(
    as_of: date, *, billing_day: int, grace_days: int = DEFAULT_GRACE_DAYS
) -> Month:
    """The latest month whose retainer is past its grace on the as-of date."""
    month = Month.of(as_of)
    while not past_grace(month, as_of, billing_day=billing_day, grace_days=grace_days):
        month = month.previous()
    return month


def owed_months(
    first_owed: Month | None,
    as_of: date,
    *,
    fee_cents: int,
    billing_day: int,
    received: Mapping[Month, int],
    billable_in: Callable[[Month], bool],
    grace_days: int = DEFAULT_GRACE_DAYS,
) -> tuple[tuple[Month, int], ...]:
    """(month, cents owed) oldest first: every billable month from the first owed one up to
    the last past its grace whose received amount is short of the fee."""
    if first_owed is None or fee_cents <= 0:
        return ()
    last = last_month_past_grace(as_of, billing_day=billing_day, grace_days=grace_days)
    owed: list[tuple[Month, int]] = []
    for index in range(first_owed.index, last.index + 1):
        month = Month.from_index(index)
        if not billable_in(month):
            continue
        left = still_owed(fee_cents, received.get(month, 0))
        if left:
            owed.append((month, left))
    return tuple(owed)
