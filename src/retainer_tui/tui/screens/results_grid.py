"""`r`: the month's results for every client in service, typed in one grid, saved as you go."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from retainer_tui.domain.month import Month
from retainer_tui.domain.status import elapsed_fraction
from retainer_tui.services import entries
from retainer_tui.services.database import Database, DatabaseError
from retainer_tui.services.errors import FormInvalid
from retainer_tui.services.results_grid import GridData, load_grid
from retainer_tui.services.undo import UndoStack
from retainer_tui.tui.background_writes import BackgroundWrites
from retainer_tui.tui.cells import STATUS_GLYPHS, hours_label
from retainer_tui.tui.cells import shown as escaped
from retainer_tui.tui.entry_keys import GRID_KEYS
from retainer_tui.tui.keys import bindings
from retainer_tui.tui.month_step import month_step
from retainer_tui.tui.widgets.results_grid import HOURS, CellOutcome, ResultsGrid

if TYPE_CHECKING:
    from textual import getters

    from retainer_tui.tui.app import RetainerApp


def _number(value: Any) -> str:
    """A Fraction shown whole when it is, else to one decimal."""
    if value.denominator == 1:
        return f"{int(value):,}"
    return f"{float(value):,.1f}"


class ResultsGridScreen(Screen[None]):
    """Rows: clients in service in the month; columns: every metric, then hours."""

    if TYPE_CHECKING:  # the RetainerApp, typed only (see FormScreen.app)
        app = getters.app(RetainerApp)

    KEY_SCOPE = "results"
    TITLE_TEXT = "Results"
    BINDINGS: ClassVar[list[BindingType]] = [
        *bindings(GRID_KEYS),
        Binding("ctrl+z", "undo", "Undo", show=False),
    ]

    class Loaded(Message):
        def __init__(self, data: GridData) -> None:
            self.data = data
            super().__init__()

    def __init__(
        self,
        db: Database,
        *,
        month: Month,
        today: date,
        tolerance: float = 0.2,
        client_id: int | None = None,
    ) -> None:
        super().__init__()
        self.db = db
        self.month = month
        self.today = today
        self.tolerance = tolerance
        self.focus_client = client_id
        self.saved_count = 0
        # Saves run in order on a worker thread, through one connection kept open for a
        # burst: a new connection per save re-reads the schema and may checkpoint the WAL
        # on close (0.5-20 ms).
        self.writes = BackgroundWrites(self, db, title=self.TITLE_TEXT, keep=True)
        self._leaving = False

    def compose(self) -> ComposeResult:
        yield Static(id="grid-title")
        yield Static(
            "Type a number to replace a cell · enter saves · delete clears · "
            "escape drops the typing · tab/arrows move · [ ] month · ctrl+z undo",
            id="grid-help",
        )
        search = Input(
            placeholder="Jump to a client: type part of the name", id="grid-search", compact=True
        )
        search.display = False
        yield search
        yield ResultsGrid(
            as_of=self.today, tolerance=self.tolerance, saver=self.save_cell, id="grid"
        )
        yield Static(id="cell-info")
        yield Footer()

    @property
    def grid(self) -> ResultsGrid:
        return self.query_one(ResultsGrid)

    def on_mount(self) -> None:
        self.app.data_changed.subscribe(self, lambda _: self.load())
        self.app.theme_changed_signal.subscribe(self, lambda _: self.grid.restyle())
        self._show_title()
        self.load()

    def on_unmount(self) -> None:
        self.writes.detach()

    # -- loading ---------------------------------------------------------------------------

    def load(self) -> None:
        self._load(self.month)

    @work(thread=True, exclusive=True, group="grid", exit_on_error=False)
    def _load(self, month: Month) -> None:
        try:
            data = load_grid(self.db, month=month)
        except DatabaseError as exc:
            self.app.call_from_thread(self.app.notify, str(exc), severity="error")
            return
        self.post_message(self.Loaded(data))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        if message.data.month != self.month:
            return
        grid = self.grid
        if grid.editing is not None and grid.month == message.data.month:
            return  # never throw away what is being typed; the next change reloads
        grid.show(message.data, keep_client=self.focus_client)
        self.focus_client = None
        grid.focus()
        self._show_title()
        self._show_info()

    def _show_title(self) -> None:
        month = self.month
        fraction = elapsed_fraction(month, self.today)
        if fraction == 0:
            when = "not started"
        elif fraction == 1:
            when = "ended"
        else:
            when = f"day {self.today.day} of {month.days}"
        rows = len(self.grid.data.rows) if self.grid.data else 0
        clients = f"{rows} client{'s' if rows != 1 else ''} in service"
        self.query_one("#grid-title", Static).update(
            f"Results — {month.label()} ({when}) · {clients} · as of {self.today.isoformat()}"
        )

    # -- saving ----------------------------------------------------------------------------

    def save_cell(self, client_id: int, column: str, text: str | None) -> None:
        """The grid's saver: the write queued behind the ones before it (one short
        transaction each, recorded for undo); the grid is told how it went."""
        month, stack, grid = self.month, self.app.undo_stack, self.grid
        name = grid.rows_by_id[client_id].name
        label = self._column_label(column)

        def refused(exc: Exception) -> None:
            if isinstance(exc, FormInvalid):
                reason = next(iter(exc.errors.values()), str(exc))
            else:
                reason = str(exc)
            self.grid.not_saved(month, client_id, column)
            self._leaving = False  # stay: what was typed was not stored
            self._show_refusal(f"{name} · {label}: {reason}", late=True)

        self.writes.submit(
            lambda db: _write_cell(db, month, client_id, column, text, stack),
            lambda outcome: self._stored(month, client_id, column, outcome),
            refused=refused,
            label=f"{name} · {label}",
        )

    def _stored(self, month: Month, client_id: int, column: str, outcome: CellOutcome) -> None:
        self.saved_count += 1  # a month left meanwhile counts too: it was saved here
        self.grid.saved(month, client_id, column, outcome)
        self._show_info()

    def _column_label(self, column: str) -> str:
        data = self.grid.data
        if column == HOURS or data is None:
            return "Hours"
        return next((m.label for m in data.metrics if m.key == column), column)

    @on(ResultsGrid.CellSaved)
    def _cell_saved(self, message: ResultsGrid.CellSaved) -> None:
        info = self.query_one("#cell-info", Static)
        info.remove_class("-error")
        grid = self.grid
        if message.column == HOURS or message.value is None or grid.data is None:
            return
        if grid.target_of(message.client_id, message.column):
            return
        label = next(
            (m.label for m in grid.data.metrics if m.key == message.column), message.column
        )
        name = grid.rows_by_id[message.client_id].name
        self.notify(
            f"{name}: {label} saved, but it has no target in {self.month.label()}, so it "
            "counts toward no goal. Press g on the dashboard to set one.",
            title="No target this month",
            markup=False,
        )

    @on(ResultsGrid.CellRefused)
    def _cell_refused(self, message: ResultsGrid.CellRefused) -> None:
        self._show_refusal(message.message)

    def _show_refusal(self, message: str, *, late: bool = False) -> None:
        """In the info line (kept while the refused typing is still there); one the
        database sent after the cursor moved on is also a toast."""
        info = self.query_one("#cell-info", Static)
        info.add_class("-error")
        info.update(f"Not saved: {message}")
        self.app.bell()
        if late:
            self.notify(f"Not saved: {message}", severity="error", title="Results", timeout=8)

    @on(ResultsGrid.EditChanged)
    def _edit_changed(self) -> None:
        self._show_info()

    def _show_info(self) -> None:
        info = self.query_one("#cell-info", Static)
        grid = self.grid
        if info.has_class("-error") and grid.editing is not None:
            return  # keep the refusal in view until the typing changes or is dropped
        info.remove_class("-error")
        cell = grid.current()
        if cell is None or grid.data is None:
            if grid.data is not None and not grid.data.rows:
                info.update(
                    "No client is in service this month (active or on trial, between its "
                    "start and end months). Press [ or ] for another month."
                )
            else:
                info.update("")
            return
        client_id, column = cell
        row = grid.rows_by_id[client_id]
        colors = grid.theme_colors
        text = escaped(row.name, style="bold")
        label = (
            "Hours"
            if column == HOURS
            else next((m.label for m in grid.data.metrics if m.key == column), column)
        )
        text.append(escaped(f" · {label}"))
        editing = grid.editing
        typed = editing.text if editing and (editing.client_id, editing.column) == cell else None
        saved = grid.values.get(cell)
        saving = grid.saving(client_id, column)
        target = grid.target_of(client_id, column)
        if column == HOURS:
            text.append(
                f" · included {target // 100} h" if target is not None else " · no tier hours"
            )
            shown = "–" if saved is None else hours_label(saved)
            text.append(f" · {'saving' if saving else 'saved'} {shown} h")
        else:
            if target:
                text.append(f" · target {target:,}")
                expected = grid.expected_now(client_id, column)
                if expected is not None:
                    text.append(f" · expected by now {_number(expected)}")
            else:
                text.append(" · no target this month (press g on the dashboard to set one)")
            shown = "–" if saved is None else f"{saved:,}"
            text.append(f" · {'saving' if saving else 'saved'} {shown}")
            status = grid.status_of(client_id, column, saved)
            if status is not None:
                text.append(f" {STATUS_GLYPHS[status]} {status.label}", style=colors.status(status))
        text.append("\n")
        if typed is not None:
            try:
                value = grid.parse(column, typed)
            except Exception as exc:  # InvalidValue: show why, as it is typed
                message = str(exc)
                text.append(f"typing {typed!r}: {message}", style=colors.bad)
            else:
                text.append(f"typing {typed} → enter saves", style=colors.primary)
                status = grid.status_of(client_id, column, value)
                if status is not None:
                    text.append(
                        f" · would be {STATUS_GLYPHS[status]} {status.label}",
                        style=colors.status(status),
                    )
        else:
            text.append(
                f"{self.saved_count} saved on this screen · type a number to replace",
                style=colors.muted,
            )
        info.update(text)

    # -- search ----------------------------------------------------------------------------

    def action_search(self) -> None:
        """/: type part of a name and the cursor jumps to the first client it matches."""
        if not self.grid.commit():
            return
        search = self.query_one("#grid-search", Input)
        search.display = True
        search.focus()

    @on(Input.Changed, "#grid-search")
    def _search_changed(self, event: Input.Changed) -> None:
        grid = self.grid
        needle = event.value.strip().casefold()
        if not needle or grid.data is None:
            return
        match = next((r.client_id for r in grid.data.rows if needle in r.name.casefold()), None)
        if match is None:
            event.input.add_class("-no-match")
            return
        event.input.remove_class("-no-match")
        grid.show_client(match)

    @on(Input.Submitted, "#grid-search")
    def _search_submitted(self) -> None:
        self._close_search()

    def _close_search(self) -> None:
        search = self.query_one("#grid-search", Input)
        search.value = ""
        search.display = False
        search.remove_class("-no-match")
        self.grid.focus()

    # -- month and leaving -----------------------------------------------------------------

    def _change_month(self, month: Month) -> None:
        if not self.grid.commit():
            return
        self.month = month
        self._show_title()
        self.load()

    def action_previous_month(self) -> None:
        if (month := month_step(self, self.month, -1)) is not None:
            self._change_month(month)

    def action_next_month(self) -> None:
        if (month := month_step(self, self.month, 1)) is not None:
            self._change_month(month)

    def action_back(self) -> None:
        grid = self.grid
        if self.query_one("#grid-search", Input).display:
            self._close_search()  # escape leaves the cursor where the search took it
            return
        if grid.editing is not None:
            grid.cancel_edit()
            return
        if self.writes.pending:  # nothing typed is left behind: close once it is stored
            self._leaving = True
            count = self.writes.pending
            self.notify(
                f"Saving {count} cell{'s' if count != 1 else ''}: the grid closes when "
                f"{'they are' if count != 1 else 'it is'} saved.",
                title=self.TITLE_TEXT,
                timeout=4,
            )
            self.writes.when_done(self._leave_if_asked)
            return
        self.dismiss(None)

    def _leave_if_asked(self) -> None:
        if self._leaving and self.is_attached:
            self._leaving = False
            self.dismiss(None)

    def action_save_cell(self) -> None:
        self.grid.commit()

    def action_clear_cell(self) -> None:
        self.grid.clear_cell()

    def action_next_cell(self) -> None:
        grid = self.grid
        if grid.commit():
            grid.move_across(1)

    def action_edit_cell(self) -> None:
        self.grid.edit_current()

    def action_undo(self) -> None:
        grid = self.grid
        if grid.editing is not None:
            grid.cancel_edit()
            return
        # The undo (after the saves under way) publishes data_changed, which reloads
        # this screen too.
        self.app.undo_last_change()


def _write_cell(
    db: Database, month: Month, client_id: int, column: str, text: str | None, stack: UndoStack
) -> CellOutcome:
    """On the writer thread: the cell's value stored (or cleared), recorded for undo."""
    if column == HOURS:
        if text is None:
            hours = entries.clear_hours(db, client_id=client_id, month=month, undo=stack)
        else:
            hours = entries.set_hours(db, client_id=client_id, month=month, hours=text, undo=stack)
        return CellOutcome(hours.hours_x100, hours.change.label)
    if text is None:
        result = entries.clear_result(
            db, client_id=client_id, metric=column, month=month, undo=stack
        )
    else:
        result = entries.set_result(
            db, client_id=client_id, metric=column, month=month, actual=text, undo=stack
        )
    return CellOutcome(result.actual, result.change.label)
