"""SVG snapshots of the data-entry screens: each form, the tiers screen and the results grid
(120×36, today 2026-11-20, the sample data).

Generate with `pytest tests/snapshots/test_entry_snapshots.py --snapshot-update` and look at
them (snapshot_report.html on failure) before committing.
"""

from __future__ import annotations

from datetime import date

import pytest

from retainer_tui.db.engine import Database
from tests.snapshots.support import SIZE, settled, snapshot_app


def test_new_client_form(snap_compare, sample_db: Database, as_of: date) -> None:
    app = snapshot_app(sample_db, as_of)
    assert snap_compare(app, terminal_size=SIZE, run_before=settled("n"))


def test_new_client_form_with_errors(snap_compare, sample_db: Database, as_of: date) -> None:
    """Empty name, a day outside 1-28, a bad month: each message under its field."""
    keys = ["n", "tab", "tab", "tab", "type:not-an-email"]
    keys += ["tab"] * 5 + ["ctrl+a", "ctrl+k", "type:31"]  # billing day
    keys += ["tab", "tab", "ctrl+a", "ctrl+k", "type:2026-13", "ctrl+s"]  # start month
    app = snapshot_app(sample_db, as_of)
    assert snap_compare(app, terminal_size=SIZE, run_before=settled(*keys))


def test_edit_client_form(snap_compare, sample_db: Database, as_of: date) -> None:
    app = snapshot_app(sample_db, as_of)
    assert snap_compare(app, terminal_size=SIZE, run_before=settled("e"))


def test_delete_client_confirmation(snap_compare, sample_db: Database, as_of: date) -> None:
    app = snapshot_app(sample_db, as_of)
    assert snap_compare(app, terminal_size=SIZE, run_before=settled("e", "f8", "type:Eno"))


def test_tiers_screen(snap_compare, sample_db: Database, as_of: date) -> None:
    app = snapshot_app(sample_db, as_of)
    assert snap_compare(app, terminal_size=SIZE, run_before=settled("T", "down"))


def test_tier_form(snap_compare, sample_db: Database, as_of: date) -> None:
    app = snapshot_app(sample_db, as_of)
    assert snap_compare(app, terminal_size=SIZE, run_before=settled("T", "e"))


def test_tier_fee_change_question(snap_compare, sample_db: Database, as_of: date) -> None:
    keys = ["T", "e", "tab", "ctrl+a", "ctrl+k", "type:3500", "ctrl+s"]
    app = snapshot_app(sample_db, as_of)
    assert snap_compare(app, terminal_size=SIZE, run_before=settled(*keys))


def test_goals_form(snap_compare, sample_db: Database, as_of: date) -> None:
    app = snapshot_app(sample_db, as_of)
    assert snap_compare(app, terminal_size=SIZE, run_before=settled("g", "tab", "type:1500"))


def test_new_metric_form(snap_compare, sample_db: Database, as_of: date) -> None:
    app = snapshot_app(sample_db, as_of)
    assert snap_compare(
        app, terminal_size=SIZE, run_before=settled("g", "ctrl+n", "type:Reels published")
    )


def test_payment_form(snap_compare, sample_db: Database, as_of: date) -> None:
    app = snapshot_app(sample_db, as_of)
    assert snap_compare(app, terminal_size=SIZE, run_before=settled("down", "down", "p"))


def test_report_mark_form(snap_compare, sample_db: Database, as_of: date) -> None:
    app = snapshot_app(sample_db, as_of)
    assert snap_compare(app, terminal_size=SIZE, run_before=settled("m"))


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
def test_results_grid(snap_compare, sample_db: Database, as_of: date, theme: str) -> None:
    """Typing in progress: the cell shows the typed number with its target and status."""
    app = snapshot_app(sample_db, as_of, theme)
    assert snap_compare(
        app, terminal_size=SIZE, run_before=settled("r", "down", "right", "type:35")
    )


def test_results_grid_refused(snap_compare, sample_db: Database, as_of: date) -> None:
    app = snapshot_app(sample_db, as_of)
    assert snap_compare(app, terminal_size=SIZE, run_before=settled("r", "type:12x", "enter"))


def test_edit_conflict_dialog(snap_compare, sample_db: Database, as_of: date) -> None:
    """A tier form whose tier Sara changed since it opened: who, what, reload or overwrite."""
    from dataclasses import replace

    from textual.pilot import Pilot

    from retainer_tui.db.migrate import open_database
    from retainer_tui.services.tiers import list_tiers, save_tier
    from retainer_tui.tui.screens.tier_form import TierFormScreen

    assert sample_db.file is not None
    sara = open_database(sample_db.file)
    sara.author = "sara"
    tier = list_tiers(sample_db)[0]

    async def run_before(pilot: Pilot[None]) -> None:
        pilot.app.push_screen(TierFormScreen(sample_db, tier=tier))
        await pilot.pause()
        theirs = replace(tier.draft(), monthly_fee="1750", description="Two posts a week")
        save_tier(sara, draft=theirs, tier_id=tier.id)
        await settled("type:x", "ctrl+s")(pilot)

    app = snapshot_app(sample_db, as_of)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
