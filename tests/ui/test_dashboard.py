"""The dashboard with the sample data: month navigation, filters, search, sort, detail."""

from __future__ import annotations

from datetime import date

import pytest
from textual.widgets import Static

from retainer_tui.db.engine import Database
from retainer_tui.domain.month import Month
from retainer_tui.services.month_view import load_month
from tests.ui.conftest import SIZE, AppMaker, settle, table_names

pytestmark = pytest.mark.both_engines


def _text(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_dashboard_shows_the_clients_of_this_month(
    sample_db: Database, make_app: AppMaker, as_of: date
) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.screen is app.dashboard
        view = load_month(sample_db, month=Month.of(as_of), as_of=as_of)
        shown = table_names(app)
        # The clients in service this month; prospects, ended and paused ones wait for x.
        assert set(shown) == {c.name for c in view.clients if c.in_service}
        assert "Northwind Fitness" not in shown  # paused
        assert "November 2026" in _text(app, "#month-nav")
        assert "$23,000" in _text(app, "#income")


async def test_month_keys_change_month_and_figures(
    sample_db: Database, make_app: AppMaker, as_of: date
) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        before = _text(app, "#count-reports")
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        assert app.dashboard.month == Month(2026, 12)
        assert "December 2026" in _text(app, "#month-nav")
        await pilot.press("left_square_bracket", "left_square_bracket", "left_square_bracket")
        await settle(app, pilot)
        assert "September 2026" in _text(app, "#month-nav")
        september = load_month(sample_db, month=Month(2026, 9), as_of=as_of)
        statuses = {c.name: c.month_status for c in september.clients}
        table = app.dashboard.table
        first = table_names(app)[0]
        status_cell = table.row_cells(0)[table.column_keys.index("status")].plain
        assert statuses[first].label in status_cell
        # The income follows the month's clients; report counts are as of today.
        assert _text(app, "#count-reports") == before
        await pilot.press("t")
        await settle(app, pilot)
        assert app.dashboard.month == Month.of(as_of)


async def test_filters_cycle_and_match_the_counts(
    sample_db: Database, make_app: AppMaker, as_of: date
) -> None:
    app = make_app(sample_db)
    view = load_month(sample_db, month=Month.of(as_of), as_of=as_of)
    expected = {
        "attention": {c.name for c in view.clients if c.needs_attention},
        "reports": {c.name for c in view.clients if c.reports_owed},
        "late": {c.name for c in view.clients if c.payment == "late"},
    }
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        all_rows = set(table_names(app))
        for name in ("attention", "reports", "late"):
            await pilot.press("f")
            await pilot.pause()
            assert app.dashboard.view_filter == name
            assert set(table_names(app)) == expected[name], name
        await pilot.press("f")
        await pilot.pause()
        assert set(table_names(app)) == all_rows
        # Prospects and ended clients only with `x`.
        await pilot.press("x")
        await pilot.pause()
        assert set(table_names(app)) == {c.name for c in view.clients}
        # Each count's key is a shortcut, and pressing it again goes back to all clients.
        await pilot.press("l")
        await pilot.pause()
        assert set(table_names(app)) == expected["late"]
        await pilot.press("l")
        await pilot.pause()
        assert app.dashboard.view_filter == "all"


async def test_clicking_a_count_filters(sample_db: Database, make_app: AppMaker) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.click("#count-attention", offset=(2, 0))
        await pilot.pause()
        assert app.dashboard.view_filter == "attention"


async def test_search_narrows_the_rows_live(sample_db: Database, make_app: AppMaker) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", "r", "o", "s")
        await pilot.pause()
        assert table_names(app) == ["Rossi Bakery"]
        # The company matches too (Panificio Rossi), and escape clears the search.
        await pilot.press("escape")
        await pilot.pause()
        assert len(table_names(app)) > 1
        await pilot.press("slash", *"verdi vini")
        await pilot.pause()
        assert table_names(app) == ["Enoteca Verdi"]
        await pilot.press("enter")  # back to the table
        assert app.focused is app.dashboard.table


async def test_sort_cycles_and_clicking_a_header_sorts(
    sample_db: Database, make_app: AppMaker
) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.dashboard.sort.column == "attention"
        first = table_names(app)[0]
        assert first == "Enoteca Verdi"  # the one that needs attention comes first
        await pilot.press("s")
        await pilot.pause()
        assert app.dashboard.sort.column == "name"
        names = table_names(app)
        assert names == sorted(names, key=str.casefold)
        await pilot.press("S")
        await pilot.pause()
        assert table_names(app) == list(reversed(names))
        await pilot.click("#clients", offset=(25, 0))  # the Fee header
        await pilot.pause()
        assert app.dashboard.sort.column == "fee"


async def test_enter_opens_the_client_and_escape_returns_to_the_same_row(
    sample_db: Database, make_app: AppMaker
) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("down", "down")
        chosen = app.dashboard.table.highlighted_client_id()
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen.__class__.__name__ == "ClientDetailScreen"
        assert app.screen.detail is not None and app.screen.detail.id == chosen
        assert app.screen.detail.name in _text(app, "#detail-title")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.dashboard
        assert app.dashboard.table.highlighted_client_id() == chosen
        assert app.dashboard.table.cursor_row == 2


async def test_narrow_terminal_renders(sample_db: Database, make_app: AppMaker) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        table = app.dashboard.table
        total = sum(c.width + 2 for c in table.plan.columns)
        assert total <= 80
        assert "goals" in table.column_keys
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "HelpScreen"
