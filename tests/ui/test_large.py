"""Ten thousand clients: the table draws only what is visible, keys stay quick."""

from __future__ import annotations

from datetime import date

from retainer_tui.db.engine import Database
from retainer_tui.domain.month import Month
from retainer_tui.services.sample_scaled import generate_scaled
from tests.ui.conftest import SIZE, AppMaker, settle

CLIENTS = 10_000


async def test_ten_thousand_clients_never_hold_up_the_keys(
    db: Database, make_app: AppMaker, as_of: date
) -> None:
    generate_scaled(db, clients=CLIENTS, months=2, as_of=as_of)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.dashboard.table
        assert table.row_count == CLIENTS
        # Only the rows on screen were turned into cells (speed is bench/'s to measure).
        assert 0 < table.rows_built <= SIZE[1]
        await pilot.press("s", "s", "end")
        await settle(app, pilot)
        assert app.dashboard.sort.column == "fee"  # tier is folded away at 120 columns
        assert table.cursor_row == CLIENTS - 1
        await pilot.press("home")
        await settle(app, pilot)
        assert table.cursor_row == 0
        assert table.rows_built <= 3 * SIZE[1]  # the top, the end, the top again
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        assert app.dashboard.view is not None
        assert app.dashboard.view.month == Month.of(as_of).next()


async def test_clicking_a_row_highlights_then_opens(
    db: Database, make_app: AppMaker, as_of: date
) -> None:
    generate_scaled(db, clients=20, months=2, as_of=as_of)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.dashboard.table
        await pilot.click("#clients", offset=(3, 3))  # the third row (row 0 is the header)
        await pilot.pause()
        assert table.cursor_row == 2
        assert app.screen is app.dashboard
        await pilot.click("#clients", offset=(3, 3))
        await settle(app, pilot)
        assert app.screen.__class__.__name__ == "ClientDetailScreen"
