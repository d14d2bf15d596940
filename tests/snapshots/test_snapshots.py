"""SVG snapshots of every screen of the app, in a dark and a light theme.

Generate with `pytest tests/snapshots --snapshot-update` and look at them (snapshot_report.html
on failure) before committing.
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
    """Wait for the data, press the keys, and wait again."""

    async def run_before(pilot: Pilot[None]) -> None:
        app = pilot.app
        for _ in range(3):
            await app.workers.wait_for_complete()
            await pilot.pause()
        for key in keys:
            await pilot.press(key)
            for _ in range(2):
                await app.workers.wait_for_complete()
                await pilot.pause()

    return run_before


@pytest.fixture
def sample_db(db: Database, as_of: date) -> Database:
    load_sample_data(db, as_of=as_of)
    return db


@pytest.mark.parametrize("theme", THEMES)
def test_welcome(snap_compare, db: Database, as_of: date, theme: str) -> None:
    assert snap_compare(_app(db, as_of, theme), terminal_size=SIZE, run_before=_then())


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("view_filter", ["all", "attention", "reports", "late"])
def test_dashboard(
    snap_compare, sample_db: Database, as_of: date, theme: str, view_filter: str
) -> None:
    """Each filter, reached with `f` as a user would."""
    presses = ["f"] * ["all", "attention", "reports", "late"].index(view_filter)
    app = _app(sample_db, as_of, theme)
    assert snap_compare(app, terminal_size=SIZE, run_before=_then(*presses))


@pytest.mark.parametrize("theme", THEMES)
def test_dashboard_with_prospects_and_ended(
    snap_compare, sample_db: Database, as_of: date, theme: str
) -> None:
    app = _app(sample_db, as_of, theme)
    assert snap_compare(app, terminal_size=SIZE, run_before=_then("x"))


@pytest.mark.parametrize("theme", THEMES)
def test_client_detail(snap_compare, sample_db: Database, as_of: date, theme: str) -> None:
    app = _app(sample_db, as_of, theme)
    assert snap_compare(app, terminal_size=SIZE, run_before=_then("down", "enter"))


@pytest.mark.parametrize("theme", THEMES)
def test_help(snap_compare, sample_db: Database, as_of: date, theme: str) -> None:
    app = _app(sample_db, as_of, theme)
    assert snap_compare(app, terminal_size=SIZE, run_before=_then("question_mark"))


def test_dashboard_narrow(snap_compare, sample_db: Database, as_of: date) -> None:
    app = _app(sample_db, as_of, "textual-dark")
    assert snap_compare(app, terminal_size=(80, 24), run_before=_then())


def test_dashboard_wide(snap_compare, sample_db: Database, as_of: date) -> None:
    app = _app(sample_db, as_of, "textual-dark")
    assert snap_compare(app, terminal_size=(200, 60), run_before=_then())
