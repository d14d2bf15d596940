"""Apps on a test database: empty, or with the sample data as of the fixed today."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import suppress
from datetime import date

import pytest
from textual.app import App
from textual.worker import WorkerCancelled, WorkerState

from retainer_tui.config import Settings
from retainer_tui.db.engine import Database
from retainer_tui.tui.app import RetainerApp, build_app
from tests.ui.loop_guard import LoopGuard

SIZE = (120, 36)


AppMaker = Callable[..., RetainerApp]


@pytest.fixture(autouse=True)
def no_database_on_the_event_loop() -> Iterator[LoopGuard]:
    """Fails the test when the app ran a statement on the event loop's thread (see
    tests/ui/loop_guard.py): every read and write of a screen runs in a worker."""
    with LoopGuard() as guard:
        yield guard
    guard.check()


@pytest.fixture
def make_app(as_of: date) -> AppMaker:
    """build_app with no background poll (tests call check_for_changes themselves)."""

    def make(db: Database, settings: Settings | None = None, **kwargs: object) -> RetainerApp:
        kwargs.setdefault("poll_seconds", None)
        app = build_app(db, settings or Settings(), today=as_of, **kwargs)  # type: ignore[arg-type]
        app.animation_level = "none"
        return app

    return make


async def workers_done(app: App[object]) -> None:
    """Every worker ended. One cancelled by a newer one of its exclusive group (a month
    load overtaken by the next key) has ended too; a worker that failed still raises."""
    for worker in list(app.workers):
        with suppress(WorkerCancelled):
            await worker.wait()


async def settle(app: App[object], pilot: object) -> None:
    """Wait for the fact: the app started (its first month read, the welcome screen shown
    if due), every key typed handled (keys wait behind a save or a screen opening), every
    worker done and the messages they posted handled, until nothing is
    left (a handled message may start another worker: a month loaded starts the loads of
    the months beside it)."""
    for _ in range(100):
        await workers_done(app)
        await pilot.pause()  # type: ignore[attr-defined]
        running = any(w.state in _UNFINISHED for w in app.workers)
        starting = not getattr(app, "started", True)
        if not running and not starting and not getattr(app, "keys_pending", 0):
            return
    raise AssertionError(f"still busy: {list(app.workers)}, keys {app.keys_pending}")  # type: ignore[attr-defined]


_UNFINISHED = (WorkerState.PENDING, WorkerState.RUNNING)


def table_names(app: RetainerApp) -> list[str]:
    """The client names in the dashboard table, top to bottom."""
    table = app.dashboard.table
    return [table.row_cells(i)[0].plain for i in range(table.row_count)]


def payment_cell(app: object, name: str) -> str:
    """The payment cell drawn on the dashboard in the row of the client named."""
    table = app.dashboard.table  # type: ignore[attr-defined]
    column = table.column_keys.index("payment")
    for row in range(table.row_count):
        cells = table.row_cells(row)
        if any(name in cell.plain for cell in cells):
            return cells[column].plain
    raise AssertionError(f"{name} is not on the dashboard")
