"""The home screen: the summary bar and the client table for the selected month."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Input, Static
from textual.worker import get_current_worker

from retainer_tui.domain.month import Month, MonthError
from retainer_tui.services.database import DatabaseError
from retainer_tui.services.month_view import ClientMonth, MetricInfo, MonthView, load_month
from retainer_tui.tui import bench_hook
from retainer_tui.tui.client_rows import SORT_LABELS, Filter, SortKey, visible_rows
from retainer_tui.tui.keys import DASHBOARD_KEYS, bindings
from retainer_tui.tui.month_step import month_step
from retainer_tui.tui.widgets.client_table import ClientTable
from retainer_tui.tui.widgets.fitting_footer import FittingFooter
from retainer_tui.tui.widgets.summary_bar import SummaryBar

if TYPE_CHECKING:
    from textual import getters

    from retainer_tui.tui.app import RetainerApp


def _months_around(month: Month, reach: int) -> list[Month]:
    """The month and those up to `reach` either side, within the accepted range."""
    around = [month]
    for step in range(-reach, reach + 1):
        if step:
            with suppress(MonthError):  # the ends of the accepted range
                around.append(month.step(step))
    return around


@dataclass(frozen=True, slots=True)
class RowsWanted:
    """The view settings the rows are filtered and sorted by."""

    view_filter: Filter
    show_inactive: bool
    query: str
    sort: SortKey

    def ordered(self, view: MonthView) -> Ordered:
        """The month's rows as shown with these settings (pure: runs in a worker too)."""
        rows = visible_rows(
            view.clients,
            view_filter=self.view_filter,
            show_inactive=self.show_inactive,
            query=self.query,
            sort=self.sort,
            month=view.month,
        )
        return Ordered(view, self, rows, view.tracked_metrics)


@dataclass(frozen=True, slots=True)
class Ordered:
    view: MonthView
    wanted: RowsWanted
    rows: list[ClientMonth]
    metrics: tuple[MetricInfo, ...]  # the view's tracked metrics: a pass over every client


