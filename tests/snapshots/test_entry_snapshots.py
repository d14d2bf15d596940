"""SVG snapshots of the data-entry screens: each form, the tiers screen and the results grid
(120×36, today 2026-11-20, the sample data).

Generate with `pytest tests/snapshots/test_entry_snapshots.py --snapshot-update` and look at
them (snapshot_report.html on failure) before committing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from retainer_tui.config import Settings
from retainer_tui.db.engine import Database
from retainer_tui.services.sample import load_sample_data
from retainer_tui.tui.app import RetainerApp, build_app

SIZE = (120, 36)


def _app(db: Database, as_of: date, theme: str = "textual-dark") -> RetainerApp:
    app = build_app(db, Settings(theme=theme), today=as_of, poll_seconds=None)
    app.animation_level = "none"
    return app


def _then(*keys: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    """Wait for the data, press the keys (waiting after each), then still the cursors.

    A key written "type:text" types the text into the focused input.
    """

    async def run_before(pilot: Pilot[None]) -> None:
        app = pilot.app
        for key in ("", *keys):
            if key.startswith("type:"):
                await pilot.press(*key[5:])
            elif key:
                await pilot.press(key)
            for _ in range(3):
                await app.workers.wait_for_complete()
                await pilot.pause()
        for widget in app.screen.query(Input):
            widget.cursor_blink = False
        for area in app.screen.query(TextArea):
            area.cursor_blink = False
        app.clear_notifications()
        await pilot.pause()

    return run_before


@pytest.fixture
def sample_db(db: Database, as_of: date) -> Database:
    load_sample_data(db, as_of=as_of)
    return db


def test_new_client_form(snap_compare, sample_db: Database, as_of: date) -> None:
    app = _app(sample_db, as_of)
    assert snap_compare(app, terminal_size=SIZE, run_before=_then("n"))


def test_new_client_form_with_errors(snap_compare, sample_db: Database, as_of: date) -> None:
    """Empty name, a day outside 1-28, a bad month: each message under its field."""
    keys = ["n", "tab", "tab", "tab", "type:not-an-email"]
    keys += ["tab"] * 5 + ["ctrl+a", "ctrl+k", "type:31"]  # billing day
    keys += ["tab", "tab", "ctrl+a", "ctrl+k", "type:2026-13", "ctrl+s"]  # start month
    app = _app(sample_db, as_of)
    assert snap_compare(app, terminal_size=SIZE, run_before=_then(*keys))


def test_edit_client_form(snap_compare, sample_db: Database, as_of: date) -> None:
    app = _app(sample_db, as_of)
    assert snap_compare(app, terminal_size=SIZE, run_before=_then("e"))


def test_delete_client_confirmation(snap_compare, sample_db: Database, as_of: date) -> None:
    app = _app(sample_db, as_of)
    assert snap_compare(app, terminal_size=SIZE, run_before=_then("e", "f8", "type:Eno"))


def test_tiers_screen(snap_compare, sample_db: Database, as_of: date) -> None:
    app = _app(sample_db, as_of)
    assert snap_compare(app, terminal_size=SIZE, run_before=_then("T", "down"))


def test_tier_form(snap_compare, sample_db: Database, as_of: date) -> None:
    app = _app(sample_db, as_of)
    assert snap_compare(app, terminal_size=SIZE, run_before=_then("T", "e"))


def test_tier_fee_change_question(snap_compare, sample_db: Database, as_of: date) -> None:
    keys = ["T", "e", "tab", "ctrl+a", "ctrl+k", "type:3500", "ctrl+s"]
    app = _app(sample_db, as_of)
    assert snap_compare(app, terminal_size=SIZE, run_before=_then(*keys))


def test_goals_form(snap_compare, sample_db: Database, as_of: date) -> None:
    app = _app(sample_db, as_of)
    assert snap_compare(app, terminal_size=SIZE, run_before=_then("g", "type:1500"))


def test_new_metric_form(snap_compare, sample_db: Database, as_of: date) -> None:
    app = _app(sample_db, as_of)
    assert snap_compare(
        app, terminal_size=SIZE, run_before=_then("g", "ctrl+n", "type:Reels published")
    )


def test_payment_form(snap_compare, sample_db: Database, as_of: date) -> None:
    app = _app(sample_db, as_of)
    assert snap_compare(app, terminal_size=SIZE, run_before=_then("down", "down", "p"))


def test_report_mark_form(snap_compare, sample_db: Database, as_of: date) -> None:
    app = _app(sample_db, as_of)
    assert snap_compare(app, terminal_size=SIZE, run_before=_then("m"))


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
def test_results_grid(snap_compare, sample_db: Database, as_of: date, theme: str) -> None:
    """Typing in progress: the cell shows the typed number with its target and status."""
    app = _app(sample_db, as_of, theme)
    assert snap_compare(app, terminal_size=SIZE, run_before=_then("r", "down", "right", "type:35"))


def test_results_grid_refused(snap_compare, sample_db: Database, as_of: date) -> None:
    app = _app(sample_db, as_of)
    assert snap_compare(app, terminal_size=SIZE, run_before=_then("r", "type:12x", "enter"))
