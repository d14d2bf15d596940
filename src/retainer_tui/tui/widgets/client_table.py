"""The dashboard's client table: one row per client for the month.

It draws only the lines on screen (Textual's line API), so showing, sorting or filtering
ten thousand clients costs a Python sort, not ten thousand table rows: the keyboard never
waits on it. Columns come from column_plan (fixed widths that fit the terminal)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from retainer_tui.domain.month import Month
from retainer_tui.domain.status import status_count
from retainer_tui.services.month_view import ClientMonth, MetricInfo
from retainer_tui.tui import cells
from retainer_tui.tui.theme_colors import ThemeColors
from retainer_tui.tui.widgets.column_plan import CELL_PADDING, ColumnPlan, plan_columns

HEADER_HEIGHT = 1


class ClientTable(ScrollView, can_focus=True):
    """Rows keyed by client id; the cursor stays on the same client across refills."""

    DEFAULT_CSS = """
    ClientTable {
        background: $surface;
        color: $foreground;
        &:focus {
            background-tint: $foreground 5%;
            & > .client-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
        & > .client-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        & > .client-table--even-row {
            background: $surface-lighten-1 50%;
        }
        &:dark > .client-table--even-row {
            background: $surface-darken-1 40%;
        }
        & > .client-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .client-table--hover {
            background: $block-hover-background;
        }
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "client-table--header",
        "client-table--even-row",
        "client-table--cursor",
        "client-table--hover",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Open", show=False),
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
    ]

    cursor_row: reactive[int] = reactive(0, always_update=True)
    hover_row: reactive[int] = reactive(-1)

    class ClientSelected(Message):
        """enter, or a click on the highlighted row: open this client."""

        def __init__(self, client_id: int) -> None:
            self.client_id = client_id
            super().__init__()

    class SortRequested(Message):
        """A column header was clicked."""

        def __init__(self, column: str) -> None:
            self.column = column
            super().__init__()

    class Filled(Message):
        """Every row of the latest show() can be drawn (sent after each show())."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: Sequence[ClientMonth] = ()
        self._metrics: Sequence[MetricInfo] = ()
        self._month: Month | None = None
        self._currency = "USD"
        self._sort_column = "attention"
        self._sort_reverse = False
        self._plan: ColumnPlan | None = None
        self._colors: ThemeColors | None = None
        self._cells: LRUCache[int, list[Text]] = LRUCache(2000)
        self._lines: LRUCache[tuple[int, int, bool, bool, bool], Strip] = LRUCache(500)
        # Kept for callers written for a table filled in steps; drawing is never behind.
        self.filling = False

    # -- what other widgets ask ------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def client_ids(self) -> list[int]:
        return [c.id for c in self._rows]

    @property
    def plan(self) -> ColumnPlan | None:
        return self._plan

    @property
    def column_keys(self) -> tuple[str, ...]:
        return self._plan.keys if self._plan else ()

    @property
    def rows_built(self) -> int:
        """How many rows have been turned into cells since the rows were last set: only
        those drawn (the table must not build 10,000 rows to show 30)."""
        return len(self._cells)

    def row_cells(self, index: int) -> list[Text]:
        """The cells of a row as drawn (Rich Text per column)."""
        cached = self._cells.get(index)
        if cached is None:
            cached = self._make_cells(self._rows[index])
            self._cells[index] = cached
        return cached

    def highlighted_client_id(self) -> int | None:
        if not self._rows:
            return None
        return self._rows[min(self.cursor_row, len(self._rows) - 1)].id

    def highlight_client(self, client_id: int) -> bool:
        """Move the cursor to the client's row if it is shown."""
        index = self._index_of(client_id)
        if index is None:
            return False
        self.cursor_row = index
        return True

    # -- showing ---------------------------------------------------------------------------

    def show(
        self,
        rows: Sequence[ClientMonth],
        *,
        metrics: Sequence[MetricInfo],
        month: Month,
        currency: str,
        sort_column: str,
        sort_reverse: bool,
        keep: int | None = None,
    ) -> None:
        """Replace the rows; the cursor goes back to `keep` (a client id) when shown."""
        self._rows, self._metrics, self._month, self._currency = rows, metrics, month, currency
        self._sort_column, self._sort_reverse = sort_column, sort_reverse
        self._colors = ThemeColors.from_app(self.app)
        self._relayout()
        index = self._index_of(keep)
        self.cursor_row = index if index is not None else 0
        self.post_message(self.Filled())

    def restyle(self) -> None:
        """Redraw the cells in the new theme's colours."""
        if self._month is not None:
            self._colors = ThemeColors.from_app(self.app)
            self._forget()

    def _relayout(self) -> None:
        self._plan = plan_columns(self._available_width(), self._metrics)
        self.virtual_size = Size(self._available_width(), len(self._rows) + HEADER_HEIGHT)
        self._forget()

    def notify_style_update(self) -> None:
        # Focus, theme or CSS changed: the cached lines were drawn with the old styles.
        super().notify_style_update()
        self._lines.clear()

    def _forget(self) -> None:
        self._cells.clear()
        self._lines.clear()
        self.refresh()

    def _available_width(self) -> int:
        return max(self.scrollable_content_region.width or self.app.size.width, 40)

    def _index_of(self, client_id: int | None) -> int | None:
        if client_id is None:
            return None
        return next((i for i, c in enumerate(self._rows) if c.id == client_id), None)

    # -- cursor and scrolling --------------------------------------------------------------

    def validate_cursor_row(self, row: int) -> int:
        return max(0, min(row, len(self._rows) - 1)) if self._rows else 0

    def watch_cursor_row(self, old: int, new: int) -> None:
        self._refresh_row(old)
        self._refresh_row(new)
        self._scroll_to_row(new)

    def watch_hover_row(self, old: int, new: int) -> None:
        self._refresh_row(old)
        self._refresh_row(new)

    def _refresh_row(self, index: int) -> None:
        y = index - int(self.scroll_offset.y) + HEADER_HEIGHT
        if HEADER_HEIGHT <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def _scroll_to_row(self, index: int) -> None:
        visible = max(1, self.scrollable_content_region.height - HEADER_HEIGHT)
        top = int(self.scroll_offset.y)
        if index < top:
            self.scroll_to(y=index, animate=False)
        elif index >= top + visible:
            self.scroll_to(y=index - visible + 1, animate=False)

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - HEADER_HEIGHT - 1)

    def action_cursor_up(self) -> None:
        self.cursor_row -= 1

    def action_cursor_down(self) -> None:
        self.cursor_row += 1

    def action_page_up(self) -> None:
        self.cursor_row -= self._page()

    def action_page_down(self) -> None:
        self.cursor_row += self._page()

    def action_first(self) -> None:
        self.cursor_row = 0

    def action_last(self) -> None:
        self.cursor_row = len(self._rows) - 1

    def action_select(self) -> None:
        client_id = self.highlighted_client_id()
        if client_id is not None:
            self.post_message(self.ClientSelected(client_id))

    # -- mouse -----------------------------------------------------------------------------

    def _row_at(self, y: int) -> int | None:
        if y < HEADER_HEIGHT:
            return None
        index = y - HEADER_HEIGHT + int(self.scroll_offset.y)
        return index if 0 <= index < len(self._rows) else None

    def _column_at(self, x: int) -> str | None:
        if self._plan is None:
            return None
        left = 0
        for column in self._plan.columns:
            right = left + column.width + 2 * CELL_PADDING
            if left <= x < right:
                return column.key
            left = right
        return None

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y < HEADER_HEIGHT:
            column = self._column_at(offset.x)
            if column is not None:
                self.post_message(self.SortRequested(column))
            return
        index = self._row_at(offset.y)
        if index is None:
            return
        if index == self.cursor_row or event.chain > 1:
            self.cursor_row = index
            self.action_select()
        else:
            self.cursor_row = index

    def on_mouse_move(self, event: events.MouseMove) -> None:
        offset = event.get_content_offset(self)
        index = self._row_at(offset.y) if offset is not None else None
        self.hover_row = -1 if index is None else index

    def on_leave(self) -> None:
        self.hover_row = -1

    def on_resize(self) -> None:
        if self._month is not None:
            plan = plan_columns(self._available_width(), self._metrics)
            if plan != self._plan:
                self._relayout()
            self._scroll_to_row(self.cursor_row)

    # -- drawing ---------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y < HEADER_HEIGHT:
            return self._header_line(width)
        index = y - HEADER_HEIGHT + int(self.scroll_offset.y)
        if not 0 <= index < len(self._rows):
            return Strip.blank(width, self.rich_style)
        focused = self.has_focus
        key = (index, width, index == self.cursor_row, index == self.hover_row, focused)
        line = self._lines.get(key)
        if line is None:
            line = self._row_line(index, width, key[2], key[3])
            self._lines[key] = line
        return line

    def _segments(
        self, texts: Sequence[Text], style: Style, plan: ColumnPlan | None = None
    ) -> list[Segment]:
        plan = plan or self._plan
        assert plan is not None
        line = Text(no_wrap=True, end="")
        pad = " " * CELL_PADDING
        for column, text in zip(plan.columns, texts, strict=False):
            cell = text.copy()
            cell.truncate(column.width, overflow="ellipsis")
            gap = column.width - cell.cell_len
            line.append(pad)
            if column.right:
                line.append(" " * gap)
                line.append_text(cell)
            else:
                line.append_text(cell)
                line.append(" " * gap)
            line.append(pad)
        segments = list(line.render(self.app.console))
        return list(Segment.apply_style(segments, style))

    def _header_line(self, width: int) -> Strip:
        # Before the first month arrives: the columns every month has, so that the first
        # frame shows the table it will fill.
        plan = self._plan or plan_columns(self._available_width(), ())
        labels = []
        for column in plan.columns:
            label = column.label
            if column.key == self._sort_column:
                label = f"{label} {'▼' if self._sort_reverse else '▲'}"
            labels.append(Text(label))
        style = self.rich_style + self.get_component_rich_style("client-table--header")
        strip = Strip(self._segments(labels, style, plan))
        return strip.extend_cell_length(width, style).crop(0, width)

    def _row_line(self, index: int, width: int, cursor: bool, hover: bool) -> Strip:
        base = self.rich_style
        if index % 2:
            base += self.get_component_rich_style("client-table--even-row")
        if hover and not cursor:
            base += self.get_component_rich_style("client-table--hover")
        segments = self._segments(self.row_cells(index), base)
        if cursor:
            # The cursor's colours win over the cells' so the highlighted row stays readable.
            cursor_style = self.get_component_rich_style("client-table--cursor")
            segments = list(Segment.apply_style(segments, post_style=cursor_style))
            fill = base + cursor_style
        else:
            fill = base
        return Strip(segments).extend_cell_length(width, fill).crop(0, width)

    def _make_cells(self, client: ClientMonth) -> list[Text]:
        assert self._plan is not None and self._colors is not None and self._month is not None
        colors = self._colors
        row: list[Text] = []
        hours_shown = "hours" in self._plan.keys
        for column in self._plan.columns:
            key = column.key
            if key == "name":
                name = cells.shown(client.name)
                if client.over_hours and not hours_shown:
                    name.append(f" {cells.OVER_HOURS_FLAG}", style=colors.warning)
                row.append(name)
            elif key == "tier":
                row.append(
                    cells.shown(client.tier or "—", style="" if client.tier else colors.muted)
                )
            elif key == "fee":
                row.append(cells.money_text(client.monthly_fee_cents, self._currency))
            elif key == "status":
                count = (
                    status_count([m.status for m in client.metrics])
                    if self._plan.status_count
                    else None
                )
                row.append(cells.status_text(client.month_status, colors, count))
            elif key == "goals":
                glyphs = Text()
                for i, metric in enumerate(self._metrics):
                    cell = client.metric(metric.key)
                    if i:
                        glyphs.append(" ")
                    if cell is None:
                        glyphs.append(" ")
                    else:
                        glyphs.append_text(cells.status_glyph(cell.status, colors))
                row.append(glyphs)
            elif key.startswith("m:"):
                cell = client.metric(key[2:])
                row.append(
                    cells.progress_text(
                        cell.target if cell else None,
                        cell.actual if cell else None,
                        cell.status if cell else None,
                        colors,
                        compact=self._plan.metrics == "compact",
                    )
                )
            elif key == "hours":
                row.append(cells.hours_text(client.hours_x100, client.included_hours, colors))
            elif key == "report":
                elsewhere = sum(1 for m in client.reports_owed if m != self._month)
                row.append(
                    cells.report_text(client.report, elsewhere, client.overdue_owed > 0, colors)
                )
            elif key == "payment":
                elsewhere = sum(1 for m, _ in client.payments_owed if m != self._month)
                row.append(
                    cells.payment_text(
                        client.payment,
                        colors,
                        owed_cents=client.owed_this_month_cents,
                        currency=self._currency,
                        owed_elsewhere=elsewhere,
                    )
                )
        return row
