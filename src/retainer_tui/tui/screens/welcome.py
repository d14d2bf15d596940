"""First run (no clients yet): start fresh with the three default tiers, or load samples."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Center, Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Footer, Static

from retainer_tui.domain.money import format_money
from retainer_tui.tui.keys import WELCOME_KEYS, bindings

if TYPE_CHECKING:
    from retainer_tui.tui.app import RetainerApp

_INTRO = (
    "Keep your retainer clients, what you promised them each month and what you "
    "delivered. See at a glance who is behind and who is owed a progress report."
)


class WelcomeScreen(Screen[None]):
    KEY_SCOPE = "welcome"
    TITLE_TEXT = "Welcome"
    BINDINGS = bindings(WELCOME_KEYS)
    AUTO_FOCUS = "#start-fresh"

    class SampleLoaded(Message):
        def __init__(self, count: int) -> None:
            self.count = count
            super().__init__()

    class SampleFailed(Message):
        def __init__(self, error: str) -> None:
            self.error = error
            super().__init__()

    def __init__(self, *, tiers: tuple[tuple[str, int], ...], currency: str) -> None:
        super().__init__()
        self.tiers = tiers
        self.currency = currency

    def compose(self) -> ComposeResult:
        tiers = " · ".join(
            f"{name} {format_money(fee, self.currency, cents_shown=False)}/mo"
            for name, fee in self.tiers
        )
        with Center(), Vertical(id="welcome-box") as box:
            box.border_title = "retainer-tui"
            yield Static(Content.from_markup("[b]Welcome.[/] $intro", intro=_INTRO), id="intro")
            yield Static(
                Content.from_markup("Your tiers are ready: [b]$tiers[/]", tiers=tiers or "none"),
                id="tiers",
            )
            with Horizontal(id="welcome-buttons"):
                yield Button("Start fresh", id="start-fresh", variant="primary")
                yield Button("Load sample data", id="load-sample")
            yield Static(
                "Start fresh keeps the three default tiers and an empty client list. "
                "The sample data is a set of realistic clients with twelve months of goals, "
                "results, payments and reports, to look around with.",
                id="welcome-hint",
            )
        yield Footer()

    @on(Button.Pressed, "#start-fresh")
    def action_start_fresh(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#load-sample")
    def action_load_sample(self) -> None:
        for button in self.query(Button):
            button.disabled = True
        self.notify("Loading the sample data…", timeout=2)
        self._load_sample()

    @work(thread=True, exclusive=True, group="db", exit_on_error=False)
    def _load_sample(self) -> None:
        retainer = cast("RetainerApp", self.app)
        try:
            from retainer_tui.services.sample import load_sample_data

            count = load_sample_data(retainer.db, as_of=retainer.today)
        except Exception as exc:  # shown to the user; the database is left unchanged
            self.post_message(self.SampleFailed(str(exc)))
            return
        self.post_message(self.SampleLoaded(count))

    @on(SampleLoaded)
    def _sample_loaded(self, message: SampleLoaded) -> None:
        retainer = cast("RetainerApp", self.app)
        self.dismiss(None)
        retainer.reload_data()
        retainer.notify(f"Loaded {message.count} sample clients.", title="Sample data")

    @on(SampleFailed)
    def _sample_failed(self, message: SampleFailed) -> None:
        for button in self.query(Button):
            button.disabled = False
        self.notify(message.error, title="Sample data", severity="error", timeout=8)
