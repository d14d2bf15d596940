"""ResultsGrid: clients × metrics (plus hours) for one month, typed into like a spreadsheet.

Typing a number replaces the cell (shown with its target and the status it would have),
enter saves it (the cell flashes once stored), delete clears it, escape drops the typing,
arrows / tab / shift+tab save what was typed and move. What was typed is checked here, at
once, so a refused value keeps the cursor on its cell; the write goes to `saver`, which
the screen runs in the background, and the cell shows the new value in italics until
the screen says it is stored (`saved`) or refused by the database (`not_saved`: the cell
goes back to what is stored).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from rich.style import Style
from rich.text import Text
from textual import events
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable

from retainer_tui.domain import validation as v
from retainer_tui.domain.month import Month
from retainer_tui.domain.status import MetricStatus, expected_by_now, metric_status
from retainer_tui.services.results_grid import GridData, GridRow
from retainer_tui.tui import cells
from retainer_tui.tui.cells import STATUS_GLYPHS, compact_number, hours_label
from retainer_tui.tui.theme_colors import ThemeColors
from retainer_tui.tui.widgets.pending_cells import PendingCells

HOURS = "__hours"  # metric keys start with a letter, so this never clashes
NAME_WIDTH = 22
CELL_WIDTH = 14
_EDIT_CHARS = set("0123456789.,-+_eE")
_START_CHARS = set("0123456789.-")


@dataclass(frozen=True, slots=True)
class CellOutcome:
    """A save stored: the value (None when cleared) and the change's label."""

    value: int | None = None
    label: str = ""


# (client_id, column, typed text or None to clear): the write, started in the background.
Saver = Callable[[int, str, str | None], None]


@dataclass(slots=True)
class Editing:
    client_id: int
    column: str
    text: str


