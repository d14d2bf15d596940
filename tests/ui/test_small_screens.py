"""Small screen faults from daily use, by keys: the report-sent dialog dims the screen
behind it (it blanked it), and at 80×24 the pipeline shows "Next action" in full width
and the tiers table fits (a stray ▊ was its horizontal scrollbar)."""

from __future__ import annotations

from textual.widgets import DataTable

from retainer_tui.db.engine import Database
from retainer_tui.tui.screens.pipeline.board import PipelineScreen
from retainer_tui.tui.screens.pipeline.table import narrow_widths, when_text
from retainer_tui.tui.screens.report_preview import SentDateScreen
from retainer_tui.tui.screens.reports_queue import ReportsScreen
from retainer_tui.tui.screens.tiers import TiersScreen
from tests.ui.conftest import AppMaker, settle

SMALL = (80, 24)


async def test_report_sent_dialog_dims_the_queue_behind_it(
    sample_db: Database, make_app: AppMaker
) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await pilot.press("R")
        await settle(app, pilot)
        assert isinstance(app.screen, ReportsScreen)
        await pilot.press("m")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, SentDateScreen)
        # See-through: the queue stays in view, dimmed, around the dialog.
        assert dialog.styles.background.a < 1
        screenshot = app.export_screenshot().replace("&#160;", " ")
        assert "Due by" in screenshot  # the queue's heading, beside the dialog


async def test_pipeline_next_action_fits_at_80_columns(
    sample_db: Database, make_app: AppMaker
) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await pilot.press("P")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, PipelineScreen)
        table = screen.table
        assert table.max_scroll_x == 0  # every column in view, no horizontal scrollbar
        assert table.columns["action"].width >= len("Follow up on proposal")
        row = next(i for i, r in enumerate(table.rows_shown) if r.prospect is not None)
        cells = table.get_row_at(row)
        assert cells[3].plain == "Follow up on proposal"
        assert cells[4].plain == "in 4d"  # the date itself is in the panel below


def test_narrow_columns_fill_the_row() -> None:
    widths = narrow_widths(80)
    assert sum(widths.values()) + 2 * len(widths) + 2 == 80
    assert narrow_widths(40)["action"] == 18  # never narrower than that


def test_when_text_short_drops_the_date() -> None:
    from datetime import date

    today = date(2026, 11, 20)
    assert when_text(date(2026, 11, 24), today) == ("Nov 24 · in 4d", "later")
    assert when_text(date(2026, 11, 24), today, short=True) == ("in 4d", "later")
    assert when_text(date(2026, 11, 18), today, short=True) == ("2d late", "overdue")


async def test_tiers_table_fits_at_80_columns(sample_db: Database, make_app: AppMaker) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await pilot.press("T")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, TiersScreen)
        table = screen.query_one("#tiers-table", DataTable)
        assert table.max_scroll_x == 0
        assert "▊" not in app.export_screenshot()
        description = table.get_row_at(1)[5]
        assert description.plain.startswith("Tier 1 plus")
