"""`m`: mark a month's progress report sent (date defaults to today) or not sent."""

from __future__ import annotations

from collections.abc import Mapping
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
from retainer_tui.services.client_read import ClientRecord
from retainer_tui.services.database import Database
from retainer_tui.services.edit_guard import EditVersion
from retainer_tui.services.entries import ReportSaved
from retainer_tui.services.errors import FormInvalid
from retainer_tui.services.form_data import ReportForm, report_form, report_sent
from retainer_tui.tui.entry_keys import REPORT_MARK_KEYS
from retainer_tui.tui.keys import bindings
from retainer_tui.tui.screens.form_base import FormScreen, Read, Write
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
    BUTTON_ACTIONS: ClassVar[Mapping[str, str]] = {**FormScreen.BUTTON_ACTIONS, "unmark": "unmark"}

    def __init__(self, db: Database, *, client_id: int, month: Month, today: date) -> None:
        super().__init__(db)
        self.client_id = client_id
        self.today = today
        self.month = default_report_month(month, today)
        # Read by load(): the client (its report due day) and the month's mark; the
        # marks of other months typed are looked up as they are typed.
        self.record: ClientRecord | None = None
        self._sent: dict[Month, date | None] = {}
        self.TITLE_TEXT = "Report"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form-dialog -small", id="report-dialog") as dialog:
            dialog.border_title = "Progress report"
            dialog.border_subtitle = "ctrl+s sent · f8 not sent · escape cancel"
            yield Label("", id="report-state", classes="dialog-message", markup=False)
            yield FormField(
                "Report for month",
                Input(str(self.month), placeholder="YYYY-MM", id="month", compact=True),
                field="month",
            )
            yield FormField(
                "Sent on",
                Input(placeholder="YYYY-MM-DD", id="sent_on", compact=True),
                field="sent_on",
            )
            with Horizontal(classes="form-buttons"):
                yield Button("Sent", id="save", variant="primary", compact=True)
                yield Button("Not sent", id="unmark", variant="warning", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
        yield Footer()

    def load(self) -> Read:
        db, client_id, month = self.db, self.client_id, self.month
        return lambda: report_form(db, client_id=client_id, month=month)

    def loaded(self, data: ReportForm) -> None:
        """The opened month's mark (its sent date, else today), and what is due."""
        self.record, self.version = data.record, data.version
        self._sent = {self.month: data.sent_on}
        self.TITLE_TEXT = f"Report — {data.record.name}"
        self.query_one("#report-dialog").border_title = f"Progress report — {data.record.name}"
        self.fill({"month": str(self.month), "sent_on": (data.sent_on or self.today).isoformat()})
        self._show_state()

    def _show_state(self) -> None:
        """What is due for the month typed, and whether it was sent (looked up in a
        worker the first time a month is typed)."""
        try:
            month = v.month(self.values()["month"])
        except v.InvalidValue:
            return
        if self.record is None:
            return
        if month not in self._sent:
            db, client_id = self.db, self.client_id

            def found(sent: date | None) -> None:
                self._sent[month] = sent
                self._show_state()

            self.look_up(lambda: report_sent(db, client_id=client_id, month=month), found)
            return
        due = report_due_date(month, self.record.report_due_day)
        sent = self._sent[month]
        state = f"sent {sent.isoformat()}" if sent else "not sent"
        self.query_one("#report-state", Label).update(
            f"{month.label()} report: due by {due.isoformat()}, {state}."
        )

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#sent_on", Input).focus()

    @on(Input.Changed, "#month")
    def _month_changed(self) -> None:
        self._show_state()

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

    def saved_message(self, result: ReportSaved | None) -> str:
        assert result is not None and self.record is not None
        return f"{self.record.name}: {result.month.label()} report sent on {result.sent_on}."

    def action_unmark(self) -> None:
        if not self.ready_to_save() or self.record is None:
            return
        try:
            month = self._typed_month()
        except FormInvalid as exc:
            self.show_errors(exc.errors)
            return
        if month not in self._sent:  # typed a moment ago: its mark is being looked up
            self.notify(f"Looking up the {month.label()} report: try again in a moment.")
            return
        if self._sent[month] is None:
            self.notify(f"The {month.label()} report is not marked sent.", title="Report")
            return
        record, client_id, undo = self.record, self.client_id, self.app.undo_stack
        expected = self._expected(month)

        def unmarked(result: ReportSaved) -> None:
            said = f"{record.name}: {month.label()} report marked not sent."
            self.app.notify(said, title="Saved")
            self.app.reload_data()
            self.dismiss(result)

        # Written in the worker, as a save is.
        self.in_background(
            lambda: entries.unmark_report(
                self.db, client_id=client_id, month=month, undo=undo, expected=expected
            ),
            unmarked,
            retry=self.action_unmark,
        )
