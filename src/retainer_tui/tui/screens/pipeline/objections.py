"""The objections form: money, value or results, each with its answer (added value,
never a discount)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.events import Mount
from textual.widgets import Footer, Input, Select, Static

from retainer_tui.domain.pipeline import (
    OBJECTION_KINDS,
    SUGGESTED_ANSWERS,
    ObjectionKind,
    mentions_discount,
)
from retainer_tui.services import pipeline as pl
from retainer_tui.services.database import Database
from retainer_tui.tui.keys import bindings
from retainer_tui.tui.pipeline_keys import OBJECTION_KEYS
from retainer_tui.tui.screens.form_base import Read, Write
from retainer_tui.tui.screens.pipeline.form_base import PipelineForm
from retainer_tui.tui.widgets.form_field import FormField, text_input

# ---------------------------------------------------------------- objections


class ObjectionsScreen(PipelineForm):
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
        self._offers_discount = False
        # One blank row to type into until load() has read the objections recorded.
        self.rows: list[pl.ObjectionDraft] = [pl.ObjectionDraft()]

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

    def load(self) -> Read:
        db, client_id = self.db, self.client_id
        return lambda: pl.get_prospect(db, client_id=client_id)

    async def loaded(self, data: pl.Prospect) -> None:
        """A row per objection recorded; a row typed in meanwhile is kept after them."""
        self.retitle(f"Objections: {data.name}")
        stored = [pl.ObjectionDraft(o.kind.value, o.text, o.answer) for o in data.objections]
        if not stored:
            return
        typed = [row for row in self._read_rows() if row.text.strip() or row.answer.strip()]
        self.rows = [*stored, *typed]
        await self._rebuild(focus=len(stored) if typed else 0)

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
