"""The tier form: name, fee, hours, services and default goals, with the question of
whether the clients on the tier follow a new fee."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Footer, Input, Static

from retainer_tui.domain.money import format_money
from retainer_tui.services.catalog import TierInfo
from retainer_tui.services.database import Database
from retainer_tui.services.errors import FormInvalid
from retainer_tui.services.form_data import TierForm, tier_form
from retainer_tui.services.month_view import MetricInfo
from retainer_tui.services.tiers import (
    GOAL_FIELD,
    TierDraft,
    TierSaved,
    clean_goals,
    followers,
    get_tier,
    save_tier,
    validate_tier,
)
from retainer_tui.tui.entry_keys import TIER_FORM_KEYS
from retainer_tui.tui.keys import bindings
from retainer_tui.tui.screens.confirm import Choice, ChoiceScreen
from retainer_tui.tui.screens.form_base import FormScreen, Read
from retainer_tui.tui.widgets.form_field import FormField
from retainer_tui.tui.widgets.service_list import ServiceList

if TYPE_CHECKING:
    pass


def _goal_field(metric: str) -> str:
    """The tier form's field (and input id) for a metric's default target."""
    return f"{GOAL_FIELD}{metric}"


def _fee(cents: int, currency: str) -> str:
    """'$3,000', or '$3,000.50' when there are cents."""
    return format_money(cents, currency, cents_shown=cents % 100 != 0)


@dataclass(frozen=True)
class _FeeChange:
    """A saved tier's fee changes and clients pay it: they are asked whether to follow."""

    tier: TierInfo
    new_fee: int
    paying: int


