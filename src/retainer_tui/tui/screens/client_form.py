"""`n` / `e`: the client form (every client field), archiving, and deleting by typing the name."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Footer, Input, Label, Select, TextArea

from retainer_tui.domain.clients import ClientStatus
from retainer_tui.domain.money import format_money
from retainer_tui.domain.month import Month, MonthError
from retainer_tui.services.catalog import TierInfo
from retainer_tui.services.client_read import ClientRecord
from retainer_tui.services.clients import (
    STATUSES,
    ClientData,
    ClientDeleted,
    ClientDraft,
    ClientSaved,
    archive_client,
    client_data,
    delete_client,
    save_client,
)
from retainer_tui.services.database import Database
from retainer_tui.services.errors import EditConflict, FormInvalid
from retainer_tui.services.form_data import ClientForm, client_form
from retainer_tui.tui.entry_keys import CLIENT_FORM_KEYS
from retainer_tui.tui.keys import bindings
from retainer_tui.tui.screens.form_base import FormScreen, Read, Write
from retainer_tui.tui.widgets.form_field import FormField, service_type_field, text_input

NO_TIER = "No tier"
TRACKED_HINT = "Reports and payments are owed from this month"


def typed_month(text: str) -> Month | None:
    """The month typed in a field, None while it is not one (yet)."""
    try:
        return Month.parse(text.strip())
    except MonthError:
        return None


def tier_option(tier: TierInfo, currency: str) -> str:
    """'Tier 1 · $3,000/mo · 20 h' — the tier with its fee, as the list shows it."""
    fee = format_money(tier.monthly_fee_cents, currency, cents_shown=False)
    return f"{tier.name} · {fee}/mo · {tier.included_hours} h"


class ClientFormScreen(FormScreen[ClientSaved | None]):
    """New client (client_id None) or edit one; ctrl+s saves, escape cancels."""

    KEY_SCOPE = "client-form"
    BINDINGS: ClassVar[list[BindingType]] = [
        *bindings(CLIENT_FORM_KEYS),
        Binding("ctrl+z", "undo_blocked", show=False),
    ]
    BUTTON_ACTIONS: ClassVar[Mapping[str, str]] = {
        **FormScreen.BUTTON_ACTIONS,
        "archive": "archive",
        "delete": "delete",
    }
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

    def __init__(
        self,
        db: Database,
        *,
        today: date,
        client_id: int | None = None,
        currency: str = "USD",
        default_report_day: int = 5,
    ) -> None:
        super().__init__(db)
        self.today = today
        self.client_id = client_id
        self.currency = currency
        # Read by load(): the tiers to pick from, and the client edited.
        self.tiers: tuple[TierInfo, ...] = ()
        self.record: ClientRecord | None = None
        if client_id is not None:
            self.draft = ClientDraft()  # the fields stay blank until the client is read
        else:
            self.draft = ClientDraft(
                start_month=str(Month.of(today)), report_due_day=str(default_report_day)
            )
        self.TITLE_TEXT = "Edit client" if client_id is not None else "New client"

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        d = self.draft
        with Vertical(classes="dialog form-dialog", id="client-dialog") as dialog:
            dialog.border_title = self.TITLE_TEXT
            dialog.border_subtitle = "ctrl+s save · escape cancel"
            with VerticalScroll(classes="form-body"):
                with Grid(classes="form-grid"):
                    yield FormField(
                        "Name", text_input(d.name, "name", "Rossi Bakery"), field="name"
                    )
                    yield FormField("Company", text_input(d.company, "company"), field="company")
                    yield FormField(
                        "Decision maker", text_input(d.decision_maker, "decision_maker"),
                        field="decision_maker",
                    )  # fmt: skip
                    yield FormField(
                        "Email", text_input(d.email, "email", "name@example.com"), field="email"
                    )
                    yield FormField("Phone", text_input(d.phone, "phone"), field="phone")
                    yield service_type_field(d.service_type)
                    known_tier = any(t.name == d.tier for t in self.tiers)
                    yield FormField(
                        "Tier",
                        Select(
                            [(tier_option(t, self.currency), t.name) for t in self.tiers],
                            value=d.tier if known_tier else Select.NULL,
                            prompt=NO_TIER,
                            compact=True,
                            id="tier",
                        ),
                        field="tier",
                    )
                    yield FormField(
                        "Fee override",
                        text_input(d.fee_override, "fee_override", "blank: the tier's fee"),
                        field="fee_override",
                        hint=self._fee_hint(d.tier),
                    )
                    yield FormField(
                        "Billing day (1-28)",
                        text_input(str(d.billing_day), "billing_day"),
                        field="billing_day",
                    )
                    yield FormField(
                        "Report due day (1-28, next month)",
                        text_input(str(d.report_due_day), "report_due_day"),
                        field="report_due_day",
                    )
                    yield FormField(
                        "Start month", text_input(d.start_month, "start_month", "YYYY-MM"),
                        field="start_month",
                    )  # fmt: skip
                    yield FormField(
                        "End month",
                        text_input(d.end_month, "end_month", "YYYY-MM, blank: ongoing"),
                        field="end_month",
                    )
                    tracked = FormField(
                        "Tracked from",
                        text_input(d.tracked_from, "tracked_from", "YYYY-MM, blank: start month"),
                        field="tracked_from",
                        hint=TRACKED_HINT,
                    )
                    tracked.display = self._offers_tracked_from(d.start_month)
                    yield tracked
                    yield FormField(
                        "Status",
                        Select(
                            [(s.capitalize(), s) for s in STATUSES],
                            value=d.status if d.status in STATUSES else "active",
                            allow_blank=False,
                            compact=True,
                            id="status",
                        ),
                        field="status",
                    )
                yield FormField(
                    "Notes",
                    TextArea(
                        d.notes, id="notes", soft_wrap=True, compact=True, tab_behavior="focus"
                    ),
                    field="notes",
                )
            with Horizontal(classes="form-buttons"):
                yield Button("Save", id="save", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
                if self.client_id is not None:
                    yield Button("Archive", id="archive", variant="warning", compact=True)
                    yield Button("Delete…", id="delete", variant="error", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#name", Input).focus()

    def load(self) -> Read:
        db, client_id = self.db, self.client_id
        return lambda: client_form(db, client_id=client_id)

    def loaded(self, data: ClientForm) -> None:
        self.tiers = data.tiers
        self.query_one("#tier", Select).set_options(
            [(tier_option(t, self.currency), t.name) for t in self.tiers]
        )
        if data.record is None:
            return
        self.record, self.draft = data.record, data.record.draft()
        self.TITLE_TEXT = f"Edit {data.record.name}"
        self.query_one("#client-dialog").border_title = self.TITLE_TEXT
        d = self.draft
        known_tier = any(t.name == d.tier for t in self.tiers)
        self.fill(
            {
                **{f: str(getattr(d, f)) for f in _SHOWN},
                "tier": d.tier if known_tier else "",
                "status": d.status if d.status in STATUSES else "active",
            }
        )
        self.query_one("#field-tracked_from", FormField).display = self._offers_tracked_from(
            self.query_one("#start_month", Input).value
        )
        self.query_one("#field-fee_override .field-hint", Label).update(
            self._fee_hint(self.query_one("#field-tier", FormField).value)
        )
        self.refresh_bindings()

    def _offers_tracked_from(self, start_text: str) -> bool:
        """Tracked from is offered whenever the start month lies in the past (and kept in
        view for a client that has one set)."""
        if self.record is not None and self.record.tracked_from is not None:
            return True
        start = typed_month(start_text)
        return start is not None and start < Month.of(self.today)

    @on(Input.Changed, "#start_month")
    def _start_changed(self, event: Input.Changed) -> None:
        if typed_month(event.value) is None:
            return  # half typed: the field stays as it is
        field = self.query_one("#field-tracked_from", FormField)
        offered = self._offers_tracked_from(event.value)
        if offered and not field.display and self.record is None:
            # A new client who started before this month: tracked from this month by
            # default, so it does not arrive with months of overdue reports.
            tracked = self.query_one("#tracked_from", Input)
            if not tracked.value.strip():
                tracked.value = str(Month.of(self.today))
        field.display = offered

    def _fee_hint(self, tier_name: str) -> str:
        tier = next((t for t in self.tiers if t.name == tier_name), None)
        if tier is None:
            return "No tier chosen: type the monthly fee here"
        fee = format_money(tier.monthly_fee_cents, self.currency, cents_shown=False)
        return f"{tier.name}'s fee is {fee}/mo; blank keeps it"

    @on(Select.Changed, "#tier")
    def _tier_changed(self, event: Select.Changed) -> None:
        value = "" if event.value is Select.NULL else str(event.value)
        hint = self.query_one("#field-fee_override .field-hint", Label)
        hint.update(self._fee_hint(value))

    @on(Select.Changed, "#status")
    def _status_changed(self, event: Select.Changed) -> None:
        end = self.query_one("#end_month", Input)
        if event.value == ClientStatus.ENDED.value and not end.value.strip():
            end.value = str(Month.of(self.today))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("archive", "delete"):
            return self.record is not None
        return True

    # -- saving ----------------------------------------------------------------------------

    def current_draft(self) -> ClientDraft:
        values = self.values()
        if not self.query_one("#field-tracked_from", FormField).display:
            values["tracked_from"] = ""  # not offered: tracked from the start month
        return ClientDraft(
            **{
                **{f: getattr(self.draft, f) for f in ClientDraft.__slots__},
                **values,
            }
        )

    def save(self) -> Write[ClientSaved]:
        draft, client_id, undo = self.current_draft(), self.client_id, self.app.undo_stack
        base = self.draft if self.record is not None else None

        def write() -> ClientSaved:
            try:
                return save_client(self.db, draft=draft, client_id=client_id, base=base, undo=undo)
            except EditConflict as exc:
                # Shown at the fields; from now on the form starts from what is stored,
                # so saving again keeps what was typed here.
                self.draft = exc.current  # type: ignore[assignment]
                raise

        return write

    def saved_message(self, result: ClientSaved | None) -> str:
        assert result is not None
        text = f"{'Added' if result.created else 'Saved'} {result.name}."
        draft = self.current_draft()
        paying = draft.status in ("active", "trial", "ended")
        if paying and not draft.tier and not str(draft.fee_override or "").strip():
            # Saved all the same (a fee may come later), but the income counts it as $0.
            text += " It has no tier and no fee, so it adds nothing to the income: e sets one."
        return text

    # -- archive and delete ----------------------------------------------------------------

    def action_archive(self) -> None:
        record = self.record
        if record is None:
            return
        from retainer_tui.tui.screens.confirm import ConfirmScreen

        end = record.end_month or max(Month.of(self.today), record.start_month or Month(1, 1))
        message = (
            f"Status becomes ended, last month {end}. Its goals, results, payments and "
            "reports stay, and it leaves the dashboard's active list."
        )
        if self.dirty:
            message += " What you typed in the form is not saved."

        db, today, undo = self.db, self.today, self.app.undo_stack

        def archived(result: ClientSaved) -> None:
            self.app.notify(f"Archived {result.name} (ended). ctrl+z undoes.", title="Saved")
            self.app.reload_data()
            self.dismiss(result)

        def archive() -> None:
            # Written in the worker, as a save is (and tried again while the database is busy).
            self.in_background(
                lambda: archive_client(db, client_id=record.id, today=today, undo=undo),
                archived,
                retry=archive,
            )

        def answered(yes: bool | None) -> None:
            if yes and self.ready_to_save():
                archive()

        self.app.push_screen(
            ConfirmScreen(f"Archive {record.name}?", message, yes="Archive", no="Back"), answered
        )

    def action_delete(self) -> None:
        record = self.record
        if record is None:
            return

        def deleted(result: ClientDeleted | None) -> None:
            if result is not None:
                self.dismiss(None)

        self.app.push_screen(DeleteClientScreen(self.db, record=record), deleted)


# The client's fields as the form shows them (tier and status are picked from lists).
_SHOWN = (
    "name", "company", "decision_maker", "email", "phone", "service_type", "fee_override",
    "billing_day", "report_due_day", "start_month", "end_month", "tracked_from", "notes",
)  # fmt: skip


class DeleteClientScreen(FormScreen[ClientDeleted | None]):
    """Deleting asks for the client's name and says what goes with it."""

    KEY_SCOPE = "client-delete"
    TITLE_TEXT = "Delete client"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Back"),
        Binding("ctrl+z", "undo_blocked", show=False),
    ]

    def __init__(self, db: Database, *, record: ClientRecord) -> None:
        super().__init__(db)
        self.record = record
        self.data: ClientData | None = None  # read by load(): what goes with the client

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog confirm-dialog", id="delete-dialog") as dialog:
            dialog.border_title = f"Delete {self.record.name}?"
            yield Label(
                self._message(), id="delete-message", classes="dialog-message", markup=False
            )
            yield FormField(
                "Type the client's name to delete it",
                Input(placeholder=self.record.name, id="confirm", compact=True),
                field="confirm",
            )
            with Horizontal(classes="form-buttons"):
                yield Button("Delete", id="delete", variant="error", compact=True)
                yield Button("Back", id="back", compact=True)

    def _message(self) -> str:
        goes = self.data.describe() if self.data is not None else "what goes with it (counting…)"
        return (
            f"This deletes {self.record.name} and, with it, {goes}. "
            "To keep the history, archive the client instead (f7 in the form)."
        )

    def on_mount(self) -> None:
        self.query_one("#confirm", Input).focus()

    def load(self) -> Read:
        db, client_id = self.db, self.record.id
        return lambda: client_data(db, client_id=client_id)

    def loaded(self, data: ClientData) -> None:
        self.data = data
        self.query_one("#delete-message", Label).update(self._message())

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted, "#confirm")
    @on(Button.Pressed, "#delete")
    def _confirmed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#back")
    def _back(self) -> None:
        self.dismiss(None)

    def save(self) -> Write[ClientDeleted]:
        typed = self.query_one("#confirm", Input).value
        if not typed.strip():
            raise FormInvalid({"confirm": f"type {self.record.name} to delete it"})
        client_id, undo = self.record.id, self.app.undo_stack
        return lambda: delete_client(self.db, client_id=client_id, confirm_name=typed, undo=undo)

    def saved_message(self, result: ClientDeleted | None) -> str:
        assert result is not None
        return f"Deleted {result.name} ({result.data.describe()}). ctrl+z brings it back."
