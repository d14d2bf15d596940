"""Reports: every report owed as of today (overdue first), and the ones sent lately."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from retainer_tui.config import Settings
from retainer_tui.domain.month import Month
from retainer_tui.services import reports
from retainer_tui.services.database import Database, DatabaseError
from retainer_tui.services.reports_queue import QueueItem, SentItem
from retainer_tui.services.tracking import TrackedFromSet
from retainer_tui.tui.background_writes import BackgroundWrites
from retainer_tui.tui.cells import shown, status_text
from retainer_tui.tui.keys import bindings
from retainer_tui.tui.report_keys import OPEN_REPORT, REPORTS_KEYS
from retainer_tui.tui.screens.not_needed import NotNeededScreen
from retainer_tui.tui.screens.report_preview import ReportPreviewScreen, SentDateScreen
from retainer_tui.tui.theme_colors import ThemeColors

if TYPE_CHECKING:
    from textual import getters

    from retainer_tui.tui.app import RetainerApp

RECENT_MONTHS = 3
# An agency's thousands of sent reports are history, not a to-do: show the latest few.
RECENT_LIMIT = 300


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def queue_cells(item: QueueItem, colors: ThemeColors) -> tuple[Text | str, ...]:
    """Client, month, due date, how late (or how soon), and the client's status that month."""
    if item.overdue:
        state = Text(f"{_days(item.days_overdue)} late", style=colors.report(item.state))
    else:
        left = (item.due_on - item.as_of).days
        state = Text(
            "due today" if left == 0 else f"due in {_days(left)}", style=colors.report(item.state)
        )
    return (
        shown(item.client),
        item.month.short_label(),
        item.due_on.isoformat(),
        state,
        status_text(item.month_status, colors),
    )


class ReportTable(DataTable[Text | str]):
    """A table of reports; enter opens the highlighted one."""

    BINDINGS: ClassVar[list[BindingType]] = bindings((OPEN_REPORT,))

    def action_open_report(self) -> None:
        self.action_select_cursor()


