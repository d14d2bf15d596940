"""`t` in the reports queue: a client's reports (and payments) not needed before a month,
recorded as its tracked-from month, not as made-up sent dates."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Static

from retainer_tui.domain.month import Month
from retainer_tui.services.database import Database
from retainer_tui.services.errors import FormInvalid
from retainer_tui.services.tracking import TrackedFromSet, set_tracked_from
from retainer_tui.tui.background_writes import BackgroundWrites
from retainer_tui.tui.keys import bindings
from retainer_tui.tui.report_keys import REPORT_DIALOG_KEYS

if TYPE_CHECKING:
    from textual import getters

    from retainer_tui.tui.app import RetainerApp


class NotNeededScreen(ModalScreen[TrackedFromSet | None]):
    """Ask the month from which the client's reports are needed (this month by default);
    enter records it, escape closes with nothing written."""

    if TYPE_CHECKING:  # the RetainerApp, typed only (see FormScreen.app)
        app = getters.app(RetainerApp)

    KEY_SCOPE = "report-dialog"
    TITLE_TEXT = "Not needed before"
    BINDINGS: ClassVar[list[BindingType]] = bindings(REPORT_DIALOG_KEYS)

    def __init__(self, db: Database, *, client_id: int, client: str, today: date) -> None:
        super().__init__()
        self.db = db
        self.client_id = client_id
        self.client = client
        self.today = today
        self.writes = BackgroundWrites(self, db, title=self.TITLE_TEXT)

    def compose(self) -> ComposeResult:
        with Vertical(classes="report-dialog -small"):
            yield Label(
                Content.from_markup(
                    "[b]$client[/b]: reports and payments not needed before",
                    client=self.client,
                ),
                classes="dialog-title",
            )
            yield Input(str(Month.of(self.today)), id="tracked-month", placeholder="YYYY-MM")
            yield Static("", id="tracked-error", classes="field-error")
            yield Static(
                "Earlier months owe nothing: recorded as the client's tracked-from month. "
                "enter records it, escape cancels.",
                classes="dialog-hint",
            )
        yield Footer()

    def on_unmount(self) -> None:
        self.writes.detach()

    @on(Input.Submitted, "#tracked-month")
    def _submitted(self, event: Input.Submitted) -> None:
        if self.writes.pending:
            self.notify("Still saving: a moment.", title=self.TITLE_TEXT)
            return
        error = self.query_one("#tracked-error", Static)
        error.update("Saving…")
        client_id, typed, latest = self.client_id, event.value, Month.of(self.today)
        stack = self.app.undo_stack

        def refused(exc: Exception) -> None:
            error.update(
                "; ".join(exc.errors.values()) if isinstance(exc, FormInvalid) else str(exc)
            )

        self.writes.submit(
            lambda db: set_tracked_from(
                db, client_id=client_id, month=typed, latest=latest, undo=stack
            ),
            self.dismiss,
            refused=refused,
        )

    def action_cancel(self) -> None:
        if self.writes.pending:  # a write under way cannot be taken back half done
            self.notify("Still saving: the dialog closes when it is saved.", title=self.TITLE_TEXT)
            return
        self.dismiss(None)
