"""Another process holds the database's write lock for 3 s (an import on another machine
of the team, a `retainer import` in another terminal): a form saved meanwhile says it is
saving, the keys typed after ctrl+s are handled at once, and the save lands when the lock
is let go. The lock is the engine's own: SQLite's BEGIN IMMEDIATE on the file, the
PostgreSQL advisory lock every write of ours takes."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest
from rich.style import Style
from rich.text import Text
from textual.coordinate import Coordinate
from textual.pilot import Pilot
from textual.widgets import Button, DataTable

from retainer_tui.db.engine import BUSY_TIMEOUT_MS
from retainer_tui.db.postgres import WRITE_LOCK
from retainer_tui.domain.month import Month
from retainer_tui.domain.pipeline import Stage
from retainer_tui.services import pipeline as pl
from retainer_tui.services.database import Database
from retainer_tui.services.entries import payment_for
from retainer_tui.services.results_grid import load_grid
from retainer_tui.services.tiers import TierDraft, list_tiers, save_tier
from retainer_tui.tui.app import RetainerApp
from retainer_tui.tui.screens.payment_form import PaymentFormScreen
from retainer_tui.tui.screens.pipeline.board import PipelineScreen
from retainer_tui.tui.screens.reports_queue import ReportsScreen
from retainer_tui.tui.screens.results_grid import ResultsGridScreen
from retainer_tui.tui.screens.tiers import TiersScreen
from tests.raw import db_arg, raw
from tests.ui.conftest import SIZE, AppMaker, settle

pytestmark = pytest.mark.both_engines

LOCK_SECONDS = 3

SQLITE_LOCKER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("ROLLBACK")
"""

PG_LOCKER = """
import sys, time
import psycopg
with psycopg.connect(sys.argv[1]) as conn:
    conn.execute("SELECT pg_advisory_xact_lock(%s)", (int(sys.argv[3]),))
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
    conn.rollback()
"""


