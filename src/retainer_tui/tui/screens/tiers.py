"""`T`: the retainer tiers — the list: reorder, delete, and the tier form to add or edit
one (tui/screens/tier_form.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from retainer_tui.domain.money import format_money
from retainer_tui.services.catalog import TierInfo
from retainer_tui.services.database import Database, DatabaseError
from retainer_tui.services.tiers import (
    TierDeleted,
    TierSaved,
    delete_tier,
    list_tiers,
    move_tier,
)
from retainer_tui.tui.background_writes import BackgroundWrites
from retainer_tui.tui.cells import shown
from retainer_tui.tui.entry_keys import TIERS_KEYS
from retainer_tui.tui.keys import bindings
from retainer_tui.tui.screens.confirm import ConfirmScreen
from retainer_tui.tui.screens.tier_form import TierFormScreen

if TYPE_CHECKING:
    from textual import getters

    from retainer_tui.tui.app import RetainerApp


class TiersScreen(Screen[None]):
    """Every tier with its fee, included hours, services and the clients on it."""

    if TYPE_CHECKING:  # the RetainerApp, typed only (see FormScreen.app)
        app = getters.app(RetainerApp)

    KEY_SCOPE = "tiers"
    TITLE_TEXT = "Tiers"
    BINDINGS: ClassVar[list[BindingType]] = [
        *bindings(TIERS_KEYS),
        Binding("ctrl+z", "undo", "Undo", show=False),
    ]

    def __init__(self, db: Database, *, currency: str = "USD") -> None:
        super().__init__()
        self.db = db
        self.currency = currency
        self.tiers: tuple[TierInfo, ...] = ()
        self.writes = BackgroundWrites(self, db, title=self.TITLE_TEXT)

    def compose(self) -> ComposeResult:
        yield Static("Tiers", id="tiers-title")
        yield DataTable(cursor_type="row", zebra_stripes=True, id="tiers-table")
        yield Static(id="tier-services")
        yield Footer()

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one("#tiers-table", DataTable)

    def _add_columns(self) -> None:
        """The columns, the description taking the rest of the width: a description wider
        than the terminal put a horizontal scrollbar (a stray ▊) under the table."""
        table = self.table
        table.clear(columns=True)
        table.add_column("Tier", width=18, key="name")
        table.add_column(Text("Fee / month", justify="right"), width=11, key="fee")
        table.add_column(Text("Hours", justify="right"), width=6, key="hours")
        table.add_column(Text("Services", justify="right"), width=8, key="services")
        table.add_column(Text("Clients", justify="right"), width=8, key="clients")
        fixed = 18 + 11 + 6 + 8 + 8 + 2 * 6 + 2  # the widths, each column's padding, a scrollbar
        table.add_column("Description", width=max(12, self.size.width - fixed), key="description")
        self._columns_for = self.size.width

    def on_resize(self) -> None:
        if self.tiers and self.size.width != getattr(self, "_columns_for", None):
            self._draw(self.highlighted_id())

    def on_mount(self) -> None:
        table = self.table
        self.app.data_changed.subscribe(self, lambda _: self.load())
        self.load()
        table.focus()

    class Loaded(Message):
        def __init__(self, tiers: tuple[TierInfo, ...], highlight: int | None) -> None:
            super().__init__()
            self.tiers, self.highlight = tiers, highlight

    def load(self, *, highlight: int | None = None) -> None:
        """Read the tiers again, in a worker (the keys keep working)."""
        self._load(highlight)

    @work(thread=True, exclusive=True, group="tiers", exit_on_error=False)
    def _load(self, highlight: int | None) -> None:
        try:
            self.post_message(self.Loaded(tuple(list_tiers(self.db)), highlight))
        except DatabaseError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.tiers = message.tiers
        keep = message.highlight
        self._draw(keep if keep is not None else self.highlighted_id())

    def _draw(self, keep: int | None) -> None:
        table = self.table
        self._add_columns()
        for tier in self.tiers:
            clients = str(tier.clients)
            if tier.clients and tier.following != tier.clients:
                clients = f"{tier.clients} ({tier.clients - tier.following}*)"
            table.add_row(
                shown(tier.name),
                Text(
                    format_money(tier.monthly_fee_cents, self.currency, cents_shown=False),
                    justify="right",
                ),
                Text(str(tier.included_hours), justify="right"),
                Text(str(len(tier.services)), justify="right"),
                Text(clients, justify="right"),
                shown(tier.description, no_wrap=True, overflow="ellipsis"),
                key=str(tier.id),
            )
        ids = [t.id for t in self.tiers]
        if keep in ids:
            table.move_cursor(row=ids.index(keep), animate=False)
        count = len(self.tiers)
        self.query_one("#tiers-title", Static).update(
            f"Tiers — {count} tier{'s' if count != 1 else ''} · n add · e edit · d delete · "
            "ctrl+↑/↓ reorder · escape back"
        )
        self._show_services()

    def highlighted_id(self) -> int | None:
        table = self.table
        if not table.row_count:
            return None
        row = table.cursor_row
        return self.tiers[row].id if 0 <= row < len(self.tiers) else None

    def highlighted(self) -> TierInfo | None:
        tier_id = self.highlighted_id()
        return next((t for t in self.tiers if t.id == tier_id), None)

    @on(DataTable.RowHighlighted, "#tiers-table")
    def _show_services(self) -> None:
        tier = self.highlighted()
        box = self.query_one("#tier-services", Static)
        if tier is None:
            box.update("No tiers yet: press n to add one.")
            return
        text = Text()
        text.append(shown(tier.name, style="bold"))
        text.append(
            f" · {format_money(tier.monthly_fee_cents, self.currency, cents_shown=False)}/mo"
        )
        text.append(f" · {tier.included_hours} h included")
        if tier.clients:
            pinned = tier.clients - tier.following
            text.append(f" · {tier.clients} client{'s' if tier.clients != 1 else ''}")
            if pinned:
                text.append(f" ({pinned}* pay a fee of their own)")
        text.append("\n")
        for number, service in enumerate(tier.services, 1):
            text.append(f"{number:>2}. ")
            text.append(shown(service))
            text.append("\n")
        if not tier.services:
            text.append("No services listed.\n")
        box.update(text)

    @on(DataTable.RowSelected, "#tiers-table")
    def _row_selected(self) -> None:
        self.action_edit_tier()

    # -- actions ---------------------------------------------------------------------------

    def on_unmount(self) -> None:
        self.writes.detach()

    def action_back(self) -> None:
        self.writes.leave()

    def action_new_tier(self) -> None:
        self.app.push_screen(TierFormScreen(self.db, currency=self.currency), self._form_closed)

    def action_edit_tier(self) -> None:
        tier = self.highlighted()
        if tier is None:
            return
        self.app.push_screen(
            TierFormScreen(self.db, tier=tier, currency=self.currency), self._form_closed
        )

    def _form_closed(self, result: TierSaved | None) -> None:
        self.load(highlight=result.id if result else None)

    def action_delete_tier(self) -> None:
        tier = self.highlighted()
        if tier is None:
            return
        if tier.clients:
            on_it = "1 client is" if tier.clients == 1 else f"{tier.clients} clients are"
            self.notify(
                f"{tier.name} cannot be deleted: {on_it} on it (ended clients count too). "
                "Move them to another tier first.",
                severity="warning",
                title="Tier in use",
                timeout=6,
            )
            return

        def answered(yes: bool | None) -> None:
            if yes:
                stack = self.app.undo_stack
                self.writes.submit(
                    lambda db: delete_tier(db, tier_id=tier.id, undo=stack),
                    deleted,
                    refused=refused,
                    label=tier.name,
                )

        def deleted(done: TierDeleted) -> None:
            self.notify(f"Deleted {done.name}. ctrl+z brings it back.", title="Saved")
            self.app.reload_data()

        def refused(exc: Exception) -> None:
            self.notify(str(exc), severity="error", title="Tier in use")
            self.load()

        self.app.push_screen(
            ConfirmScreen(f"Delete {tier.name}?", "No client uses it.", yes="Delete"), answered
        )

    def action_move_tier(self, step: int) -> None:
        tier_id = self.highlighted_id()
        if tier_id is None:
            return
        stack = self.app.undo_stack

        def moved(_result: object) -> None:
            self.app.reload_data()
            self.load(highlight=tier_id)

        self.writes.submit(
            lambda db: move_tier(db, tier_id=tier_id, offset=step, undo=stack), moved
        )

    def action_undo(self) -> None:
        # The undo publishes data_changed, which reloads this screen too.
        self.app.undo_last_change()
