"""Hours worked against the hours a tier includes."""

from __future__ import annotations


def over_included(hours_x100: int | None, included_hours: int | None) -> bool:
    """Over-servicing: more hours worked in the month than the tier includes."""
    return (
        hours_x100 is not None and included_hours is not None and hours_x100 > included_hours * 100
    )
