"""The forms that move a prospect on: paid trial, tier chosen, retain and lost."""

from __future__ import annotations

from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, VerticalScroll
from textual.widgets import Footer, Input, Select, Static

from retainer_tui.domain.money import format_money
from retainer_tui.domain.pipeline import (
    Stage,
    default_start_month,
)
from retainer_tui.services import pipeline as pl
from retainer_tui.services.database import Database
from retainer_tui.tui.screens.form_base import Read, Write
from retainer_tui.tui.screens.pipeline.form_base import PipelineForm, area, tier_select
from retainer_tui.tui.widgets.form_field import FormField, text_input

# ---------------------------------------------------------------- paid trial


class TrialFormScreen(PipelineForm):
    """The paid trial (never free): one-off fee, first and last day, success criteria."""

    TITLE_TEXT = "Paid trial"

    def __init__(self, db: Database, *, client_id: int, today: date, currency: str) -> None:
        super().__init__(db)
        self.client_id = client_id
        self.today = today
        self.currency = currency
        self.draft = pl.TrialDraft()  # blank until load() has read the prospect
        self.TITLE_TEXT = "Paid trial"

    def compose(self) -> ComposeResult:
        d = self.draft
        with self.dialog(self.TITLE_TEXT, "trial-dialog"), VerticalScroll(classes="form-body"):
            with Grid(classes="form-grid trial-grid"):
                yield FormField(
                    f"One-off fee ({self.currency})",
                    text_input(d.fee, "fee", "a trial is paid, never free"),
                    field="fee",
                )
                yield Static("")
                yield FormField(
                    "First day", text_input(d.start, "start", "YYYY-MM-DD"), field="start"
                )
                yield FormField(
                    "Last day",
                    text_input(d.end, "end", "YYYY-MM-DD"),
                    field="end",
                    hint="At its end: retain (r) or mark lost (x)",
                )
            yield FormField(
                "Success criteria (from the goals)",
                area(d.criteria, "criteria", "What the trial must show"),
                field="criteria",
            )
            yield from self.buttons()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#fee", Input).focus()

    def load(self) -> Read:
        db, client_id = self.db, self.client_id
        return lambda: pl.trial_form(db, client_id=client_id)

    def loaded(self, data: pl.TrialForm) -> None:
        """The trial recorded, else one from today with criteria from the goals."""
        self.retitle(f"Paid trial: {data.prospect.name}")
        d = self.draft = pl.trial_draft(data.prospect, self.today, data.labels)
        self.fill({"fee": d.fee, "start": d.start, "end": d.end, "criteria": d.criteria})

    def save(self) -> Write[pl.PipelineChange]:
        v = self.values()
        draft = pl.TrialDraft(fee=v["fee"], start=v["start"], end=v["end"], criteria=v["criteria"])
        undo = self.app.undo_stack
        return lambda: pl.save_trial(
            self.db, client_id=self.client_id, draft=draft, today=self.today, undo=undo
        )


# ---------------------------------------------------------------- tier chosen and retain


class _TierPickForm(PipelineForm):
    """A stage form that picks one of the tiers (the one chosen, the one retained on)."""

    SMALL = True

    def __init__(self, db: Database, *, client_id: int, today: date) -> None:
        super().__init__(db)
        self.client_id = client_id
        self.today = today
        # Read by load(); the tier list is mounted once the tiers are known.
        self.form: pl.TierPickForm | None = None

    def tier_placeholder(self) -> Static:
        return Static("Loading the tiers…", id="tier-loading", classes="field-label")

    def load(self) -> Read:
        db, client_id = self.db, self.client_id
        return lambda: pl.tier_pick_form(db, client_id=client_id)

    async def loaded(self, data: pl.TierPickForm) -> None:
        self.form = data
        p = data.prospect
        self.retitle(self.title_for(p))
        chosen = p.chosen_tier_id or pl.default_recommendation(p, data.tiers)
        field = FormField(
            "Tier",
            tier_select(data.tiers, data.currency, chosen),
            field="tier",
            hint=self.tier_hint(p),
        )
        placeholder = self.query_one("#tier-loading", Static)
        await placeholder.parent.mount(field, before=placeholder)  # type: ignore[union-attr]
        await placeholder.remove()
        # The tier first, as the form always opened; unless a start month is being typed.
        typed = self.values().get("start_month") != self._composed.get("start_month")
        if not typed:
            self.query_one("#tier", Select).focus()

    def title_for(self, p: pl.Prospect) -> str:
        """The dialog's title once the prospect is read (each form may word its own)."""
        return f"{self.TITLE_TEXT}: {p.name}"

    def tier_hint(self, p: pl.Prospect) -> str:
        return ""

    def picked_tier(self) -> int:
        """The tier picked in the form; FormInvalid at the field when none is."""
        value = self.query_one("#tier", Select).value
        if value is Select.NULL:
            from retainer_tui.services.errors import FormInvalid

            raise FormInvalid({"tier": "choose one of your tiers"})
        return int(str(value))


