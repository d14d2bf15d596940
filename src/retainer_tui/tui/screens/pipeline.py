"""`P`: prospects grouped by stage in the article's order, overdue next actions first, with
the pipeline's figures; one key moves a prospect on or back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from retainer_tui.config import Settings
from retainer_tui.domain.money import format_money
from retainer_tui.domain.pipeline import ALL_STAGES, Stage, conversion_text
from retainer_tui.domain.terminal_text import visible
from retainer_tui.domain.wording import sentences
from retainer_tui.services import pipeline as pl
from retainer_tui.services.database import Database, DatabaseError
from retainer_tui.services.errors import ServiceError
from retainer_tui.tui.keys import bindings
from retainer_tui.tui.pipeline_keys import PIPELINE_KEYS
from retainer_tui.tui.theme_colors import ThemeColors

if TYPE_CHECKING:
    from textual import getters

    from retainer_tui.tui.app import RetainerApp

DASH = "—"
# Below this width the columns shrink so that an 80-column terminal shows them all: "When"
# says only "in 4d" (the date is in the panel below) and "Next action" takes what is left.
NARROW = 100
# (heading, key, width, width when narrow; None: the rest of the row)
COLUMNS: tuple[tuple[str, str, int, int | None], ...] = (
    ("Prospect", "name", 26, 20),
    ("Tier", "tier", 8, 6),
    ("Fee/mo", "fee", 9, 7),
    ("Next action", "action", 40, None),
    ("When", "when", 18, 10),
)
# A column's padding (one cell each side) and the table's vertical scrollbar.
CELL_PADDING = 2
SCROLLBAR = 2


def narrow_widths(width: int) -> dict[str, int]:
    """The columns' widths on a terminal narrower than NARROW: every column whole, the
    next action as wide as the rest of the row allows (never under 18)."""
    fixed = {key: w for _label, key, _wide, w in COLUMNS if w is not None}
    rest = width - SCROLLBAR - CELL_PADDING * len(COLUMNS) - sum(fixed.values())
    return {key: fixed.get(key, max(18, rest)) for _label, key, _wide, _narrow in COLUMNS}


def money(cents: int, currency: str) -> str:
    return format_money(cents, currency, cents_shown=cents % 100 != 0)


def when_text(on: date | None, today: date, *, short: bool = False) -> tuple[str, str]:
    """The next action's date as people say it, and its look: overdue, today, soon, later.
    Short: without the date ("in 4d"), for a narrow terminal."""
    if on is None:
        return "no date", "muted"
    days = (on - today).days
    stamp = "" if short else on.strftime("%b %d").replace(" 0", " ") + " · "
    if days < 0:
        late = -days
        return f"{stamp}{late}d late", "overdue"
    if days == 0:
        return f"{stamp}today", "today"
    if days == 1:
        return f"{stamp}tomorrow", "soon"
    return f"{stamp}in {days}d", "later"


@dataclass(frozen=True, slots=True)
class TableRow:
    """A row of the table: a stage's heading (prospect None) or a prospect."""

    stage: Stage
    prospect: pl.Prospect | None = None

    @property
    def key(self) -> str:
        return f"stage:{self.stage.value}" if self.prospect is None else str(self.prospect.id)


def table_rows(view: pl.PipelineView) -> list[TableRow]:
    """Every stage's heading in order, each followed by its prospects (lost ones last)."""
    rows: list[TableRow] = []
    for stage in ALL_STAGES:
        rows.append(TableRow(stage))
        rows.extend(TableRow(stage, p) for p in view.in_stage(stage))
    return rows


