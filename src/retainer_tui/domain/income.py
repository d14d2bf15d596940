"""Income figures: the guaranteed monthly income and what it makes over a year."""

from __future__ import annotations

from collections.abc import Iterable

from retainer_tui.domain.clients import ClientStatus

SIX_FIGURES_CENTS = 100_000_00


def effective_fee(tier_fee_cents: int | None, override_cents: int | None) -> int:
    """The client's monthly fee: its override when set, else its tier's fee, else nothing."""
    if override_cents is not None:
        return override_cents
    return tier_fee_cents or 0


def guaranteed_monthly_income(clients: Iterable[tuple[str, int]]) -> int:
    """Sum of the monthly fees (cents) of active clients, from (status, fee) pairs."""
    return sum(fee for status, fee in clients if ClientStatus(status) is ClientStatus.ACTIVE)


def annual_run_rate(monthly_cents: int) -> int:
    return monthly_cents * 12
