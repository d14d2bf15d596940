"""Month navigation keys stop at the ends of the accepted range with a bell and a toast."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen

from retainer_tui.domain.month import Month, MonthError


def month_step(screen: Screen[Any], month: Month, months: int) -> Month | None:
    """The month `months` away, or None (after a bell and a toast saying where the range
    ends) when that would leave 1990-01..2099-12."""
    try:
        return month.step(months)
    except MonthError as exc:
        screen.app.bell()
        screen.notify(str(exc), severity="warning")
        return None