def hold_write_lock(db: Database, seconds: float = LOCK_SECONDS) -> subprocess.Popen[str]:
    """Another process taking the write lock for some seconds; returns once it holds it."""
    target = db_arg(db)
    script = PG_LOCKER if target.startswith("postgresql") else SQLITE_LOCKER
    proc = subprocess.Popen(
        [sys.executable, "-c", script, target, str(seconds), str(WRITE_LOCK)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "locked"
    return proc


def notes(app: object) -> list[str]:
    return [n.message for n in app._notifications]  # type: ignore[attr-defined]


def titles(app: object) -> list[str]:
    return [n.title for n in app._notifications]  # type: ignore[attr-defined]


async def payment_form(app: RetainerApp, pilot: Pilot[None]) -> tuple[PaymentFormScreen, int]:
    """p on the dashboard's highlighted client: its payment form, and the client."""
    await settle(app, pilot)
    client_id = app.dashboard.table.highlighted_client_id()
    assert client_id is not None
    await pilot.press("p")
    await settle(app, pilot)
    form = app.screen
    assert isinstance(form, PaymentFormScreen)
    return form, client_id


async def test_keys_work_while_another_process_holds_the_lock(
    sample_db: Database, make_app: AppMaker, as_of: date
) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        form, client_id = await payment_form(app, pilot)
        month = form.month
        form.set_values({"amount": "1234.50"})
        await pilot.pause()
        before = payment_for(sample_db, client_id=client_id, month=month)

        locker = hold_write_lock(sample_db)
        try:
            await pilot.press("ctrl+s")
            focused = app.focused
            await pilot.press("tab")  # a key after ctrl+s, while the save waits on the lock
            while app.keys_pending and locker.poll() is None:
                await pilot.pause(0.05)
            assert locker.poll() is None, "the lock was let go before the key was handled"
            assert app.focused is not focused
            assert app.screen is form and form.saving
            assert str(form.query_one("#save", Button).label) == "Saving…"
            assert payment_for(sample_db, client_id=client_id, month=month) == before
            while locker.poll() is None and not any("Still saving" in n for n in notes(app)):
                await pilot.pause(0.1)
            assert locker.poll() is None, "the slow save was never said"
        finally:
            locker.wait(timeout=30)
        for _ in range(300):  # the save lands after the lock is let go
            if app.screen is not form:
                break
            await pilot.pause(0.1)
        await settle(app, pilot)
        assert app.screen is not form
    stored = payment_for(sample_db, client_id=client_id, month=month)
    already = before[0] if before else 0  # an instalment adds to what the month holds
    assert stored is not None and stored[0] == already + 123450


@pytest.mark.sqlite_only("SQLite gives up after its busy timeout; a PostgreSQL write waits")
async def test_a_lock_held_past_the_busy_timeout_is_waited_out(
    sample_db: Database, make_app: AppMaker, as_of: date
) -> None:
    """The lock outlasts SQLite's busy timeout: the form says it waits for the database,
    keeps the edit, and saves it by itself once the lock is let go."""
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        form, client_id = await payment_form(app, pilot)
        form.set_values({"amount": "10.00"})
        await pilot.pause()
        before = payment_for(sample_db, client_id=client_id, month=form.month)
        locker = hold_write_lock(sample_db, seconds=BUSY_TIMEOUT_MS / 1000 + 2)
        try:
            await pilot.press("ctrl+s")
            while locker.poll() is None and not any("Waiting" in n for n in titles(app)):
                await pilot.pause(0.1)
            assert locker.poll() is None, "the busy database was never said"
            assert app.screen is form
        finally:
            locker.wait(timeout=30)
        for _ in range(300):
            if app.screen is not form:
                break
            await pilot.pause(0.1)
        assert app.screen is not form
        stored = payment_for(sample_db, client_id=client_id, month=form.month)
    already = before[0] if before else 0
    assert stored is not None and stored[0] == already + 1000


async def test_undo_waits_on_the_lock_while_the_keys_work(
    sample_db: Database, make_app: AppMaker, as_of: date
) -> None:
    """ctrl+z while another process writes: the dashboard keeps moving, the undo lands
    when the lock is let go."""
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        table = app.dashboard.table
        form, client_id = await payment_form(app, pilot)
        month = form.month
        before = payment_for(sample_db, client_id=client_id, month=month)
        form.set_values({"amount": "5.00"})
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is app.dashboard
        assert payment_for(sample_db, client_id=client_id, month=month) != before

        locker = hold_write_lock(sample_db)
        try:
            row = table.cursor_row
            await pilot.press("ctrl+z", "down")
            while app.keys_pending and locker.poll() is None:
                await pilot.pause(0.05)
            assert locker.poll() is None, "the lock was let go before the keys were handled"
            assert table.cursor_row == row + 1
            assert payment_for(sample_db, client_id=client_id, month=month) != before
        finally:
            locker.wait(timeout=30)
        await settle(app, pilot)
        assert any(n.startswith("Undone:") for n in notes(app)), notes(app)
    assert payment_for(sample_db, client_id=client_id, month=month) == before


async def results_grid(app: RetainerApp, pilot: Pilot[None]) -> ResultsGridScreen:
    """r on the dashboard: the results grid, loaded, the cursor on the first metric."""
    await settle(app, pilot)
    await pilot.press("r")
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, ResultsGridScreen)
    assert screen.grid.data is not None and screen.grid.data.rows
    return screen


def _italic(text: Text) -> bool:
    return any(isinstance(s.style, Style) and s.style.italic for s in text.spans)


def stored_results(db: Database, screen: ResultsGridScreen) -> dict[tuple[int, str], int]:
    month = screen.month
    return {
        (row.client_id, key): actual
        for row in load_grid(db, month=month).rows
        for key, actual in row.actuals.items()
    }


async def test_grid_cells_typed_while_locked_move_at_once_and_land_in_order(
    sample_db: Database, make_app: AppMaker
) -> None:
    """7, right, 8, enter while another process writes: the cursor moves with each key,
    both cells say they are saving, and both land after the lock, in the order typed
    (the undo stack too)."""
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await results_grid(app, pilot)
        grid = screen.grid
        start = grid.cursor_coordinate
        first, second = grid.current(), None
        assert first is not None
        before = stored_results(sample_db, screen)
        locker = hold_write_lock(sample_db)
        try:
            await pilot.press("7", "right")
            second = grid.current()
            await pilot.press("8", "enter")
            while app.keys_pending and locker.poll() is None:
                await pilot.pause(0.05)
            assert locker.poll() is None, "the lock was let go before the keys were handled"
            assert second is not None and second[1] != first[1]
            assert grid.cursor_coordinate == (start.row + 1, start.column + 1)
            assert grid.saving(*first) and grid.saving(*second)
            drawn = grid.get_cell_at(Coordinate(start.row, start.column))
            assert drawn.plain.startswith("7") and _italic(drawn), "the cell says it is saving"
            assert grid.values[first] == 7 and grid.values[second] == 8
            assert stored_results(sample_db, screen) == before
        finally:
            locker.wait(timeout=30)
        await settle(app, pilot)
        assert not grid.saving(*first) and not grid.saving(*second)
        assert not _italic(grid.get_cell_at(Coordinate(start.row, start.column)))
        assert screen.saved_count == 2
        stored = stored_results(sample_db, screen)
        assert (stored[first], stored[second]) == (7, 8)
        newest, older = app.undo_stack.labels[:2]
        assert " 8 in " in newest and " 7 in " in older, app.undo_stack.labels


async def test_escape_from_the_grid_waits_for_the_saves_under_way(
    sample_db: Database, make_app: AppMaker
) -> None:
    """Leaving the grid while a save waits on the lock: the grid stays, says so, and
    closes by itself once the value is stored; nothing typed is lost."""
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await results_grid(app, pilot)
        cell = screen.grid.current()
        assert cell is not None
        locker = hold_write_lock(sample_db)
        try:
            await pilot.press(*"55", "enter", "escape")
            while app.keys_pending and locker.poll() is None:
                await pilot.pause(0.05)
            assert locker.poll() is None, "the lock was let go before the keys were handled"
            assert app.screen is screen
            assert any(n.startswith("Saving 1 cell") for n in notes(app)), notes(app)
        finally:
            locker.wait(timeout=30)
        for _ in range(300):
            if app.screen is not screen:
                break
            await pilot.pause(0.1)
        await settle(app, pilot)
        assert app.screen is app.dashboard
    assert stored_results(sample_db, screen)[cell] == 55


@pytest.mark.sqlite_only("SQLite gives up after its busy timeout; a PostgreSQL write waits")
async def test_a_grid_save_past_the_busy_timeout_is_retried_in_the_background(
    sample_db: Database, make_app: AppMaker
) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await results_grid(app, pilot)
        grid = screen.grid
        cell = grid.current()
        assert cell is not None
        locker = hold_write_lock(sample_db, seconds=BUSY_TIMEOUT_MS / 1000 + 2)
        try:
            await pilot.press(*"42", "enter")
            while locker.poll() is None and not any("Waiting" in t for t in titles(app)):
                await pilot.pause(0.1)
            assert locker.poll() is None, "the busy database was never said"
            row = grid.cursor_row
            await pilot.press("down")  # the keys keep working while it waits
            while app.keys_pending:
                await pilot.pause(0.05)
            assert grid.cursor_row == row + 1 and grid.saving(*cell)
        finally:
            locker.wait(timeout=30)
        await settle(app, pilot)
        assert not grid.saving(*cell) and grid.values[cell] == 42
    assert stored_results(sample_db, screen)[cell] == 42


async def test_a_tier_deleted_while_locked_keys_work_and_it_goes_after(
    sample_db: Database, make_app: AppMaker
) -> None:
    """d, y on an unused tier while another process writes: the list keeps moving, the
    tier is gone once the lock is let go (and ctrl+z can bring it back)."""
    unused = save_tier(sample_db, draft=TierDraft(name="Unused", monthly_fee="10")).id
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("T")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, TiersScreen)
        ids = [t.id for t in screen.tiers]
        screen.table.move_cursor(row=ids.index(unused))
        await pilot.pause()
        locker = hold_write_lock(sample_db)
        try:
            await pilot.press("d", "y", "up")
            while app.keys_pending and locker.poll() is None:
                await pilot.pause(0.05)
            assert locker.poll() is None, "the lock was let go before the keys were handled"
            assert app.screen is screen and screen.writes.pending == 1
            assert screen.table.cursor_row == ids.index(unused) - 1, "up was handled"
            assert unused in [t.id for t in list_tiers(sample_db)]
        finally:
            locker.wait(timeout=30)
        await settle(app, pilot)
        assert unused not in [t.id for t in screen.tiers]
        assert any(n.startswith("Deleted Unused") for n in notes(app)), notes(app)
    assert unused not in [t.id for t in list_tiers(sample_db)]


