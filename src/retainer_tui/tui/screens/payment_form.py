"""`p`: mark a month's retainer received (date defaults to today, amount to the fee) or not."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Footer, Input, Label

from retainer_tui.domain.money import decimal_string, format_money
from retainer_tui.domain.month import Month
from retainer_tui.domain.payments import payment_due_date
from retainer_tui.services import entries
from retainer_tui.services.client_read import ClientRecord
from retainer_tui.services.database import Database
from retainer_tui.services.entries import PaymentSaved
from retainer_tui.services.form_data import PaymentForm, payment_form
from retainer_tui.tui.entry_keys import PAYMENT_KEYS
from retainer_tui.tui.keys import bindings
from retainer_tui.tui.screens.form_base import FormScreen, Read, Write
from retainer_tui.tui.widgets.form_field import FormField


class PaymentFormScreen(FormScreen[PaymentSaved | None]):
    """The retainer for one client and month: received (date, amount) or not."""

    KEY_SCOPE = "payment"
    BINDINGS: ClassVar[list[BindingType]] = [
        *bindings(PAYMENT_KEYS),
        Binding("ctrl+z", "undo_blocked", show=False),
    ]
    BUTTON_ACTIONS: ClassVar[Mapping[str, str]] = {**FormScreen.BUTTON_ACTIONS, "unmark": "unmark"}

    def __init__(
        self, db: Database, *, client_id: int, month: Month, today: date, currency: str = "USD"
    ) -> None:
        super().__init__(db)
        self.client_id = client_id
        self.month = month
        self.today = today
        self.currency = currency
        # Read by load(): the client (its fee, billing day) and the month's payment.
        self.record: ClientRecord | None = None
        self.existing: tuple[int, date] | None = None
        self.TITLE_TEXT = "Payment"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form-dialog -small", id="payment-dialog") as dialog:
            dialog.border_title = f"{self.month.label()} retainer"
            dialog.border_subtitle = "ctrl+s received · f8 not received · escape cancel"
            yield Label("", id="payment-state", classes="dialog-message", markup=False)
            yield FormField(
                "Received on",
                Input(placeholder="YYYY-MM-DD", id="received_on", compact=True),
                field="received_on",
            )
            yield FormField(
                "Amount",
                Input(placeholder="2000", id="amount", compact=True),
                field="amount",
            )
            with Horizontal(classes="form-buttons"):
                yield Button("Received", id="save", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
        yield Footer()

    def load(self) -> Read:
        db, client_id, month = self.db, self.client_id, self.month
        return lambda: payment_form(db, client_id=client_id, month=month)

    def loaded(self, data: PaymentForm) -> None:
        """The fee and when it is expected; the payment's date and amount (today and the
        fee when the month is not received yet)."""
        record = self.record = data.record
        self.existing, self.version = data.existing, data.version
        self.TITLE_TEXT = f"Payment — {record.name}"
        self.query_one(
            "#payment-dialog"
        ).border_title = f"{self.month.label()} retainer — {record.name}"
        fee = record.monthly_fee_cents
        due = payment_due_date(self.month, record.billing_day)
        if self.existing:
            amount, received = self.existing
            state = f"Received {received.isoformat()}, {format_money(amount, self.currency)}."
        else:
            amount, received = fee, self.today
            state = "Not received yet."
        self.query_one("#payment-state", Label).update(
            f"Fee {format_money(fee, self.currency)} · expected {due.isoformat()} "
            f"(billing day {record.billing_day}). {state}"
        )
        self.fill(
            {
                "received_on": received.isoformat(),
                "amount": decimal_string(amount) if amount else "",
            }
        )
        buttons = self.query_one(".form-buttons", Horizontal)
        unmark = buttons.query("#unmark")
        if self.existing and not unmark:
            buttons.mount(
                Button("Not received", id="unmark", variant="warning", compact=True),
                before="#cancel",
            )
        elif not self.existing:
            unmark.remove()
        self.refresh_bindings()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#received_on", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "unmark":
            return self.existing is not None
        return True

    def save(self) -> Write[PaymentSaved]:
        values, undo, expected = self.values(), self.app.undo_stack, self.version
        return lambda: entries.mark_payment(
            self.db,
            client_id=self.client_id,
            month=self.month,
            today=self.today,
            received_on=values["received_on"],
            amount=values["amount"],
            undo=undo,
            expected=expected,
        )

    def saved_message(self, result: PaymentSaved | None) -> str:
        assert result is not None and result.amount_cents is not None
        assert self.record is not None
        return (
            f"{self.record.name}: {self.month.short_label()} retainer received "
            f"{format_money(result.amount_cents, self.currency)} on {result.received_on}."
        )

    def action_unmark(self) -> None:
        """Not received after all: written in the worker, as a save is."""
        record = self.record
        if self.existing is None or record is None or not self.ready_to_save():
            return
        client_id, month, undo, expected = (
            self.client_id, self.month, self.app.undo_stack, self.version,
        )  # fmt: skip

        def unmarked(result: PaymentSaved) -> None:
            self.app.notify(
                f"{record.name}: {month.short_label()} retainer marked not received.",
                title="Saved",
            )
            self.app.reload_data()
            self.dismiss(result)

        self.in_background(
            lambda: entries.unmark_payment(
                self.db, client_id=client_id, month=month, undo=undo, expected=expected
            ),
            unmarked,
            retry=self.action_unmark,
        )
