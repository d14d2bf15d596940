"""The pipeline's forms: prospect, discovery notes, objections, paid trial, tier chosen,
retain and lost. Each is a modal FormScreen: ctrl+s saves, escape cancels."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.events import Mount
from textual.widgets import Button, Footer, Input, Label, Select, Static, TextArea

from retainer_tui.domain.money import format_money
from retainer_tui.domain.pipeline import (
    OBJECTION_KINDS,
    SUGGESTED_ANSWERS,
    ObjectionKind,
    Stage,
    default_start_month,
    mentions_discount,
)
from retainer_tui.services import pipeline as pl
from retainer_tui.services.database import Database, DatabaseError
from retainer_tui.tui.keys import bindings
from retainer_tui.tui.pipeline_keys import FORM_KEYS, OBJECTION_KEYS
from retainer_tui.tui.screens.form_base import FormScreen, Write
from retainer_tui.tui.widgets.form_field import FormField, service_type_field, text_input


def _area(value: str, field: str, placeholder: str = "") -> TextArea:
    return TextArea(
        value,
        id=field,
        soft_wrap=True,
        compact=True,
        tab_behavior="focus",
        placeholder=placeholder,
    )


def tier_label(tier: pl.TierInfo, currency: str) -> str:
    """'Tier 2 · $5,000/mo'."""
    fee = format_money(
        tier.monthly_fee_cents, currency, cents_shown=tier.monthly_fee_cents % 100 != 0
    )
    return f"{tier.name} · {fee}/mo"


def _tier_select(
    tiers: tuple[pl.TierInfo, ...], currency: str, value: int | None, field: str = "tier"
) -> Select[int]:
    ids = {t.id for t in tiers}
    return Select(
        [(tier_label(t, currency), t.id) for t in tiers],
        value=value if value in ids else (tiers[-1].id if tiers else Select.NULL),
        allow_blank=not tiers,
        compact=True,
        id=field,
    )


class _PipelineForm(FormScreen[pl.PipelineChange | None]):
    """What the pipeline's forms share: keys, layout and the saved toast."""

    KEY_SCOPE = "prospect-form"
    BINDINGS: ClassVar[list[BindingType]] = [
        *bindings(FORM_KEYS),
        Binding("ctrl+z", "undo_blocked", show=False),
    ]
    SMALL = False

    def dialog(self, title: str, dialog_id: str) -> Vertical:
        box = Vertical(classes="dialog form-dialog", id=dialog_id)
        box.border_title = title
        box.border_subtitle = "ctrl+s save · escape cancel"
        if self.SMALL:
            box.add_class("-small")
        return box

    def buttons(self) -> ComposeResult:
        with Horizontal(classes="form-buttons"):
            yield Button("Save", id="save", variant="primary", compact=True)
            yield Button("Cancel", id="cancel", compact=True)

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def saved_message(self, result: pl.PipelineChange | None) -> str:
        return result.message if result is not None else "Saved."


# ---------------------------------------------------------------- prospect


