"""The prospect form (contact, source, next action) and the discovery notes. Each is a
modal FormScreen: ctrl+s saves, escape cancels."""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.containers import Grid, VerticalScroll
from textual.widgets import Footer, Input, Label, TextArea

from retainer_tui.services import pipeline as pl
from retainer_tui.services.database import Database
from retainer_tui.tui.screens.form_base import Read, Write
from retainer_tui.tui.screens.pipeline.form_base import PipelineForm, area
from retainer_tui.tui.widgets.form_field import FormField, service_type_field, text_input

# ---------------------------------------------------------------- prospect


class ProspectFormScreen(PipelineForm):
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
            self.draft = pl.ProspectDraft()  # blank until load() has read the prospect
            self.TITLE_TEXT = "Edit prospect"

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

    def load(self) -> Read | None:
        db, client_id = self.db, self.client_id
        if client_id is None:
            return None
        return lambda: pl.prospect_form(db, client_id=client_id)

    def loaded(self, data: pl.ProspectForm) -> None:
        self.version, self.draft = data.version, pl.prospect_draft(data.prospect)
        self.retitle(f"Edit {data.prospect.name}")
        self.fill({k: str(getattr(self.draft, k)) for k in _DRAFT_FIELDS})

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


_DRAFT_FIELDS = pl.ProspectDraft.__slots__


# ---------------------------------------------------------------- discovery


class DiscoveryFormScreen(PipelineForm):
    """What the call found: workload and goals for the next 3–6 months, monthly targets,
    extra services worth suggesting."""

    TITLE_TEXT = "Discovery"

    def __init__(self, db: Database, *, client_id: int) -> None:
        super().__init__(db)
        self.client_id = client_id
        # Read by load(): the notes, and the metrics a target field is mounted for.
        self.metrics: tuple[pl.MetricRef, ...] = ()
        self.TITLE_TEXT = "Discovery"

    def compose(self) -> ComposeResult:
        with self.dialog(self.TITLE_TEXT, "discovery-dialog"), VerticalScroll(classes="form-body"):
            yield FormField(
                "Expected workload",
                area("", "workload", "How much work over the next 3–6 months?"),
                field="workload",
            )
            yield FormField(
                "Goals for the next 3–6 months",
                area("", "goals", "One goal a line"),
                field="goals",
            )
            yield Label(
                "Monthly targets (the trial's success criteria, then the retainer's goals)",
                classes="field-label",
            )
            yield Grid(classes="form-grid targets-grid", id="targets-grid")
            yield FormField(
                "Extra services to suggest",
                area("", "extra_services", "One a line, e.g. SEO blog posts"),
                field="extra_services",
            )
            yield from self.buttons()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#workload", TextArea).focus()

    def load(self) -> Read:
        db, client_id = self.db, self.client_id
        return lambda: pl.discovery_form(db, client_id=client_id)

    async def loaded(self, data: pl.ProspectForm) -> None:
        """A target field per metric (mounted on the first load), the notes as stored in
        every field not typed in yet (in every field, for Reload)."""
        if not self.reloading:
            self.metrics = data.metrics
            await self.query_one("#targets-grid", Grid).mount_all(
                FormField(
                    metric.label,
                    text_input("", f"target-{metric.key}"),
                    field=f"target-{metric.key}",
                )
                for metric in self.metrics
            )
        self.version = data.version
        self.retitle(f"Discovery: {data.prospect.name}")
        d = pl.discovery_draft(data.prospect)
        self.fill(
            {
                "workload": d.workload,
                "goals": d.goals,
                "extra_services": d.extra_services,
                **{f"target-{m.key}": str(d.targets.get(m.key, "")) for m in self.metrics},
            }
        )

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