class PipelineTable(DataTable[Text]):
    """The prospects under their stages' headings; the cursor never rests on a heading."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("home", "scroll_top", "First", show=False),
        Binding("end", "scroll_bottom", "Last", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self.rows_shown: list[TableRow] = []
        self._last_row = 0

    def prospect_at(self, row: int) -> pl.Prospect | None:
        if 0 <= row < len(self.rows_shown):
            return self.rows_shown[row].prospect
        return None

    def highlighted(self) -> pl.Prospect | None:
        return self.prospect_at(self.cursor_row) if self.row_count else None

    def row_of(self, client_id: int) -> int | None:
        return next(
            (
                i
                for i, r in enumerate(self.rows_shown)
                if r.prospect is not None and r.prospect.id == client_id
            ),
            None,
        )

    def settle(self, direction: int) -> None:
        """Off a heading: on in the direction of travel, else back the other way; a
        prospect's heading is scrolled into view with it."""
        row = self.cursor_row
        if self.prospect_at(row) is None:
            for step in (direction, -direction):
                probe = row + step
                while 0 <= probe < len(self.rows_shown) and self.prospect_at(probe) is None:
                    probe += step
                if 0 <= probe < len(self.rows_shown):
                    self.move_cursor(row=probe, animate=False)
                    row = probe
                    break
        if row > 0 and self.prospect_at(row - 1) is None and self.scroll_y > row - 1:
            self.scroll_to(y=row - 1, animate=False)
        self._last_row = row

    def action_cursor_down(self) -> None:
        super().action_cursor_down()
        self.settle(1)

    def action_cursor_up(self) -> None:
        super().action_cursor_up()
        self.settle(-1)

    def action_page_down(self) -> None:
        super().action_page_down()
        self.settle(1)

    def action_page_up(self) -> None:
        super().action_page_up()
        self.settle(-1)

    def action_scroll_top(self) -> None:
        super().action_scroll_top()
        self.settle(1)

    def action_scroll_bottom(self) -> None:
        super().action_scroll_bottom()
        self.settle(-1)


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

    def action_back(self) -> None:
        self.dismiss(None)

    def action_new_prospect(self) -> None:
        from retainer_tui.tui.screens.prospect_form import ProspectFormScreen

        self._build(
            lambda: ProspectFormScreen(
                self.db,
                today=self.today,
                report_due_day=self.settings.default_report_due_day,
            ),
            None,
        )

    def action_edit_prospect(self) -> None:
        from retainer_tui.tui.screens.prospect_form import ProspectFormScreen

        if (p := self._current()) is not None:
            self._build(lambda: ProspectFormScreen(self.db, today=self.today, client_id=p.id), p.id)

    def action_discovery(self) -> None:
        from retainer_tui.tui.screens.prospect_form import DiscoveryFormScreen

        if (p := self._current()) is not None:
            self._build(lambda: DiscoveryFormScreen(self.db, client_id=p.id), p.id)

    def action_objections(self) -> None:
        from retainer_tui.tui.screens.prospect_form import ObjectionsScreen

        if (p := self._current()) is not None:
            self._build(lambda: ObjectionsScreen(self.db, client_id=p.id), p.id)

    def action_proposal(self) -> None:
        from retainer_tui.tui.screens.proposal import ProposalScreen, profile_sender

        if (p := self._current()) is not None:
            sender = profile_sender(self.app.settings)
            self._build(
                lambda: ProposalScreen(self.db, client_id=p.id, today=self.today, sender=sender),
                p.id,
            )

    def action_choose_tier(self) -> None:
        from retainer_tui.tui.screens.prospect_form import ChooseTierScreen

        if (p := self._current()) is not None:
            self._build(lambda: ChooseTierScreen(self.db, client_id=p.id, today=self.today), p.id)

    def action_trial(self) -> None:
        from retainer_tui.tui.screens.prospect_form import TrialFormScreen

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
        from retainer_tui.tui.screens.prospect_form import RetainFormScreen

        if (p := self._current()) is None:
            return
        if p.stage is Stage.RETAINED:
            self.notify(f"{p.name} is already an active client.", severity="warning")
            return
        self._build(lambda: RetainFormScreen(self.db, client_id=p.id, today=self.today), p.id)

    def action_lost(self) -> None:
        from retainer_tui.tui.screens.prospect_form import LostFormScreen

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
        try:
            change = pl.move_prospect(
                self.db, client_id=p.id, step=step, today=self.today, undo=self.app.undo_stack
            )
        except pl.TrialDetailsNeeded:
            self.notify("A paid trial needs its fee and dates: fill them in to start it.")
            self.action_trial()
            return
        except (ServiceError, DatabaseError) as exc:
            self.notify(str(exc), severity="warning")
            return
        self.notify(change.message, title=change.stage.label)
        self._keep = p.id
        self.app.reload_data()
        self.reload()


