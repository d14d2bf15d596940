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
from retainer_tui.services.database import Database, DatabaseError
from retainer_tui.tui.screens.form_base import Write
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
        self.prospect = pl.get_prospect(db, client_id=client_id)
        labels = {m.key: m.label for m in pl.list_metrics(db)}
        self.draft = pl.trial_draft(self.prospect, today, labels)
        self.TITLE_TEXT = f"Paid trial: {self.prospect.name}"

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
        self.prospect = pl.get_prospect(db, client_id=client_id)
        self.tiers = pl.list_tiers(db)
        self.income, self.currency = pl.income_now(db)
        if not self.tiers:
            raise DatabaseError("Add a tier first (T on the dashboard)")

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

    def __init__(self, db: Database, *, client_id: int, today: date) -> None:
        super().__init__(db, client_id=client_id, today=today)
        self.TITLE_TEXT = f"{self.prospect.name} chose"

    def compose(self) -> ComposeResult:
        p = self.prospect
        chosen = p.chosen_tier_id or pl.default_recommendation(p, self.tiers)
        with self.dialog(self.TITLE_TEXT, "choose-dialog"):
            yield FormField(
                "Tier",
                tier_select(self.tiers, self.currency, chosen),
                field="tier",
                hint=f"Recommended: {p.recommended_tier}" if p.recommended_tier else "",
            )
            yield from self.buttons()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#tier", Select).focus()

    def save(self) -> Write[pl.PipelineChange]:
        tier_id, undo = self.picked_tier(), self.app.undo_stack
        return lambda: pl.choose_tier(
            self.db, client_id=self.client_id, tier_id=tier_id, today=self.today, undo=undo
        )


class RetainFormScreen(_TierPickForm):
    """Retain: an active client on a tier from a start month, its goals carried over."""

    TITLE_TEXT = "Retain"

    def __init__(self, db: Database, *, client_id: int, today: date) -> None:
        super().__init__(db, client_id=client_id, today=today)
        self.TITLE_TEXT = f"Retain {self.prospect.name}"

    def compose(self) -> ComposeResult:
        p = self.prospect
        tier = p.chosen_tier_id or pl.default_recommendation(p, self.tiers)
        start = default_start_month(self.today, p.trial_end if p.has_trial else None)
        goals = len(p.targets)
        with self.dialog(self.TITLE_TEXT, "retain-dialog"):
            yield FormField("Tier", tier_select(self.tiers, self.currency, tier), field="tier")
            yield FormField(
                "Start month",
                text_input(str(start), "start_month", "YYYY-MM"),
                field="start_month",
                hint=f"The first month paid in advance; {goals} goal"
                f"{'s' if goals != 1 else ''} carried over",
            )
            yield Static("", id="retain-income")
            yield from self.buttons()
        yield Footer()

    def on_mount(self) -> None:
        self._show_income()
        self.query_one("#tier", Select).focus()

    @on(Select.Changed, "#tier")
    def _show_income(self) -> None:
        value = self.query_one("#tier", Select).value
        tier = next((t for t in self.tiers if t.id == value), None)
        if tier is None:
            return
        after = self.income + tier.monthly_fee_cents
        if self.prospect.stage is Stage.RETAINED:
            after = self.income
        money = lambda c: format_money(c, self.currency, cents_shown=c % 100 != 0)  # noqa: E731
        self.query_one("#retain-income", Static).update(
            f"Guaranteed monthly income: {money(self.income)} → {money(after)}"
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
        self.prospect = pl.get_prospect(db, client_id=client_id)
        self.TITLE_TEXT = f"{self.prospect.name} lost"

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

    @on(Input.Submitted, "#reason")
    def _submitted(self) -> None:
        self.action_save()

    def save(self) -> Write[pl.PipelineChange]:
        reason, undo = self.query_one("#reason", Input).value, self.app.undo_stack
        return lambda: pl.mark_lost(
            self.db, client_id=self.client_id, reason=reason, today=self.today, undo=undo
        )
