"""Dashboard rows: filters equal the counts, search, sorts, and the columns that fit."""

from __future__ import annotations

from datetime import date

import pytest

from retainer_tui.db.engine import Database
from retainer_tui.domain.month import Month
from retainer_tui.domain.status import severity_rank
from retainer_tui.services.month_view import MetricInfo, load_month
from retainer_tui.services.sample import load_sample_data
from retainer_tui.tui.client_rows import Filter, SortKey, visible_rows
from retainer_tui.tui.widgets.column_plan import CELL_PADDING, plan_columns

AS_OF = date(2026, 11, 20)

pytestmark = pytest.mark.both_engines


@pytest.fixture
def view(db: Database):
    load_sample_data(db, as_of=AS_OF)
    return load_month(db, month=Month.of(AS_OF), as_of=AS_OF)


def test_each_filter_shows_exactly_what_its_count_counts(view) -> None:
    counts = view.counts
    attention = visible_rows(view.clients, view_filter=Filter.ATTENTION)
    assert len(attention) == counts["needs_attention"]
    owing = visible_rows(view.clients, view_filter=Filter.LATE)
    assert len(owing) == counts["payments_owed"] >= counts["payments_late"] > 0
    assert {c.id for c in owing} == {c.id for c in view.clients if c.payments_owed}
    owed = visible_rows(view.clients, view_filter=Filter.REPORTS)
    assert {c.id for c in owed} == {c.id for c in view.clients if c.reports_owed}
    assert max(counts["reports_due"], counts["reports_overdue"]) <= len(owed)


def test_arrears_stay_in_the_filter_in_a_later_month(db: Database, view) -> None:
    """November unpaid, December selected: nobody is late in December yet, and the
    clients owing November are still the ones `l` shows."""
    owing = {c.id for c in visible_rows(view.clients, view_filter=Filter.LATE)}
    december = load_month(db, month=Month(2026, 12), as_of=AS_OF)
    assert december.counts["payments_late"] == 0
    later = visible_rows(december.clients, view_filter=Filter.LATE)
    assert {c.id for c in later} == owing and december.counts["payments_owed"] == len(owing)


def test_prospects_and_ended_only_on_request(view) -> None:
    default = visible_rows(view.clients)
    assert all(c.status not in ("prospect",) for c in default)
    everyone = visible_rows(view.clients, show_inactive=True)
    assert len(everyone) == len(view.clients) > len(default)


def test_search_matches_name_or_company_ignoring_case(view) -> None:
    assert [c.name for c in visible_rows(view.clients, query="ROSSI")] == ["Rossi Bakery"]
    company = view.clients[0].company
    assert view.clients[0] in visible_rows(view.clients, query=company.lower(), show_inactive=True)
    assert visible_rows(view.clients, query="no such client") == []


def test_default_sort_puts_attention_first_then_severity(view) -> None:
    rows = visible_rows(view.clients, show_inactive=True)
    flags = [c.needs_attention for c in rows]
    assert flags == sorted(flags, reverse=True)
    calm = [severity_rank(c.month_status) for c in rows if not c.needs_attention]
    assert calm == sorted(calm)


SORTS = ["attention", "name", "tier", "fee", "status", "m:new_followers", "hours", "report"]


@pytest.mark.parametrize("column", [*SORTS, "payment"])
def test_every_sort_is_total_and_reversible(view, column: str) -> None:
    key = SortKey(column).key()
    rows = visible_rows(view.clients, show_inactive=True, sort=SortKey(column))
    back = visible_rows(view.clients, show_inactive=True, sort=SortKey(column, reverse=True))
    assert sorted(c.id for c in rows) == sorted(c.id for c in view.clients)
    assert [key(c) for c in rows] == sorted(key(c) for c in rows)
    assert [key(c) for c in back] == sorted((key(c) for c in back), reverse=True)


def test_fee_sort_orders_by_fee(view) -> None:
    fees = [c.monthly_fee_cents for c in visible_rows(view.clients, sort=SortKey("fee"))]
    assert fees == sorted(fees)


METRICS = tuple(
    MetricInfo(k, label, "", True)
    for k, label in [
        ("new_followers", "New followers"),
        ("posts_shared", "Posts shared"),
        ("conversions", "Conversions"),
        ("blog_posts", "Blog posts"),
        ("newsletters", "Newsletters"),
    ]
)


@pytest.mark.parametrize("width", [40, 60, 79, 80, 100, 119, 120, 160, 199, 200, 300])
@pytest.mark.parametrize("count", [0, 1, 3, 5])
def test_columns_always_fit_and_keep_the_essentials(width: int, count: int) -> None:
    plan = plan_columns(width, METRICS[:count])
    total = sum(c.width + 2 * CELL_PADDING for c in plan.columns)
    # 40 columns is the narrowest terminal the app lays out for (below, it scrolls).
    assert total <= width
    assert plan.keys[0] == "name" and "status" in plan.keys


def test_wide_shows_everything_and_narrow_collapses() -> None:
    wide = plan_columns(198, METRICS)
    assert wide.metrics == "full"
    assert {"tier", "fee", "hours", "report", "payment"} <= set(wide.keys)
    narrow = plan_columns(79, METRICS)
    assert narrow.metrics == "glyphs" and "goals" in narrow.keys
    assert {"report", "payment"} <= set(narrow.keys)


@pytest.mark.parametrize("month", [Month(2026, m) for m in range(1, 13)])
def test_the_default_view_lists_who_is_in_service_that_month(db: Database, view, month) -> None:
    """August does not list the clients who start in September (they appear with x)."""
    shown = load_month(db, month=month, as_of=AS_OF)
    rows = visible_rows(shown.clients, month=month)
    for client in rows:
        assert client.start is None or client.start <= month, client.name
        assert client.in_service, client.name
    assert {c.id for c in rows if c.in_service} == {c.id for c in shown.clients if c.in_service}
    everyone = visible_rows(shown.clients, month=month, show_inactive=True)
    assert len(everyone) == len(shown.clients)


def test_clients_not_in_service_wait_for_x(db: Database) -> None:
    from tests.factories import add_client

    add_client(db, "In Service", start="2026-01")
    add_client(db, "No Start Yet", start=None)
    add_client(db, "Starts Next Year", start="2027-01")
    add_client(db, "Paused Studio", status="paused")
    shown = load_month(db, month=Month.of(AS_OF), as_of=AS_OF)
    names = [c.name for c in visible_rows(shown.clients, month=Month.of(AS_OF))]
    assert names == ["In Service"]
    everyone = visible_rows(shown.clients, month=Month.of(AS_OF), show_inactive=True)
    assert len(everyone) == 4
