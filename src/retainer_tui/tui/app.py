"""RetainerApp and its factory, build_app(db, settings, today=...).

The app owns what every screen shares: the database, the settings (theme, keymap), the
as-of date, the selected month, the watch for data changes, and the typed open_…()
methods through which the dashboard's keys, the client page and the command palette open
every other screen (each imported on first use, so the first frame waits for none).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar, Literal

from textual import on, work
from textual.app import App
from textual.binding import BindingType
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.theme import Theme

from retainer_tui.config import ConfigError, Settings, save_setting
from retainer_tui.domain.month import Month
from retainer_tui.domain.terminal_text import visible
from retainer_tui.paths import config_file, styles_dir
from retainer_tui.services.database import Database, DatabaseError
from retainer_tui.services.errors import ServiceError
from retainer_tui.services.undo import Change, UndoStack
from retainer_tui.tui import bench_hook
from retainer_tui.tui.background_writes import BackgroundWrites
from retainer_tui.tui.commands import RetainerCommands
from retainer_tui.tui.data_watch import RECONNECTING, DataWatching
from retainer_tui.tui.keys import APP_KEYS, bindings, check_keymap
from retainer_tui.tui.screens.dashboard import DashboardScreen

DEFAULT_THEME = "textual-dark"
POLL_SECONDS = 2.0
# A server database tells of others' changes by notification: looking costs no query, so
# the app looks often and a colleague's save shows within about half a second.
SERVER_POLL_SECONDS = 0.5
# How often the app looks whether the day changed (left open past midnight).
DAY_CHECK_SECONDS = 30.0


class RetainerApp(DataWatching):
    """Dashboard first; the welcome screen over it while the database has no clients."""

    TITLE = "retainer"
    # app.tcss first, then every screen's file (a feature's .tcss is picked up by itself).
    CSS_PATH = [
        styles_dir() / "app.tcss",
        *sorted(p for p in styles_dir().glob("*.tcss") if p.name != "app.tcss"),
    ]
    BINDINGS: ClassVar[list[BindingType]] = bindings(APP_KEYS)
    COMMANDS = App.COMMANDS | {RetainerCommands}

    class StartupChecked(Message):
        def __init__(
            self, has_clients: bool, tiers: tuple[tuple[str, int], ...], currency: str
        ) -> None:
            self.has_clients = has_clients
            self.tiers = tiers
            self.currency = currency
            super().__init__()

    class Undone(Message):
        """The undo worker ended: the change taken back (None: nothing left), or why not."""

        def __init__(self, change: Change | None, error: Exception | None) -> None:
            self.change = change
            self.error = error
            super().__init__()

    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        today: date,
        poll_seconds: float | None = POLL_SECONDS,
        notices: tuple[str, ...] = (),
        clock: Callable[[], date] | None = None,
    ) -> None:
        super().__init__()
        # Where a new day comes from; None when --as-of fixed the day for good.
        self.clock = clock
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
        # The session's changes, newest last: ctrl+z undoes them on any screen.
        self.undo_stack = UndoStack()
        self._undoing = False
        self._startup_asked = False
        # True once the start-up is over: the first month read and the welcome screen
        # shown if the database has no clients (keys typed before then may meet either).
        self.started = False
        self._directory: tuple[object, tuple[tuple[int, str, str], ...]] = (None, ())
        self.dashboard = DashboardScreen(month=Month.of(today))
        self.watch_data(db)
        self.theme = settings.theme if settings.theme in self.available_themes else DEFAULT_THEME
        # Entries refused (unknown id or key, a key taken twice) keep their default keys.
        self.keymap_check = check_keymap(settings.keymap, source=str(config_file()))
        self.set_keymap(self.keymap_check.accepted)

    @property
    def client_directory(self) -> tuple[tuple[int, str, str], ...]:
        """The clients of the month the dashboard shows, for "go to client …": (id, name,
        company). Made when the palette asks, once per month loaded (not on every `]`)."""
        view = self.dashboard.view
        if view is None:
            return ()
        if self._directory[0] is not view:
            self._directory = (view, tuple((c.id, c.name, c.company) for c in view.clients))
        return self._directory[1]

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
        self._mark_seen()
        if self.poll_seconds:
            self.set_interval(self.poll_seconds, self._poll)
        if self.clock is not None:
            self.set_interval(DAY_CHECK_SECONDS, self.check_the_day)

    def check_the_day(self) -> bool:
        """Past midnight: every rule is applied with the new day (statuses, what is due,
        what is late); the dashboard stays on the month it shows."""
        if self.clock is None:
            return False
        now = self.clock()
        if now == self.today:
            return False
        self.today = now
        self.sub_title = f"as of {now.isoformat()}" + (
            RECONNECTING if self.sub_title.endswith(RECONNECTING) else ""
        )
        self.data_changed.publish(None)
        return True

    def on_unmount(self) -> None:
        self._watcher.close()

    @work(thread=True, exclusive=True, group="db", exit_on_error=False)
    def _check_startup(self) -> None:
        from retainer_tui.services.catalog import startup_facts

        try:
            facts = startup_facts(self.db)
        except DatabaseError:
            self.call_from_thread(setattr, self, "started", True)  # the load said why
            raise
        self.post_message(self.StartupChecked(facts.has_clients, facts.tiers, facts.currency))

    @on(StartupChecked)
    def _startup_checked(self, message: StartupChecked) -> None:
        self.started = True
        self.currency = message.currency
        if not message.has_clients:
            from retainer_tui.tui.screens.welcome import WelcomeScreen

            self.push_screen(
                WelcomeScreen(tiers=message.tiers, currency=self.currency, settings=self.settings)
            )

    @on(DashboardScreen.MonthLoaded)
    @on(DashboardScreen.LoadFailed)
    def _first_month_read(self) -> None:
        """Once the first month is in (or refused): whether the welcome screen is due. Not
        alongside that load, which it would slow: both threads import SQLAlchemy and share
        the GIL with the first frame."""
        if not self._startup_asked:
            self._startup_asked = True
            self._check_startup()
        if bench_hook.enabled():
            bench_hook.month_loaded(self)

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
        from retainer_tui.tui.screens.client_detail import ClientDetailScreen

        self.push_screen(ClientDetailScreen(client_id))

    def run_dashboard_action(self, action: str) -> None:
        """Run a dashboard key's action from anywhere (the command palette)."""
        self.show_dashboard()
        self.call_later(self.run_action, action, self.dashboard)

    def action_help(self) -> None:
        from retainer_tui.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        scope = getattr(self.screen, "KEY_SCOPE", "dashboard")
        self.push_screen(HelpScreen(scope=scope, title=getattr(self.screen, "TITLE_TEXT", "")))

    # -- the other screens: each opened by its own method, imported on first use -------

    def _show(self, build: Callable[[], Screen[Any]]) -> None:
        """Push the screen build() makes; the data is reloaded once it is dismissed (unless
        the screen's save reloaded it already), so a form only has to write and dismiss."""
        try:
            screen = build()
        except DatabaseError as exc:
            self.show_error(exc)
            return
        reloads = self._reloads

        def closed(_result: object) -> None:
            if self._reloads == reloads:  # the screen's own save reloaded already
                self.reload_data()

        self.push_screen(screen, callback=closed)

    def _chosen(self, client_id: int | None) -> int | None:
        """The client to open a screen about; None (and a word) when none is highlighted."""
        if client_id is None:
            self.notify("Highlight a client first.", severity="warning")
        return client_id

    def open_new_client(self) -> None:
        from retainer_tui.tui.screens.client_form import ClientFormScreen

        self._show(
            lambda: ClientFormScreen(
                self.db,
                today=self.today,
                currency=self.currency,
                default_report_day=self.settings.default_report_due_day,
            )
        )

    def open_edit_client(self, client_id: int | None) -> None:
        from retainer_tui.tui.screens.client_form import ClientFormScreen

        if (cid := self._chosen(client_id)) is not None:
            self._show(
                lambda: ClientFormScreen(
                    self.db, today=self.today, client_id=cid, currency=self.currency
                )
            )

    def open_results(self, client_id: int | None = None) -> None:
        from retainer_tui.tui.screens.results_grid import ResultsGridScreen

        self._show(
            lambda: ResultsGridScreen(
                self.db,
                month=self.month,
                today=self.today,
                tolerance=self.settings.tolerance,
                client_id=client_id,
            )
        )

    def open_goals(self, client_id: int | None) -> None:
        from retainer_tui.tui.screens.goals import GoalsScreen

        if (cid := self._chosen(client_id)) is not None:
            self._show(lambda: GoalsScreen(self.db, client_id=cid, month=self.month))

    def open_payment(self, client_id: int | None) -> None:
        from retainer_tui.tui.screens.payment_form import PaymentFormScreen

        if (cid := self._chosen(client_id)) is not None:
            self._show(
                lambda: PaymentFormScreen(
                    self.db,
                    client_id=cid,
                    month=self.month,
                    today=self.today,
                    currency=self.currency,
                )
            )

    def open_report_mark(self, client_id: int | None) -> None:
        from retainer_tui.tui.screens.report_mark import ReportMarkScreen

        if (cid := self._chosen(client_id)) is not None:
            self._show(
                lambda: ReportMarkScreen(self.db, client_id=cid, month=self.month, today=self.today)
            )

    def open_reports(self) -> None:
        # The Markdown preview is not needed for the first frame.
        from retainer_tui.tui.screens.reports_queue import ReportsScreen

        self._show(lambda: ReportsScreen(self.db, self.settings, today=self.today))

    def open_pipeline(self) -> None:
        from retainer_tui.tui.screens.pipeline.board import PipelineScreen

        self._show(lambda: PipelineScreen(self.db, self.settings, today=self.today))

    def open_tiers(self) -> None:
        from retainer_tui.tui.screens.tiers import TiersScreen

        self._show(lambda: TiersScreen(self.db, currency=self.currency))

    def action_undo(self) -> None:
        """ctrl+z: undo the session's last change; every screen reloads at once."""
        self.undo_last_change()

    def undo_last_change(self) -> None:
        """Undo the newest change of the session, in a worker thread (the keys keep working
        while another process holds the database), and say what was undone."""
        if self._undoing:
            self.notify("Still undoing the change before: a moment.", title="Undo")
            return
        writes = getattr(self.screen, "writes", None)
        if isinstance(writes, BackgroundWrites) and writes.pending:
            # The screen's writes under way first: the undo takes back the newest of them.
            writes.when_done(self.undo_last_change)
            return
        self._undoing = True
        self.own_write_started()
        self._undo_in_background()

    @work(thread=True, group="undo", exit_on_error=False)
    def _undo_in_background(self) -> None:
        from retainer_tui.services.undo import undo_last

        try:
            message = self.Undone(undo_last(self.db, stack=self.undo_stack), None)
        except (ServiceError, DatabaseError) as exc:
            message = self.Undone(None, exc)
        self.post_message(message)

    def on_retainer_app_undone(self, message: Undone) -> None:
        self._undoing = False
        self.own_write_ended(wrote=message.error is None and message.change is not None)
        if message.error is not None:
            self.notify(str(message.error), title="Undo", severity="warning", timeout=6)
            self.reload_data()
            return
        if message.change is None:
            self.notify("Nothing to undo in this session.", title="Undo")
            return
        left = len(self.undo_stack)
        more = f" ({left} more to undo)" if left else ""
        self.notify(f"Undone: {message.change.label}{more}", title="Undo")
        self.reload_data()


def build_app(
    db: Database,
    settings: Settings,
    *,
    today: date,
    poll_seconds: float | None | Literal["by engine"] = "by engine",
    notices: tuple[str, ...] = (),
    clock: Callable[[], date] | None = None,
) -> RetainerApp:
    """The app on an open (migrated) database; `today` is the as-of date for every rule.
    poll_seconds: how often it looks for others' changes (None: never). clock: where a
    new day comes from when the app stays open past midnight (None: today stays)."""
    if poll_seconds == "by engine":
        poll_seconds = SERVER_POLL_SECONDS if db.backend == "postgresql" else POLL_SECONDS
    return RetainerApp(
        db, settings, today=today, poll_seconds=poll_seconds, notices=notices, clock=clock
    )
