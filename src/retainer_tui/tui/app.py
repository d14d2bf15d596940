"""RetainerApp and its factory, build_app(db, settings, today=...).

The app owns what every screen shares: the database, the settings (theme, keymap), the
as-of date, the selected month, the watch for data changes, and the registry through which
the feature screens (forms, results grid, reports, pipeline, tiers) plug in.

Plugging a feature screen in: add its factory to SCREEN_FACTORIES (see below), e.g.

    SCREEN_FACTORIES["tiers"] = lambda request: TiersScreen(request.db)

The dashboard's keys (n, e, r, g, R, P, T) and the command palette already call
RetainerApp.open_<feature>(); until a factory is registered they show a toast.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from textual import on, work
from textual.app import App
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.signal import Signal
from textual.theme import Theme

from retainer_tui.config import ConfigError, Settings, save_setting
from retainer_tui.db.engine import Database
from retainer_tui.db.errors import DatabaseError
from retainer_tui.domain.month import Month
from retainer_tui.domain.terminal_text import visible
from retainer_tui.paths import config_file, styles_dir
from retainer_tui.tui import bench_hook
from retainer_tui.tui.commands import RetainerCommands
from retainer_tui.tui.keys import APP_KEYS, bindings, check_keymap
from retainer_tui.tui.screens.client_detail import ClientDetailScreen
from retainer_tui.tui.screens.dashboard import DashboardScreen
from retainer_tui.tui.screens.help import HelpScreen
from retainer_tui.tui.screens.welcome import WelcomeScreen

DEFAULT_THEME = "textual-dark"
POLL_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class ScreenRequest:
    """What a feature screen is opened with."""

    db: Database
    settings: Settings
    today: date
    month: Month
    client_id: int | None = None
    currency: str = "USD"  # the database's, not the setting's


ScreenFactory = Callable[[ScreenRequest], Screen[Any]]

# Feature key -> the name its "not available yet" toast uses.
FEATURES: dict[str, str] = {
    "new_client": "Adding a client",
    "edit_client": "Editing a client",
    "results": "Results entry",
    "goals": "Goals",
    "reports": "Reports",
    "pipeline": "Pipeline",
    "tiers": "Tiers",
}

# The plug: feature key -> factory building its screen (modal or full). After the screen is
# dismissed the data is reloaded, so a form only has to write and dismiss.
SCREEN_FACTORIES: dict[str, ScreenFactory] = {}


def register_screen(feature: str, factory: ScreenFactory) -> None:
    """Plug a feature screen in (the same as assigning SCREEN_FACTORIES[feature])."""
    if feature not in FEATURES:
        raise KeyError(f"unknown feature {feature!r}; one of {', '.join(FEATURES)}")
    SCREEN_FACTORIES[feature] = factory


def _reports_screen(request: ScreenRequest) -> Screen[Any]:
    # Imported on first use: the Markdown preview is not needed for the first frame.
    from retainer_tui.tui.screens.reports_queue import ReportsScreen

    return ReportsScreen(request.db, request.settings, today=request.today)


register_screen("reports", _reports_screen)


def _pipeline_screen(request: ScreenRequest) -> Screen[Any]:
    """`P`: imported on first use, so the pipeline's code costs nothing at start-up."""
    from retainer_tui.tui.screens.pipeline import open_pipeline

    return open_pipeline(request)


SCREEN_FACTORIES["pipeline"] = _pipeline_screen


def _register_entry_screens() -> None:
    """n, e, r, g, T, p, m: the data-entry screens (tui/entry_screens.py)."""
    from retainer_tui.tui.entry_screens import ENTRY_FEATURES, ENTRY_SCREENS

    FEATURES.update(ENTRY_FEATURES)
    SCREEN_FACTORIES.update(ENTRY_SCREENS)


_register_entry_screens()


