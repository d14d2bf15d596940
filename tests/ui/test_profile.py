"""The profile that signs the proposal email: asked on the welcome screen, kept in
config.toml, used at the end of the proposal."""

from __future__ import annotations

from textual.widgets import Input, TextArea

from retainer_tui import paths
from retainer_tui.config import load_settings
from retainer_tui.services.database import Database
from retainer_tui.tui.screens.pipeline.proposal import ProposalScreen
from retainer_tui.tui.screens.welcome import WelcomeScreen
from tests.factories import add_client
from tests.ui.conftest import SIZE, AppMaker, settle

NAMES = {" ": "space", ".": "full_stop", "@": "at"}


async def _type(pilot, text: str) -> None:
    await pilot.press(*(NAMES.get(ch, ch) for ch in text))


async def test_welcome_asks_for_the_profile_and_the_proposal_is_signed_with_it(
    db: Database, make_app: AppMaker
) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("shift+tab", "shift+tab", "shift+tab")  # button -> email -> ... name
        assert isinstance(app.focused, Input) and app.focused.id == "profile-name"
        await _type(pilot, "Maria Lopez")
        await pilot.press("tab")
        await _type(pilot, "Lopez Social")
        await pilot.press("tab")
        await _type(pilot, "maria@lopez.example")
        await pilot.press("tab")  # to "Start fresh"
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is app.dashboard
        assert app.settings.name == "Maria Lopez"
    saved = load_settings()
    assert (saved.name, saved.business, saved.email) == (
        "Maria Lopez",
        "Lopez Social",
        "maria@lopez.example",
    )
    assert 'name = "Maria Lopez"' in paths.config_file().read_text(encoding="utf-8")

    add_client(db, "Rossi Bakery", status="prospect", start=None)
    app = make_app(db, saved)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("P")
        await settle(app, pilot)
        await pilot.press("p")
        await settle(app, pilot)
        assert isinstance(app.screen, ProposalScreen)
        body = app.screen.query_one("#proposal-body", TextArea).text
        assert body.rstrip().endswith(
            "Best regards,\nMaria Lopez\nLopez Social\nmaria@lopez.example"
        )


async def test_the_profile_can_be_skipped(db: Database, make_app: AppMaker) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("f")
        await settle(app, pilot)
        assert app.screen is app.dashboard
    assert not paths.config_file().exists()
    assert not load_settings().has_profile
