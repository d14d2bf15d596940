"""Which client-table columns fit the width: everything at 200 columns, the essentials at 80.

Columns are dropped or narrowed in a fixed order until the row fits, so the table never
scrolls sideways and the widths do not depend on the data (stable snapshots)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from retainer_tui.services.month_view import MetricInfo

CELL_PADDING = 1  # DataTable's padding on each side of a cell
NAME_MIN, NAME_MAX = 14, 32
FULL_METRIC, COMPACT_METRIC = 13, 8

# Short headers for the built-in metrics when the column is narrow.
SHORT_LABELS = {
    "new_followers": "Followers",
    "posts_shared": "Posts",
    "conversions": "Conv.",
    "blog_posts": "Blog",
    "newsletters": "News",
}


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    width: int
    right: bool = False


@dataclass(frozen=True, slots=True)
class ColumnPlan:
    columns: tuple[Column, ...]
    metrics: str  # "full", "compact" or "glyphs": how metric cells are drawn

    @property
    def status_count(self) -> bool:
        """Whether the status column is wide enough for "✗ missed · 3/4 met"."""
        return any(c.key == "status" and c.width >= STATUS_COUNT_WIDTH for c in self.columns)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns)


# Applied one after another until the row fits.
_STEPS = ("tier", "compact", "hours", "count", "fee", "glyphs", "payment", "report")

# "✗ missed · 3/4 met": the status with how many of the client's metrics are fine.
STATUS_WIDTH, STATUS_COUNT_WIDTH = 10, 18


def _label(metric: MetricInfo, width: int) -> str:
    """The metric's label, or its short form, or a cut one; at most `width` wide."""
    if len(metric.label) <= width:
        return metric.label
    short = SHORT_LABELS.get(metric.key, "")
    if short and len(short) <= width:
        return short
    return metric.label[: width - 1] + "…"


def _initials(metrics: Sequence[MetricInfo]) -> str:
    """The goals column's header: each metric's initial above its glyph ("F P C B N"),
    so a newcomer can tell which glyph is which; "Goals" for a single metric."""
    if len(metrics) < 2:
        return "Goals"
    return " ".join((SHORT_LABELS.get(m.key) or m.label or "?")[0].upper() for m in metrics)


def _metric_column(metric: MetricInfo, mode: str) -> Column:
    if mode == "full":
        return Column(f"m:{metric.key}", _label(metric, FULL_METRIC), FULL_METRIC)
    # Compact cells need 8; a short label such as "Followers" may widen its column by one.
    label = _label(metric, COMPACT_METRIC + 1)
    return Column(f"m:{metric.key}", label, max(COMPACT_METRIC, len(label)))


def _columns(dropped: set[str], metrics: Sequence[MetricInfo], mode: str) -> list[Column]:
    columns = [Column("name", "Client", NAME_MIN)]
    if "tier" not in dropped:
        columns.append(Column("tier", "Tier", 7))
    if "fee" not in dropped:
        columns.append(Column("fee", "Fee", 8, right=True))
    columns.append(
        Column("status", "Status", STATUS_WIDTH if "count" in dropped else STATUS_COUNT_WIDTH)
    )
    if mode == "glyphs":
        if metrics:
            columns.append(Column("goals", _initials(metrics), max(5, 2 * len(metrics) - 1)))
    else:
        columns.extend(_metric_column(m, mode) for m in metrics)
    if "hours" not in dropped:
        columns.append(Column("hours", "Hours", 9))
    if "report" not in dropped:
        columns.append(Column("report", "Report", 12))
    if "payment" not in dropped:
        columns.append(Column("payment", "Payment", 10))
    return columns


def _total(columns: Sequence[Column]) -> int:
    return sum(c.width + 2 * CELL_PADDING for c in columns)


def plan_columns(width: int, metrics: Sequence[MetricInfo]) -> ColumnPlan:
    """The richest set of columns that fits `width` cells; the name takes what is left."""
    dropped: set[str] = set()
    mode = "full"
    columns = _columns(dropped, metrics, mode)
    for step in _STEPS:
        if _total(columns) <= width:
            break
        if step in ("compact", "glyphs"):
            mode = step
        else:
            dropped.add(step)
        columns = _columns(dropped, metrics, mode)
    if "count" in dropped:
        # A later step may have freed the room the count needs (the goals glyphs).
        widened = _columns(dropped - {"count"}, metrics, mode)
        if _total(widened) <= width:
            columns = widened
    spare = max(0, width - _total(columns))
    name = Column("name", "Client", min(NAME_MAX, NAME_MIN + spare))
    return ColumnPlan((name, *columns[1:]), mode)
