"""The client page by keys at 80×24: PageDown and End reach the notes below the month
table (which has focus and used to take those keys for its own cursor)."""

from __future__ import annotations

from textual.containers import VerticalScroll

from retainer_tui.db.engine import Database
from retainer_tui.tui.screens.client_detail import ClientDetailScreen
from tests.ui.conftest import AppMaker, settle


def notes_in_view(screen: ClientDetailScreen) -> bool:
    notes = screen.query_one("#notes")
    page = screen.query_one("#detail", VerticalScroll)
    return notes.region.height > 0 and page.region.contains_region(notes.region)


async def test_page_down_and_end_reach_the_notes(sample_db: Database, make_app: AppMaker) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ClientDetailScreen)
        assert not notes_in_view(screen)
        await pilot.press("end")
        await pilot.pause()
        assert notes_in_view(screen)
        await pilot.press("home")
        await pilot.pause()
        assert not notes_in_view(screen)
        for _ in range(6):
            await pilot.press("pagedown")
        await pilot.pause()
        assert notes_in_view(screen)
        await pilot.press("pageup")
        await pilot.pause()
        assert screen.query_one("#detail", VerticalScroll).scroll_y > 0
