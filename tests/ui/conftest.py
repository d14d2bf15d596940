"""Apps on a test database: empty, or with the sample data as of the fixed today."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from datetime import date

import pytest
from textual.app import App
from textual.worker import WorkerCancelled

from retainer_tui.config import Settings
from retainer_tui.db.engine import Database
from retainer_tui.tui.app import RetainerApp, build_app

SIZE = (120, 36)


AppMaker = Callable[..., RetainerApp]


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


async def settle(app: RetainerApp, pilot: object) -> None:
    """Wait for the fact: every worker done, then the messages they posted handled."""
    for _ in range(3):
        await workers_done(app)
        await pilot.pause()  # type: ignore[attr-defined]


def table_names(app: RetainerApp) -> list[str]:
    """The client names in the dashboard table, top to bottom."""
    table = app.dashboard.table
    return [table.row_cells(i)[0].plain for i in range(table.row_count)]
