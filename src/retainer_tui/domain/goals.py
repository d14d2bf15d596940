"""Goal carry-forward: the target in force in a month, from a client's target changes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from retainer_tui.domain.month import Month


def target_in_force(changes: Iterable[tuple[Month, int]], month: Month) -> int | None:
    """The latest target set for the month or an earlier one; None when none was set yet.

    A target of 0 comes back as 0: the metric stopped being tracked from that month on.
    """
    best: tuple[Month, int] | None = None
    for set_in, target in changes:
        if set_in <= month and (best is None or set_in > best[0]):
            best = (set_in, target)
    return None if best is None else best[1]


def targets_over(changes: Sequence[tuple[Month, int]], months: Iterable[Month]) -> list[int | None]:
    """target_in_force for each of the months."""
    return [target_in_force(changes, month) for month in months]


def is_tracked(target: int | None) -> bool:
    """A metric counts in a month only with a positive target in force (as month_view does)."""
    return target is not None and target > 0
