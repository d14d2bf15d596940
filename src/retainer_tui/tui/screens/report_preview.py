"""One client's monthly report: the Markdown preview and what to do with it."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Header, Input, Label, Markdown, Static, TextArea

from retainer_tui import paths
from retainer_tui.config import Settings
from retainer_tui.domain import validation
from retainer_tui.domain.month import Month
from retainer_tui.domain.report_text import ReportData, render_report
from retainer_tui.domain.reports import ReportState
from retainer_tui.services import reports
from retainer_tui.services.database import Database, DatabaseError
from retainer_tui.tui.background_writes import BackgroundWrites
from retainer_tui.tui.keys import bindings
from retainer_tui.tui.month_step import month_step
from retainer_tui.tui.report_keys import HIGHLIGHTS_KEYS, REPORT_DIALOG_KEYS, REPORT_KEYS

if TYPE_CHECKING:
    from textual import getters

    from retainer_tui.tui.app import RetainerApp


def state_text(data: ReportData) -> str:
    """'Sent 2026-11-03', 'Overdue since 2026-11-05 (15 days)', 'Due by 2026-11-25'…"""
    if data.sent_on is not None:
        return f"Sent {data.sent_on.isoformat()}"
    if data.state is ReportState.NOT_DUE:
        return "Not due yet: the month is still open"
    due = data.due_on
    if due is None:
        return str(data.state).capitalize()
    if data.state is ReportState.OVERDUE:
        days = (data.as_of - due).days
        return f"Overdue since {due.isoformat()} ({days} day{'s' if days != 1 else ''})"
    return f"Due by {due.isoformat()}"


class HighlightsScreen(ModalScreen[str | None]):
    """Write the month's highlights; dismissed with the text, or None when cancelled."""

    KEY_SCOPE = "highlights"
    TITLE_TEXT = "Highlights"
    BINDINGS: ClassVar[list[BindingType]] = bindings(HIGHLIGHTS_KEYS)

    def __init__(self, client: str, month: Month, text: str) -> None:
        super().__init__()
        self._client = client
        self._month = month
        self._text = text
        self._warned = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="report-dialog -tall"):
            yield Label(
                Content.from_markup(
                    "Highlights for [b]$client[/b], $month",
                    client=self._client,
                    month=self._month.label(),
                ),
                classes="dialog-title",
            )
            yield Static(
                "What went well, what changed, what comes next (Markdown).", classes="dialog-hint"
            )
            yield TextArea(self._text, id="highlights-text", soft_wrap=True)
            yield Static("", id="highlights-error", classes="field-error")
        yield Footer()

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        try:
            clean = validation.long_text(self.query_one(TextArea).text, "highlights")
        except validation.InvalidValue as exc:
            self.query_one("#highlights-error", Static).update(str(exc))
            return
        self.dismiss(clean)

    def action_cancel(self) -> None:
        edited = self.query_one(TextArea).text.rstrip() != self._text.rstrip()
        if edited and not self._warned:
            self._warned = True
            self.query_one("#highlights-error", Static).update(
                "Not saved: ctrl+s saves, escape again throws the changes away."
            )
            return
        self.dismiss(None)


class PathScreen(ModalScreen[Path | None]):
    """Ask where to export, with the default path filled in."""

    KEY_SCOPE = "report-dialog"
    TITLE_TEXT = "Export"
    BINDINGS: ClassVar[list[BindingType]] = bindings(REPORT_DIALOG_KEYS)

    def __init__(self, default: Path) -> None:
        super().__init__()
        self._default = default

    def compose(self) -> ComposeResult:
        with Vertical(classes="report-dialog"):
            yield Label("Export the report to", classes="dialog-title")
            yield Input(str(self._default), id="export-path")
            yield Static("", id="export-error", classes="field-error")
            yield Static("enter writes the file (readable by you only)", classes="dialog-hint")
        yield Footer()

    @on(Input.Submitted, "#export-path")
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            self.query_one("#export-error", Static).update("a file name is required")
            return
        path = Path(text).expanduser()
        if path.is_dir():
            path = path / self._default.name
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)


