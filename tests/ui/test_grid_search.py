"""The results grid by keys: it opens at the client highlighted on the dashboard, `/` jumps
to a client by name, and a result saved where the client has no target says so."""

from __future__ import annotations

from retainer_tui.db.engine import Database
from retainer_tui.tui.screens.results_grid import ResultsGridScreen
from tests.ui.conftest import SIZE, AppMaker, settle


def grid_client(app) -> str:
    screen = app.screen
    assert isinstance(screen, ResultsGridScreen)
    cell = screen.grid.current()
    assert cell is not None
    return screen.grid.rows_by_id[cell[0]].name


async def test_grid_opens_at_the_highlighted_client(
    sample_db: Database, make_app: AppMaker
) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("down", "down", "down")
        await settle(app, pilot)
        table = app.dashboard.table
        highlighted = table.row_cells(table.cursor_row)[0].plain
        await pilot.press("r")
        await settle(app, pilot)
        assert grid_client(app) == highlighted
        screen = app.screen
        assert isinstance(screen, ResultsGridScreen)
        assert screen.grid.cursor_row != 0  # not simply the top of the list


async def test_slash_jumps_to_a_client_by_name(sample_db: Database, make_app: AppMaker) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ResultsGridScreen)
        names = [r.name for r in screen.grid.data.rows]
        target = names[-1]
        await pilot.press("slash", *target[:5].lower())
        await pilot.pause()
        assert grid_client(app) == target
        await pilot.press("enter")
        await pilot.pause()
        assert app.focused is screen.grid
        # Typing a number now edits the cell of the client found.
        await pilot.press("slash", *"zzzz")
        await pilot.pause()
        search = screen.query_one("#grid-search")
        assert search.has_class("-no-match")
        assert grid_client(app) == target  # no match: the cursor stays
        await pilot.press("escape")
        await pilot.pause()
        assert not search.display
        assert app.focused is screen.grid
        assert isinstance(app.screen, ResultsGridScreen)  # escape closed the search only


async def test_saving_a_result_without_a_target_says_so(
    sample_db: Database, make_app: AppMaker
) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ResultsGridScreen)
        grid = screen.grid
        # Find a cell with no target in force (a metric the client does not track).
        cell = next(
            (row.client_id, m.key)
            for row in grid.data.rows
            for m in grid.data.metrics
            if not row.targets.get(m.key)
        )
        row_index = [r.client_id for r in grid.data.rows].index(cell[0])
        column = grid.column_keys.index(cell[1]) + 1
        grid.move_cursor(row=row_index, column=column, animate=False)
        await pilot.pause()
        app.clear_notifications()
        await pilot.press(*"7", "enter")
        await settle(app, pilot)
        messages = [n.message for n in app._notifications]
        assert any("no target" in m and screen.month.label() in m for m in messages), messages
