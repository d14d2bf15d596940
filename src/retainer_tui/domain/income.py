"""Income figures: the guaranteed monthly income and what it makes over a year."""

from __future__ import annotations

from collections.abc import Iterable

from retainer_tui.domain.clients import ClientStatus, on_retainer
from retainer_tui.domain.month import Month

SIX_FIGURES_CENTS = 100_000_00


def effective_fee(tier_fee_cents: int | None, override_cents: int | None) -> int:
    """The client's monthly fee: its override when set, else its tier's fee, else nothing."""
    if override_cents is not None:
        return override_cents
    return tier_fee_cents or 0


def guaranteed_monthly_income(
    clients: Iterable[tuple[ClientStatus | str, Month | None, Month | None, int]], month: Month
) -> int:
    """Sum of the monthly fees (cents) of the clients on retainer in the month, from
    (status, start, end, fee) tuples."""
    return sum(fee for status, start, end, fee in clients if on_retainer(status, start, end, month))


def annual_run_rate(monthly_cents: int) -> int:
    return monthly_cents * 12
