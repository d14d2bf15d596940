"""What the pipeline's forms share: the modal form saving a PipelineChange, text areas,
the tier picker and its labels."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Select, TextArea

from retainer_tui.domain.money import format_money
from retainer_tui.services import pipeline as pl
from retainer_tui.tui.keys import bindings
from retainer_tui.tui.pipeline_keys import FORM_KEYS
from retainer_tui.tui.screens.form_base import FormScreen


def area(value: str, field: str, placeholder: str = "") -> TextArea:
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


def tier_select(
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


class PipelineForm(FormScreen[pl.PipelineChange | None]):
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

    def retitle(self, title: str) -> None:
        """The title once the prospect is read (its name)."""
        self.TITLE_TEXT = title
        self.query_one(".dialog", Vertical).border_title = title

    def buttons(self) -> ComposeResult:
        with Horizontal(classes="form-buttons"):
            yield Button("Save", id="save", variant="primary", compact=True)
            yield Button("Cancel", id="cancel", compact=True)

    def saved_message(self, result: pl.PipelineChange | None) -> str:
        return result.message if result is not None else "Saved."
