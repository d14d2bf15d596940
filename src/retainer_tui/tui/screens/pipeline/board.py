"""`P`: prospects grouped by stage in the article's order, overdue next actions first, with
the pipeline's figures; one key moves a prospect on or back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from retainer_tui.config import Settings
from retainer_tui.domain.pipeline import Stage, conversion_text
from retainer_tui.domain.proposal import Sender
from retainer_tui.domain.terminal_text import visible
from retainer_tui.services import pipeline as pl
from retainer_tui.services.database import Database, DatabaseError
from retainer_tui.services.errors import ServiceError
from retainer_tui.tui.background_writes import BackgroundWrites
from retainer_tui.tui.key_order import keys_held_for_save
from retainer_tui.tui.keys import bindings
from retainer_tui.tui.pipeline_keys import PIPELINE_KEYS
from retainer_tui.tui.theme_colors import ThemeColors

if TYPE_CHECKING:
    from textual import getters

    from retainer_tui.tui.app import RetainerApp

from retainer_tui.tui.screens.pipeline.table import (
    COLUMNS,
    DASH,
    NARROW,
    PipelineTable,
    TableRow,
    detail_text,
    money,
    narrow_widths,
    table_rows,
    when_text,
)


class PipelineScreen(Screen[None]):
    """The prospect pipeline as of the app's date."""

    if TYPE_CHECKING:  # the RetainerApp, typed only (see FormScreen.app)
        app = getters.app(RetainerApp)

    KEY_SCOPE = "pipeline"
    TITLE_TEXT = "Pipeline"
    BINDINGS: ClassVar[list[BindingType]] = bindings(PIPELINE_KEYS)
    AUTO_FOCUS = "#pipeline-table"

    class Loaded(Message):
        def __init__(self, view: pl.PipelineView) -> None:
            super().__init__()
            self.view = view

    def __init__(self, db: Database, settings: Settings, *, today: date) -> None:
        super().__init__()
        self.db = db
        self.settings = settings
        self.today = today
        self.view: pl.PipelineView | None = None
        self._keep: int | None = None
        self._colors: ThemeColors | None = None
        self._narrow = False
        self.writes = BackgroundWrites(self, db, title=self.TITLE_TEXT)
        self._keys_back: Callable[[], None] = lambda: None

    @property
    def table(self) -> PipelineTable:
        return self.query_one("#pipeline-table", PipelineTable)

    def compose(self) -> ComposeResult:
        with Horizontal(id="pipeline-bar"):
            yield Static("Pipeline", id="pipeline-title")
            yield Static(f"as of {self.today.isoformat()}", id="pipeline-date")
        yield Static("Loading…", id="pipeline-figures")
        yield PipelineTable(id="pipeline-table")
        yield Static(
            "No prospects yet. Press n to add one: the first step is a call with the "
            "decision maker.",
            id="pipeline-empty",
        )
        yield Static("", id="prospect-detail")
        yield Footer()

    def on_resize(self) -> None:
        if self.view is not None and (self.size.width < NARROW or self._narrow):
            self.post_message(self.Loaded(self.view))

    def on_mount(self) -> None:
        self.sub_title = f"as of {self.today.isoformat()}"
        self.query_one("#pipeline-empty").display = False
        self.app.data_changed.subscribe(self, lambda _: self.reload())
        self.reload()

    # ------------------------------------------------------------ loading

    @work(thread=True, exclusive=True, group="pipeline", exit_on_error=False)
    def reload(self) -> None:
        """Read the pipeline off the UI thread."""
        try:
            view = pl.load_pipeline(self.db, as_of=self.today)
        except DatabaseError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.post_message(self.Loaded(view))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.view = view = message.view
        self._colors = ThemeColors.from_app(self.app)
        self.query_one("#pipeline-figures", Static).update(self._figures(view))
        table = self.table
        keep = self._keep
        if keep is None:
            current = table.highlighted()
            keep = current.id if current is not None else None
        self._keep = None
        table.clear(columns=True)
        self._narrow = self.size.width < NARROW
        narrow = narrow_widths(self.size.width)
        for label, key, wide, _ in COLUMNS:
            table.add_column(label, width=narrow[key] if self._narrow else wide, key=key)
        table.rows_shown = table_rows(view)
        for row in table.rows_shown:
            table.add_row(*self._cells(row, view), key=row.key)
        self.query_one("#pipeline-empty").display = not view.prospects
        target = table.row_of(keep) if keep is not None else None
        if target is None:
            target = next((i for i, r in enumerate(table.rows_shown) if r.prospect is not None), 0)
        table.move_cursor(row=target, scroll=True, animate=False)
        table.settle(1)
        self._show_detail()

    # ------------------------------------------------------------ drawing

    def _style(self, name: str) -> Style:
        c = self._colors or ThemeColors.from_app(self.app)
        return {
            "overdue": c.bad + Style(bold=True),
            "today": c.warning + Style(bold=True),
            "soon": c.warning,
            "later": Style(),
            "muted": c.muted,
            "heading": c.accent + Style(bold=True),
            "good": c.good,
            "bad": c.bad,
        }[name]

    def _figures(self, view: pl.PipelineView) -> Text:
        f, cur = view.figures, view.currency
        text = Text()
        text.append("Guaranteed ")
        text.append(f"{money(f.guaranteed_cents, cur)}/mo", style=Style(bold=True))
        text.append(" → ")
        text.append(f"{money(f.guaranteed_if_all_sign_cents, cur)}/mo", style=self._style("good"))
        opened = "open proposal" if f.open_proposals == 1 else "open proposals"
        text.append(
            f" if every open proposal signs ({f.open_proposals} {opened}, "
            f"{money(f.open_proposals_value_cents, cur)}/mo)"
        )
        text.append("\nTrial → retainer: ")
        rate = f.trial_conversion
        text.append(
            conversion_text(f), style=Style(bold=True) if rate is not None else self._style("muted")
        )
        overdue = sum(1 for p in view.prospects if p.overdue(view.as_of))
        if overdue:
            actions = "next action" if overdue == 1 else "next actions"
            text.append(f" · {overdue} overdue {actions}", style=self._style("overdue"))
        return text

    def _cells(self, row: TableRow, view: pl.PipelineView) -> tuple[Text, ...]:
        cur = view.currency
        p = row.prospect
        if p is None:
            figure = view.figures.stage(row.stage)
            heading = self._style("heading") if figure.count else self._style("muted")
            value = money(figure.value_cents, cur) if figure.value_cents else ""
            return (
                Text(f"{row.stage.label} ({figure.count})", style=heading),
                Text(""),
                Text(value, style=heading, justify="right"),
                Text(
                    row.stage.description,
                    style=self._style("muted"),
                    no_wrap=True,
                    overflow="ellipsis",
                ),
                Text(""),
            )
        name = Text(
            "  " + visible(p.name), style=Style(bold=True) if p.overdue(view.as_of) else Style()
        )
        tier = Text(visible(p.tier or DASH), style=Style() if p.tier else self._style("muted"))
        fee = Text(money(p.value_cents, cur) if p.value_cents else DASH, justify="right")
        if p.stage is Stage.RETAINED:
            on = p.retained_on.isoformat() if p.retained_on else ""
            action = Text(f"Active client{' since ' + on if on else ''}", style=self._style("good"))
            when = Text(str(p.start_month or ""), style=self._style("muted"))
        elif p.stage is Stage.LOST:
            action = Text(f"Lost: {p.lost_reason or 'no reason given'}", style=self._style("muted"))
            when = Text(p.lost_on.isoformat() if p.lost_on else "", style=self._style("muted"))
        else:
            action = Text(visible(p.next_action or "(no next action: e to set one)"))
            if not p.next_action:
                action.stylize(self._style("muted"))
            label, look = when_text(p.next_action_on, view.as_of, short=self._narrow)
            when = Text(label, style=self._style(look))
        action.no_wrap, action.overflow = True, "ellipsis"  # a cut one ends in …
        return (name, tier, fee, action, when)

    def _show_detail(self) -> None:
        detail = self.query_one("#prospect-detail", Static)
        p = self.table.highlighted() if self.view and self.view.prospects else None
        if p is None or self.view is None:
            detail.update("")
            detail.display = False
            return
        detail.display = True
        detail.update(detail_text(p, self.view, self._style))

    @on(DataTable.RowHighlighted, "#pipeline-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        table = self.table
        if table.highlighted() is None:  # a heading clicked with the mouse
            table.settle(1 if table.cursor_row >= table._last_row else -1)
        self._show_detail()

    @on(DataTable.RowSelected, "#pipeline-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit_prospect()

    # ------------------------------------------------------------ actions

    def _current(self) -> pl.Prospect | None:
        p = self.table.highlighted()
        if p is None:
            self.notify("Add a prospect first (n).", severity="warning")
        return p

    def _open(self, screen: Screen[Any], keep: int | None = None) -> None:
        def closed(result: object) -> None:
            if isinstance(result, pl.PipelineChange):
                self._keep = result.client_id
            elif keep is not None:
                self._keep = keep
            self.reload()

        self.app.push_screen(screen, closed)

    def _build(self, make: Any, keep: int | None) -> None:
        try:
            screen = make()
        except (ServiceError, DatabaseError) as exc:
            self.notify(str(exc), severity="warning")
            return
        self._open(screen, keep)

    def on_unmount(self) -> None:
        self.writes.detach()

    def action_back(self) -> None:
        self.writes.leave()

    def action_new_prospect(self) -> None:
        from retainer_tui.tui.screens.pipeline.prospect_form import ProspectFormScreen

        self._build(
            lambda: ProspectFormScreen(
                self.db,
                today=self.today,
                report_due_day=self.settings.default_report_due_day,
            ),
            None,
        )

    def action_edit_prospect(self) -> None:
        from retainer_tui.tui.screens.pipeline.prospect_form import ProspectFormScreen

        if (p := self._current()) is not None:
            self._build(lambda: ProspectFormScreen(self.db, today=self.today, client_id=p.id), p.id)

    def action_discovery(self) -> None:
        from retainer_tui.tui.screens.pipeline.prospect_form import DiscoveryFormScreen

        if (p := self._current()) is not None:
            self._build(lambda: DiscoveryFormScreen(self.db, client_id=p.id), p.id)

    def action_objections(self) -> None:
        from retainer_tui.tui.screens.pipeline.objections import ObjectionsScreen

        if (p := self._current()) is not None:
            self._build(lambda: ObjectionsScreen(self.db, client_id=p.id), p.id)

    class ProposalRead(Message):
        def __init__(self, context: pl.ProposalContext | None, error: Exception | None):
            super().__init__()
            self.context, self.error = context, error

    def action_proposal(self) -> None:
        from retainer_tui.tui.screens.pipeline.proposal import profile_sender

        if (p := self._current()) is not None:
            # Keys typed meanwhile go to the proposal once it is open (half a second at most).
            self._keys_back = keys_held_for_save(self.app)
            self._read_proposal(p.id, profile_sender(self.app.settings))

    @work(thread=True, exclusive=True, group="proposal", exit_on_error=False)
    def _read_proposal(self, client_id: int, sender: Sender | None) -> None:
        try:
            context = pl.proposal_context(self.db, client_id=client_id, sender=sender)
        except (ServiceError, DatabaseError) as exc:
            self.post_message(self.ProposalRead(None, exc))
            return
        self.post_message(self.ProposalRead(context, None))

    @on(ProposalRead)
    def _proposal_read(self, message: ProposalRead) -> None:
        from retainer_tui.tui.screens.pipeline.proposal import ProposalScreen

        context = message.context
        try:
            if context is None:
                self.notify(str(message.error), severity="warning")
                return
            self._build(
                lambda: ProposalScreen(self.db, context=context, today=self.today),
                context.prospect.id,
            )
        finally:
            self._keys_back()

    def action_choose_tier(self) -> None:
        from retainer_tui.tui.screens.pipeline.stage_forms import ChooseTierScreen

        if (p := self._current()) is not None:
            self._build(lambda: ChooseTierScreen(self.db, client_id=p.id, today=self.today), p.id)

    def action_trial(self) -> None:
        from retainer_tui.tui.screens.pipeline.stage_forms import TrialFormScreen

        if (p := self._current()) is None:
            return
        if p.stage is Stage.RETAINED:
            self.notify(f"{p.name} is already an active client.", severity="warning")
            return
        currency = self.view.currency if self.view else "USD"
        self._build(
            lambda: TrialFormScreen(self.db, client_id=p.id, today=self.today, currency=currency),
            p.id,
        )

    def action_retain(self) -> None:
        from retainer_tui.tui.screens.pipeline.stage_forms import RetainFormScreen

        if (p := self._current()) is None:
            return
        if p.stage is Stage.RETAINED:
            self.notify(f"{p.name} is already an active client.", severity="warning")
            return
        self._build(lambda: RetainFormScreen(self.db, client_id=p.id, today=self.today), p.id)

    def action_lost(self) -> None:
        from retainer_tui.tui.screens.pipeline.stage_forms import LostFormScreen

        if (p := self._current()) is None:
            return
        if p.stage is Stage.LOST:
            self.notify(f"{p.name} is already lost; [ reopens it.")
            return
        if p.stage is Stage.RETAINED:
            self.notify(
                f"{p.name} is an active client: end the retainer in the client form.",
                severity="warning",
            )
            return
        self._build(lambda: LostFormScreen(self.db, client_id=p.id, today=self.today), p.id)

    def action_move(self, step: int) -> None:
        if (p := self._current()) is None:
            return
        today, stack = self.today, self.app.undo_stack

        def moved(change: pl.PipelineChange) -> None:
            self.notify(change.message, title=change.stage.label)
            self._keep = p.id
            self.app.reload_data()  # this screen too

        def refused(exc: Exception) -> None:
            if isinstance(exc, pl.TrialDetailsNeeded):
                self.notify("A paid trial needs its fee and dates: fill them in to start it.")
                self.action_trial()
            else:
                self.notify(str(exc), severity="warning")

        self.writes.submit(
            lambda db: pl.move_prospect(db, client_id=p.id, step=step, today=today, undo=stack),
            moved,
            refused=refused,
            label=p.name,
        )
