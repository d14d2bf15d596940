"""One Sparkline per metric (and for hours) over the client page's months."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Sparkline, Static

from retainer_tui.services.client_detail import ClientDetail
from retainer_tui.tui import cells
from retainer_tui.tui.cells import compact_number, hours_label


class TrendRow(Horizontal):
    """Label, sparkline, and the latest figure against its target."""

    def __init__(self, label: str, data: list[float], summary: str) -> None:
        super().__init__(classes="trend")
        self.label, self.data, self.summary = label, data, summary

    def compose(self) -> ComposeResult:
        yield Static(cells.shown(self.label), classes="trend-label")
        yield Sparkline(self.data, classes="trend-line")
        yield Static(self.summary, classes="trend-summary")


def trend_rows(detail: ClientDetail) -> list[TrendRow]:
    rows: list[TrendRow] = []
    for metric in detail.metrics:
        series = detail.series(metric.key)
        months_met = 0
        latest_target = None
        for month in detail.months:
            cell = month.cell(metric.key)
            if cell and cell.target:
                latest_target = cell.target
                if cell.actual is not None and cell.actual >= cell.target:
                    months_met += 1
        latest = next((v for v in reversed(series) if v is not None), None)
        summary = (
            f"latest {compact_number(latest) if latest is not None else '–'}"
            f" / {compact_number(latest_target) if latest_target else '–'}"
            f" · met {months_met}×"
        )
        rows.append(TrendRow(metric.label, [float(v or 0) for v in series], summary))
    hours = [m.hours_x100 for m in detail.months]
    if any(h is not None for h in hours):
        included = detail.tier.included_hours if detail.tier else None
        over = sum(1 for m in detail.months if m.over_hours)
        total = sum(h or 0 for h in hours)
        summary = f"{hours_label(total)}h in {len(hours)} months"
        if included is not None:
            summary += f" · over {included}h {over}×"
        rows.append(TrendRow("Hours", [float(h or 0) for h in hours], summary))
    return rows


class MetricTrends(Vertical):
    async def show(self, detail: ClientDetail) -> None:
        await self.remove_children()
        rows = trend_rows(detail)
        if rows:
            await self.mount_all(rows)
        else:
            await self.mount(Static("No goals set yet.", classes="trend-empty"))
