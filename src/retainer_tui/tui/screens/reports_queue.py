"""Reports: every report owed as of today (overdue first), and the ones sent lately."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from retainer_tui.config import Settings
from retainer_tui.db.engine import Database
from retainer_tui.db.errors import DatabaseError
from retainer_tui.domain.month import Month
from retainer_tui.domain.status import MetricStatus
from retainer_tui.services import reports
from retainer_tui.services.reports import QueueItem, SentItem
from retainer_tui.tui.screens.report_preview import ReportPreviewScreen, SentDateScreen

RECENT_MONTHS = 3
# An agency's thousands of sent reports are history, not a to-do: show the latest few.
RECENT_LIMIT = 300

# Glyph and style per client status; colours by meaning, so any theme reads the same.
STATUS_LOOK: dict[MetricStatus, tuple[str, str]] = {
    MetricStatus.MISSED: ("✗", "bold red"),
    MetricStatus.BEHIND: ("▼", "red"),
    MetricStatus.MISSING: ("?", "red"),
    MetricStatus.AT_RISK: ("!", "yellow"),
    MetricStatus.NO_DATA: ("·", "dim"),
    MetricStatus.ON_TRACK: ("●", "green"),
    MetricStatus.MET: ("✓", "bold green"),
    MetricStatus.NO_GOALS: ("–", "dim"),
}


def status_cell(status: MetricStatus) -> Text:
    glyph, style = STATUS_LOOK[status]
    return Text(f"{glyph} {status.label}", style=style)


def queue_cells(item: QueueItem) -> tuple[Text | str, ...]:
    if item.overdue:
        days = item.days_overdue
        state = Text(f"{days} day{'s' if days != 1 else ''} late", style="bold red")
    else:
        left = (item.due_on - item.as_of).days
        when = "today" if left == 0 else f"in {left} day{'s' if left != 1 else ''}"
        state = Text(f"due {when}", style="yellow")
    return (
        item.client,
        item.month.short_label(),
        item.due_on.isoformat(),
        state,
        status_cell(item.month_status),
    )


class ReportTable(DataTable[Text | str]):
    """A table of reports; enter opens the highlighted one."""

    BINDINGS = [Binding("enter", "select_cursor", "Open", id="reports.open")]


@dataclass(frozen=True, slots=True)
class _Loaded:
    queue: list[QueueItem]
    sent: list[SentItem]


class ReportsScreen(Screen[None]):
    """The queue of reports owed, and reports sent in the last months."""

    BINDINGS = [
        Binding("m", "mark_sent", "Mark sent", id="reports.mark-sent"),
        Binding("escape", "back", "Back", id="reports.back"),
    ]

    class Loaded(Message):
        def __init__(self, data: _Loaded) -> None:
            super().__init__()
            self.data = data

    def __init__(self, db: Database, settings: Settings, *, today: date) -> None:
        super().__init__()
        self.db = db
        self.settings = settings
        self.today = today
        self.queue: list[QueueItem] = []
        self.sent: list[SentItem] = []

    def compose(self) -> ComposeResult:
        yield Static("Reports", id="reports-title")
        yield Static("Loading…", id="queue-summary")
        queue = ReportTable(id="queue-table", cursor_type="row", zebra_stripes=True)
        queue.add_column("Client", width=25, key="client")
        queue.add_column("Month", width=8, key="month")
        queue.add_column("Due by", width=10, key="due")
        queue.add_column("Report", width=15, key="state")
        queue.add_column("That month", width=12, key="status")
        yield queue
        yield Static("Sent in the last months", id="sent-title")
        sent = ReportTable(id="sent-table", cursor_type="row", zebra_stripes=True)
        sent.add_column("Client", width=25, key="client")
        sent.add_column("Month", width=8, key="month")
        sent.add_column("Sent on", width=10, key="sent")
        yield sent
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"as of {self.today.isoformat()}"
        self.query_one("#queue-table").focus()

    def on_screen_resume(self) -> None:
        # Also sent when first shown; coming back from a report re-reads what changed.
        self.reload()

    # ------------------------------------------------------------ loading

    @work(thread=True, exclusive=True, group="reports")
    def reload(self) -> None:
        """Read the queue and the sent reports off the UI thread."""
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
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.post_message(self.Loaded(_Loaded(queue, sent)))

    @on(Loaded)
    def _show(self, message: Loaded) -> None:
        self.queue, self.sent = message.data.queue, message.data.sent
        table = self.query_one("#queue-table", DataTable)
        keep = table.cursor_row
        table.clear()
        for index, item in enumerate(self.queue):
            table.add_row(*queue_cells(item), key=str(index))
        if self.queue:
            table.move_cursor(row=min(keep, len(self.queue) - 1))
        sent_table = self.query_one("#sent-table", DataTable)
        keep_sent = sent_table.cursor_row
        sent_table.clear()
        for index, sent in enumerate(self.sent):
            sent_table.add_row(
                sent.client, sent.month.short_label(), sent.sent_on.isoformat(), key=str(index)
            )
        if self.sent:
            sent_table.move_cursor(row=min(keep_sent, len(self.sent) - 1))
        self.query_one("#queue-summary", Static).update(self._summary())

    def _summary(self) -> str:
        if not self.queue:
            last = Month.of(self.today).previous()
            return f"Nothing owed: every report up to {last.label()} is sent."
        overdue = sum(1 for i in self.queue if i.overdue)
        due = len(self.queue) - overdue
        owed = "report" if len(self.queue) == 1 else "reports"
        return f"{len(self.queue)} {owed} owed: {overdue} overdue, {due} due."

    # ------------------------------------------------------------ actions

    def _selected(self) -> tuple[int, Month, str] | None:
        """(client id, month, client name) of the row under the cursor."""
        focused = self.focused
        if isinstance(focused, DataTable) and focused.id == "sent-table":
            if not self.sent or focused.cursor_row < 0:
                return None
            s = self.sent[min(focused.cursor_row, len(self.sent) - 1)]
            return s.client_id, s.month, s.client
        table = self.query_one("#queue-table", DataTable)
        if not self.queue or table.cursor_row < 0:
            return None
        q = self.queue[min(table.cursor_row, len(self.queue) - 1)]
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
        table = self.query_one("#queue-table", DataTable)
        if not self.queue or self.focused is not table:
            self.notify("Pick a report in the queue to mark it sent.")
            return
        item = self.queue[min(table.cursor_row, len(self.queue) - 1)]

        def chosen(on: date | None) -> None:
            if on is None:
                return
            try:
                reports.mark_sent(self.db, client_id=item.client_id, month=item.month, on=on)
            except (reports.ReportError, DatabaseError) as exc:
                self.notify(str(exc), severity="error")
                return
            self.notify(f"{item.client}: {item.month.label()} report marked sent.")
            self.app.post_message(ReportPreviewScreen.Changed(item.client_id, item.month))
            self.reload()

        self.app.push_screen(SentDateScreen(item.client, item.month, self.today), chosen)

    def action_back(self) -> None:
        self.dismiss(None)
