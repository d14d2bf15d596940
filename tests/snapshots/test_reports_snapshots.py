"""SVG snapshots of the reports queue and a report's preview (120×36, today 2026-11-20).

Generate with `pytest tests/snapshots/test_reports_snapshots.py --snapshot-update` and look
at them (snapshot_report.html on failure) before committing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

import pytest
from textual.pilot import Pilot

from retainer_tui.config import Settings
from retainer_tui.db.engine import Database
from retainer_tui.services.sample import load_sample_data
from retainer_tui.tui.app import RetainerApp, build_app

SIZE = (120, 36)
THEMES = ["textual-dark", "textual-light"]


def _app(db: Database, as_of: date, theme: str) -> RetainerApp:
    app = build_app(db, Settings(theme=theme), today=as_of, poll_seconds=None)
    app.animation_level = "none"
    return app


def _then(*keys: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    """Wait for the data, press the keys (waiting after each), as a user would."""

    async def run_before(pilot: Pilot[None]) -> None:
        app = pilot.app
        for _ in range(3):
            await app.workers.wait_for_complete()
            await pilot.pause()
        for key in keys:
            await pilot.press(key)
            for _ in range(3):
                await app.workers.wait_for_complete()
                await pilot.pause()

    return run_before


@pytest.fixture
def sample_db(db: Database, as_of: date) -> Database:
    load_sample_data(db, as_of=as_of)
    return db


@pytest.mark.parametrize("theme", THEMES)
def test_reports_queue(snap_compare, sample_db: Database, as_of: date, theme: str) -> None:
    """Enoteca Verdi's September and October (overdue), Studio Bianchi's October (due)."""
    app = _app(sample_db, as_of, theme)
    assert snap_compare(app, terminal_size=SIZE, run_before=_then("R"))


@pytest.mark.parametrize("theme", THEMES)
def test_report_preview(snap_compare, sample_db: Database, as_of: date, theme: str) -> None:
    """Studio Bianchi's October report: a missed metric and a draft highlight."""
    app = _app(sample_db, as_of, theme)
    assert snap_compare(app, terminal_size=SIZE, run_before=_then("R", "down", "down", "enter"))