class ChooseTierScreen(_TierPickForm):
    """The client confirmed a tier."""

    TITLE_TEXT = "Tier chosen"

    def compose(self) -> ComposeResult:
        with self.dialog(self.TITLE_TEXT, "choose-dialog"):
            yield self.tier_placeholder()
            yield from self.buttons()
        yield Footer()

    def title_for(self, p: pl.Prospect) -> str:
        return f"{p.name} chose"

    def tier_hint(self, p: pl.Prospect) -> str:
        return f"Recommended: {p.recommended_tier}" if p.recommended_tier else ""

    def save(self) -> Write[pl.PipelineChange]:
        tier_id, undo = self.picked_tier(), self.app.undo_stack
        return lambda: pl.choose_tier(
            self.db, client_id=self.client_id, tier_id=tier_id, today=self.today, undo=undo
        )


class RetainFormScreen(_TierPickForm):
    """Retain: an active client on a tier from a start month, its goals carried over."""

    TITLE_TEXT = "Retain"

    def compose(self) -> ComposeResult:
        with self.dialog(self.TITLE_TEXT, "retain-dialog"):
            yield self.tier_placeholder()
            yield FormField(
                "Start month",
                text_input("", "start_month", "YYYY-MM"),
                field="start_month",
                hint="The first month paid in advance",
            )
            yield Static("", id="retain-income")
            yield from self.buttons()
        yield Footer()

    def title_for(self, p: pl.Prospect) -> str:
        return f"Retain {p.name}"

    async def loaded(self, data: pl.TierPickForm) -> None:
        """The tier list, the start month (after the trial, else next month) and the
        goals carried over, then the income the tier picked adds."""
        await super().loaded(data)
        p = data.prospect
        start = default_start_month(self.today, p.trial_end if p.has_trial else None)
        self.fill({"start_month": str(start)})
        goals = len(p.targets)
        self.query_one("#field-start_month .field-hint", Static).update(
            f"The first month paid in advance; {goals} goal{'s' if goals != 1 else ''} carried over"
        )
        self._show_income()

    @on(Select.Changed, "#tier")
    def _show_income(self) -> None:
        data = self.form
        if data is None:
            return
        value = self.query_one("#tier", Select).value
        tier = next((t for t in data.tiers if t.id == value), None)
        if tier is None:
            return
        after = data.income + tier.monthly_fee_cents
        if data.prospect.stage is Stage.RETAINED:
            after = data.income
        money = lambda c: format_money(c, data.currency, cents_shown=c % 100 != 0)  # noqa: E731
        self.query_one("#retain-income", Static).update(
            f"Guaranteed monthly income: {money(data.income)} → {money(after)}"
        )

    def save(self) -> Write[pl.PipelineChange]:
        tier_id, undo = self.picked_tier(), self.app.undo_stack
        start_month = self.query_one("#start_month", Input).value
        return lambda: pl.retain(
            self.db,
            client_id=self.client_id,
            tier_id=tier_id,
            start_month=start_month,
            today=self.today,
            undo=undo,
        )


class LostFormScreen(PipelineForm):
    """Lost, with the reason (money, value, results, went elsewhere…)."""

    TITLE_TEXT = "Lost"
    SMALL = True

    def __init__(self, db: Database, *, client_id: int, today: date) -> None:
        super().__init__(db)
        self.client_id = client_id
        self.today = today
        self.TITLE_TEXT = "Lost"

    def compose(self) -> ComposeResult:
        with self.dialog(self.TITLE_TEXT, "lost-dialog"):
            yield FormField(
                "Reason",
                text_input("", "reason", "e.g. went with an agency; no budget this year"),
                field="reason",
                hint="Moving it back ([) reopens it where it was",
            )
            yield from self.buttons()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    def load(self) -> Read:
        db, client_id = self.db, self.client_id
        return lambda: pl.get_prospect(db, client_id=client_id)

    def loaded(self, data: pl.Prospect) -> None:
        self.retitle(f"{data.name} lost")

    @on(Input.Submitted, "#reason")
    def _submitted(self) -> None:
        self.action_save()

    def save(self) -> Write[pl.PipelineChange]:
        reason, undo = self.query_one("#reason", Input).value, self.app.undo_stack
        return lambda: pl.mark_lost(
            self.db, client_id=self.client_id, reason=reason, today=self.today, undo=undo
        )