class DashboardScreen(Screen[None]):
    """Loads the month in a worker; filters, search and sort are applied to what it loaded."""

    if TYPE_CHECKING:  # the RetainerApp, typed only (see FormScreen.app)
        app = getters.app(RetainerApp)

    KEY_SCOPE = "dashboard"
    TITLE_TEXT = "Dashboard"
    BINDINGS: ClassVar[list[BindingType]] = bindings(DASHBOARD_KEYS)
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-normal"), (160, "-wide")]
    AUTO_FOCUS = "#clients"

    class MonthLoaded(Message):
        def __init__(self, view: MonthView, request: int, rows: Ordered | None = None) -> None:
            self.view = view
            self.request = request
            self.rows = rows
            super().__init__()

    class Prefetched(Message):
        """A month beside the one shown, loaded ahead for `[` and `]`."""

        def __init__(self, view: MonthView, generation: int, rows: Ordered) -> None:
            self.view = view
            self.generation = generation
            self.rows = rows
            super().__init__()

    class LoadFailed(Message):
        def __init__(self, error: DatabaseError, request: int) -> None:
            self.error = error
            self.request = request
            super().__init__()

    def __init__(self, *, month: Month) -> None:
        super().__init__()
        self.month = month
        self.view: MonthView | None = None
        self.view_filter = Filter.ALL
        self.show_inactive = False
        self.query_text = ""
        self.sort = SortKey()
        self._request = 0
        self._reveal: int | None = None
        # The month shown and the months either side, loaded ahead while the data stays
        # as it was (`generation` counts the reloads that dropped them).
        self._nearby: dict[Month, MonthView] = {}
        # Their rows filtered and sorted in the worker that loaded them (at 10,000 clients
        # the sort alone is most of a month change), for the view settings it was given.
        self._ordered: dict[Month, Ordered] = {}
        self._generation = 0

    @property
    def table(self) -> ClientTable:
        return self.query_one("#clients", ClientTable)

    def compose(self) -> ComposeResult:
        yield Header()
        yield SummaryBar(id="summary")
        with Horizontal(id="view-bar"):
            yield Static(id="view-state")
            yield Input(placeholder="Search name or company", id="search")
        yield ClientTable(id="clients")
        yield Static(
            "No clients yet. Press [b]n[/] to add one, or [b]ctrl+p[/] for every command.",
            id="empty",
        )
        yield FittingFooter()

    def on_mount(self) -> None:
        self.query_one("#search", Input).display = False
        self.query_one("#empty", Static).display = False
        self.app.data_changed.subscribe(self, lambda _: self.load())
        self.app.theme_changed_signal.subscribe(self, lambda _: self.table.restyle())
        # After the first frame: the load's thread imports SQLAlchemy, which would hold the
        # GIL while the app draws itself. Twice: the first callback may run after the
        # repaint of the screen under this one, before this one is shown.
        self.call_after_refresh(self.call_after_refresh, self._first_frame_drawn)

    def _first_frame_drawn(self) -> None:
        bench_hook.dashboard_drawn(self.app)
        self.load()

    # -- loading ---------------------------------------------------------------------------

    def load(self) -> None:
        """(Re)load the selected month off the UI thread: the data changed (or the day,
        or the settings), so the months loaded ahead are dropped too."""
        self._nearby.clear()
        self._ordered.clear()
        self._generation += 1
        self._load_shown()

    def _load_shown(self) -> None:
        self._request += 1
        if self.view is None or self.view.month != self.month:
            self.query_one(SummaryBar).show_loading(self.month)
        self._load_month(self.month, self._request, self._rows_wanted())

    def _rows_wanted(self) -> RowsWanted:
        return RowsWanted(self.view_filter, self.show_inactive, self.query_text, self.sort)

    def _read_month(self, month: Month) -> MonthView:
        """One month as the dashboard shows it (in a worker thread)."""
        settings = self.app.settings
        return load_month(
            self.app.db,
            month=month,
            as_of=self.app.today,
            tolerance=settings.tolerance,
            grace_days=settings.late_payment_grace_days,
        )

    @work(thread=True, exclusive=True, group="db", exit_on_error=False)
    def _load_month(self, month: Month, request: int, wanted: RowsWanted) -> None:
        try:
            view = self._read_month(month)
        except DatabaseError as exc:
            self.post_message(self.LoadFailed(exc, request))
            return
        self.post_message(self.MonthLoaded(view, request, wanted.ordered(view)))

    def _prefetch_around(self, month: Month) -> None:
        """Load the months either side of `month` in the background, so that `[` and
        `]` show them at once. Those two months away stay kept too: going back and forth
        between two months (this one and the last) then loads nothing, and no load
        ahead competes for the interpreter with the next key."""
        kept = set(_months_around(month, 2))
        self._nearby = {m: v for m, v in self._nearby.items() if m in kept}
        self._ordered = {m: o for m, o in self._ordered.items() if m in kept}
        wanted = [m for m in _months_around(month, 1) if m not in self._nearby]
        if wanted:
            self._prefetch(wanted, self._generation, self._rows_wanted())

    @work(thread=True, exclusive=True, group="prefetch", exit_on_error=False)
    def _prefetch(self, months: list[Month], generation: int, wanted: RowsWanted) -> None:
        for month in months:
            try:
                view = self._read_month(month)
            except DatabaseError:
                return  # the month is loaded the usual way when asked for
            self.post_message(self.Prefetched(view, generation, wanted.ordered(view)))

    @work(thread=True, exclusive=True, group="reorder", exit_on_error=False)
    def _reorder(self, views: list[MonthView], wanted: RowsWanted, generation: int) -> None:
        worker = get_current_worker()
        for view in views:
            if worker.is_cancelled:
                return  # the settings changed again (a search being typed)
            self.post_message(self.Prefetched(view, generation, wanted.ordered(view)))

    @on(Prefetched)
    def _prefetched(self, message: Prefetched) -> None:
        if message.generation == self._generation:
            self._nearby[message.view.month] = message.view
            self._ordered[message.view.month] = message.rows

    @on(MonthLoaded)
    def _month_loaded(self, message: MonthLoaded) -> None:
        if message.request != self._request:
            return  # a newer load is on its way
        self._nearby[message.view.month] = message.view
        if message.rows is not None:
            self._ordered[message.view.month] = message.rows
        # After the frame: a load in a thread holds the GIL for stretches, and the month
        # asked for is drawn first.
        self.call_after_refresh(self._prefetch_around, message.view.month)
        self.view = message.view
        self.app.currency = message.view.currency
        self.query_one(SummaryBar).show(message.view)
        self.show_rows()

    @on(LoadFailed)
    def _load_failed(self, message: LoadFailed) -> None:
        if message.request == self._request:
            self.app.show_error(message.error)

    def show_rows(self) -> None:
        """Apply the filter, search and sort to the loaded month and fill the table."""
        view = self.view
        if view is None:
            return
        table = self.table
        keep = self._reveal if self._reveal is not None else table.highlighted_client_id()
        self._reveal = None
        wanted = self._rows_wanted()
        ordered = self._ordered.get(view.month)
        if ordered is None or ordered.view is not view or ordered.wanted != wanted:
            ordered = wanted.ordered(view)
            self._ordered[view.month] = ordered
            # The months kept beside it were ordered for the old settings.
            stale = [v for m, v in self._nearby.items() if m != view.month]
            if stale:
                self._reorder(stale, wanted, self._generation)
        rows = ordered.rows
        table.show(
            rows,
            metrics=ordered.metrics,
            month=view.month,
            currency=view.currency,
            sort_column=self.sort.column,
            sort_reverse=self.sort.reverse,
            keep=keep,
        )
        self.query_one("#empty", Static).display = not view.clients
        table.display = bool(view.clients)
        self._show_view_state(len(rows), len(view.clients), ordered.metrics)

    def _show_view_state(self, shown: int, total: int, metrics: tuple[MetricInfo, ...]) -> None:
        parts = [Content.from_markup("[b]$label[/]", label=self.view_filter.label)]
        if self.view_filter is Filter.ALL:
            parts.append(Content("everyone" if self.show_inactive else "in service this month"))
        metric_labels = {f"m:{m.key}": m.label for m in metrics}
        sort = SORT_LABELS.get(self.sort.column) or metric_labels.get(self.sort.column, "")
        parts.append(Content(f"sorted by {sort}{' (reversed)' if self.sort.reverse else ''}"))
        if self.query_text:
            parts.append(Content(f"matching “{self.query_text}”"))
        parts.append(Content(f"{shown} of {total} clients"))
        self.query_one("#view-state", Static).update(Content(" · ").join(parts))

    # -- month -----------------------------------------------------------------------------

    def set_month(self, month: Month) -> None:
        if month == self.month:
            return
        self.month = month
        ahead = self._nearby.get(month)
        if ahead is None:
            self._load_shown()
            return
        # Loaded ahead: shown through the same message as a load (any load still on its
        # way is for another month, and is ignored).
        self._request += 1
        self.post_message(self.MonthLoaded(ahead, self._request, self._ordered.get(month)))

    def action_previous_month(self) -> None:
        if (month := month_step(self, self.month, -1)) is not None:
            self.set_month(month)

    def action_next_month(self) -> None:
        if (month := month_step(self, self.month, 1)) is not None:
            self.set_month(month)

    def action_this_month(self) -> None:
        self.set_month(Month.of(self.app.today))

    # -- view: filter, search, sort --------------------------------------------------------

    def action_cycle_filter(self) -> None:
        self.view_filter = self.view_filter.next()
        self.show_rows()

    def action_filter(self, name: str) -> None:
        """A count's shortcut: show that filter, or all clients when it is already shown."""
        wanted = Filter(name)
        self.view_filter = Filter.ALL if self.view_filter is wanted else wanted
        self.show_rows()

    def action_toggle_inactive(self) -> None:
        self.show_inactive = not self.show_inactive
        if self.view_filter is not Filter.ALL:
            self.view_filter = Filter.ALL
        self.show_rows()

    def action_search(self) -> None:
        search = self.query_one("#search", Input)
        search.display = True
        search.focus()

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        self.show_rows()

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        self.table.focus()

    def action_clear_view(self) -> None:
        """escape: close the search first, then drop the filter."""
        search = self.query_one("#search", Input)
        if search.display:
            search.value = ""
            search.display = False
            self.query_text = ""
            self.table.focus()
        elif self.view_filter is not Filter.ALL or self.show_inactive:
            self.view_filter = Filter.ALL
            self.show_inactive = False
        else:
            return
        self.show_rows()

    def _sortable_columns(self) -> list[str]:
        return ["attention", *(k for k in self.table.column_keys if k != "goals")]

    def action_cycle_sort(self) -> None:
        order = self._sortable_columns()
        current = order.index(self.sort.column) if self.sort.column in order else 0
        self.sort = SortKey(order[(current + 1) % len(order)])
        self.show_rows()

    def action_reverse_sort(self) -> None:
        self.sort = SortKey(self.sort.column, not self.sort.reverse)
        self.show_rows()

    @on(ClientTable.SortRequested)
    def _header_clicked(self, message: ClientTable.SortRequested) -> None:
        column = "status" if message.column == "goals" else message.column
        if column == self.sort.column:
            self.sort = SortKey(column, not self.sort.reverse)
        else:
            self.sort = SortKey(column)
        self.show_rows()

    # -- clients ---------------------------------------------------------------------------

    def reveal_client(self, client_id: int) -> None:
        """Highlight the client, clearing the search or filter if they hide it."""
        table = self.table
        if client_id not in table.client_ids and self.view is not None:
            self.view_filter = Filter.ALL
            self.show_inactive = True
            self.query_text = ""
            search = self.query_one("#search", Input)
            search.value, search.display = "", False
            self._reveal = client_id
            self.show_rows()
        table.highlight_client(client_id)
        table.focus()

    def action_open_client(self) -> None:
        client_id = self.table.highlighted_client_id()
        if client_id is not None:
            self.app.show_client(client_id)

    @on(ClientTable.ClientSelected)
    def _client_selected(self, message: ClientTable.ClientSelected) -> None:
        self.app.show_client(message.client_id)

    def action_new_client(self) -> None:
        self.app.open_new_client()

    def action_edit_client(self) -> None:
        self.app.open_edit_client(self.table.highlighted_client_id())

    def action_enter_results(self) -> None:
        # The grid opens at the client highlighted here, not at the top of the list.
        self.app.open_results(self.table.highlighted_client_id())

    def action_edit_goals(self) -> None:
        self.app.open_goals(self.table.highlighted_client_id())

    def action_open_reports(self) -> None:
        self.app.open_reports()

    def action_open_pipeline(self) -> None:
        self.app.open_pipeline()

    def action_open_tiers(self) -> None:
        self.app.open_tiers()

    def action_mark_payment(self) -> None:
        self.app.open_payment(self.table.highlighted_client_id())

    def action_mark_report(self) -> None:
        self.app.open_report_mark(self.table.highlighted_client_id())
