"""`g`: a client's targets per metric from a month on (carried forward), their history, the
tier's default goals (ctrl+g fills them in), and adding a metric of your own."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Footer, Input, Label, Static

from retainer_tui.domain import validation as v
from retainer_tui.domain.month import Month
from retainer_tui.services import entries
from retainer_tui.services.database import Database
from retainer_tui.services.entries import GoalsSet, GoalStep, MetricAdded, TargetInForce
from retainer_tui.services.errors import EditConflict, FormInvalid
from retainer_tui.services.form_data import GoalsForm, goals_form
from retainer_tui.services.goals import TierDefaults
from retainer_tui.services.month_view import MetricInfo
from retainer_tui.tui.entry_keys import GOALS_KEYS, METRIC_FORM_KEYS
from retainer_tui.tui.key_order import keys_held
from retainer_tui.tui.keys import bindings
from retainer_tui.tui.screens.form_base import FormScreen, Read, Write
from retainer_tui.tui.widgets.form_field import FormField


def _field(metric: str) -> str:
    return f"target-{metric}"


class GoalsScreen(FormScreen[GoalsSet | None]):
    """Type new targets (blank keeps the one in force, 0 stops tracking); ctrl+s saves them
    all from the chosen month on, earlier months keep theirs."""

    KEY_SCOPE = "goals"
    BINDINGS: ClassVar[list[BindingType]] = [
        *bindings(GOALS_KEYS),
        Binding("ctrl+z", "undo_blocked", show=False),
    ]
    BUTTON_ACTIONS: ClassVar[Mapping[str, str]] = {
        **FormScreen.BUTTON_ACTIONS,
        "new-metric": "new_metric",
        "tier-defaults": "apply_tier_defaults",
    }

    def __init__(self, db: Database, *, client_id: int, month: Month) -> None:
        super().__init__(db)
        self.client_id = client_id
        self.month = month
        # Read by load(): a row per metric is mounted once the metrics are known.
        self.client_name = ""
        self.metrics: list[MetricInfo] = []
        self.in_force: dict[str, TargetInForce] = {}
        self.defaults: TierDefaults | None = None
        self.TITLE_TEXT = "Goals"

    @property
    def tier_targets(self) -> dict[str, int]:
        """The client's tier's default goals (empty when there are none)."""
        return self.defaults.targets if self.defaults else {}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form-dialog", id="goals-dialog") as dialog:
            dialog.border_title = self.TITLE_TEXT
            dialog.border_subtitle = "ctrl+s save · ctrl+n new metric · escape cancel"
            yield FormField(
                "From month (targets apply from this month on; earlier months keep theirs)",
                Input(str(self.month), placeholder="YYYY-MM", id="month", compact=True),
                field="month",
            )
            yield Horizontal(*self._head(), classes="goal-row goal-head")
            yield VerticalScroll(id="goal-rows", classes="form-body")
            yield Static(id="goal-history")
            with Horizontal(classes="form-buttons"):
                yield Button("Save", id="save", variant="primary", compact=True)
                yield Button("New metric…", id="new-metric", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
        yield Footer()

    def _head(self) -> list[Widget]:
        head: list[Widget] = [
            Label("Metric", classes="goal-metric field-label"),
            Label("In force that month", classes="goal-now field-label"),
        ]
        new = "New target (blank keeps, 0 stops)"
        if self.tier_targets:
            head.append(Label("Tier default", classes="goal-default field-label"))
            new = "New (blank keeps, 0 stops)"
        head.append(Label(new, classes="field-label"))
        return head

    def load(self) -> Read:
        db, client_id, month = self.db, self.client_id, self.month
        return lambda: goals_form(db, client_id=client_id, month=month)

    async def loaded(self, data: GoalsForm) -> None:
        """The rows are mounted on the first load; a reload (after an edit conflict)
        shows the targets as stored now and clears the new ones typed."""
        self.client_name, self.version = data.client, data.version
        self.defaults, self.in_force = data.defaults, data.in_force
        self.TITLE_TEXT = f"Goals — {data.client}"
        dialog = self.query_one("#goals-dialog")
        dialog.border_title = self.TITLE_TEXT
        if not self.reloading:
            self.metrics = list(data.metrics)
            if self.tier_targets:
                dialog.border_subtitle = (
                    "ctrl+s save · ctrl+g tier defaults · ctrl+n new metric · escape cancel"
                )
                head = self.query_one(".goal-head", Horizontal)
                await head.remove_children()
                await head.mount_all(self._head())
                await self.query_one(".form-buttons", Horizontal).mount(
                    Button("Tier defaults", id="tier-defaults", compact=True),
                    before="#new-metric",
                )
            rows = self.query_one("#goal-rows", VerticalScroll)
            await rows.mount_all(self._row(metric) for metric in self.metrics)
            self.refresh_bindings()
        else:
            for metric in self.metrics:
                self.query_one(f"#now-{metric.key}", Label).update(self._now_text(metric))
            self.fill({_field(m.key): "" for m in self.metrics})
        self._show_history(data.history)
        if data.month != self.month:  # another month typed while the form was loading
            self._show_in_force(self.month)

    def _row(self, metric: MetricInfo) -> Horizontal:
        cells: list[Widget] = [
            Label(metric.label, classes="goal-metric", markup=False),
            Label(self._now_text(metric), classes="goal-now", id=f"now-{metric.key}"),
        ]
        if self.tier_targets:
            default = self.tier_targets.get(metric.key)
            cells.append(Label("—" if default is None else f"{default:,}", classes="goal-default"))
        cells.append(
            FormField(
                "",
                Input(placeholder="keep", id=_field(metric.key), compact=True),
                field=_field(metric.key),
            )
        )
        return Horizontal(*cells, classes="goal-row")

    def _now_text(self, metric: MetricInfo) -> str:
        target: TargetInForce | None = self.in_force.get(metric.key)
        if target is None:
            return "no target"
        if target.target == 0:
            return f"not tracked since {target.set_in}"
        unit = f" {metric.unit}" if metric.unit else ""
        return f"{target.target:,}{unit} since {target.set_in}"

    def on_mount(self) -> None:
        super().on_mount()
        # The top field first: a month typed at once lands in "From month".
        self.query_one("#month", Input).focus()

    def _show_history(self, steps: tuple[GoalStep, ...]) -> None:
        labels = {m.key: m.label for m in self.metrics}
        lines = ["History of target changes:"]
        for step in steps[-40:]:
            was = "" if step.previous is None else f" (was {step.previous:,})"
            target = "not tracked" if step.target == 0 else f"{step.target:,}"
            lines.append(f"  {step.month}  {labels.get(step.metric, step.metric)}: {target}{was}")
        if not steps:
            lines.append("  none yet")
        self.query_one("#goal-history", Static).update("\n".join(lines))

    @on(Input.Changed, "#month")
    def _month_changed(self, event: Input.Changed) -> None:
        try:
            month = v.month(event.value)
        except v.InvalidValue:
            return
        if month == self.month:
            return
        self.month = month
        self._show_in_force(month)

    def _show_in_force(self, month: Month) -> None:
        db, client_id = self.db, self.client_id

        def show(in_force: dict[str, TargetInForce]) -> None:
            self.in_force = in_force
            for metric in self.metrics:
                self.query_one(f"#now-{metric.key}", Label).update(self._now_text(metric))

        self.look_up(lambda: entries.targets_in_force(db, client_id=client_id, month=month), show)

    # -- saving ----------------------------------------------------------------------------

    def save(self) -> Write[GoalsSet]:
        values = self.values()
        targets = {m.key: values.get(_field(m.key), "") for m in self.metrics}
        try:
            month = v.month(values["month"], "from month")
        except v.InvalidValue as exc:
            # Check the targets too, so that every message shows at once.
            errors = {"month": str(exc)}
            for key, typed in targets.items():
                if typed.strip():
                    try:
                        v.count(typed, "target")
                    except v.InvalidValue as bad:
                        errors[_field(key)] = str(bad)
            raise FormInvalid(errors) from None
        undo, expected = self.app.undo_stack, self.version

        def write() -> GoalsSet:
            try:
                return entries.set_goals(
                    self.db,
                    client_id=self.client_id,
                    month=month,
                    targets=targets,
                    undo=undo,
                    expected=expected,
                )
            except EditConflict:
                raise
            except FormInvalid as exc:
                raise FormInvalid(
                    {k.replace("target:", "target-"): m for k, m in exc.errors.items()}
                ) from None

        return write

    def saved_message(self, result: GoalsSet | None) -> str:
        assert result is not None
        if not result.targets:
            return "No target typed: nothing changed."
        return f"{self.client_name}: {len(result.targets)} target(s) set from {result.month}."

    # -- the tier's default goals ----------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "apply_tier_defaults":
            return bool(self.tier_targets)
        return True

    def action_apply_tier_defaults(self) -> None:
        """Type the tier's default targets into the inputs; ctrl+s then saves them from the
        chosen month on. Metrics already at their default are left blank (nothing to
        change); metrics without a default keep what was typed."""
        if self.defaults is None or not self.defaults.targets:
            self.notify("This client's tier has no default goals (set them in Tiers, T).")
            return
        shown = {m.key for m in self.metrics}
        filled = same = 0
        for key, target in self.defaults.targets.items():
            if key not in shown:
                continue
            control = self.query_one(f"#{_field(key)}", Input)
            now = self.in_force.get(key)
            if now is not None and now.target == target:
                control.value = ""
                same += 1
                continue
            control.value = str(target)
            filled += 1
        tier = self.defaults.tier
        if not filled:
            self.notify(f"Every target is already at {tier}'s defaults in {self.month}.")
            return
        also = f" ({same} already at the default)" if same else ""
        self.notify(
            f"{filled} target(s) filled in from {tier}'s defaults{also}: "
            f"ctrl+s sets them from {self.month}.",
            title="Tier defaults",
        )

    # -- custom metrics --------------------------------------------------------------------

    def action_new_metric(self) -> None:
        if not self.ready_to_save():  # its row goes among the rows the read mounts
            return
        self.app.push_screen(MetricFormScreen(self.db), self._metric_added)

    async def _metric_added(self, added: MetricAdded | None) -> None:
        if added is None:
            return
        metric = MetricInfo(added.key, added.label, added.unit, False)
        self.metrics.append(metric)
        if self._initial is not None:
            self._initial[_field(added.key)] = ""
        # The keys typed after the metric's ctrl+s wait for its target field.
        with keys_held(self.app):
            await self.query_one("#goal-rows", VerticalScroll).mount(self._row(metric))
            self.query_one(f"#{_field(added.key)}", Input).focus()


class MetricFormScreen(FormScreen[MetricAdded | None]):
    """A metric of your own: key (a-z, 0-9, _), label and unit."""

    KEY_SCOPE = "metric-form"
    TITLE_TEXT = "New metric"
    BINDINGS: ClassVar[list[BindingType]] = [
        *bindings(METRIC_FORM_KEYS),
        Binding("ctrl+z", "undo_blocked", show=False),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form-dialog -small", id="metric-dialog") as dialog:
            dialog.border_title = "New metric"
            dialog.border_subtitle = "ctrl+s save · escape cancel"
            yield FormField(
                "Label", Input(placeholder="Reels published", id="label", compact=True),
                field="label",
            )  # fmt: skip
            yield FormField(
                "Key (a-z, 0-9 and _; used in exports)",
                Input(placeholder="reels", id="key", compact=True),
                field="key",
            )
            yield FormField(
                "Unit", Input(placeholder="reels", id="unit", compact=True), field="unit"
            )
            with Horizontal(classes="form-buttons"):
                yield Button("Save", id="save", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#label", Input).focus()
        self._key_touched = False
        self._suggested = ""

    @on(Input.Changed, "#label")
    def _suggest_key(self, event: Input.Changed) -> None:
        """Offer a key made from the label until the key is typed by hand."""
        if getattr(self, "_key_touched", False):
            return
        import re

        slug = re.sub(r"[^a-z0-9]+", "_", event.value.lower()).strip("_")[:40]
        self._suggested = slug
        self.query_one("#key", Input).value = slug

    @on(Input.Changed, "#key")
    def _key_typed(self, event: Input.Changed) -> None:
        # Changed messages arrive after the fact: one for an earlier suggestion (no longer
        # the key's value) or for the latest one is not the user typing.
        if event.value == getattr(self, "_suggested", "") or event.value != event.input.value:
            return
        self._key_touched = True

    @property
    def dirty(self) -> bool:
        return any(v.strip() for v in self.values().values())

    def save(self) -> Write[MetricAdded]:
        values, undo = self.values(), self.app.undo_stack
        return lambda: entries.add_metric(
            self.db, key=values["key"], label=values["label"], unit=values["unit"], undo=undo
        )

    def saved_message(self, result: MetricAdded | None) -> str:
        assert result is not None
        return f"New metric {result.label} ({result.key})."