class ProspectFormScreen(_PipelineForm):
    """A new prospect (client_id None) or its contact and next action."""

    TITLE_TEXT = "Prospect"

    def __init__(
        self,
        db: Database,
        *,
        today: date,
        client_id: int | None = None,
        report_due_day: int = 5,
    ) -> None:
        super().__init__(db)
        self.today = today
        self.client_id = client_id
        self.report_due_day = report_due_day
        if client_id is None:
            self.draft = pl.ProspectDraft(next_action="Call the decision maker")
            self.TITLE_TEXT = "New prospect"
        else:
            self.version = pl.prospect_version(db, client_id=client_id)
            prospect = pl.get_prospect(db, client_id=client_id)
            self.draft = pl.prospect_draft(prospect)
            self.TITLE_TEXT = f"Edit {prospect.name}"

    def compose(self) -> ComposeResult:
        d = self.draft
        with self.dialog(self.TITLE_TEXT, "prospect-dialog"):
            with VerticalScroll(classes="form-body"), Grid(classes="form-grid"):
                yield FormField("Name", text_input(d.name, "name", "Rossi Bakery"), field="name")
                yield FormField("Company", text_input(d.company, "company"), field="company")
                yield FormField(
                    "Decision maker",
                    text_input(d.decision_maker, "decision_maker", "the person who signs"),
                    field="decision_maker",
                )
                yield FormField(
                    "Email", text_input(d.email, "email", "name@example.com"), field="email"
                )
                yield FormField("Phone", text_input(d.phone, "phone"), field="phone")
                yield service_type_field(d.service_type)
                yield FormField(
                    "Next action", text_input(d.next_action, "next_action"), field="next_action"
                )
                yield FormField(
                    "Next action date",
                    text_input(d.next_action_on, "next_action_on", "YYYY-MM-DD"),
                    field="next_action_on",
                    hint="The call with the decision maker, for a new prospect",
                )
            yield from self.buttons()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def save(self) -> Write[pl.PipelineChange]:
        v = self.values()
        draft = pl.ProspectDraft(**{k: v.get(k, getattr(self.draft, k)) for k in _DRAFT_FIELDS})
        undo, expected = self.app.undo_stack, self.version
        return lambda: pl.save_prospect(
            self.db,
            draft=draft,
            today=self.today,
            client_id=self.client_id,
            report_due_day=self.report_due_day,
            undo=undo,
            expected=expected,
        )

    def reload_stored(self) -> None:
        """The prospect's contact and next action as stored now, in every field."""
        assert self.client_id is not None
        self.version = pl.prospect_version(self.db, client_id=self.client_id)
        self.draft = pl.prospect_draft(pl.get_prospect(self.db, client_id=self.client_id))
        self.set_values({k: str(getattr(self.draft, k)) for k in _DRAFT_FIELDS})


_DRAFT_FIELDS = pl.ProspectDraft.__slots__


# ---------------------------------------------------------------- discovery


class DiscoveryFormScreen(_PipelineForm):
    """What the call found: workload and goals for the next 3–6 months, monthly targets,
    extra services worth suggesting."""

    TITLE_TEXT = "Discovery"

    def __init__(self, db: Database, *, client_id: int) -> None:
        super().__init__(db)
        self.client_id = client_id
        self.version = pl.discovery_version(db, client_id=client_id)
        self.prospect = pl.get_prospect(db, client_id=client_id)
        self.metrics = pl.list_metrics(db)
        self.draft = pl.discovery_draft(self.prospect)
        self.TITLE_TEXT = f"Discovery: {self.prospect.name}"

    def compose(self) -> ComposeResult:
        d = self.draft
        with self.dialog(self.TITLE_TEXT, "discovery-dialog"), VerticalScroll(classes="form-body"):
            yield FormField(
                "Expected workload",
                _area(d.workload, "workload", "How much work over the next 3–6 months?"),
                field="workload",
            )
            yield FormField(
                "Goals for the next 3–6 months",
                _area(d.goals, "goals", "One goal a line"),
                field="goals",
            )
            yield Label(
                "Monthly targets (the trial's success criteria, then the retainer's goals)",
                classes="field-label",
            )
            with Grid(classes="form-grid targets-grid"):
                for metric in self.metrics:
                    yield FormField(
                        metric.label,
                        text_input(str(d.targets.get(metric.key, "")), f"target-{metric.key}"),
                        field=f"target-{metric.key}",
                    )
            yield FormField(
                "Extra services to suggest",
                _area(d.extra_services, "extra_services", "One a line, e.g. SEO blog posts"),
                field="extra_services",
            )
            yield from self.buttons()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#workload", TextArea).focus()

    def save(self) -> Write[pl.PipelineChange]:
        v = self.values()
        draft = pl.DiscoveryDraft(
            workload=v["workload"],
            goals=v["goals"],
            targets={m.key: v.get(f"target-{m.key}", "") for m in self.metrics},
            extra_services=v["extra_services"],
        )
        undo, expected = self.app.undo_stack, self.version
        return lambda: pl.save_discovery(
            self.db,
            client_id=self.client_id,
            draft=draft,
            undo=undo,
            expected=expected,
        )

    def reload_stored(self) -> None:
        """The discovery notes as stored now, in every field."""
        self.version = pl.discovery_version(self.db, client_id=self.client_id)
        self.prospect = pl.get_prospect(self.db, client_id=self.client_id)
        d = self.draft = pl.discovery_draft(self.prospect)
        self.set_values(
            {
                "workload": d.workload,
                "goals": d.goals,
                "extra_services": d.extra_services,
                **{f"target-{m.key}": str(d.targets.get(m.key, "")) for m in self.metrics},
            }
        )


