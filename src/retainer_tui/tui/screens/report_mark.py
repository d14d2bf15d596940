"""`m`: mark a month's progress report sent (date defaults to today) or not sent."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Footer, Input, Label

from retainer_tui.domain import validation as v
from retainer_tui.domain.month import Month
from retainer_tui.domain.reports import report_due_date
from retainer_tui.services import entries
from retainer_tui.services.client_read import get_client
from retainer_tui.services.database import Database, DatabaseError
from retainer_tui.services.edit_guard import EditVersion
from retainer_tui.services.entries import ReportSaved
from retainer_tui.services.errors import EditConflict, FormInvalid, ServiceError
from retainer_tui.tui.entry_keys import REPORT_MARK_KEYS
from retainer_tui.tui.keys import bindings
from retainer_tui.tui.screens.form_base import FormScreen, Write
from retainer_tui.tui.widgets.form_field import FormField


def default_report_month(month: Month, today: date) -> Month:
    """The selected month once it has ended; before that, the month before (the one owed)."""
    return month if today > month.last_day else month.previous()


class ReportMarkScreen(FormScreen[ReportSaved | None]):
    """A client's report for a month: sent on a date, or not sent."""

    KEY_SCOPE = "report-mark"
    BINDINGS: ClassVar[list[BindingType]] = [
        *bindings(REPORT_MARK_KEYS),
        Binding("ctrl+z", "undo_blocked", show=False),
    ]

    def __init__(self, db: Database, *, client_id: int, month: Month, today: date) -> None:
        super().__init__(db)
        record = get_client(db, client_id=client_id)
        if record is None:
            raise DatabaseError("That client no longer exists; the dashboard was out of date")
        self.record = record
        self.client_id = client_id
        self.today = today
        self.month = default_report_month(month, today)
        self.version = entries.report_version(db, client_id=client_id, month=self.month)
        self.TITLE_TEXT = f"Report — {record.name}"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form-dialog -small", id="report-dialog") as dialog:
            dialog.border_title = f"Progress report — {self.record.name}"
            dialog.border_subtitle = "ctrl+s sent · f8 not sent · escape cancel"
            yield Label(
                self._state_text(self.month),
                id="report-state",
                classes="dialog-message",
                markup=False,
            )
            yield FormField(
                "Report for month",
                Input(str(self.month), placeholder="YYYY-MM", id="month", compact=True),
                field="month",
            )
            sent = self._sent_on(self.month)
            yield FormField(
                "Sent on",
                Input((sent or self.today).isoformat(), placeholder="YYYY-MM-DD", id="sent_on",
                      compact=True),
                field="sent_on",
            )  # fmt: skip
            with Horizontal(classes="form-buttons"):
                yield Button("Sent", id="save", variant="primary", compact=True)
                yield Button("Not sent", id="unmark", variant="warning", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
        yield Footer()

    def _sent_on(self, month: Month) -> date | None:
        try:
            return entries.report_sent_on(self.db, client_id=self.client_id, month=month)
        except (ServiceError, DatabaseError):
            return None

    def _state_text(self, month: Month) -> str:
        due = report_due_date(month, self.record.report_due_day)
        sent = self._sent_on(month)
        state = f"sent {sent.isoformat()}" if sent else "not sent"
        return f"{month.label()} report: due by {due.isoformat()}, {state}."

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#sent_on", Input).focus()

    @on(Input.Changed, "#month")
    def _month_changed(self, event: Input.Changed) -> None:
        try:
            month = v.month(event.value)
        except v.InvalidValue:
            return
        self.query_one("#report-state", Label).update(self._state_text(month))

    def _typed_month(self) -> Month:
        try:
            return v.month(self.values()["month"], "month")
        except v.InvalidValue as exc:
            raise FormInvalid({"month": str(exc)}) from None

    def save(self) -> Write[ReportSaved]:
        month = self._typed_month()
        sent_on, undo = self.values()["sent_on"], self.app.undo_stack
        expected = self._expected(month)
        return lambda: entries.mark_report_sent(
            self.db,
            client_id=self.client_id,
            month=month,
            today=self.today,
            sent_on=sent_on,
            undo=undo,
            expected=expected,
        )

    def _expected(self, month: Month) -> EditVersion | None:
        """The mark as the form saw it, for the month it opened on (another month typed
        since was never shown, so there is nothing to compare)."""
        return self.version if month == self.month else None

    def reload_stored(self) -> None:
        """The opened month's mark as stored now."""
        self.version = entries.report_version(self.db, client_id=self.client_id, month=self.month)
        sent = self._sent_on(self.month)
        self.set_values({"month": str(self.month), "sent_on": (sent or self.today).isoformat()})
        self.query_one("#report-state", Label).update(self._state_text(self.month))

    def saved_message(self, result: ReportSaved | None) -> str:
        assert result is not None
        return f"{self.record.name}: {result.month.label()} report sent on {result.sent_on}."

    def action_unmark(self) -> None:
        try:
            month = self._typed_month()
        except FormInvalid as exc:
            self.show_errors(exc.errors)
            return
        if self._sent_on(month) is None:
            self.notify(f"The {month.label()} report is not marked sent.", title="Report")
            return
        try:
            result = entries.unmark_report(
                self.db,
                client_id=self.client_id,
                month=month,
                undo=self.app.undo_stack,
                expected=self._expected(month),
            )
        except EditConflict as exc:
            self.edit_conflict(exc, self.action_unmark)
            return
        except (ServiceError, DatabaseError) as exc:
            self.notify(str(exc), severity="error")
            return
        self.app.notify(
            f"{self.record.name}: {month.label()} report marked not sent.", title="Saved"
        )
        self.app.reload_data()
        self.dismiss(result)

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#unmark")
    def _unmark_pressed(self) -> None:
        self.action_unmark()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()
