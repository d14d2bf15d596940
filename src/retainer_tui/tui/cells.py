"""How one figure looks in a table cell: status glyphs, progress bars, hours, report and
payment states, as Rich Text styled from the theme (ThemeColors)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from rich.style import Style
from rich.text import Text

from retainer_tui.domain.money import format_money
from retainer_tui.domain.payments import PaymentState
from retainer_tui.domain.reports import ReportState
from retainer_tui.domain.status import MetricStatus, StatusCount
from retainer_tui.domain.terminal_text import visible
from retainer_tui.tui.theme_colors import ThemeColors

STATUS_GLYPHS: dict[MetricStatus, str] = {
    MetricStatus.MET: "✓",
    MetricStatus.ON_TRACK: "●",
    MetricStatus.AT_RISK: "◐",
    MetricStatus.BEHIND: "▼",
    MetricStatus.MISSED: "✗",
    MetricStatus.MISSING: "?",
    MetricStatus.NO_DATA: "·",
    MetricStatus.NO_GOALS: "–",
}
REPORT_LABELS: dict[ReportState, str] = {
    ReportState.SENT: "✓ sent",
    ReportState.DUE: "○ due",
    ReportState.OVERDUE: "! overdue",
    ReportState.NOT_DUE: "· not due",
    ReportState.NOT_APPLICABLE: "—",
}
PAYMENT_LABELS: dict[PaymentState, str] = {
    PaymentState.RECEIVED: "✓ paid",
    PaymentState.PARTIAL: "◑ partial",
    PaymentState.EXPECTED: "○ expected",
    PaymentState.LATE: "! late",
    PaymentState.NOT_APPLICABLE: "—",
}
OVER_HOURS_FLAG = "⚑"


def shown(text: str, style: str | Style = "", *, multiline: bool = False, **kwargs: Any) -> Text:
    """Text from the database as a cell or label: control characters shown as escapes (a
    name written by another tool must not retitle or clear the terminal), and never read
    as Rich markup (a plain str in a DataTable or Rich Table would be)."""
    return Text(visible(text, multiline=multiline), style=style, **kwargs)


_EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(fraction: Fraction | float, width: int) -> str:
    """A progress bar of `width` cells in eighths, full at 1 (never more)."""
    fraction = min(max(Fraction(fraction), Fraction(0)), Fraction(1))
    eighths = int(fraction * width * 8)
    full, part = divmod(eighths, 8)
    text = "█" * full + (_EIGHTHS[part] if part else "")
    return text.ljust(width)


def compact_number(value: int) -> str:
    """1234 → '1234', 12345 → '12.3k', 2500000 → '2.5M': short enough for a cell."""
    if value < 10_000:
        return str(value)
    if value < 1_000_000:
        return f"{value / 1000:.1f}k".replace(".0k", "k")
    return f"{value / 1_000_000:.1f}M".replace(".0M", "M")


def hours_label(hours_x100: int) -> str:
    """Hundredths of an hour as '12.5' (exact; no float)."""
    text = f"{Decimal(hours_x100) / 100:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def status_text(
    status: MetricStatus, colors: ThemeColors, count: StatusCount | None = None
) -> Text:
    """'✗ missed', or '✗ missed · 3/4 met' with the count of the client's fine metrics."""
    text = Text(f"{STATUS_GLYPHS[status]} {status.label}", style=colors.status(status))
    if count is not None:
        text.append(f" · {count}", style=colors.muted)
    return text


def status_glyph(status: MetricStatus, colors: ThemeColors) -> Text:
    return Text(STATUS_GLYPHS[status], style=colors.status(status))


def progress_text(
    target: int | None,
    actual: int | None,
    status: MetricStatus | None,
    colors: ThemeColors,
    *,
    compact: bool = False,
) -> Text:
    """'120/500 ██▌' (or ' 24% █▌' when compact), coloured by the metric's status."""
    if status is None or target is None:
        return Text("")
    style = colors.status(status)
    fraction = Fraction(actual or 0, target) if target > 0 else Fraction(0)
    cells = Text(no_wrap=True, overflow="ellipsis")
    if compact:
        percent = "–" if actual is None else f"{int(fraction * 100)}%"
        cells.append(f"{percent:>4} ", style=style)
        cells.append(bar(fraction, 3), style=style)
        return cells
    figures = f"{'–' if actual is None else compact_number(actual)}/{compact_number(target)}"
    cells.append(f"{figures:>9} ", style=style)
    cells.append(bar(fraction, 3), style=style)
    return cells


def hours_text(hours_x100: int | None, included: int | None, colors: ThemeColors) -> Text:
    """'12.5/20', flagged when more hours were worked than the tier includes."""
    if hours_x100 is None:
        return Text("–" if included is None else f"–/{included}", style=colors.muted)
    if included is None:
        return Text(f"{hours_label(hours_x100)}h")
    text = Text(f"{hours_label(hours_x100)}/{included}")
    if hours_x100 > included * 100:
        text.stylize(colors.warning)
        text.append(f" {OVER_HOURS_FLAG}", style=colors.warning)
    return text


def report_text(
    state: ReportState, owed_elsewhere: int, any_overdue: bool, colors: ThemeColors
) -> Text:
    """The month's report state, plus '+N' other months whose report is still owed."""
    text = Text(REPORT_LABELS[state], style=colors.report(state))
    if owed_elsewhere:
        text.append(f" +{owed_elsewhere}", style=colors.bad if any_overdue else colors.warning)
    return text


def payment_text(
    state: PaymentState,
    colors: ThemeColors,
    *,
    owed_cents: int = 0,
    currency: str = "USD",
    owed_elsewhere: int = 0,
) -> Text:
    """The month's payment state; a partial one with what is still owed of it, plus '+N'
    other months still owed (as the report cell does)."""
    label = PAYMENT_LABELS[state]
    if state is PaymentState.PARTIAL and owed_cents:
        # The glyph says partial; the room goes to what is still owed ("◑ $200").
        owed = format_money(owed_cents, currency, cents_shown=owed_cents % 100 != 0)
        label = f"◑ {owed}"
    text = Text(label, style=colors.payment(state))
    if owed_elsewhere:
        text.append(f" +{owed_elsewhere}", style=colors.bad)
    return text


def money_text(cents: int, currency: str) -> Text:
    return Text(format_money(cents, currency, cents_shown=False), justify="right")