class SentDateScreen(ModalScreen[date | None]):
    """Ask the date the report was sent (today by default)."""

    KEY_SCOPE = "report-dialog"
    TITLE_TEXT = "Mark sent"
    BINDINGS: ClassVar[list[BindingType]] = bindings(REPORT_DIALOG_KEYS)

    def __init__(self, client: str, month: Month, today: date) -> None:
        super().__init__()
        self._client = client
        self._month = month
        self._today = today

    def compose(self) -> ComposeResult:
        with Vertical(classes="report-dialog -small"):
            yield Label(
                Content.from_markup(
                    "[b]$client[/b]: $month report sent on",
                    client=self._client,
                    month=self._month.label(),
                ),
                classes="dialog-title",
            )
            yield Input(self._today.isoformat(), id="sent-date", placeholder="YYYY-MM-DD")
            yield Static("", id="sent-error", classes="field-error")
            yield Static("enter marks it sent", classes="dialog-hint")
        yield Footer()

    @on(Input.Submitted, "#sent-date")
    def _submitted(self, event: Input.Submitted) -> None:
        error = self.query_one("#sent-error", Static)
        try:
            sent = validation.a_date(event.value, "the date")
        except validation.InvalidValue as exc:
            error.update(str(exc))
            return
        if sent < self._month.first_day:
            error.update(f"the report cannot be sent before {self._month.label()} starts")
            return
        if sent > self._today:
            error.update(f"the date is after today ({self._today.isoformat()})")
            return
        self.dismiss(sent)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ReportPreviewScreen(Screen[None]):
    """The report for one client and month, previewed as Markdown."""

    if TYPE_CHECKING:  # the RetainerApp, typed only (see FormScreen.app)
        app = getters.app(RetainerApp)

    KEY_SCOPE = "report"
    TITLE_TEXT = "Report"
    BINDINGS: ClassVar[list[BindingType]] = bindings(REPORT_KEYS)
    AUTO_FOCUS = "#report-scroll"

    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        today: date,
        client_id: int,
        month: Month,
    ) -> None:
        super().__init__()
        self.db = db
        self.settings = settings
        self.today = today
        self.client_id = client_id
        self.month = month
        self.data: ReportData | None = None
        self.text = ""
        self.writes = BackgroundWrites(self, db, title=self.TITLE_TEXT)

    class Loaded(Message):
        def __init__(self, data: ReportData) -> None:
            super().__init__()
            self.data = data

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="report-bar"):
            yield Static("", id="report-title")
            yield Static("", id="report-state")
        with VerticalScroll(id="report-scroll"):
            yield Markdown(id="report-preview", open_links=False)
        yield Static("", id="report-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Report"
        # Results typed elsewhere (or in another process) show here too.
        self.app.data_changed.subscribe(self, lambda _: self.reload())
        self.reload()

    def on_unmount(self) -> None:
        self.writes.detach()

    # ------------------------------------------------------------ loading

    def _load(self, month: Month) -> ReportData:
        # One client's report is a handful of indexed reads (about a millisecond).
        return reports.load_report_data(
            self.db,
            client_id=self.client_id,
            month=month,
            as_of=self.today,
            tolerance=self.settings.tolerance,
        )

    def reload(self) -> None:
        """Read the report again (in a worker) and redraw the preview."""
        self._read(self.month)

    @work(thread=True, exclusive=True, group="report", exit_on_error=False)
    def _read(self, month: Month, quiet: bool = False) -> None:
        try:
            self.post_message(self.Loaded(self._load(month)))
        except (reports.ReportError, DatabaseError) as exc:
            self.app.call_from_thread(self._not_read, str(exc), quiet)

    def _not_read(self, message: str, quiet: bool) -> None:
        self.notify(message, severity="information" if quiet else "error")
        if self.data is not None:  # [ or ] went nowhere: the month shown stays
            self.month = self.data.month

    @on(Loaded)
    async def _loaded(self, message: Loaded) -> None:
        await self._show(message.data)

    async def _show(self, data: ReportData) -> None:
        self.data = data
        self.month = data.month
        self.text = render_report(data)
        self.sub_title = f"Report · {data.client} · {data.month.label()}"
        self.query_one("#report-title", Static).update(
            Content.from_markup(
                "[b]$client[/b] · $month", client=data.client, month=data.month.label()
            )
        )
        state = self.query_one("#report-state", Static)
        state.update(state_text(data))
        state.set_classes(f"-{data.state}")
        hint = self.query_one("#report-hint", Static)
        hint.display = not data.highlights.strip()
        hint.update("No highlights yet: press h to write what went well this month.")
        await self.query_one("#report-preview", Markdown).update(self.text)

    # ------------------------------------------------------------ actions

    def action_back(self) -> None:
        self.writes.leave()

    def _written(self, message: str) -> None:
        self.notify(message, title="Saved")
        self.app.reload_data()  # this screen too

    def action_edit_highlights(self) -> None:
        if self.data is None:
            return
        client_id, month, stack = self.client_id, self.data.month, self.app.undo_stack

        def saved(text: str | None) -> None:
            if text is None:
                return
            try:  # refused at once, here; the write checks it again
                validation.long_text(text, "highlights")
            except validation.InvalidValue as exc:
                self.notify(str(exc), severity="error")
                return
            self.writes.submit(
                lambda db: reports.set_highlights(
                    db, client_id=client_id, month=month, text=text, undo=stack
                ),
                lambda _clean: self._written("Highlights saved. ctrl+z undoes."),
            )

        self.app.push_screen(HighlightsScreen(self.data.client, month, self.data.highlights), saved)

    def action_export(self) -> None:
        if self.data is None:
            return
        default = reports.default_export_path(
            self.data.client, self.month, folder=paths.documents_dir()
        )
        text = self.text

        def chosen(path: Path | None) -> None:
            if path is None:
                return
            from retainer_tui.tui.export_confirm import export_to

            export_to(
                self,
                path,
                database=self.db.file,
                what="report",
                write=lambda overwrite: reports.export_report(
                    path,
                    text,
                    database=self.db.file,
                    backups=paths.backups_dir(self.db.file),
                    documents=paths.documents_dir(),
                    overwrite=overwrite,
                ),
                done=lambda written: self.notify(
                    str(written), title="Report exported", markup=False
                ),
            )

        self.app.push_screen(PathScreen(default), chosen)

    def action_copy(self) -> None:
        if not self.text:
            return
        from retainer_tui.tui.clipboard import copy_text

        where = copy_text(self.text, self.app.copy_to_clipboard)
        lines = self.text.count("\n")
        self.notify(f"The report's Markdown ({lines} lines): {where}.", title="Copied")

    def action_mark_sent(self) -> None:
        data = self.data
        if data is None:
            return
        if data.sent_on is not None:
            self.notify(f"Already marked sent on {data.sent_on.isoformat()} (u un-marks).")
            return
        client_id, month, stack = self.client_id, data.month, self.app.undo_stack

        def chosen(on: date | None) -> None:
            if on is None:
                return
            self.writes.submit(
                lambda db: reports.mark_sent(
                    db, client_id=client_id, month=month, on=on, undo=stack
                ),
                lambda _result: self._written(
                    f"{data.client}: {month.label()} report marked sent on "
                    f"{on.isoformat()}. ctrl+z undoes."
                ),
            )

        self.app.push_screen(SentDateScreen(data.client, month, self.today), chosen)

    def action_unmark_sent(self) -> None:
        if self.data is None or self.data.sent_on is None:
            self.notify("This report is not marked sent.")
            return
        client_id, month, stack = self.client_id, self.data.month, self.app.undo_stack
        self.writes.submit(
            lambda db: reports.unmark_sent(db, client_id=client_id, month=month, undo=stack),
            lambda _result: self._written("No longer marked sent. ctrl+z undoes."),
        )

    def action_previous_month(self) -> None:
        if (month := month_step(self, self.month, -1)) is not None:
            self._step(month)

    def action_next_month(self) -> None:
        if (month := month_step(self, self.month, 1)) is not None:
            self._step(month)

    def _step(self, month: Month) -> None:
        # The month asked for at once, so that ]] typed fast goes two months on.
        self.month = month
        self._read(month, quiet=True)
