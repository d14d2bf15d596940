"""What every glyph on the dashboard and the client page means: one list, drawn in the
help screen (in the theme's colours) and written into the README (tests keep the two the
same), built from the very tables the cells are drawn from."""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text

from retainer_tui.domain.payments import PaymentState
from retainer_tui.domain.reports import ReportState
from retainer_tui.domain.status import MetricStatus
from retainer_tui.tui.cells import OVER_HOURS_FLAG, PAYMENT_LABELS, REPORT_LABELS, STATUS_GLYPHS
from retainer_tui.tui.theme_colors import ThemeColors

STATUS_MEANING: dict[MetricStatus, str] = {
    MetricStatus.MET: "every goal reached",
    MetricStatus.ON_TRACK: "at or ahead of the month's pace",
    MetricStatus.AT_RISK: "a little below pace (within the tolerance)",
    MetricStatus.BEHIND: "below pace by more than the tolerance",
    MetricStatus.MISSED: "the month ended below a goal",
    MetricStatus.MISSING: "the month ended with a result not entered",
    MetricStatus.NO_DATA: "no result entered yet this month",
    MetricStatus.NO_GOALS: "no targets for the month",
}
REPORT_MEANING: dict[ReportState, str] = {
    ReportState.SENT: "the month's report was sent",
    ReportState.DUE: "the month ended; the report is due",
    ReportState.OVERDUE: "past the report due day",
    ReportState.NOT_DUE: "the month is not over yet",
    ReportState.NOT_APPLICABLE: "no report needed for the month",
}
PAYMENT_MEANING: dict[PaymentState, str] = {
    PaymentState.RECEIVED: "the month's fee received",
    PaymentState.PARTIAL: "part received; the amount shown is still owed",
    PaymentState.EXPECTED: "not yet received, within the grace days",
    PaymentState.LATE: "nothing received past the grace days",
    PaymentState.NOT_APPLICABLE: "no payment due for the month",
}


@dataclass(frozen=True, slots=True)
class Entry:
    glyph: str
    meaning: str
    style: str = ""  # the ThemeColors attribute (or status) that colours the glyph


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    entries: tuple[Entry, ...]


def sections() -> tuple[Section, ...]:
    status = tuple(
        Entry(f"{STATUS_GLYPHS[s]} {s.label}", STATUS_MEANING[s], f"status:{s.value}")
        for s in STATUS_MEANING
    )
    counts = (
        Entry("· 3/4 met", "beside missed: how many of the client's goals were met", "muted"),
        Entry("· 2/3 ok", "beside behind or at risk: how many are met or on pace", "muted"),
        Entry("· 2/3 in", "beside no data or missing: how many have a result", "muted"),
        Entry("F P C", "the goals column at narrow widths: each metric's initial over its glyph"),
    )
    report = tuple(
        Entry(REPORT_LABELS[r], REPORT_MEANING[r], f"report:{r.value}") for r in REPORT_MEANING
    )
    payment = tuple(
        Entry(
            PAYMENT_LABELS[p].replace("partial", "$200"), PAYMENT_MEANING[p], f"payment:{p.value}"
        )
        for p in PAYMENT_MEANING
    )
    return (
        Section("Status", status + counts),
        Section(
            "Report",
            (
                *report,
                Entry(
                    "+2", "reports owed for other months too (red when one is overdue)", "warning"
                ),
            ),
        ),
        Section(
            "Payment",
            (*payment, Entry("+1", "other months still owed (arrears)", "bad")),
        ),
        Section(
            "Other",
            (
                Entry(OVER_HOURS_FLAG, "more hours worked than the tier includes", "warning"),
                Entry(
                    "72% ██▏", "actual against the month's target, in the metric's status colour"
                ),
            ),
        ),
    )


def _style(colors: ThemeColors, key: str) -> Style | str:
    if not key:
        return ""
    kind, _, value = key.partition(":")
    if kind == "status":
        return colors.status(MetricStatus(value))
    if kind == "report":
        return colors.report(ReportState(value))
    if kind == "payment":
        return colors.payment(PaymentState(value))
    style: Style = getattr(colors, kind)
    return style


def glyph_text(entry: Entry, colors: ThemeColors) -> Text:
    return Text(entry.glyph, style=_style(colors, entry.style))


# The theme's colours by the names the README gives them (any theme keeps their sense).
_NAMED = ThemeColors(
    good=Style(color="green"),
    warning=Style(color="yellow"),
    bad=Style(color="red"),
    muted=Style(dim=True),
    accent=Style(color="blue"),
    primary=Style(color="blue"),
    bar_empty=Style(dim=True),
)
_WORDS = {"green": "green", "yellow": "amber", "red": "red", "blue": "blue"}


def colour_words(entry: Entry) -> str:
    """'red, bold', 'dim', or '' for text in the default colour."""
    style = _style(_NAMED, entry.style)
    if not isinstance(style, Style):
        return ""
    words = [_WORDS[style.color.name]] if style.color is not None else []
    words += [flag for flag in ("bold", "dim") if getattr(style, flag)]
    return ", ".join(words)


def legend_markdown() -> str:
    """The README's legend: one table per section."""
    lines: list[str] = []
    for section in sections():
        lines += [f"**{section.title}**", "", "| Shown | Colour | Means |", "|---|---|---|"]
        lines += [f"| `{e.glyph}` | {colour_words(e)} | {e.meaning} |" for e in section.entries]
        lines.append("")
    return "\n".join(lines)