# ---------------------------------------------------------------- objections


class ObjectionsScreen(_PipelineForm):
    """Objections raised and the answers given, one row each."""

    KEY_SCOPE = "objections"
    BINDINGS: ClassVar[list[BindingType]] = [
        *bindings(OBJECTION_KEYS),
        Binding("ctrl+z", "undo_blocked", show=False),
    ]
    TITLE_TEXT = "Objections"

    def __init__(self, db: Database, *, client_id: int) -> None:
        super().__init__(db)
        self.client_id = client_id
        prospect = pl.get_prospect(db, client_id=client_id)
        self.TITLE_TEXT = f"Objections: {prospect.name}"
        self._offers_discount = False
        self.rows: list[pl.ObjectionDraft] = [
            pl.ObjectionDraft(o.kind.value, o.text, o.answer) for o in prospect.objections
        ] or [pl.ObjectionDraft()]

    def compose(self) -> ComposeResult:
        with self.dialog(self.TITLE_TEXT, "objections-dialog"):
            yield Static(
                "Money, value or results? Answer with added value, never a discount; "
                "doubts about results, with a paid trial, never a free one.",
                classes="dialog-hint",
            )
            yield VerticalScroll(id="objection-rows", classes="form-body")
            yield Static("ctrl+n add · ctrl+d remove the focused one", classes="dialog-keys")
            yield from self.buttons()
        yield Footer()

    # A handler of its own rather than an async on_mount over FormScreen's plain one;
    # Textual runs FormScreen.on_mount after it all the same.
    @on(Mount)
    async def _build_rows(self) -> None:
        await self._rebuild(focus=0)

    async def _rebuild(self, *, focus: int | None = None) -> None:
        box = self.query_one("#objection-rows", VerticalScroll)
        await box.remove_children()
        await box.mount_all(self._row(i, row) for i, row in enumerate(self.rows))
        if focus is not None and self.rows:
            index = min(focus, len(self.rows) - 1)
            self.query_one(f"#objection-{index}-text", Input).focus()

    def _row(self, i: int, row: pl.ObjectionDraft) -> Horizontal:
        kind = row.kind if row.kind in OBJECTION_KINDS else "other"
        return Horizontal(
            FormField(
                "Kind",
                Select(
                    [(k.capitalize(), k) for k in OBJECTION_KINDS],
                    value=kind,
                    allow_blank=False,
                    compact=True,
                    id=f"objection-{i}-kind",
                ),
                field=f"objection-{i}-kind",
                classes="objection-kind",
            ),
            FormField(
                "Objection",
                text_input(row.text, f"objection-{i}-text", "What they said"),
                field=f"objection-{i}-text",
                classes="objection-text",
            ),
            FormField(
                "Answer given",
                text_input(
                    row.answer, f"objection-{i}-answer", SUGGESTED_ANSWERS[ObjectionKind(kind)]
                ),
                field=f"objection-{i}-answer",
                classes="objection-answer",
            ),
            classes="objection-row",
        )

    @on(Select.Changed)
    def _kind_changed(self, event: Select.Changed) -> None:
        control = event.select.id or ""
        if not control.endswith("-kind") or event.value is Select.NULL:
            return
        index = control.split("-")[1]
        answer = self.query(f"#objection-{index}-answer").first(Input)
        answer.placeholder = SUGGESTED_ANSWERS[ObjectionKind(str(event.value))]

    def _read_rows(self) -> list[pl.ObjectionDraft]:
        v = self.values()
        return [
            pl.ObjectionDraft(
                kind=v.get(f"objection-{i}-kind", "other"),
                text=v.get(f"objection-{i}-text", ""),
                answer=v.get(f"objection-{i}-answer", ""),
            )
            for i in range(len(self.rows))
        ]

    def _focused_row(self) -> int | None:
        focused = self.focused
        ident = focused.id if focused is not None else None
        if ident and ident.startswith("objection-"):
            return int(ident.split("-")[1])
        return None

    async def action_add_row(self) -> None:
        self.rows = [*self._read_rows(), pl.ObjectionDraft()]
        await self._rebuild(focus=len(self.rows) - 1)

    async def action_remove_row(self) -> None:
        index = self._focused_row()
        if index is None:
            self.notify("Focus an objection to remove it.")
            return
        rows = self._read_rows()
        del rows[index]
        self.rows = rows or [pl.ObjectionDraft()]
        await self._rebuild(focus=max(0, index - 1))

    def save(self) -> Write[pl.PipelineChange]:
        rows, undo = self._read_rows(), self.app.undo_stack
        self._offers_discount = any(mentions_discount(r.answer) for r in rows)
        return lambda: pl.save_objections(
            self.db, client_id=self.client_id, objections=rows, undo=undo
        )

    def saved_message(self, result: pl.PipelineChange | None) -> str:
        if self._offers_discount:
            self.app.notify(
                "An answer offers a discount: the article says add value instead "
                "(an extra service for the same fee).",
                severity="warning",
                title="Never a discount",
                timeout=8,
            )
        return super().saved_message(result)


