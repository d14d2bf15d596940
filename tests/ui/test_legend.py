"""`?` on the dashboard and the client page shows, beside the keys, what every glyph
means; screens without those cells show the keys only."""

from __future__ import annotations

from retainer_tui.db.engine import Database
from retainer_tui.tui.cells import PAYMENT_LABELS, REPORT_LABELS, STATUS_GLYPHS
from retainer_tui.tui.screens.help import HelpScreen
from tests.ui.conftest import SIZE, AppMaker, settle


async def test_the_legend_names_every_glyph_the_cells_use(
    sample_db: Database, make_app: AppMaker
) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        shown = {glyph for _section, glyph, _meaning in app.screen.legend}
        for status, glyph in STATUS_GLYPHS.items():
            assert f"{glyph} {status.label}" in shown
        assert set(REPORT_LABELS.values()) <= shown
        assert {label for label in PAYMENT_LABELS.values() if "partial" not in label} <= shown
        assert "◑ $200" in shown and "⚑" in shown and "F P C" in shown
        assert all(meaning for _s, _g, meaning in app.screen.legend)
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("enter")  # the client page
        await settle(app, pilot)
        await pilot.press("question_mark")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen) and app.screen.legend
        await pilot.press("escape", "escape")
        await settle(app, pilot)
        await pilot.press("R")  # the reports queue: no status cells there
        await settle(app, pilot)
        await pilot.press("question_mark")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen) and app.screen.legend == []
