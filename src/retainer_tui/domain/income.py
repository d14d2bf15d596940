"""Income figures: the guaranteed monthly income and what it makes over a year."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from retainer_tui.domain.clients import ClientStatus, on_retainer
from retainer_tui.domain.month import Month

SIX_FIGURES_CENTS = 100_000_00


@dataclass(frozen=True, slots=True)
class GoalProgress:
    """The run rate against the yearly goal: a bar up to it, then how many times over."""

    fraction: Fraction  # of the goal, 0..1 (the bar)
    multiple: Fraction  # run rate / goal, unbounded

    @property
    def reached(self) -> bool:
        return self.multiple >= 1

    def __str__(self) -> str:
        """'62%' below the goal (never rounded up to 100%), '✓ ×2.8' once reached."""
        if not self.reached:
            return f"{int(self.fraction * 100)}%"
        tenths = int(self.multiple * 10)  # 2.86 reads ×2.8: never more than earned
        return f"✓ ×{tenths // 10}.{tenths % 10}"


def goal_progress(run_rate_cents: int, goal_cents: int) -> GoalProgress:
    if goal_cents <= 0:
        raise ValueError("the yearly goal must be positive")
    multiple = Fraction(max(run_rate_cents, 0), goal_cents)
    return GoalProgress(min(multiple, Fraction(1)), multiple)


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
