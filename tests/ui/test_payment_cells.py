"""The dashboard's payment cell tells what is still owed: a partial month's amount left,
and '+N' other months still unpaid (arrears do not vanish in the next month)."""

from __future__ import annotations

from datetime import date

import pytest

from retainer_tui.db.engine import Database
from tests.factories import add_client, mark_paid
from tests.ui.conftest import SIZE, AppMaker, payment_cell, settle

pytestmark = pytest.mark.both_engines


async def test_a_partial_payment_shows_what_is_still_owed_and_earlier_arrears(
    db: Database, make_app: AppMaker, as_of: date
) -> None:
    assert as_of.month == 11 and as_of.day > 8, "October's grace has passed"
    owing = add_client(db, "Owing Studio", fee_cents=320_000, start="2026-09")
    mark_paid(db, owing, "2026-09", 320_000, "2026-09-02")  # October left unpaid
    mark_paid(db, owing, "2026-11", 300_000, "2026-11-02")  # $200 short
    paid = add_client(db, "Paid Bakery", fee_cents=100_000, start="2026-09")
    for month in ("2026-09", "2026-10", "2026-11"):
        mark_paid(db, paid, month, 100_000, f"{month}-02")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert payment_cell(app, "Owing Studio") == "◑ $200 +1"
        assert payment_cell(app, "Paid Bakery") == "✓ paid"
        # Next month October is still owed, and November's $200 with it.
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        assert payment_cell(app, "Owing Studio").endswith("+2")
        assert "+" not in payment_cell(app, "Paid Bakery")


def _bar(app: object) -> str:
    bar = app.dashboard.query_one("#summary")  # type: ignore[attr-defined]
    return " ".join(str(s.render()) for s in bar.query("Static"))


def _names(app: object) -> set[str]:
    table = app.dashboard.table  # type: ignore[attr-defined]
    return {table.row_cells(row)[0].plain.strip() for row in range(table.row_count)}


async def test_arrears_in_the_summary_bar_the_l_filter_and_the_client_page(
    db: Database, make_app: AppMaker, as_of: date
) -> None:
    owing = add_client(db, "Owing Studio", fee_cents=320_000, start="2026-09")
    mark_paid(db, owing, "2026-11", 300_000, "2026-11-02")  # Sep, Oct unpaid; Nov $200 short
    late = add_client(db, "Late Wines", fee_cents=100_000, start="2026-10")  # none paid
    paid = add_client(db, "Paid Bakery", fee_cents=100_000, start="2026-09")
    for month in ("2026-09", "2026-10", "2026-11"):
        mark_paid(db, paid, month, 100_000, f"{month}-02")
    del late
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        # 3,200 + 3,200 + 200 from one, 1,000 + 1,000 from the other (past the grace days).
        assert "$ 2 clients owe $8,600" in _bar(app)
        await pilot.press("right_square_bracket")  # December: nothing due yet, still owed
        await settle(app, pilot)
        assert "$ 2 clients owe $8,600" in _bar(app)
        await pilot.press("l")
        await settle(app, pilot)
        assert _names(app) == {"Owing Studio", "Late Wines"}
        await pilot.press("home", "enter")
        await settle(app, pilot)
        widget = app.screen.query_one("#terms")
        terms = " ".join(widget.render_line(y).text for y in range(widget.size.height))
        assert "Payments owed" in terms
        assert "$3,200" in terms and "$200" in terms and "$6,600 in all" in terms


async def test_the_gauge_counts_the_times_over_and_follows_the_yearly_goal(
    db: Database, make_app: AppMaker
) -> None:
    from retainer_tui.config import Settings

    for n in range(3):
        add_client(db, f"Client {n}", fee_cents=900_000, start="2026-01")  # $324,000 a year
    for goal, shown in ((100_000, "Six figures ██████████ ✓ ×3.2"), (500_000, "Goal $500,000")):
        app = make_app(db, Settings(yearly_goal=goal))
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            assert shown in _bar(app)
            if goal == 500_000:
                assert "64%" in _bar(app)
