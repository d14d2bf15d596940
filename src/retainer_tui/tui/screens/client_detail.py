"""A client's page: contact, tier and terms, twelve months of targets vs actuals, trends,
hours, payments, reports and notes. escape goes back to the dashboard."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from retainer_tui.domain.money import format_money
from retainer_tui.services.client_detail import ClientDetail, load_client_detail
from retainer_tui.services.database import DatabaseError
from retainer_tui.tui import cells
from retainer_tui.tui.keys import DETAIL_KEYS, PAGE_SCROLL_IDS, bindings
from retainer_tui.tui.month_step import month_step
from retainer_tui.tui.theme_colors import ThemeColors
from retainer_tui.tui.widgets.metric_trends import MetricTrends
from retainer_tui.tui.widgets.month_history import MonthHistoryTable

if TYPE_CHECKING:
    from textual import getters

    from retainer_tui.tui.app import RetainerApp


# Owed months named on the client page before "+N more" (the total says the rest).
OWED_SHOWN = 4


def _facts(rows: list[tuple[str, str | Text]]) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for label, value in rows:
        if value:
            table.add_row(label, cells.shown(value) if isinstance(value, str) else value)
    return table


def contact_facts(detail: ClientDetail) -> Table:
    return _facts(
        [
            ("Contact", detail.decision_maker),
            ("Email", detail.email),
            ("Phone", detail.phone),
            ("Service", detail.service_type),
            ("Status", detail.status.value),
            ("Stage", detail.stage),
            (
                "Next",
                f"{detail.next_action} ({detail.next_action_on:%d %b %Y})"
                if detail.next_action and detail.next_action_on
                else detail.next_action,
            ),
        ]
    )


def terms_facts(detail: ClientDetail, colors: ThemeColors) -> Table:
    fee = format_money(detail.monthly_fee_cents, detail.currency, cents_shown=False) + "/mo"
    if detail.fee_override_cents is not None and detail.tier is not None:
        tier_fee = format_money(detail.tier.monthly_fee_cents, detail.currency, cents_shown=False)
        fee += f" (tier {tier_fee})"
    span = f"from {detail.start}" if detail.start else "no start month"
    if detail.end:
        span += f" to {detail.end}"
    if detail.start and detail.tracked_from and detail.tracked_from > detail.start:
        # Reports and payments are owed from here on, not from the start month.
        span += f" · tracked from {detail.tracked_from}"
    owed = (
        Text(", ".join(m.short_label() for m in detail.reports_owed), style=colors.bad)
        if detail.reports_owed
        else Text("none", style=colors.good)
    )
    payments = (
        Text(
            ", ".join(
                f"{m.short_label()} {format_money(cents, detail.currency, cents_shown=False)}"
                for m, cents in detail.payments_owed[:OWED_SHOWN]
            )
            + (
                f" +{len(detail.payments_owed) - OWED_SHOWN} more"
                if len(detail.payments_owed) > OWED_SHOWN
                else ""
            )
            + (
                f" · {format_money(detail.total_owed_cents, detail.currency, cents_shown=False)}"
                " in all"
                if len(detail.payments_owed) > 1
                else ""
            ),
            style=colors.bad,
        )
        if detail.payments_owed
        else Text("none", style=colors.good)
    )
    tier = detail.tier
    return _facts(
        [
            ("Tier", f"{tier.name} · {tier.included_hours}h included" if tier else "no tier"),
            ("Services", ", ".join(tier.services) if tier else ""),
            ("Fee", fee),
            ("Billing", f"day {detail.billing_day} of each month"),
            ("Report", f"due by day {detail.report_due_day} of the next month"),
            ("Retainer", span),
            ("Reports owed", owed),
            ("Payments owed", payments),
        ]
    )


def last_changes(detail: ClientDetail, colors: ThemeColors) -> Text:
    """The latest changes, newest first: when (UTC), who, and what they did."""
    if not detail.changes:
        return Text("No changes recorded yet.", style=colors.muted)
    out = Text()
    for i, entry in enumerate(detail.changes):
        if i:
            out.append("\n")
        out.append(entry.at.replace("T", " ")[:16], style=colors.muted)
        out.append("  ")
        out.append_text(cells.shown(entry.author, style="bold"))
        out.append("  ")
        out.append_text(cells.shown(entry.action))
        what = entry.describe()
        if what:
            out.append(" · ", style=colors.muted)
            out.append_text(cells.shown(what, style=colors.muted))
    return out


class ClientDetailScreen(Screen[None]):
    if TYPE_CHECKING:  # the RetainerApp, typed only (see FormScreen.app)
        app = getters.app(RetainerApp)
    KEY_SCOPE = "client"
    TITLE_TEXT = "Client"
    # PageDown/End would only move the month table's cursor (it has focus): as priority
    # keys they scroll the whole page, so the trends and notes below it are reached.
    BINDINGS: ClassVar[list[BindingType]] = bindings(DETAIL_KEYS, priority=PAGE_SCROLL_IDS)
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    AUTO_FOCUS = "#history"

    class Loaded(Message):
        def __init__(self, detail: ClientDetail | None, request: int) -> None:
            self.detail = detail
            self.request = request
            super().__init__()

    class LoadFailed(Message):
        def __init__(self, error: DatabaseError) -> None:
            self.error = error
            super().__init__()

    def __init__(self, client_id: int) -> None:
        super().__init__()
        self.client_id = client_id
        self.detail: ClientDetail | None = None
        self._request = 0

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="detail"):
            yield Static("Loading…", id="detail-title")
            with Horizontal(id="detail-facts"):
                yield Static(id="contact")
                yield Static(id="terms")
            yield Static("Month by month", classes="section-title", id="history-title")
            yield MonthHistoryTable(id="history")
            yield Static("Trends", classes="section-title")
            yield MetricTrends(id="trends")
            yield Static("Notes", classes="section-title")
            yield Static(id="notes")
            yield Static("Last changes", classes="section-title")
            yield Static(id="changes")
        yield Footer()

    def on_mount(self) -> None:
        self.app.data_changed.subscribe(self, lambda _: self.load())
        self.app.theme_changed_signal.subscribe(self, lambda _: self._redraw())
        self.load()

    def load(self) -> None:
        self._request += 1
        self._load(self._request)

    @work(thread=True, exclusive=True, group="db", exit_on_error=False)
    def _load(self, request: int) -> None:
        app = self.app
        try:
            detail = load_client_detail(
                app.db,
                client_id=self.client_id,
                as_of=app.today,
                last_month=app.month,
                tolerance=app.settings.tolerance,
                grace_days=app.settings.late_payment_grace_days,
            )
        except DatabaseError as exc:
            self.post_message(self.LoadFailed(exc))
            return
        self.post_message(self.Loaded(detail, request))

    @on(Loaded)
    async def _loaded(self, message: Loaded) -> None:
        if message.request != self._request:
            return
        if message.detail is None:
            self.notify("This client no longer exists.", severity="warning")
            self.dismiss(None)
            return
        self.detail = message.detail
        await self._redraw()

    @on(LoadFailed)
    def _load_failed(self, message: LoadFailed) -> None:
        self.app.show_error(message.error)

    async def _redraw(self) -> None:
        detail = self.detail
        if detail is None:
            return
        colors = ThemeColors.from_app(self.app)
        title = cells.shown(detail.name, style="bold")
        if detail.company:
            title.append(f"  {detail.company}", style=colors.muted)
        self.query_one("#detail-title", Static).update(title)
        self.query_one("#contact", Static).update(contact_facts(detail))
        self.query_one("#terms", Static).update(terms_facts(detail, colors))
        first, last = detail.months[0].month, detail.months[-1].month
        self.query_one("#history-title", Static).update(
            f"Month by month · {first.short_label()} – {last.short_label()}"
        )
        self.query_one(MonthHistoryTable).show(detail)
        await self.query_one(MetricTrends).show(detail)
        self.query_one("#notes", Static).update(
            cells.shown(detail.notes, multiline=True)
            if detail.notes.strip()
            else Text("No notes.", style=colors.muted)
        )
        self.query_one("#changes", Static).update(last_changes(detail, colors))

    # -- keys ------------------------------------------------------------------------------

    # -- scrolling the page ----------------------------------------------------------------

    @property
    def page(self) -> VerticalScroll:
        return self.query_one("#detail", VerticalScroll)

    def action_page_down(self) -> None:
        self.page.scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        self.page.scroll_page_up(animate=False)

    def action_page_end(self) -> None:
        self.page.scroll_end(animate=False)

    def action_page_home(self) -> None:
        self.page.scroll_home(animate=False)

    def action_back(self) -> None:
        self.dismiss(None)

    def action_previous_month(self) -> None:
        if (month := month_step(self, self.app.month, -1)) is not None:
            self.app.set_month(month)
            self.load()

    def action_next_month(self) -> None:
        if (month := month_step(self, self.app.month, 1)) is not None:
            self.app.set_month(month)
            self.load()

    def action_edit_client(self) -> None:
        self.app.open_edit_client(self.client_id)

    def action_edit_goals(self) -> None:
        self.app.open_goals(self.client_id)

    def action_enter_results(self) -> None:
        self.app.open_results(self.client_id)

    def action_mark_payment(self) -> None:
        self.app.open_payment(self.client_id)

    def action_mark_report(self) -> None:
        self.app.open_report_mark(self.client_id)
