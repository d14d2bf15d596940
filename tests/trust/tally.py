"""Counts the trust tests add to, printed as one line at the end of the run."""

from __future__ import annotations

from collections import Counter

TALLY: Counter[str] = Counter()


def tried(n: int = 1) -> None:
    """Hostile or random inputs fed to a form, the importer or a command."""
    TALLY["inputs"] += n


def crashed(n: int = 1) -> None:
    """Inputs that raised something other than a one-line refusal."""
    TALLY["crashes"] += n


def rows_checked(expected: int, found: int) -> None:
    """Rows that had to survive (an upgrade, a kill, a race) and how many did."""
    TALLY["rows"] += expected
    TALLY["lost"] += max(0, expected - found)


def line() -> str:
    return (
        f"trust: inputs tried {TALLY['inputs']:,}, crashes {TALLY['crashes']}, "
        f"rows checked {TALLY['rows']:,}, rows lost {TALLY['lost']}"
    )
