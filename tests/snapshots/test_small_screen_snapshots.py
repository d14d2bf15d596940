"""SVG snapshots at 80×24 (today 2026-11-20, the sample data) of screens that went wrong
on a small terminal: the tiers table (a stray ▊), the pipeline ("Next action" cut), the
report-sent dialog (it blanked the queue), and the results grid's / search.

Generate with `pytest tests/snapshots/test_small_screen_snapshots.py --snapshot-update`
and look at them (snapshot_report.html on failure) before committing.
"""

from __future__ import annotations

from datetime import date

from retainer_tui.db.engine import Database
from tests.snapshots.support import settled, snapshot_app

SMALL = (80, 24)


def test_tiers_screen_80x24(snap_compare, sample_db: Database, as_of: date) -> None:
    app = snapshot_app(sample_db, as_of)
    assert snap_compare(app, terminal_size=SMALL, run_before=settled("T"))


def test_pipeline_80x24(snap_compare, sample_db: Database, as_of: date) -> None:
    app = snapshot_app(sample_db, as_of)
    assert snap_compare(app, terminal_size=SMALL, run_before=settled("P"))


def test_report_sent_dialog_80x24(snap_compare, sample_db: Database, as_of: date) -> None:
    app = snapshot_app(sample_db, as_of)
    assert snap_compare(app, terminal_size=SMALL, run_before=settled("R", "m"))


def test_results_grid_search_80x24(snap_compare, sample_db: Database, as_of: date) -> None:
    app = snapshot_app(sample_db, as_of)
    assert snap_compare(app, terminal_size=SMALL, run_before=settled("r", "slash", "type:ross"))


def test_goals_form_80x24(snap_compare, sample_db: Database, as_of: date) -> None:
    """Focus on From month, the month shown on the dashboard (October after [)."""
    app = snapshot_app(sample_db, as_of)
    assert snap_compare(app, terminal_size=SMALL, run_before=settled("left_square_bracket", "g"))
