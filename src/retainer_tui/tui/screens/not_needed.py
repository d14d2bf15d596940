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
from retainer_tui.services.database import Database, DatabaseError
from retainer_tui.services.errors import FormInvalid, ServiceError
from retainer_tui.services.tracking import TrackedFromSet, set_tracked_from
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

    @on(Input.Submitted, "#tracked-month")
    def _submitted(self, event: Input.Submitted) -> None:
        error = self.query_one("#tracked-error", Static)
        try:
            result = set_tracked_from(
                self.db,
                client_id=self.client_id,
                month=event.value,
                latest=Month.of(self.today),
                undo=self.app.undo_stack,
            )
        except FormInvalid as exc:
            error.update("; ".join(exc.errors.values()))
            return
        except (ServiceError, DatabaseError) as exc:
            error.update(str(exc))
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)
