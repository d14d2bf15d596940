"""First run (no clients yet): start fresh with the three default tiers, or load samples."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Center, Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Static

from retainer_tui.config import ConfigError, Settings, save_setting
from retainer_tui.domain.money import format_money
from retainer_tui.tui.keys import WELCOME_KEYS, bindings

if TYPE_CHECKING:
    from textual import getters

    from retainer_tui.tui.app import RetainerApp

_INTRO = (
    "Keep your retainer clients, what you promised them each month and what you "
    "delivered. See at a glance who is behind and who is owed a progress report."
)


class WelcomeScreen(Screen[None]):
    if TYPE_CHECKING:  # the RetainerApp, typed only (see FormScreen.app)
        app = getters.app(RetainerApp)
    KEY_SCOPE = "welcome"
    TITLE_TEXT = "Welcome"
    BINDINGS: ClassVar[list[BindingType]] = bindings(WELCOME_KEYS)
    AUTO_FOCUS = "#start-fresh"

    class SampleLoaded(Message):
        def __init__(self, count: int) -> None:
            self.count = count
            super().__init__()

    class SampleFailed(Message):
        def __init__(self, error: str) -> None:
            self.error = error
            super().__init__()

    def __init__(
        self,
        *,
        tiers: tuple[tuple[str, int], ...],
        currency: str,
        settings: Settings | None = None,
    ) -> None:
        super().__init__()
        self.tiers = tiers
        self.currency = currency
        self.settings = settings or Settings()

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
            yield Static(
                "Sign your proposal emails as (optional; config.toml keeps it):",
                id="profile-label",
            )
            with Horizontal(classes="profile-row"):
                yield self._field("name", "Your name")
                yield self._field("business", "Business")
            with Horizontal(classes="profile-row"):
                yield self._field("email", "Email")
            with Horizontal(id="welcome-buttons"):
                yield Button("Start fresh", id="start-fresh", variant="primary")
                yield Button("Load sample data", id="load-sample")
            yield Static(
                "Start fresh keeps the three default tiers and an empty client list. "
                "The sample data: realistic clients with twelve months of goals, "
                "results, payments and reports, to look around with.",
                id="welcome-hint",
            )
        yield Footer()

    def _field(self, key: str, placeholder: str) -> Input:
        return Input(
            getattr(self.settings, key),
            placeholder=placeholder,
            max_length=120,
            compact=True,
            id=f"profile-{key}",
        )

    def _save_profile(self) -> None:
        """The profile typed here, into config.toml (only what changed) and the app."""
        changes = {}
        for key in ("name", "business", "email"):
            value = " ".join(self.query_one(f"#profile-{key}", Input).value.split())
            if value != getattr(self.settings, key) and value.isprintable():
                changes[key] = value
        if not changes:
            return
        try:
            for key, value in changes.items():
                save_setting(key, value)
        except (OSError, ConfigError) as exc:
            self.app.notify(f"Your profile could not be saved: {exc}", severity="warning")
            return
        self.app.settings = self.app.settings.with_(**changes)

    @on(Button.Pressed, "#start-fresh")
    def action_start_fresh(self) -> None:
        self._save_profile()
        self.dismiss(None)

    @on(Button.Pressed, "#load-sample")
    def action_load_sample(self) -> None:
        self._save_profile()
        for button in self.query(Button):
            button.disabled = True
        self.notify("Loading the sample data…", timeout=2)
        self._load_sample()

    @work(thread=True, exclusive=True, group="db", exit_on_error=False)
    def _load_sample(self) -> None:
        try:
            from retainer_tui.services.sample import load_sample_data

            count = load_sample_data(self.app.db, as_of=self.app.today)
        except Exception as exc:  # shown to the user; the database is left unchanged
            self.post_message(self.SampleFailed(str(exc)))
            return
        self.post_message(self.SampleLoaded(count))

    @on(SampleLoaded)
    def _sample_loaded(self, message: SampleLoaded) -> None:
        app = self.app  # taken before the dismiss
        self.dismiss(None)
        app.reload_data()
        app.notify(f"Loaded {message.count} sample clients.", title="Sample data")

    @on(SampleFailed)
    def _sample_failed(self, message: SampleFailed) -> None:
        for button in self.query(Button):
            button.disabled = False
        self.notify(message.error, title="Sample data", severity="error", timeout=8)