async def test_a_report_marked_sent_while_locked_keys_work_and_it_lands_after(
    sample_db: Database, make_app: AppMaker
) -> None:
    """m, enter in the reports queue while another process writes: the date dialog
    closes, the queue keeps moving, and the mark lands once the lock is let go."""
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("R")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        first = screen.queue[0]
        table = screen.query_one("#queue-table", DataTable)
        await pilot.press("m")
        await settle(app, pilot)
        locker = hold_write_lock(sample_db)
        try:
            await pilot.press("enter", "down")
            while app.keys_pending and locker.poll() is None:
                await pilot.pause(0.05)
            assert locker.poll() is None, "the lock was let go before the keys were handled"
            assert app.screen is screen and screen.writes.pending == 1
            assert table.cursor_row == 1, "down was handled"
            assert report_sent_on(sample_db, first.client_id, first.month) is None
        finally:
            locker.wait(timeout=30)
        await settle(app, pilot)
        assert (first.client_id, first.month) not in [(i.client_id, i.month) for i in screen.queue]
        assert any("marked sent" in n for n in notes(app)), notes(app)
    assert report_sent_on(sample_db, first.client_id, first.month) is not None


def report_sent_on(db: Database, client_id: int, month: Month) -> object:
    with raw(db) as conn:
        row = conn.execute(
            "SELECT sent_on FROM report WHERE client_id = ? AND month = ?", (client_id, str(month))
        ).fetchone()
    return row[0] if row else None


