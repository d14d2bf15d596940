"""The dashboard's client table: one row per client for the month, filled in chunks so that
ten thousand rows never hold up the keyboard."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from rich.text import Text
from textual import on, work
from textual.events import Resize
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist

from retainer_tui.domain.month import Month
from retainer_tui.services.month_view import ClientMonth, MetricInfo
from retainer_tui.tui import cells
from retainer_tui.tui.theme_colors import ThemeColors
from retainer_tui.tui.widgets.column_plan import ColumnPlan, plan_columns

# Rows added per step: small enough that one step takes a few milliseconds.
CHUNK = 250


class ClientTable(DataTable[Text]):
    """Rows keyed by client id; the cursor stays on the same client across refills."""

    class SortRequested(Message):
        """A column header was clicked."""

        def __init__(self, column: str) -> None:
            self.column = column
            super().__init__()

    class Filled(Message):
        """Every row of the latest show() is in the table."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._rows: Sequence[ClientMonth] = ()
        self._metrics: Sequence[MetricInfo] = ()
        self._month: Month | None = None
        self._currency = "USD"
        self._sort_column = "attention"
        self._sort_reverse = False
        self._plan: ColumnPlan | None = None
        self._colors: ThemeColors | None = None
        self.filling = False

    # -- what other widgets ask ------------------------------------------------------------

    @property
    def client_ids(self) -> list[int]:
        """The ids of the rows being shown, in order (including rows still being added)."""
        return [c.id for c in self._rows]

    def highlighted_client_id(self) -> int | None:
        if not self.row_count:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        except CellDoesNotExist:
            return None
        return int(key.value) if key.value is not None else None

    def highlight_client(self, client_id: int) -> bool:
        """Move the cursor to the client's row if it is in the table."""
        try:
            index = self.get_row_index(str(client_id))
        except Exception:  # RowDoesNotExist: not (yet) in the table
            return False
        self.move_cursor(row=index, animate=False)
        return True

    # -- filling ---------------------------------------------------------------------------

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
        self._rebuild(keep)

    def restyle(self) -> None:
        """Redraw the cells after a theme change."""
        if self._month is not None:
            self._colors = ThemeColors.from_app(self.app)
            self._rebuild(self.highlighted_client_id())

    def _available_width(self) -> int:
        width = self.scrollable_content_region.width or self.app.size.width
        return max(width, 40)

    def _rebuild(self, keep: int | None) -> None:
        self._plan = plan_columns(self._available_width(), self._metrics)
        self.clear(columns=True)
        for column in self._plan.columns:
            self.add_column(
                self._header(column.key, column.label), width=column.width, key=column.key
            )
        target = self._index_of(keep)
        first = self._rows[:CHUNK]
        self._add(first)
        if target is not None and target < len(first):
            self.move_cursor(row=target, animate=False)
        if len(self._rows) > CHUNK:
            self.filling = True
            self._fill_rest(target)
        else:
            self.filling = False
            self._fill_rest_done()

    def _index_of(self, client_id: int | None) -> int | None:
        if client_id is None:
            return None
        return next((i for i, c in enumerate(self._rows) if c.id == client_id), None)

    def _header(self, key: str, label: str) -> Text:
        if key != self._sort_column:
            return Text(label)
        arrow = "▼" if self._sort_reverse else "▲"
        return Text(f"{label[: max(1, len(label))]} {arrow}", style="bold")

    def _add(self, rows: Sequence[ClientMonth]) -> None:
        for client in rows:
            self.add_row(*self._cells(client), key=str(client.id))

    @work(exclusive=True, group="fill")
    async def _fill_rest(self, target: int | None) -> None:
        """Add the rows after the first chunk a step at a time, yielding to key handling."""
        rows = self._rows
        for start in range(CHUNK, len(rows), CHUNK):
            await asyncio.sleep(0)
            if rows is not self._rows:
                return  # replaced by a newer show()
            chunk = rows[start : start + CHUNK]
            self._add(chunk)
            if target is not None and start <= target < start + len(chunk):
                self.move_cursor(row=target, animate=False)
        self.filling = False
        self._fill_rest_done()

    def _fill_rest_done(self) -> None:
        self.post_message(self.Filled())

    # -- cells -----------------------------------------------------------------------------

    def _cells(self, client: ClientMonth) -> list[Text]:
        assert self._plan is not None and self._colors is not None and self._month is not None
        colors = self._colors
        row: list[Text] = []
        for column in self._plan.columns:
            key = column.key
            if key == "name":
                row.append(Text(client.name, no_wrap=True, overflow="ellipsis"))
            elif key == "tier":
                row.append(Text(client.tier or "—", style="" if client.tier else colors.muted))
            elif key == "fee":
                row.append(cells.money_text(client.monthly_fee_cents, self._currency))
            elif key == "status":
                row.append(cells.status_text(client.month_status, colors))
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
                row.append(cells.payment_text(client.payment, colors))
        return row

    # -- events ----------------------------------------------------------------------------

    def on_resize(self, event: Resize) -> None:
        if self._plan is None or self._month is None:
            return
        if plan_columns(self._available_width(), self._metrics) != self._plan:
            self._rebuild(self.highlighted_client_id())

    @on(DataTable.HeaderSelected)
    def _header_clicked(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        if event.column_key.value is not None:
            self.post_message(self.SortRequested(event.column_key.value))
