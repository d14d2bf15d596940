"""The status rules: pace within a month, metric status, client status, attention."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from fractions import Fraction

from retainer_tui.domain.month import Month

DEFAULT_TOLERANCE = Fraction(1, 5)


class MetricStatus(StrEnum):
    """The rule's value for one metric (and, worst of all, for a client) in a month."""

    MISSED = "missed"
    BEHIND = "behind"
    MISSING = "missing"
    AT_RISK = "at_risk"
    NO_DATA = "no_data"
    ON_TRACK = "on_track"
    MET = "met"
    NO_GOALS = "no_goals"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


# Most severe first; a client's status is the first of these any metric has.
SEVERITY: tuple[MetricStatus, ...] = (
    MetricStatus.MISSED,
    MetricStatus.BEHIND,
    MetricStatus.MISSING,
    MetricStatus.AT_RISK,
    MetricStatus.NO_DATA,
    MetricStatus.ON_TRACK,
    MetricStatus.MET,
)
_RANK = {status: rank for rank, status in enumerate(SEVERITY)}
_RANK[MetricStatus.NO_GOALS] = len(SEVERITY)

ATTENTION = frozenset({MetricStatus.MISSED, MetricStatus.BEHIND, MetricStatus.MISSING})


def severity_rank(status: MetricStatus) -> int:
    """0 for the most severe status; no_goals ranks last."""
    return _RANK[status]


def month_has_ended(month: Month, as_of: date) -> bool:
    return as_of > month.last_day


def elapsed_fraction(month: Month, as_of: date) -> Fraction:
    """0 before the month starts, day/days during it, 1 after it ends."""
    if as_of < month.first_day:
        return Fraction(0)
    if as_of > month.last_day:
        return Fraction(1)
    return Fraction(as_of.day, month.days)


def as_fraction(value: float | Fraction | str) -> Fraction:
    """A tolerance or similar setting as an exact fraction (0.2 means 1/5, not 0.2000001)."""
    if isinstance(value, Fraction):
        return value
    return Fraction(str(value))


def expected_by_now(target: int, month: Month, as_of: date) -> Fraction:
    """E = T·f: how much of the target should be delivered by the as-of date."""
    return target * elapsed_fraction(month, as_of)


def metric_status(
    target: int,
    actual: int | None,
    month: Month,
    as_of: date,
    tolerance: float | Fraction | str = DEFAULT_TOLERANCE,
) -> MetricStatus:
    """The rule for one "at least target per month" metric."""
    ended = month_has_ended(month, as_of)
    if actual is None:
        return MetricStatus.MISSING if ended else MetricStatus.NO_DATA
    if actual >= target:
        return MetricStatus.MET
    if ended:
        return MetricStatus.MISSED
    expected = expected_by_now(target, month, as_of)
    # Less than one whole unit expected yet: nobody is behind by a fraction of a post.
    if actual >= expected or expected < 1:
        return MetricStatus.ON_TRACK
    if actual >= expected * (1 - as_fraction(tolerance)):
        return MetricStatus.AT_RISK
    return MetricStatus.BEHIND


def worst_status(statuses: Iterable[MetricStatus]) -> MetricStatus:
    """A client's status: the most severe of its metrics', no_goals when it has none."""
    worst = MetricStatus.NO_GOALS
    for status in statuses:
        if _RANK[status] < _RANK[worst]:
            worst = status
    return worst


# What a client's worst status is counted against, and the word for it: a missed or
# behind client says how many goals are met or on pace; one with empty metrics says
# how many have results in.
_GOOD = frozenset({MetricStatus.MET, MetricStatus.ON_TRACK})
_COUNTED: dict[MetricStatus, tuple[frozenset[MetricStatus] | None, str]] = {
    MetricStatus.MISSED: (frozenset({MetricStatus.MET}), "met"),
    MetricStatus.BEHIND: (_GOOD, "ok"),
    MetricStatus.AT_RISK: (_GOOD, "ok"),
    MetricStatus.MISSING: (None, "in"),
    MetricStatus.NO_DATA: (None, "in"),
}


@dataclass(frozen=True, slots=True)
class StatusCount:
    """'3/4 met' beside a client's worst status: how many of its metrics are fine."""

    count: int
    total: int
    word: str

    def __str__(self) -> str:
        return f"{self.count}/{self.total} {self.word}"


def status_count(statuses: Sequence[MetricStatus]) -> StatusCount | None:
    """How bad the worst status is: for missed, the metrics met; for behind or at risk,
    those met or on track; for no data or missing, those with a result. None with fewer
    than two metrics (the status says it all) or for a status that is all good."""
    if len(statuses) < 2:
        return None
    worst = worst_status(statuses)
    counted = _COUNTED.get(worst)
    if counted is None:
        return None
    good, word = counted
    if good is None:
        fine = sum(1 for s in statuses if s not in (MetricStatus.NO_DATA, MetricStatus.MISSING))
    else:
        fine = sum(1 for s in statuses if s in good)
    return StatusCount(fine, len(statuses), word)


def needs_attention(status: MetricStatus) -> bool:
    return status in ATTENTION


def attainment(target: int, actual: int | None) -> Fraction | None:
    """actual / target, None when nothing was entered or there is no target."""
    if actual is None or target <= 0:
        return None
    return Fraction(actual, target)