class TierFormScreen(FormScreen[TierSaved | None]):
    """A tier's name, fee, included hours, services, description and default goals (a
    monthly target per metric, offered on a client's goals screen; blank means none)."""

    KEY_SCOPE = "tier-form"
    BINDINGS: ClassVar[list[BindingType]] = [
        *bindings(TIER_FORM_KEYS),
        Binding("ctrl+z", "undo_blocked", show=False),
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

    def __init__(
        self, db: Database, *, tier: TierInfo | None = None, currency: str = "USD"
    ) -> None:
        super().__init__(db)
        # The tier as the tiers screen listed it, shown at once; load() reads it again as
        # stored, with its version, and the metrics its default goals are for.
        self.tier = tier
        self.currency = currency
        self.draft = tier.draft() if tier else TierDraft(included_hours="0")
        self.TITLE_TEXT = f"Edit {tier.name}" if tier else "New tier"
        self.metrics: tuple[MetricInfo, ...] = ()

    def compose(self) -> ComposeResult:
        d = self.draft
        with Vertical(classes="dialog form-dialog", id="tier-dialog") as dialog:
            dialog.border_title = self.TITLE_TEXT
            dialog.border_subtitle = "ctrl+s save · escape cancel"
            with VerticalScroll(classes="form-body"):
                with Grid(classes="form-grid"):
                    yield FormField(
                        "Name", Input(d.name, placeholder="Tier 4", id="name", compact=True),
                        field="name",
                    )  # fmt: skip
                    yield FormField(
                        "Monthly fee",
                        Input(d.monthly_fee, placeholder="3000", id="monthly_fee", compact=True),
                        field="monthly_fee",
                    )
                    yield FormField(
                        "Included hours per month",
                        Input(str(d.included_hours), id="included_hours", compact=True),
                        field="included_hours",
                    )
                    yield FormField(
                        "Description",
                        Input(d.description, id="description", compact=True),
                        field="description",
                    )
                yield FormField(
                    "Services (in the order the proposal lists them)",
                    ServiceList(d.services, id="services"),
                    field="services",
                )
                yield Static(
                    "Default goals per month: offered on a client's goals screen (ctrl+g); "
                    "blank: none",
                    classes="field-label",
                    id="tier-goals-title",
                )
                yield Grid(classes="form-grid tier-goals", id="tier-goals")
            with Horizontal(classes="form-buttons"):
                yield Button("Save", id="save", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#name", Input).focus()

    def load(self) -> Read:
        db, tier_id = self.db, self.tier.id if self.tier else None
        return lambda: tier_form(db, tier_id=tier_id)

    async def loaded(self, data: TierForm) -> None:
        """A default-goal field per metric (mounted on the first load), and the tier as
        stored in every field not typed in yet (in every field, for Reload)."""
        if not self.reloading:
            self.metrics = data.metrics
            await self.query_one("#tier-goals", Grid).mount_all(
                FormField(
                    metric.label,
                    Input(
                        placeholder="none",
                        id=_goal_field(metric.key),
                        classes="tier-goal",
                        compact=True,
                    ),
                    field=_goal_field(metric.key),
                )
                for metric in self.metrics
            )
        if data.tier is not None:
            self.tier, self.draft, self.version = data.tier, data.tier.draft(), data.version
        d = self.draft
        goals = d.goals or {}
        self.fill(
            {
                "name": d.name,
                "monthly_fee": d.monthly_fee,
                "included_hours": str(d.included_hours),
                "description": d.description,
                **{_goal_field(m.key): str(goals.get(m.key, "")) for m in self.metrics},
            }
        )
        services = self.query_one(ServiceList)
        if data.tier is not None and (
            self.reloading or services.value_text() == self._composed.get("services")
        ):
            services.set_services(d.services)

    @on(Input.Blurred, ".tier-goal")
    def _goal_left(self, event: Input.Blurred) -> None:
        """A default target is checked as soon as the field is left."""
        self._check_goal(event.input, show=True)

    @on(Input.Changed, ".tier-goal")
    def _goal_typed(self, event: Input.Changed) -> None:
        """While typing, a message already shown goes as soon as the value is good."""
        self._check_goal(event.input, show=False)

    def _check_goal(self, control: Input, *, show: bool) -> None:
        field_name = control.id or ""
        key = field_name.removeprefix(GOAL_FIELD)
        message = clean_goals({key: control.value}, {key})[1].get(key)
        field = self.form_fields.get(field_name)
        if field is None or (message and not show):
            return
        field.show_error(message)

    def action_move_service(self, step: int) -> None:
        self.query_one(ServiceList).move(step)

    def action_remove_service(self) -> None:
        self.query_one(ServiceList).remove_highlighted()

    def current_draft(self) -> TierDraft:
        values = self.values()
        return TierDraft(
            name=values["name"],
            monthly_fee=values["monthly_fee"],
            included_hours=values["included_hours"],
            services=tuple(self.query_one(ServiceList).services),
            description=values["description"],
            goals={m.key: values.get(_goal_field(m.key), "") for m in self.metrics},
        )

    def action_save(self) -> None:
        """Saving a new fee for a tier clients pay asks whether they follow it."""
        if not self.ready_to_save():
            return
        draft, tier, version = self.current_draft(), self.tier, self.version

        def look() -> _FeeChange | None:
            errors = validate_tier(self.db, draft, tier_id=tier.id if tier else None)
            if errors:
                raise FormInvalid(errors)
            if tier is None:
                return None
            from retainer_tui.domain import validation as v
            from retainer_tui.services.edit_guard import check_current

            # Changed since it opened: say so before asking about its fee.
            check_current(self.db, version)
            new_fee = v.money(draft.monthly_fee, "monthly fee")
            current = get_tier(self.db, tier_id=tier.id)
            paying = followers(self.db, tier_id=tier.id) if current else 0
            if current is None or new_fee == current.monthly_fee_cents or not paying:
                return None
            return _FeeChange(current, new_fee, paying)

        self.in_background(look, lambda change: self._ask(draft, change), retry=self.action_save)

    def _ask(self, draft: TierDraft, change: _FeeChange | None) -> None:
        if change is None:
            self._finish(draft, clients_follow=True)
            return
        current = change.tier
        old = _fee(current.monthly_fee_cents, self.currency)
        new = _fee(change.new_fee, self.currency)
        who = "1 client pays" if change.paying == 1 else f"{change.paying} clients pay"

        def answered(choice: str | None) -> None:
            if choice in ("follow", "keep"):
                self._finish(draft, clients_follow=choice == "follow")

        self.app.push_screen(
            ChoiceScreen(
                f"{who} {current.name}'s fee",
                f"The fee changes from {old} to {new}. Should their fee change too? "
                f"If not, each keeps paying {old} (as a fee of their own).",
                [
                    Choice("f", f"Follow: {new}", "follow", "primary"),
                    Choice("k", f"Keep {old}", "keep"),
                ],
            ),
            answered,
        )

    def _finish(self, draft: TierDraft, *, clients_follow: bool) -> None:
        tier_id = self.tier.id if self.tier else None
        undo, expected = self.app.undo_stack, self.version
        self.in_background(
            lambda: save_tier(
                self.db,
                draft=draft,
                tier_id=tier_id,
                clients_follow=clients_follow,
                undo=undo,
                expected=expected,
            ),
            self._tier_saved,
            retry=self.action_save,
        )

    def _tier_saved(self, saved: TierSaved) -> None:
        message = f"{'Added' if saved.created else 'Saved'} {saved.name}."
        if saved.pinned:
            message += f" {saved.pinned} client(s) keep the old fee."
        elif saved.followed:
            message += f" {saved.followed} client(s) now pay the new fee."
        self.clear_errors()
        self.app.notify(message, title="Saved")
        self.app.reload_data()
        self.dismiss(saved)