# ---------------------------------------------------------------- paid trial


class TrialFormScreen(_PipelineForm):
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
                _area(d.criteria, "criteria", "What the trial must show"),
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


class ChooseTierScreen(_PipelineForm):
    """The client confirmed a tier."""

    TITLE_TEXT = "Tier chosen"
    SMALL = True

    def __init__(self, db: Database, *, client_id: int, today: date) -> None:
        super().__init__(db)
        self.client_id = client_id
        self.today = today
        self.prospect = pl.get_prospect(db, client_id=client_id)
        self.tiers = pl.list_tiers(db)
        self.currency = pl.income_now(db)[1]
        if not self.tiers:
            raise DatabaseError("Add a tier first (T on the dashboard)")
        self.TITLE_TEXT = f"{self.prospect.name} chose"

    def compose(self) -> ComposeResult:
        p = self.prospect
        chosen = p.chosen_tier_id or pl.default_recommendation(p, self.tiers)
        with self.dialog(self.TITLE_TEXT, "choose-dialog"):
            yield FormField(
                "Tier",
                _tier_select(self.tiers, self.currency, chosen),
                field="tier",
                hint=f"Recommended: {p.recommended_tier}" if p.recommended_tier else "",
            )
            yield from self.buttons()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#tier", Select).focus()

    def save(self) -> Write[pl.PipelineChange]:
        value = self.query_one("#tier", Select).value
        if value is Select.NULL:
            from retainer_tui.services.errors import FormInvalid

            raise FormInvalid({"tier": "choose one of your tiers"})
        tier_id, undo = int(str(value)), self.app.undo_stack
        return lambda: pl.choose_tier(
            self.db, client_id=self.client_id, tier_id=tier_id, today=self.today, undo=undo
        )


class RetainFormScreen(_PipelineForm):
    """Retain: an active client on a tier from a start month, its goals carried over."""

    TITLE_TEXT = "Retain"
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
        self.TITLE_TEXT = f"Retain {self.prospect.name}"

    def compose(self) -> ComposeResult:
        p = self.prospect
        tier = p.chosen_tier_id or pl.default_recommendation(p, self.tiers)
        start = default_start_month(self.today, p.trial_end if p.has_trial else None)
        goals = len(p.targets)
        with self.dialog(self.TITLE_TEXT, "retain-dialog"):
            yield FormField("Tier", _tier_select(self.tiers, self.currency, tier), field="tier")
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
        value = self.query_one("#tier", Select).value
        if value is Select.NULL:
            from retainer_tui.services.errors import FormInvalid

            raise FormInvalid({"tier": "choose one of your tiers"})
        tier_id, undo = int(str(value)), self.app.undo_stack
        start_month = self.query_one("#start_month", Input).value
        return lambda: pl.retain(
            self.db,
            client_id=self.client_id,
            tier_id=tier_id,
            start_month=start_month,
            today=self.today,
            undo=undo,
        )


class LostFormScreen(_PipelineForm):
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
