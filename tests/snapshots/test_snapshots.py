"""SVG snapshots of every screen of the app, in a dark and a light theme.

Generate with `pytest tests/snapshots --snapshot-update` and look at them (snapshot_report.html
on failure) before committing.
"""

from __future__ import annotations

from datetime import date

import pytest

from retainer_tui.db.engine import Database
from tests.snapshots.support import SIZE, THEMES, press_then, snapshot_app


@pytest.mark.parametrize("theme", THEMES)
def test_welcome(snap_compare, db: Database, as_of: date, theme: str) -> None:
    assert snap_compare(snapshot_app(db, as_of, theme), terminal_size=SIZE, run_before=press_then())


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("view_filter", ["all", "attention", "reports", "late"])
def test_dashboard(
    snap_compare, sample_db: Database, as_of: date, theme: str, view_filter: str
) -> None:
    """Each filter, reached with `f` as a user would."""
    presses = ["f"] * ["all", "attention", "reports", "late"].index(view_filter)
    app = snapshot_app(sample_db, as_of, theme)
    assert snap_compare(app, terminal_size=SIZE, run_before=press_then(*presses))


@pytest.mark.parametrize("theme", THEMES)
def test_dashboard_with_prospects_and_ended(
    snap_compare, sample_db: Database, as_of: date, theme: str
) -> None:
    app = snapshot_app(sample_db, as_of, theme)
    assert snap_compare(app, terminal_size=SIZE, run_before=press_then("x"))


@pytest.mark.parametrize("theme", THEMES)
def test_client_detail(snap_compare, sample_db: Database, as_of: date, theme: str) -> None:
    app = snapshot_app(sample_db, as_of, theme)
    assert snap_compare(app, terminal_size=SIZE, run_before=press_then("down", "enter"))


@pytest.mark.parametrize("theme", THEMES)
def test_help(snap_compare, sample_db: Database, as_of: date, theme: str) -> None:
    app = snapshot_app(sample_db, as_of, theme)
    assert snap_compare(app, terminal_size=SIZE, run_before=press_then("question_mark"))


def test_dashboard_narrow(snap_compare, sample_db: Database, as_of: date) -> None:
    app = snapshot_app(sample_db, as_of, "textual-dark")
    assert snap_compare(app, terminal_size=(80, 24), run_before=press_then())


def test_dashboard_wide(snap_compare, sample_db: Database, as_of: date) -> None:
    app = snapshot_app(sample_db, as_of, "textual-dark")
    assert snap_compare(app, terminal_size=(200, 60), run_before=press_then())