class ReportsScreen(Screen[None]):
    """The queue of reports owed, and reports sent in the last months."""

    if TYPE_CHECKING:  # the RetainerApp, typed only (see FormScreen.app)
        app = getters.app(RetainerApp)

    KEY_SCOPE = "reports"
    TITLE_TEXT = "Reports"
    BINDINGS: ClassVar[list[BindingType]] = bindings(REPORTS_KEYS)
    AUTO_FOCUS = "#queue-table"

    class Loaded(Message):
        def __init__(self, queue: list[QueueItem], sent: list[SentItem], request: int) -> None:
            super().__init__()
            self.queue = queue
            self.sent = sent
            self.request = request

    class LoadFailed(Message):
        def __init__(self, error: DatabaseError) -> None:
            super().__init__()
            self.error = error

    def __init__(self, db: Database, settings: Settings, *, today: date) -> None:
        super().__init__()
        self.db = db
        self.settings = settings
        self.today = today
        self.queue: list[QueueItem] = []
        self.sent: list[SentItem] = []
        self._request = 0
        self.writes = BackgroundWrites(self, db, title=self.TITLE_TEXT)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading…", id="queue-summary")
        queue = ReportTable(id="queue-table", cursor_type="row", zebra_stripes=True)
        queue.add_column("Client", width=25, key="client")
        queue.add_column("Month", width=8, key="month")
        queue.add_column("Due by", width=10, key="due")
        queue.add_column("Report", width=15, key="state")
        queue.add_column("That month", width=12, key="status")
        yield queue
        yield Static("Sent lately", classes="section-title", id="sent-title")
        sent = ReportTable(id="sent-table", cursor_type="row", zebra_stripes=True)
        sent.add_column("Client", width=25, key="client")
        sent.add_column("Month", width=8, key="month")
        sent.add_column("Sent on", width=10, key="sent")
        yield sent
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"Reports owed as of {self.today.isoformat()}"
        self.app.data_changed.subscribe(self, lambda _: self.load())
        self.app.theme_changed_signal.subscribe(self, lambda _: self._fill())
        self.load()

    # ------------------------------------------------------------ loading

    def load(self) -> None:
        """Read the queue and the sent reports again (off the UI thread)."""
        self._request += 1
        self._load(self._request)

    @work(thread=True, exclusive=True, group="reports", exit_on_error=False)
    def _load(self, request: int) -> None:
        try:
            queue = reports.report_queue(
                self.db,
                as_of=self.today,
                tolerance=self.settings.tolerance,
                grace_days=self.settings.late_payment_grace_days,
            )
            sent = reports.recent_sent(
                self.db, as_of=self.today, months=RECENT_MONTHS, limit=RECENT_LIMIT
            )
        except DatabaseError as exc:
            self.post_message(self.LoadFailed(exc))
            return
        self.post_message(self.Loaded(queue, sent, request))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        if message.request != self._request:
            return
        self.queue, self.sent = message.queue, message.sent
        self._fill()

    @on(LoadFailed)
    def _load_failed(self, message: LoadFailed) -> None:
        self.app.show_error(message.error)

    def _fill(self) -> None:
        colors = ThemeColors.from_app(self.app)
        table = self.query_one("#queue-table", ReportTable)
        keep = table.cursor_row
        table.clear()
        for index, item in enumerate(self.queue):
            table.add_row(*queue_cells(item, colors), key=str(index))
        if self.queue:
            table.move_cursor(row=min(max(keep, 0), len(self.queue) - 1))
        sent_table = self.query_one("#sent-table", ReportTable)
        keep = sent_table.cursor_row
        sent_table.clear()
        for index, sent in enumerate(self.sent):
            sent_table.add_row(
                shown(sent.client),
                sent.month.short_label(),
                sent.sent_on.isoformat(),
                key=str(index),
            )
        if self.sent:
            sent_table.move_cursor(row=min(max(keep, 0), len(self.sent) - 1))
        self.query_one("#queue-summary", Static).update(self._summary(colors))

    def _summary(self, colors: ThemeColors) -> Text:
        if not self.queue:
            last = Month.of(self.today).previous()
            return Text(f"Nothing owed: every report up to {last.label()} is sent.", colors.good)

        # Reports and the clients they are owed by, both (the dashboard counts the same).
        def clients(items: list[QueueItem]) -> str:
            n = len({i.client_id for i in items})
            return f"{n} client" if n == 1 else f"{n} clients"

        late = [i for i in self.queue if i.overdue]
        due = [i for i in self.queue if not i.overdue]
        owed = "report" if len(self.queue) == 1 else "reports"
        text = Text(f"{len(self.queue)} {owed} owed ({clients(self.queue)}): ")
        text.append(
            f"{len(late)} overdue" + (f" ({clients(late)})" if late else ""),
            colors.bad if late else colors.muted,
        )
        text.append(", ")
        text.append(
            f"{len(due)} due" + (f" ({clients(due)})" if due else ""),
            colors.warning if due else colors.muted,
        )
        text.append(". enter opens one; m marks it sent.", colors.muted)
        return text

    # ------------------------------------------------------------ actions

    def _selected(self) -> tuple[int, Month, str] | None:
        """(client id, month, client name) of the highlighted row."""
        focused = self.focused
        if isinstance(focused, ReportTable) and focused.id == "sent-table":
            if not self.sent:
                return None
            s = self.sent[min(max(focused.cursor_row, 0), len(self.sent) - 1)]
            return s.client_id, s.month, s.client
        if not self.queue:
            return None
        table = self.query_one("#queue-table", ReportTable)
        q = self.queue[min(max(table.cursor_row, 0), len(self.queue) - 1)]
        return q.client_id, q.month, q.client

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_report()

    def action_open_report(self) -> None:
        selected = self._selected()
        if selected is None:
            return
        client_id, month, _ = selected
        self.app.push_screen(
            ReportPreviewScreen(
                self.db, self.settings, today=self.today, client_id=client_id, month=month
            )
        )

    def action_mark_sent(self) -> None:
        table = self.query_one("#queue-table", ReportTable)
        if not self.queue or self.focused is not table:
            self.notify("Highlight a report in the queue to mark it sent.")
            return
        item = self.queue[min(max(table.cursor_row, 0), len(self.queue) - 1)]

        stack = self.app.undo_stack

        def chosen(on: date | None) -> None:
            if on is not None:
                self.writes.submit(
                    lambda db: reports.mark_sent(
                        db, client_id=item.client_id, month=item.month, on=on, undo=stack
                    ),
                    lambda _result: marked(on),
                    label=f"{item.client} · {item.month.label()}",
                )

        def marked(on: date) -> None:
            self.notify(
                f"{item.client}: {item.month.label()} report marked sent on {on.isoformat()}. "
                "ctrl+z undoes.",
                title="Saved",
            )
            self.app.reload_data()  # this screen too

        self.app.push_screen(SentDateScreen(item.client, item.month, self.today), chosen)

    def action_not_needed(self) -> None:
        """The highlighted client's reports not needed before a month (its tracked-from)."""
        table = self.query_one("#queue-table", ReportTable)
        if not self.queue or self.focused is not table:
            self.notify("Highlight a client's report in the queue first.")
            return
        item = self.queue[min(max(table.cursor_row, 0), len(self.queue) - 1)]
        before = [i for i in self.queue if i.client_id == item.client_id]

        def done(result: TrackedFromSet | None) -> None:
            if result is None:
                return
            gone = sum(1 for i in before if i.month < result.month)
            reports_text = "1 report" if gone == 1 else f"{gone} reports"
            self.notify(
                f"{result.name}: reports and payments not needed before "
                f"{result.month.label()} ({reports_text} left the queue; tracked from "
                f"{result.month}). ctrl+z undoes.",
                title="Saved",
            )
            self.load()
            self.app.reload_data()

        self.app.push_screen(
            NotNeededScreen(
                self.db, client_id=item.client_id, client=item.client, today=self.today
            ),
            done,
        )

    def on_unmount(self) -> None:
        self.writes.detach()

    def action_back(self) -> None:
        self.writes.leave()
