"""Rich styles taken from the current Textual theme's variables, so table cells (which are
Rich Text, not CSS) follow the theme like everything else."""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from textual.app import App
from textual.color import Color, ColorParseError

from retainer_tui.domain.payments import PaymentState
from retainer_tui.domain.reports import ReportState
from retainer_tui.domain.status import MetricStatus


def _resolve(variables: dict[str, str], name: str, background: Color) -> Color:
    """A theme variable as a solid colour (alpha blended onto the background)."""
    value = variables.get(name, "")
    foreground = Color.parse(variables.get("foreground", "#e0e0e0"))
    if value.startswith("auto"):
        # "auto 60%": the readable text colour at that strength.
        try:
            alpha = float(value.split()[1].rstrip("%")) / 100
        except (IndexError, ValueError):
            alpha = 0.6
        return background.blend(foreground, alpha)
    try:
        return background + Color.parse(value)
    except ColorParseError:
        return foreground


@dataclass(frozen=True, slots=True)
class ThemeColors:
    good: Style
    warning: Style
    bad: Style
    muted: Style
    accent: Style
    primary: Style
    bar_empty: Style

    @classmethod
    def from_app(cls, app: App[object]) -> ThemeColors:
        variables = app.get_css_variables()
        background = Color.parse(variables.get("background", "#000000"))

        def style(name: str) -> Style:
            color = _resolve(variables, name, background)
            if name == "text-muted" and color.ansi is not None:
                # ANSI themes have no in-between colours: dim the default text instead.
                return Style(dim=True)
            return Style(color=color.rich_color)

        return cls(
            good=style("text-success"),
            warning=style("text-warning"),
            bad=style("text-error"),
            muted=style("text-muted"),
            accent=style("text-accent"),
            primary=style("text-primary"),
            bar_empty=Style(
                color=background.blend(
                    _resolve(variables, "foreground", background), 0.25
                ).rich_color
            ),
        )

    def status(self, status: MetricStatus) -> Style:
        return {
            MetricStatus.MET: self.good + Style(bold=True),
            MetricStatus.ON_TRACK: self.good,
            MetricStatus.AT_RISK: self.warning,
            MetricStatus.BEHIND: self.bad,
            MetricStatus.MISSED: self.bad + Style(bold=True),
            MetricStatus.MISSING: self.bad,
            MetricStatus.NO_DATA: self.muted,
            MetricStatus.NO_GOALS: self.muted,
        }[status]

    def report(self, state: ReportState) -> Style:
        return {
            ReportState.SENT: self.good,
            ReportState.DUE: self.warning,
            ReportState.OVERDUE: self.bad + Style(bold=True),
            ReportState.NOT_DUE: self.muted,
            ReportState.NOT_APPLICABLE: self.muted,
        }[state]

    def payment(self, state: PaymentState) -> Style:
        return {
            PaymentState.RECEIVED: self.good,
            PaymentState.PARTIAL: self.warning,
            PaymentState.EXPECTED: self.muted,
            PaymentState.LATE: self.bad + Style(bold=True),
            PaymentState.NOT_APPLICABLE: self.muted,
        }[state]
