"""The results grid on either engine: a typed cell is saved, a cell another person
changes meanwhile updates in place (the cursor stays where it was), and a save the
database refuses after the cursor moved on is taken back and said."""

from __future__ import annotations

import asyncio

import pytest
from textual.coordinate import Coordinate
from textual.widgets import Static

from retainer_tui.db.base import Database
from retainer_tui.db.postgres import PostgresDatabase
from retainer_tui.services.clients import delete_client
from retainer_tui.services.entries import set_result
from retainer_tui.tui.screens.results_grid import ResultsGridScreen
from tests.raw import raw
from tests.ui.conftest import SIZE, AppMaker, settle

pytestmark = pytest.mark.both_engines


def _someone_else(db: Database) -> Database:
    """Another person's connection: on a server another process (another token)."""
    return PostgresDatabase(db.target) if isinstance(db, PostgresDatabase) else db


async def test_a_typed_cell_is_saved_and_anothers_change_shows_in_place(
    sample_db: Database, make_app: AppMaker
) -> None:
    app = make_app(sample_db, poll_seconds=0.2)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ResultsGridScreen)
        grid = screen.grid
        first = grid.data.rows[0]
        column = grid.column_keys[grid.cursor_coordinate.column - 1]
        await pilot.press(*"4321", "enter")
        await settle(app, pilot)
        assert screen.saved_count == 1
        with raw(sample_db) as conn:
            stored = conn.execute(
                "SELECT actual FROM result WHERE client_id = ? AND metric_key = ? "
                "AND month = '2026-11'",
                (first.client_id, column),
            ).fetchone()
        assert stored == (4321,)

        other_row = grid.data.rows[1]
        cursor = grid.cursor_coordinate
        other = _someone_else(sample_db)
        set_result(
            other, client_id=other_row.client_id, metric=column, month="2026-11", actual="77"
        )
        key = (other_row.client_id, column)
        for _ in range(100):
            if grid.values.get(key) == 77:
                break
            await asyncio.sleep(0.05)
            await pilot.pause()
        assert grid.values.get(key) == 77
        assert grid.cursor_coordinate == cursor, "updated in place: the cursor did not move"
        assert "77/" in grid.get_cell_at(Coordinate(1, cursor.column)).plain
        if other is not sample_db:
            other.dispose()


async def test_a_cell_the_database_refuses_later_goes_back_and_says_why(
    sample_db: Database, make_app: AppMaker
) -> None:
    """The client was deleted elsewhere after the grid loaded: the typed value is taken
    at once (the cursor moves), then the database refuses it; the cell shows again what
    is stored and the info line and a toast say which cell and why."""
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ResultsGridScreen)
        grid = screen.grid
        cell = grid.current()
        assert cell is not None
        before = grid.values.get(cell)
        row = grid.data.rows[0]
        delete_client(sample_db, client_id=row.client_id)
        await pilot.press(*"321", "enter")
        await settle(app, pilot)
        assert grid.cursor_row == 1, "the cursor moved at once"
        assert grid.values.get(cell) == before and not grid.saving(*cell)
        label = grid.data.metrics[0].label
        said = f"Not saved: {row.name} · {label}: That client no longer exists"
        assert str(screen.query_one("#cell-info", Static).render()).startswith(said)
        assert any(n.message.startswith(said) for n in app._notifications)
        assert screen.saved_count == 0
