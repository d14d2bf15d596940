"""Payment state for a client's retainer in a month."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from retainer_tui.domain.month import Month

DEFAULT_GRACE_DAYS = 7


class PaymentState(StrEnum):
    RECEIVED = "received"
    EXPECTED = "expected"
    LATE = "late"
    NOT_APPLICABLE = "not_applicable"


def payment_due_date(month: Month, billing_day: int) -> date:
    """The retainer for month M is expected on the billing day of M."""
    return month.day(billing_day)


def payment_state(
    month: Month,
    as_of: date,
    *,
    billing_day: int,
    received_on: date | None,
    applicable: bool = True,
    grace_days: int = DEFAULT_GRACE_DAYS,
) -> PaymentState:
    """received once recorded; late past billing day + grace; expected otherwise."""
    if not applicable:
        return PaymentState.NOT_APPLICABLE
    if received_on is not None:
        return PaymentState.RECEIVED
    if as_of > payment_due_date(month, billing_day) + timedelta(days=grace_days):
        return PaymentState.LATE
    return PaymentState.EXPECTED
