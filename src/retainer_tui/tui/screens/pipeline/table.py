"""The pipeline's table: its columns (narrower below 100 columns), the rows of a
prospect each, and the panel of the highlighted prospect below it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

from retainer_tui.domain.money import format_money
from retainer_tui.domain.pipeline import ALL_STAGES, Stage
from retainer_tui.domain.terminal_text import visible
from retainer_tui.domain.wording import sentences
from retainer_tui.services import pipeline as pl

if TYPE_CHECKING:
    pass

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
