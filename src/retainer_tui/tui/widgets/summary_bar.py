"""The dashboard's summary: the month, guaranteed income, run rate and the road to a
six-figure year, and the counts that need doing — each count a link to its filter."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Static

from retainer_tui.domain.income import SIX_FIGURES_CENTS, goal_progress
from retainer_tui.domain.money import currency_symbol, format_money
from retainer_tui.domain.month import Month
from retainer_tui.services.month_view import MonthView
from retainer_tui.tui.cells import bar

if TYPE_CHECKING:
    from textual import getters

    from retainer_tui.tui.app import RetainerApp


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _link(action: str, text: str, *, style: str) -> Content:
    """A clickable piece of the bar that runs a screen action (the same one as its key)."""
    return Content.from_markup(f"[@click=screen.{action}][{style}]$caption[/][/]", caption=text)


class SummaryBar(Vertical):
    """Two lines: figures (with month navigation) and counts (links to filters)."""

    if TYPE_CHECKING:  # the RetainerApp, typed only (see FormScreen.app)
        app = getters.app(RetainerApp)

    def compose(self) -> ComposeResult:
        with Horizontal(id="summary-figures"):
            yield Static(id="month-nav")
            yield Static(id="income")
            yield Static(id="run-rate")
            yield Static(id="six-figures")
        with Horizontal(id="summary-counts"):
            yield Static(id="count-attention")
            yield Static(id="count-reports")
            yield Static(id="count-late")

    _view: MonthView | None = None

    @property
    def narrow(self) -> bool:
        return self.size.width < 100

    def on_resize(self) -> None:
        if self._view is not None:
            self.show(self._view)

    def show_loading(self, month: Month) -> None:
        self._month_nav(month, today=None)

    def _month_nav(self, month: Month, today: date | None) -> None:
        this_month = today is not None and Month.of(today) == month
        current = " [dim](this month)[/]" if this_month and not self.narrow else ""
        self.query_one("#month-nav", Static).update(
            Content.assemble(
                _link("previous_month", "◀", style="$text-accent"),
                " ",
                Content.from_markup("[b]$label[/]", label=month.label()),
                Content.from_markup(current),
                " ",
                _link("next_month", "▶", style="$text-accent"),
            )
        )

    def _hint(self, key: str) -> Content:
        """' (a)': the key of the filter a count opens; left out below 100 columns, where
        the counts need the room (the footer and ? still name the keys)."""
        return Content("") if self.narrow else Content.from_markup(f" [dim]({key})[/]")

    def show(self, view: MonthView) -> None:
        """Put the month view's figures (exactly those `retainer status --json` reports)."""
        self._view = view
        currency = view.currency
        income = view.guaranteed_monthly_income_cents
        run_rate = view.annual_run_rate_cents
        self._month_nav(view.month, view.as_of)
        self.query_one("#income", Static).update(
            Content.from_markup(
                "Guaranteed [b]$amount[/]/mo",
                amount=format_money(income, currency, cents_shown=False),
            )
        )
        self.query_one("#run-rate", Static).update(
            Content.from_markup(
                "Run rate [b]$amount[/]/yr",
                amount=format_money(run_rate, currency, cents_shown=False),
            )
        )
        goal = self.app.settings.yearly_goal * 100
        progress = goal_progress(run_rate, goal)
        label = (
            "Six figures"
            if goal == SIX_FIGURES_CENTS
            else f"Goal {format_money(goal, currency, cents_shown=False)}"
        )
        style = "$text-success" if progress.reached else "$text-warning"
        self.query_one("#six-figures", Static).update(
            Content.from_markup(
                f"$label [{style}]$bar[/] [{style}]$progress[/]",
                label=label,
                bar=bar(progress.fraction, 10),
                progress=str(progress),
            )
        )
        counts = view.counts
        attention = counts.get("needs_attention", 0)
        self.query_one("#count-attention", Static).update(
            Content.assemble(
                _link(
                    "filter('attention')",
                    f"▲ {_plural(attention, 'needs attention', 'need attention')}",
                    style="$text-error" if attention else "$text-muted",
                ),
                self._hint("a"),
            )
        )
        # Reports counted as reports, with the clients they are owed by beside them (the
        # queue counts the same way).
        overdue_clients = counts.get("reports_overdue", 0)
        overdue = sum(c.overdue_owed for c in view.clients)
        due = sum(c.due_owed for c in view.clients)
        reports = (
            f"✉ {overdue} overdue"
            if self.narrow
            else f"✉ {_plural(overdue, 'overdue report', 'overdue reports')}"
        )
        if overdue:
            reports += f", {_plural(overdue_clients, 'client', 'clients')}"
        reports += f" · {due} due"
        self.query_one("#count-reports", Static).update(
            Content.assemble(
                _link(
                    "filter('reports')",
                    reports,
                    style="$text-error" if overdue else "$text-warning" if due else "$text-muted",
                ),
                self._hint("o"),
            )
        )
        # Arrears carry forward: every client owing any month past its grace, and how
        # much in all, whatever month is selected.
        owing = counts.get("payments_owed", 0)
        who = (
            _plural(owing, "owes", "owe")
            if self.narrow
            else _plural(owing, "client owes", "clients owe")
        )
        mark = currency_symbol(currency).strip()  # the payments' sign: $, €, £…
        owed_text = (
            f"{mark} {who} {format_money(view.total_owed_cents, currency, cents_shown=False)}"
            if owing
            else f"{mark} nothing owed"
        )
        self.query_one("#count-late", Static).update(
            Content.assemble(
                _link(
                    "filter('late')",
                    owed_text,
                    style="$text-error" if owing else "$text-muted",
                ),
                self._hint("l"),
            )
        )