def detail_text(p: pl.Prospect, view: pl.PipelineView, style: Any) -> Text:
    """The highlighted prospect: contact, discovery notes, objections, proposal, trial."""
    cur = view.currency
    labels = {m.key: m.label for m in view.metrics}
    text = Text()

    def line(label: str, value: str | Text) -> None:
        if text:
            text.append("\n")
        text.append(f"{label}: ", style=style("muted"))
        text.append(visible(value) if isinstance(value, str) else value)

    head = Text(visible(p.name), style=Style(bold=True))
    who = [x for x in (p.company, p.decision_maker, p.email, p.phone) if x]
    if who:
        head.append(visible(" · " + " · ".join(who)))
    head.append(f"  [{p.stage.label}]", style=style("heading"))
    text.append(head)
    if p.next_action and p.stage not in (Stage.RETAINED, Stage.LOST):
        # In full: the table cuts a long one, and on a narrow terminal shows no date.
        on = p.next_action_on
        when = f" ({on.strftime('%a %b %d, %Y').replace(' 0', ' ')})" if on else ""
        line("Next action", f"{p.next_action}{when}")
    if p.workload or p.goals:
        line("Workload and goals", sentences(p.workload, p.goals))
    if p.targets:
        line(
            "Monthly targets",
            ", ".join(f"{t:,} {labels.get(k, k).lower()}" for k, t in p.targets),
        )
    if p.extra_services:
        line("Extra services", ", ".join(p.extra_services))
    if p.objections:
        parts = Text()
        for i, o in enumerate(p.objections):
            if i:
                parts.append(" · ")
            parts.append(f"{o.kind.label}: ", style=Style(bold=True))
            parts.append(visible(o.text))
            parts.append(" → ")
            parts.append(o.answer or "no answer yet", style=Style() if o.answer else style("bad"))
        line("Objections", parts)
    elif p.objection_notes:
        line("Objections", " ".join(p.objection_notes.split()))
    proposal = []
    if p.recommended_tier:
        proposal.append(f"recommends {p.recommended_tier}")
    if p.proposal_sent_on:
        proposal.append(f"sent {p.proposal_sent_on.isoformat()}")
    elif p.proposal_body:
        proposal.append("written, not sent")
    if p.chosen_tier:
        proposal.append(f"client chose {p.chosen_tier}")
    if proposal:
        line("Proposal", ", ".join(proposal))
    if p.trial_start is not None or p.trial_fee_cents is not None:
        fee = money(p.trial_fee_cents, cur) if p.trial_fee_cents is not None else "no fee"
        span = f"{p.trial_start.isoformat() if p.trial_start else '?'} → "
        span += p.trial_end.isoformat() if p.trial_end else "?"
        trial = f"{fee} one-off, {span}"
        if p.trial_outcome:
            trial += f", {p.trial_outcome}"
        criteria = " · ".join(c.strip(" -") for c in p.trial_criteria.splitlines() if c.strip(" -"))
        if criteria:
            trial += f"; success: {criteria}"
        line("Paid trial", trial)
    if p.stage is Stage.LOST:
        where = f" at {p.lost_from.label.lower()}" if p.lost_from else ""
        line("Lost", f"{p.lost_reason or 'no reason given'}{where}")
    return text


__all__ = ["PipelineScreen", "PipelineTable", "detail_text", "table_rows"]