class RetainerApp(App[None]):
    """Dashboard first; the welcome screen over it while the database has no clients."""

    TITLE = "retainer"
    # app.tcss first, then every screen's file (a feature's .tcss is picked up by itself).
    CSS_PATH = [
        styles_dir() / "app.tcss",
        *sorted(p for p in styles_dir().glob("*.tcss") if p.name != "app.tcss"),
    ]
    BINDINGS = bindings(APP_KEYS)
    COMMANDS = App.COMMANDS | {RetainerCommands}

    class StartupChecked(Message):
        def __init__(
            self, has_clients: bool, tiers: tuple[tuple[str, int], ...], currency: str
        ) -> None:
            self.has_clients = has_clients
            self.tiers = tiers
            self.currency = currency
            super().__init__()

    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        today: date,
        poll_seconds: float | None = POLL_SECONDS,
        notices: tuple[str, ...] = (),
    ) -> None:
        super().__init__()
        self.db = db
        # Said once the dashboard is up (a daily backup that could not be made).
        self.notices = notices
        self.settings = settings
        # The database's currency (each database keeps its own): every form shows it.
        # The setting's until the first read says which; every month loaded confirms it.
        self.currency = settings.currency
        self.today = today
        self.poll_seconds = poll_seconds
        self.sub_title = f"as of {today.isoformat()}"
        # Published (with no data) whenever the database may have changed.
        self.data_changed: Signal[None] = Signal(self, "data-changed")
        # The clients of the latest dashboard load, for "go to client …": (id, name, company).
        self.client_directory: tuple[tuple[int, str, str], ...] = ()
        self.dashboard = DashboardScreen(month=Month.of(today))
        self._watcher = db.watcher()
        self.theme = settings.theme if settings.theme in self.available_themes else DEFAULT_THEME
        # Entries refused (unknown id or key, a key taken twice) keep their default keys.
        self.keymap_check = check_keymap(settings.keymap, source=str(config_file()))
        self.set_keymap(self.keymap_check.accepted)

    # -- start-up --------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.push_screen(self.dashboard)
        if self.keymap_check.problems:
            self.notify(
                self.keymap_check.message(), title="config.toml", severity="warning", timeout=30
            )
        for notice in self.notices:
            self.notify(notice, title="Backup", severity="warning", timeout=30)
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self._check_startup()
        self._watcher.mark_seen()
        if self.poll_seconds:
            self.set_interval(self.poll_seconds, self.check_for_changes)

    def on_unmount(self) -> None:
        self._watcher.close()

    @work(thread=True, exclusive=True, group="db", exit_on_error=False)
    def _check_startup(self) -> None:
        from retainer_tui.services.catalog import startup_facts

        facts = startup_facts(self.db)
        self.post_message(self.StartupChecked(facts.has_clients, facts.tiers, facts.currency))

    @on(StartupChecked)
    def _startup_checked(self, message: StartupChecked) -> None:
        self.currency = message.currency
        if not message.has_clients:
            self.push_screen(WelcomeScreen(tiers=message.tiers, currency=self.currency))

    @on(DashboardScreen.MonthLoaded)
    def _bench_month_loaded(self) -> None:
        """`make bench` only: see tui/bench_hook.py (RETAINER_BENCH_EXIT_AFTER_FIRST_FRAME)."""
        if bench_hook.enabled():
            bench_hook.month_loaded(self)

    # -- data changes ----------------------------------------------------------------------

    def check_for_changes(self) -> bool:
        """The cheap poll: reload when the database changed since the last look."""
        if self._watcher.changed():
            self.data_changed.publish(None)
            return True
        return False

    def reload_data(self) -> None:
        """Reload every screen's data now."""
        self._watcher.mark_seen()
        self.data_changed.publish(None)

    def action_refresh(self) -> None:
        self.reload_data()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every toast of every screen: the names and notes it quotes are shown as written,
        never run as markup or terminal escapes."""
        super().notify(
            visible(message, multiline=True),
            title=visible(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def show_error(self, error: Exception) -> None:
        """A failed read or write as a toast (the message already says what to do)."""
        self.notify(str(error), title="Database", severity="error", timeout=8)

    # -- theme -----------------------------------------------------------------------------

    def _theme_changed(self, theme: Theme) -> None:
        if theme.name == self.settings.theme:
            return
        self.settings = self.settings.with_(theme=theme.name)
        try:
            save_setting("theme", theme.name)
        except (OSError, ConfigError) as exc:
            self.notify(f"The theme could not be saved: {exc}", severity="warning")

    # -- navigation ------------------------------------------------------------------------

    @property
    def month(self) -> Month:
        return self.dashboard.month

    def set_month(self, month: Month) -> None:
        self.dashboard.set_month(month)

    def show_dashboard(self) -> None:
        """Close whatever is over the dashboard."""
        while len(self.screen_stack) > 1 and self.screen is not self.dashboard:
            self.pop_screen()

    def go_to_month(self, month: Month) -> None:
        self.show_dashboard()
        self.set_month(month)

    def show_client(self, client_id: int) -> None:
        """The client's page, over the dashboard with its row highlighted."""
        self.show_dashboard()
        self.dashboard.reveal_client(client_id)
        self.push_screen(ClientDetailScreen(client_id))

    def run_dashboard_action(self, action: str) -> None:
        """Run a dashboard key's action from anywhere (the command palette)."""
        self.show_dashboard()
        self.call_later(self.run_action, action, self.dashboard)

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        scope = getattr(self.screen, "KEY_SCOPE", "dashboard")
        self.push_screen(HelpScreen(scope=scope, title=getattr(self.screen, "TITLE_TEXT", "")))

    # -- feature screens (built elsewhere; see SCREEN_FACTORIES) ---------------------------

    def open_feature(self, feature: str, *, client_id: int | None = None) -> None:
        factory = SCREEN_FACTORIES.get(feature)
        if factory is None:
            self.notify(f"{FEATURES[feature]} is not available yet.", title="Coming soon")
            return
        request = ScreenRequest(
            self.db, self.settings, self.today, self.month, client_id, currency=self.currency
        )
        try:
            screen = factory(request)
        except DatabaseError as exc:
            self.show_error(exc)
            return
        self.push_screen(screen, callback=lambda _result: self.reload_data())

    def open_new_client(self) -> None:
        self.open_feature("new_client")

    def open_edit_client(self, client_id: int | None) -> None:
        if client_id is None:
            self.notify("Highlight a client first.", severity="warning")
            return
        self.open_feature("edit_client", client_id=client_id)

    def open_results(self, client_id: int | None = None) -> None:
        self.open_feature("results", client_id=client_id)

    def open_goals(self, client_id: int | None) -> None:
        if client_id is None:
            self.notify("Highlight a client first.", severity="warning")
            return
        self.open_feature("goals", client_id=client_id)

    def open_reports(self) -> None:
        self.open_feature("reports")

    def open_pipeline(self) -> None:
        self.open_feature("pipeline")

    def open_tiers(self) -> None:
        self.open_feature("tiers")

    def open_for_client(self, feature: str, client_id: int | None) -> None:
        """A feature screen about one client (payment, report mark…)."""
        if client_id is None:
            self.notify("Highlight a client first.", severity="warning")
            return
        self.open_feature(feature, client_id=client_id)

    def action_undo(self) -> None:
        """ctrl+z: undo the session's last change; every screen reloads at once."""
        from retainer_tui.tui.screens.form_base import undo_last_change

        undo_last_change(self, self.db)


def build_app(
    db: Database,
    settings: Settings,
    *,
    today: date,
    poll_seconds: float | None = POLL_SECONDS,
    notices: tuple[str, ...] = (),
) -> RetainerApp:
    """The app on an open (migrated) database; `today` is the as-of date for every rule."""
    return RetainerApp(db, settings, today=today, poll_seconds=poll_seconds, notices=notices)