async def test_a_prospect_moved_while_locked_keys_work_and_it_moves_after(
    sample_db: Database, make_app: AppMaker, as_of: date
) -> None:
    """[ on a prospect while another process writes: the board keeps moving, the stage
    changes once the lock is let go."""
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("P")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, PipelineScreen)
        table = screen.table
        row = next(
            i
            for i, r in enumerate(table.rows_shown)
            if r.prospect is not None and r.prospect.stage is Stage.PROPOSAL_SENT
        )
        table.move_cursor(row=row)
        await pilot.pause()
        prospect = table.highlighted()
        assert prospect is not None
        below = any(r.prospect is not None for r in table.rows_shown[row + 1 :])
        locker = hold_write_lock(sample_db)
        try:
            await pilot.press("left_square_bracket", "down" if below else "up")
            while app.keys_pending and locker.poll() is None:
                await pilot.pause(0.05)
            assert locker.poll() is None, "the lock was let go before the keys were handled"
            assert app.screen is screen and screen.writes.pending == 1
            assert table.cursor_row != row, "the cursor key was handled"
            assert stage_of(sample_db, prospect.id, as_of) is Stage.PROPOSAL_SENT
        finally:
            locker.wait(timeout=30)
        await settle(app, pilot)
        assert any(n.startswith(prospect.name) or prospect.name in n for n in notes(app))
    assert stage_of(sample_db, prospect.id, as_of) is Stage.NEEDS_DISCOVERED


def stage_of(db: Database, client_id: int, as_of: date) -> Stage:
    view = pl.load_pipeline(db, as_of=as_of)
    return next(p.stage for p in view.prospects if p.id == client_id)


async def test_grid_saves_outlive_the_grid_closed_from_the_palette(
    sample_db: Database, make_app: AppMaker
) -> None:
    """The command palette's "go to" closes the grid at once, saves under way or not:
    they are made all the same, and their outcome is still taken in (none left pending)."""
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await results_grid(app, pilot)
        cell = screen.grid.current()
        assert cell is not None
        locker = hold_write_lock(sample_db)
        try:
            await pilot.press(*"66", "enter")
            while app.keys_pending and locker.poll() is None:
                await pilot.pause(0.05)
            app.show_dashboard()
            await pilot.pause()
            assert locker.poll() is None, "the lock was let go before the grid closed"
            assert app.screen is app.dashboard and screen.writes.pending == 1
        finally:
            locker.wait(timeout=30)
        await settle(app, pilot)
        assert screen.writes.pending == 0
    assert stored_results(sample_db, screen)[cell] == 66


async def test_ctrl_z_in_the_grid_waits_for_the_save_under_way(
    sample_db: Database, make_app: AppMaker
) -> None:
    """7, enter, ctrl+z while another process writes: the undo goes after the save, so
    it takes back the 7 (nothing else was changed in this session)."""
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await results_grid(app, pilot)
        cell = screen.grid.current()
        assert cell is not None
        before = stored_results(sample_db, screen).get(cell)
        locker = hold_write_lock(sample_db)
        try:
            await pilot.press("7", "enter", "ctrl+z")
            while app.keys_pending and locker.poll() is None:
                await pilot.pause(0.05)
            assert locker.poll() is None, "the lock was let go before the keys were handled"
        finally:
            locker.wait(timeout=30)
        await settle(app, pilot)
        assert any(n.startswith("Undone:") and " 7 in " in n for n in notes(app)), notes(app)
        assert len(app.undo_stack) == 0
    assert stored_results(sample_db, screen).get(cell) == before


async def test_a_month_left_while_its_save_waits_still_gets_it(
    sample_db: Database, make_app: AppMaker
) -> None:
    """5, enter, [ while another process writes: the grid shows the month before at once;
    the save lands in the month it was typed in, and does not paint the month shown."""
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await results_grid(app, pilot)
        typed_in = screen.month
        cell = screen.grid.current()
        assert cell is not None
        locker = hold_write_lock(sample_db)
        try:
            await pilot.press("5", "enter", "left_square_bracket")
            while app.keys_pending and locker.poll() is None:
                await pilot.pause(0.05)
            assert locker.poll() is None, "the lock was let go before the keys were handled"
            assert screen.month == typed_in.previous()
        finally:
            locker.wait(timeout=30)
        await settle(app, pilot)
        assert screen.grid.month == typed_in.previous() and screen.saved_count == 1
        shown_before = stored_results(sample_db, screen)
        assert screen.grid.values.get(cell) == shown_before.get(cell)
    stored = {
        (row.client_id, key): actual
        for row in load_grid(sample_db, month=typed_in).rows
        for key, actual in row.actuals.items()
    }
    assert stored[cell] == 5