class ResultsGrid(DataTable[Text]):
    """The month's grid. `show(data)` fills it; the screen supplies `saver`."""

    class CellSaved(Message):
        """A cell was saved (value None: cleared)."""

        def __init__(self, client_id: int, column: str, value: int | None, label: str) -> None:
            self.client_id = client_id
            self.column = column
            self.value = value
            self.label = label
            super().__init__()

    class CellRefused(Message):
        """A typed value was refused as typed; nothing was written, the cursor stays."""

        def __init__(self, client_id: int, column: str, message: str) -> None:
            self.client_id = client_id
            self.column = column
            self.message = message
            super().__init__()

    class EditChanged(Message):
        """The cursor moved or the typing changed: the info line follows."""

    def __init__(
        self, *, as_of: date, tolerance: float, saver: Saver, id: str | None = None
    ) -> None:
        super().__init__(
            cursor_type="cell",
            zebra_stripes=True,
            fixed_columns=1,
            id=id,
            cursor_foreground_priority="renderable",
        )
        self.as_of = as_of
        self.tolerance = Fraction(str(tolerance))
        self.saver = saver
        self.data: GridData | None = None
        self.rows_by_id: dict[int, GridRow] = {}
        self.values: dict[tuple[int, str], int | None] = {}
        self.editing: Editing | None = None
        self._colors: ThemeColors | None = None
        self._typing_styles: tuple[Style, Style] | None = None
        self._statuses: dict[tuple[int, int | None], MetricStatus] = {}
        self._status_styles: dict[MetricStatus, Style] = {}
        self._column_keys: list[str] = []
        self._flashing: set[tuple[int, str]] = set()
        self._pending = PendingCells()
        self._pending_style = Style(italic=True, dim=True)

    # -- filling ---------------------------------------------------------------------------

    @property
    def theme_colors(self) -> ThemeColors:
        if self._colors is None:
            self._colors = ThemeColors.from_app(self.app)
        return self._colors

    def restyle(self) -> None:
        self._colors = None
        self._typing_styles = None
        self._status_styles = {}
        self._paint_all()

    @property
    def month(self) -> Month | None:
        return self.data.month if self.data else None

    @property
    def column_keys(self) -> list[str]:
        return self._column_keys

    def status_style(self, status: MetricStatus) -> Style:
        """The theme's style for a status (looked up once per theme)."""
        style = self._status_styles.get(status)
        if style is None:
            style = self._status_styles[status] = self.theme_colors.status(status)
        return style

    def show(self, data: GridData, *, keep_client: int | None = None) -> None:
        """Fill the grid with a month (in place when the rows and columns are the same)."""
        old = self.data
        same_shape = (
            old is not None
            and old.month == data.month
            and [r.client_id for r in old.rows] == [r.client_id for r in data.rows]
            and [m.key for m in old.metrics] == [m.key for m in data.metrics]
        )
        if old is None or old.month != data.month:
            self._statuses = {}
            self._pending.clear()
        self.data = data
        self.rows_by_id = {r.client_id: r for r in data.rows}
        self._column_keys = [m.key for m in data.metrics] + [HOURS]
        values: dict[tuple[int, str], int | None] = {}
        for row in data.rows:
            for metric in data.metrics:
                values[(row.client_id, metric.key)] = row.actuals.get(metric.key)
            values[(row.client_id, HOURS)] = row.hours_x100
        self._pending.reloaded(values, self.values)
        if same_shape:
            changed = [k for k, val in values.items() if self.values.get(k) != val]
            self.values = values
            for key in changed:
                if self.editing is None or (self.editing.client_id, self.editing.column) != key:
                    self._paint_cell(*key)
            self.post_message(self.EditChanged())
            return
        self.values = values
        self.editing = None
        cursor = self.cursor_coordinate
        current_client = keep_client
        if current_client is None and old is not None and self.row_count:
            current_client = self._client_at(cursor.row)
        self.clear(columns=True)
        self.add_column("Client", width=NAME_WIDTH, key="client")
        for metric in data.metrics:
            label = (
                metric.label
                if len(metric.label) <= CELL_WIDTH
                else metric.label[: CELL_WIDTH - 1] + "…"
            )
            self.add_column(cells.shown(label, justify="right"), width=CELL_WIDTH, key=metric.key)
        self.add_column(Text("Hours", justify="right"), width=10, key=HOURS)
        for row in data.rows:
            self.add_row(
                self._name_cell(row),
                *(self._cell(row.client_id, k) for k in self.column_keys),
                key=str(row.client_id),
            )
        if data.rows:
            row_index = 0
            if current_client in self.rows_by_id:
                row_index = [r.client_id for r in data.rows].index(current_client)
            column = min(max(cursor.column, 1), len(self.column_keys))
            self.move_cursor(row=row_index, column=column, animate=False)
        self.post_message(self.EditChanged())

    def _name_cell(self, row: GridRow) -> Text:
        text = cells.shown(row.name, no_wrap=True, overflow="ellipsis")
        if row.status.value == "trial":
            text.append(" (trial)", style=self.theme_colors.muted)
        return text

    def show_client(self, client_id: int) -> None:
        """Move the cursor to the client's row (its column kept)."""
        if self.data is None or client_id not in self.rows_by_id:
            return
        row = [r.client_id for r in self.data.rows].index(client_id)
        self.move_cursor(row=row, animate=False)

    def _client_at(self, row_index: int) -> int | None:
        if self.data is None or not 0 <= row_index < len(self.data.rows):
            return None
        return self.data.rows[row_index].client_id

    # -- what a cell shows -----------------------------------------------------------------

    def target_of(self, client_id: int, column: str) -> int | None:
        """The target in the cell's own units (hours: included hours × 100)."""
        row = self.rows_by_id[client_id]
        if column == HOURS:
            return None if row.included_hours is None else row.included_hours * 100
        return row.targets.get(column)

    def parse(self, column: str, text: str) -> int:
        """Typed text as the stored value; InvalidValue with the message when refused."""
        if column == HOURS:
            return v.hours_x100(text, "hours")
        return v.count(text, "result")

    def status_of(self, client_id: int, column: str, value: int | None) -> MetricStatus | None:
        target = self.target_of(client_id, column)
        if column == HOURS or not target or self.data is None:
            return None
        # The rule depends only on (target, actual) within a month: remember its answers,
        # so that redrawing a cell on every key press costs no date or Fraction arithmetic.
        key = (target, value)
        status = self._statuses.get(key)
        if status is None:
            status = metric_status(target, value, self.data.month, self.as_of, self.tolerance)
            self._statuses[key] = status
        return status

    def _cell(self, client_id: int, column: str) -> Text:
        colors = self.theme_colors
        editing = self.editing
        typed = (
            editing.text
            if editing and editing.client_id == client_id and editing.column == column
            else None
        )
        target = self.target_of(client_id, column)
        value = self.values.get((client_id, column))
        text = Text(no_wrap=True, overflow="ellipsis", justify="right")
        if typed is not None:
            if self._typing_styles is None:
                emphasis = Style(bold=True, underline=True)
                self._typing_styles = (colors.primary + emphasis, colors.bad + emphasis)
            try:
                value = self.parse(column, typed)
                style = self._typing_styles[0]
            except v.InvalidValue:
                value = None
                style = self._typing_styles[1]
            text.append(typed + "▏", style=style)
            if column == HOURS:
                if target is not None:
                    text.append(f"/{target // 100}", style=colors.muted)
            elif target:
                text.append(f"/{compact_number(target)}", style=colors.muted)
                status = self.status_of(client_id, column, value) if value is not None else None
                glyph = STATUS_GLYPHS[status] if status else "!"
                text.append(f" {glyph}", style=self.status_style(status) if status else colors.bad)
            return text
        flash = (client_id, column) in self._flashing
        saving = (client_id, column) in self._pending
        if column == HOURS:
            if value is None:
                text.append("–" if target is None else f"–/{target // 100}", style=colors.muted)
            else:
                over = target is not None and value > target
                text.append(hours_label(value), style=colors.warning if over else "")
                if target is not None:
                    text.append(f"/{target // 100}", style=colors.muted)
                if over:
                    text.append(" ⚑", style=colors.warning)
        else:
            status = self.status_of(client_id, column, value)
            shown = "–" if value is None else compact_number(value)
            text.append(shown, style=self.status_style(status) if status else "")
            if target:
                text.append(f"/{compact_number(target)}", style=colors.muted)
                assert status is not None
                text.append(f" {STATUS_GLYPHS[status]}", style=self.status_style(status))
            elif value is None:
                text = Text("·", style=colors.muted, justify="right")
        if saving:
            text.stylize(self._pending_style)
        if flash:
            text.stylize(Style(reverse=True, bold=True))
        return text

    def _paint_cell(self, client_id: int, column: str) -> None:
        self.update_cell(str(client_id), column, self._cell(client_id, column))

    def _paint_all(self) -> None:
        if self.data is None:
            return
        for row in self.data.rows:
            for column in self.column_keys:
                self._paint_cell(row.client_id, column)

    # -- the cell under the cursor ---------------------------------------------------------

    def current(self) -> tuple[int, str] | None:
        """(client id, column key) under the cursor, None on the name column or no rows."""
        if self.data is None or not self.data.rows:
            return None
        coordinate = self.cursor_coordinate
        client_id = self._client_at(coordinate.row)
        keys = self.column_keys
        if client_id is None or not 1 <= coordinate.column <= len(keys):
            return None
        return client_id, keys[coordinate.column - 1]

    def expected_now(self, client_id: int, column: str) -> Fraction | None:
        target = self.target_of(client_id, column)
        if column == HOURS or not target or self.data is None:
            return None
        return expected_by_now(target, self.data.month, self.as_of)

    # -- editing ---------------------------------------------------------------------------

    def start_edit(self, text: str) -> None:
        cell = self.current()
        if cell is None:
            return
        self.editing = Editing(cell[0], cell[1], text)
        self._paint_cell(*cell)
        self.post_message(self.EditChanged())

    def edit_current(self) -> None:
        """Start typing from the cell's saved value (f2, or enter on a cell not typed in)."""
        cell = self.current()
        if cell is not None:
            value = self.values.get(cell)
            self.start_edit("" if value is None else self._as_text(cell[1], value))

    def cancel_edit(self) -> None:
        editing = self.editing
        if editing is None:
            return
        self.editing = None
        self._paint_cell(editing.client_id, editing.column)
        self.post_message(self.EditChanged())

    def commit(self) -> bool:
        """Save what was typed; False (cursor stays, message posted) when refused."""
        editing = self.editing
        if editing is None:
            return True
        return self._save(editing.client_id, editing.column, editing.text)

    def clear_cell(self) -> None:
        """delete: clear the cell's saved value (and any typing)."""
        self.editing = None
        cell = self.current()
        if cell is None:
            return
        if self.values.get(cell) is None:
            self._paint_cell(*cell)
            self.post_message(self.EditChanged())
            return
        self._save(cell[0], cell[1], None)

    def _save(self, client_id: int, column: str, text: str | None) -> bool:
        value: int | None = None
        if text is not None:
            try:
                value = self.parse(column, text)
            except v.InvalidValue as exc:
                message = str(exc)
                refusal = message[:1].upper() + message[1:]
                self.post_message(self.CellRefused(client_id, column, refusal))
                self.post_message(self.EditChanged())
                return False
        key = (client_id, column)
        self._pending.start(key, self.values.get(key))
        self.editing = None
        self.values[key] = value
        self._paint_cell(client_id, column)
        self.saver(client_id, column, text)
        self.post_message(self.EditChanged())
        return True

    def saving(self, client_id: int, column: str) -> bool:
        """Whether a save of the cell is under way (not yet stored nor refused)."""
        return (client_id, column) in self._pending

    def saved(self, month: Month, client_id: int, column: str, outcome: CellOutcome) -> None:
        """The database stored a save (of the month shown, or one left since)."""
        key = (client_id, column)
        if month != self.month or client_id not in self.rows_by_id:
            return
        if self._pending.saved(key, outcome.value):
            self.values[key] = outcome.value
        self._flash(client_id, column)
        self.post_message(self.CellSaved(client_id, column, outcome.value, outcome.label))

    def not_saved(self, month: Month, client_id: int, column: str) -> None:
        """The database refused a save: the cell shows again what is stored (unless
        another save of it is still under way)."""
        key = (client_id, column)
        if month != self.month or client_id not in self.rows_by_id:
            return
        self.values[key] = self._pending.refused(key, self.values.get(key))
        if self.editing is None or (self.editing.client_id, self.editing.column) != key:
            self._paint_cell(client_id, column)

    def _flash(self, client_id: int, column: str) -> None:
        key = (client_id, column)
        self._flashing.add(key)
        self._paint_cell(client_id, column)

        def unflash() -> None:
            self._flashing.discard(key)
            if client_id in self.rows_by_id and column in self.column_keys:
                self._paint_cell(client_id, column)

        self.set_timer(0.6, unflash)

    def move_across(self, step: int) -> None:
        """tab / shift+tab: next or previous cell, wrapping to the next or previous row."""
        keys = len(self.column_keys)
        if not keys or self.data is None or not self.data.rows:
            return
        row, column = self.cursor_coordinate
        column += step
        if column > keys:
            column, row = 1, row + 1
        elif column < 1:
            column, row = keys, row - 1
        if 0 <= row < len(self.data.rows):
            self.cursor_coordinate = Coordinate(row, column)

    def on_key(self, event: events.Key) -> None:
        key = event.key
        char = event.character
        editing = self.editing
        if key in ("tab", "shift+tab"):
            event.stop()
            event.prevent_default()
            if self.commit():
                self.move_across(1 if key == "tab" else -1)
            return
        if key == "enter":
            event.stop()
            event.prevent_default()
            if editing is not None:
                if self.commit() and self.cursor_row < self.row_count - 1:
                    self.move_cursor(row=self.cursor_row + 1, animate=False)
            else:
                self.edit_current()
            return
        if key in ("delete", "ctrl+d"):
            event.stop()
            event.prevent_default()
            self.clear_cell()
            return
        if key == "backspace":
            event.stop()
            event.prevent_default()
            if editing is not None:
                editing.text = editing.text[:-1]
                self._paint_cell(editing.client_id, editing.column)
                self.post_message(self.EditChanged())
            else:
                cell = self.current()
                saved = None if cell is None else self.values.get(cell)
                if cell is not None and saved is not None:
                    self.start_edit(self._as_text(cell[1], saved)[:-1])
            return
        if key == "f2":
            event.stop()
            self.edit_current()
            return
        if key == "escape" and editing is not None:
            event.stop()
            event.prevent_default()
            self.cancel_edit()
            return
        if char and len(char) == 1 and char.isprintable():
            if editing is not None and (char in _EDIT_CHARS or char.isalpha()):
                event.stop()
                event.prevent_default()
                if len(editing.text) < 24:
                    editing.text += char
                self._paint_cell(editing.client_id, editing.column)
                self.post_message(self.EditChanged())
                return
            if editing is None and char in _START_CHARS:
                event.stop()
                event.prevent_default()
                self.start_edit(char)
                return
        # Anything else that moves (arrows, page keys, [ and ]) saves the typing first;
        # a refused value keeps the cursor on its cell.
        if editing is not None and not self.commit():
            event.stop()
            event.prevent_default()

    @staticmethod
    def _as_text(column: str, value: int) -> str:
        return hours_label(value) if column == HOURS else str(value)

    def on_data_table_cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        self.post_message(self.EditChanged())
