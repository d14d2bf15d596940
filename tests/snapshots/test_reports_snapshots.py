"""SVG snapshots of the reports queue and a report's preview (120×36, today 2026-11-20).

Generate with `pytest tests/snapshots/test_reports_snapshots.py --snapshot-update` and look
at them (snapshot_report.html on failure) before committing.
"""

from __future__ import annotations

from datetime import date

import pytest

from retainer_tui.db.engine import Database
from tests.snapshots.support import SIZE, THEMES, press_then, snapshot_app


@pytest.mark.parametrize("theme", THEMES)
def test_reports_queue(snap_compare, sample_db: Database, as_of: date, theme: str) -> None:
    """Enoteca Verdi's September and October (overdue), Studio Bianchi's October (due)."""
    app = snapshot_app(sample_db, as_of, theme)
    assert snap_compare(app, terminal_size=SIZE, run_before=press_then("R"))


@pytest.mark.parametrize("theme", THEMES)
def test_report_preview(snap_compare, sample_db: Database, as_of: date, theme: str) -> None:
    """Studio Bianchi's October report: a missed metric and a draft highlight."""
    app = snapshot_app(sample_db, as_of, theme)
    assert snap_compare(
        app, terminal_size=SIZE, run_before=press_then("R", "down", "down", "enter")
    )


def test_not_needed_before_dialog(snap_compare, sample_db: Database, as_of: date) -> None:
    """t on Enoteca Verdi's September report: the month (this month by default) and why."""
    app = snapshot_app(sample_db, as_of)
    assert snap_compare(app, terminal_size=SIZE, run_before=press_then("R", "t", settle=True))
