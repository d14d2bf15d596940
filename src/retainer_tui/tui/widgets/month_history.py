"""The client page's table: one row per month, targets vs actuals per metric with their
status, hours against the tier, the payment and the report."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from retainer_tui.domain.payments import PaymentState
from retainer_tui.domain.reports import ReportState
from retainer_tui.services.client_detail import ClientDetail, HistoryMonth
from retainer_tui.tui import cells
from retainer_tui.tui.theme_colors import ThemeColors
from retainer_tui.tui.widgets.column_plan import FULL_METRIC, SHORT_LABELS


def _payment(month: HistoryMonth, colors: ThemeColors, currency: str) -> Text:
    text = cells.payment_text(
        month.payment, colors, owed_cents=month.payment_owed_cents, currency=currency
    )
    if month.payment is PaymentState.LATE and month.payment_owed_cents:
        owed = cells.format_money(month.payment_owed_cents, currency, cents_shown=False)
        text.append(f" {owed}", style=colors.bad)
    if month.payment is PaymentState.RECEIVED and month.payment_received_on:
        text.append(f" {month.payment_received_on:%d %b}", style=colors.muted)
    return text


def _report(month: HistoryMonth, colors: ThemeColors) -> Text:
    text = Text(cells.REPORT_LABELS[month.report], style=colors.report(month.report))
    if month.report is ReportState.SENT and month.report_sent_on:
        text.append(f" {month.report_sent_on:%d %b}", style=colors.muted)
    return text


class MonthHistoryTable(DataTable[Text]):
    """Months oldest first, so that it reads in the same direction as the trend lines."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.fixed_columns = 1

    def show(self, detail: ClientDetail) -> None:
        colors = ThemeColors.from_app(self.app)
        keep = self.cursor_row
        self.clear(columns=True)
        self.add_column("Month", width=8, key="month")
        self.add_column("Status", width=10, key="status")
        for metric in detail.metrics:
            label = (
                metric.label
                if len(metric.label) <= FULL_METRIC
                else (SHORT_LABELS.get(metric.key, metric.label[: FULL_METRIC - 1] + "…"))
            )
            self.add_column(cells.shown(label), width=FULL_METRIC, key=f"m:{metric.key}")
        self.add_column("Hours", width=9, key="hours")
        self.add_column("Payment", width=17, key="payment")
        self.add_column("Report", width=16, key="report")
        for month in detail.months:
            if not month.in_service:
                row = [Text(month.month.short_label()), Text("—", style=colors.muted)]
                row += [Text("") for _ in detail.metrics]
                row += [
                    cells.hours_text(month.hours_x100, None, colors)
                    if month.hours_x100 is not None
                    else Text(""),
                    _payment(month, colors, detail.currency),
                    _report(month, colors),
                ]
            else:
                row = [
                    Text(month.month.short_label()),
                    cells.status_text(month.month_status, colors),
                    *(
                        cells.progress_text(c.target, c.actual, c.status, colors)
                        for c in month.cells
                    ),
                    cells.hours_text(month.hours_x100, month.included_hours, colors),
                    _payment(month, colors, detail.currency),
                    _report(month, colors),
                ]
            self.add_row(*row, key=str(month.month))
        if self.row_count:
            self.move_cursor(
                row=min(keep, self.row_count - 1) if keep else self.row_count - 1, animate=False
            )
