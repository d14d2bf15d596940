"""What every snapshot test shares: the fixed size, the app as a user starts it, the keys."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from retainer_tui.config import Settings
from retainer_tui.db.engine import Database
from retainer_tui.tui.app import RetainerApp, build_app
from tests.ui.conftest import settle as wait_settled

SIZE = (120, 36)
THEMES = ["textual-dark", "textual-light"]


def snapshot_app(db: Database, today: date, theme: str = "textual-dark") -> RetainerApp:
    """The app with animations off and no polling, so two runs draw the same frame."""
    app = build_app(db, Settings(theme=theme), today=today, poll_seconds=None)
    app.animation_level = "none"
    return app


def press_then(*keys: str, settle: bool = False) -> Callable[[Pilot[None]], Awaitable[None]]:
    """Wait for the data, press the keys (waiting after each), as a user would.

    A key written "type:text" types the text. With settle, cursors stop blinking and
    toasts are cleared, so a form's frame does not depend on timing.
    """

    async def run_before(pilot: Pilot[None]) -> None:
        app = pilot.app
        for key in ("", *keys):
            if key.startswith("type:"):
                await pilot.press(*key[5:])
            elif key:
                await pilot.press(key)
            await wait_settled(app, pilot)
        if settle:
            for widget in app.screen.query(Input):
                widget.cursor_blink = False
            for area in app.screen.query(TextArea):
                area.cursor_blink = False
            app.clear_notifications()
            await pilot.pause()

    return run_before


def settled(*keys: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    """press_then for forms: cursors still and toasts cleared before the frame is taken."""
    return press_then(*keys, settle=True)
