"""Which dashboard rows are shown and in what order: filters, search and sorts over the
month view's ClientMonth rows. Pure functions, so they are tested without a screen."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Any

from retainer_tui.domain.month import Month
from retainer_tui.domain.payments import PaymentState
from retainer_tui.domain.reports import ReportState
from retainer_tui.domain.status import severity_rank
from retainer_tui.services.month_view import ClientMonth


class Filter(StrEnum):
    ALL = "all"
    ATTENTION = "attention"
    REPORTS = "reports"
    LATE = "late"

    @property
    def label(self) -> str:
        return FILTER_LABELS[self]

    def next(self) -> Filter:
        members = list(Filter)
        return members[(members.index(self) + 1) % len(members)]


FILTER_LABELS = {
    Filter.ALL: "All clients",
    Filter.ATTENTION: "Needs attention",
    Filter.REPORTS: "Reports owed",
    Filter.LATE: "Payments owed",
}


def in_default_view(client: ClientMonth, month: Month | None = None) -> bool:
    """The clients in service in the month shown (PRODUCT.md: active or on trial within
    their start and end months, or ended and within them); the others (prospects, ended,
    paused, not yet started, no start month given) appear with `x`. month is the one
    shown; in_service was worked out for it already."""
    del month
    return client.in_service


def matches_filter(
    client: ClientMonth, view_filter: Filter, *, show_inactive: bool, month: Month | None = None
) -> bool:
    """The narrowing filters show every matching client, so their rows equal the counts."""
    if view_filter is Filter.ATTENTION:
        return client.needs_attention
    if view_filter is Filter.REPORTS:
        return bool(client.reports_owed)
    if view_filter is Filter.LATE:
        # Owing anything: the selected month late, or any earlier month still unpaid.
        return client.payment is PaymentState.LATE or bool(client.payments_owed)
    return show_inactive or in_default_view(client, month)


def matches_search(client: ClientMonth, query: str) -> bool:
    """Case-insensitive substring of the name or the company."""
    needle = query.strip().casefold()
    return not needle or needle in client.name.casefold() or needle in client.company.casefold()


_REPORT_RANK = {
    ReportState.OVERDUE: 0,
    ReportState.DUE: 1,
    ReportState.NOT_DUE: 2,
    ReportState.SENT: 3,
    ReportState.NOT_APPLICABLE: 4,
}
_PAYMENT_RANK = {
    PaymentState.LATE: 0,
    PaymentState.PARTIAL: 1,
    PaymentState.EXPECTED: 2,
    PaymentState.RECEIVED: 3,
    PaymentState.NOT_APPLICABLE: 4,
}


def _name(client: ClientMonth) -> str:
    return client.name.casefold()


def _attainment(client: ClientMonth, metric: str) -> tuple[int, Fraction]:
    cell = client.metric(metric)
    if cell is None:
        return (1, Fraction(0))  # untracked sorts after tracked
    return (0, Fraction(cell.actual or 0, cell.target) if cell.target else Fraction(0))


@dataclass(frozen=True, slots=True)
class SortKey:
    """A sort: 'attention' (the default), a column key, or 'm:<metric>'."""

    column: str = "attention"
    reverse: bool = False

    def key(self) -> Callable[[ClientMonth], Any]:
        column = self.column
        if column.startswith("m:"):
            metric = column[2:]
            return lambda c: (_attainment(c, metric), _name(c))
        keys: dict[str, Callable[[ClientMonth], Any]] = {
            "attention": lambda c: (
                not c.needs_attention,
                severity_rank(c.month_status),
                -c.overdue_owed,
                -len(c.reports_owed),
                _name(c),
            ),
            "name": _name,
            "tier": lambda c: (c.tier is None, (c.tier or "").casefold(), _name(c)),
            "fee": lambda c: (c.monthly_fee_cents, _name(c)),
            "status": lambda c: (severity_rank(c.month_status), _name(c)),
            "hours": lambda c: (
                c.hours_x100 is None,
                Fraction(c.hours_x100 or 0, c.included_hours * 100)
                if c.included_hours
                else Fraction(c.hours_x100 or 0, 100),
                _name(c),
            ),
            "report": lambda c: (
                -c.overdue_owed,
                -len(c.reports_owed),
                _REPORT_RANK[c.report],
                _name(c),
            ),
            "payment": lambda c: (-c.total_owed_cents, _PAYMENT_RANK[c.payment], _name(c)),
        }
        return keys.get(column, keys["attention"])


SORT_LABELS = {
    "attention": "attention first",
    "name": "name",
    "tier": "tier",
    "fee": "fee",
    "status": "status",
    "hours": "hours",
    "report": "report",
    "payment": "payment",
}


def visible_rows(
    clients: Iterable[ClientMonth],
    *,
    view_filter: Filter = Filter.ALL,
    show_inactive: bool = False,
    query: str = "",
    sort: SortKey = SortKey(),
    month: Month | None = None,
) -> list[ClientMonth]:
    """The rows of the client table, filtered, searched and sorted (month: the one shown,
    for the paused clients' span)."""
    rows = [
        c
        for c in clients
        if matches_filter(c, view_filter, show_inactive=show_inactive, month=month)
        and matches_search(c, query)
    ]
    rows.sort(key=sort.key(), reverse=sort.reverse)
    return rows
