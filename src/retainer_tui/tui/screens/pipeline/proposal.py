"""The proposal email: three tiers, one recommended; edited here, then copied, exported or
marked sent. The recommended tier, the (edited) text and the date sent are stored."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, Label, Select, Static, TextArea

from retainer_tui import paths
from retainer_tui.config import Settings
from retainer_tui.domain.proposal import ProposalEmail, Sender, proposal_document
from retainer_tui.services import pipeline as pl
from retainer_tui.services.database import Database
from retainer_tui.services.errors import FormInvalid
from retainer_tui.tui.background_writes import BackgroundWrites
from retainer_tui.tui.keys import bindings
from retainer_tui.tui.pipeline_keys import PROPOSAL_KEYS
from retainer_tui.tui.screens.pipeline.form_base import tier_label

if TYPE_CHECKING:
    from textual import getters

    from retainer_tui.tui.app import RetainerApp


def profile_sender(settings: Settings) -> Sender | None:
    """The user's profile (config.toml) as the email's signature; None when not set."""
    if not settings.has_profile:
        return None
    return Sender(settings.name, settings.business, settings.email, settings.signature)


class ExportPathScreen(ModalScreen[Path | None]):
    """Ask where to export the proposal, with the default path filled in."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="proposal-export.cancel")
    ]

    def __init__(self, default: Path) -> None:
        super().__init__()
        self._default = default

    def compose(self) -> ComposeResult:
        with Vertical(id="proposal-export-dialog", classes="dialog form-dialog -small") as box:
            box.border_title = "Export the proposal to"
            box.border_subtitle = "enter writes the file · escape cancels"
            yield Input(str(self._default), id="proposal-export-path", compact=True)
            yield Static("", id="proposal-export-error", classes="field-error")
        yield Footer()

    @on(Input.Submitted, "#proposal-export-path")
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            self.query_one("#proposal-export-error", Static).update("A file name is required")
            return
        path = Path(text).expanduser()
        self.dismiss(path / self._default.name if path.is_dir() else path)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ProposalScreen(Screen[pl.PipelineChange | None]):
    """Write the proposal for one prospect; dismissed with the last change saved (or None)."""

    if TYPE_CHECKING:  # the RetainerApp, typed only (see FormScreen.app)
        app = getters.app(RetainerApp)

    KEY_SCOPE = "proposal"
    TITLE_TEXT = "Proposal"
    BINDINGS: ClassVar[list[BindingType]] = bindings(PROPOSAL_KEYS)

    def __init__(self, db: Database, *, context: pl.ProposalContext, today: date) -> None:
        """context: read before (pl.proposal_context, in the board's worker)."""
        super().__init__()
        self.db = db
        self.client_id = context.prospect.id
        self.today = today
        self.sender = context.sender
        self.context = context
        self.writes = BackgroundWrites(self, db, title="Proposal")
        if not self.context.tiers:
            raise pl.TierNeeded("Add a tier first: a proposal offers tiers (T on the dashboard)")
        prospect = self.context.prospect
        self.tier_id = self.context.default_tier_id or self.context.tiers[-1].id
        self.email = self.context.stored_or_generated()
        self.markdown = self.email.markdown
        self.saved: tuple[int, str, str, bool] = self._state(self.email)
        self.result: pl.PipelineChange | None = None
        self.TITLE_TEXT = f"Proposal to {prospect.name}"

    def _state(self, email: ProposalEmail) -> tuple[int, str, str, bool]:
        # As stored: surrounding blanks are not an edit.
        return (self.tier_id, email.subject.strip(), email.body.rstrip(), email.markdown)

    # ------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        p = self.context.prospect
        with Horizontal(id="proposal-bar"):
            yield Static(self.TITLE_TEXT, id="proposal-title")
            yield Static("", id="proposal-state")
        with Horizontal(id="proposal-options"):
            yield Label("Recommend", classes="proposal-label")
            yield Select(
                [(tier_label(t, self.context.currency), t.id) for t in self.context.tiers],
                value=self.tier_id,
                allow_blank=False,
                compact=True,
                id="proposal-tier",
            )
            yield Static("", id="proposal-format")
        with Horizontal(id="proposal-subject-row"):
            yield Label("Subject", classes="proposal-label")
            yield Input(self.email.subject, id="proposal-subject", compact=True)
        yield TextArea(
            self.email.body,
            id="proposal-body",
            soft_wrap=True,
            tab_behavior="focus",
            show_line_numbers=False,
        )
        to = p.decision_maker or p.name
        yield Static(
            f"To {to}{' <' + p.email + '>' if p.email else ''}. Edit freely: "
            "f4 copies, f8 exports, f9 marks it sent.",
            id="proposal-hint",
        )
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.TITLE_TEXT
        self._show_state()
        self.query_one("#proposal-body", TextArea).focus()

    # ------------------------------------------------------------ state

    @property
    def subject(self) -> str:
        return self.query_one("#proposal-subject", Input).value

    @property
    def body(self) -> str:
        return self.query_one("#proposal-body", TextArea).text

    @property
    def dirty(self) -> bool:
        return self._state(ProposalEmail(self.subject, self.body, self.markdown)) != self.saved

    def _show_state(self) -> None:
        p = self.context.prospect
        if p.proposal_sent_on:
            state = f"sent {p.proposal_sent_on.isoformat()}"
        elif p.proposal_body:
            state = "saved, not sent yet"
        else:
            state = "not sent yet"
        self.query_one("#proposal-state", Static).update(state)
        self.query_one("#proposal-format", Static).update(
            "Markdown (f2: plain text)" if self.markdown else "Plain text (f2: Markdown)"
        )

    def _show(self, email: ProposalEmail) -> None:
        self.query_one("#proposal-subject", Input).value = email.subject
        self.query_one("#proposal-body", TextArea).load_text(email.body)
        self.markdown = email.markdown
        self._show_state()

    @on(Select.Changed, "#proposal-tier")
    def _tier_changed(self, event: Select.Changed) -> None:
        if event.value is Select.NULL or event.value == self.tier_id:
            return
        self.tier_id = int(str(event.value))
        self._show(self.context.email(self.tier_id, markdown=self.markdown))
        tier = next(t.name for t in self.context.tiers if t.id == self.tier_id)
        self.notify(f"Now recommending {tier}; the email was written again.")

    # ------------------------------------------------------------ actions

    def action_toggle_markdown(self) -> None:
        wanted = not self.markdown
        p = self.context.prospect
        stored_tier = self.context.default_tier_id
        if p.proposal_body and p.proposal_markdown == wanted and self.tier_id == stored_tier:
            email = ProposalEmail(p.proposal_subject, p.proposal_body, wanted)
        else:
            email = self.context.email(self.tier_id, markdown=wanted)
        self._show(email)

    def action_regenerate(self) -> None:
        self._show(self.context.email(self.tier_id, markdown=self.markdown))
        self.notify("Written again from the prospect's notes (ctrl+s keeps it).")

    def _save(
        self, then: Callable[[pl.PipelineChange], object], *, sent_on: date | None = None
    ) -> None:
        """The proposal as typed now saved (and read back) in the background; then(change)
        once it is stored, the typing meanwhile kept."""
        email = ProposalEmail(self.subject, self.body, self.markdown)
        client_id, tier_id, today = self.client_id, self.tier_id, self.today
        stack, sender = self.app.undo_stack, self.sender

        def write(db: Database) -> tuple[pl.PipelineChange, pl.ProposalContext]:
            change = pl.save_proposal(
                db,
                client_id=client_id,
                recommended_tier_id=tier_id,
                subject=email.subject,
                body=email.body,
                markdown=email.markdown,
                today=today,
                sent_on=sent_on,
                undo=stack,
            )
            return change, pl.proposal_context(db, client_id=client_id, sender=sender)

        def stored(done: tuple[pl.PipelineChange, pl.ProposalContext]) -> None:
            self.result, self.context = done
            self.saved = (tier_id, email.subject.strip(), email.body.rstrip(), email.markdown)
            self._show_state()
            self.app.reload_data()
            then(self.result)

        def refused(exc: Exception) -> None:
            why = "\n".join(exc.errors.values()) if isinstance(exc, FormInvalid) else str(exc)
            self.notify(why, severity="error", title="Proposal")

        self.writes.submit(write, stored, refused=refused)

    def on_unmount(self) -> None:
        self.writes.detach()

    def action_save(self) -> None:
        self._save(lambda change: self.notify(change.message, title="Saved"))

    def action_mark_sent(self) -> None:
        self._save(
            lambda change: self.notify(change.message, title="Proposal sent"),
            sent_on=self.today,
        )

    def _close_if_saved(self) -> None:
        if self.is_attached and not self.dirty:
            self.dismiss(self.result)

    def _document(self) -> str:
        return proposal_document(self.subject, self.body, markdown=self.markdown)

    def action_copy(self) -> None:
        text = self._document()
        from retainer_tui.tui.clipboard import copy_text

        where = copy_text(text, self.app.copy_to_clipboard)
        self.notify(f"The proposal ({text.count(chr(10))} lines): {where}.", title="Copied")

    def action_export(self) -> None:
        name = self.context.prospect.name
        default = pl.default_proposal_path(
            name, markdown=self.markdown, folder=paths.documents_dir()
        )

        def chosen(path: Path | None) -> None:
            if path is None:
                return
            from retainer_tui.tui.export_confirm import export_to

            subject, body, markdown = self.subject, self.body, self.markdown
            export_to(
                self,
                path,
                database=self.db.file,
                what="proposal",
                write=lambda overwrite: pl.export_proposal(
                    path,
                    subject=subject,
                    body=body,
                    markdown=markdown,
                    database=self.db.file,
                    backups=paths.backups_dir(self.db.file),
                    documents=paths.documents_dir(),
                    overwrite=overwrite,
                ),
                done=lambda written: self.notify(
                    f"Exported to {written}", title="Proposal exported", markup=False
                ),
            )

        self.app.push_screen(ExportPathScreen(default), chosen)

    def action_back(self) -> None:
        if self.writes.pending:  # closes once stored (the result is the change saved)
            self.notify("Still saving: the proposal closes when it is saved.", title="Proposal")
            self.writes.when_done(self._close_if_saved)
            return
        if not self.dirty:
            self.dismiss(self.result)
            return
        from retainer_tui.tui.screens.confirm import Choice, ChoiceScreen

        def answered(choice: str | None) -> None:
            if choice == "save":
                self._save(lambda _change: self.dismiss(self.result))
            elif choice == "discard":
                self.dismiss(self.result)

        self.app.push_screen(
            ChoiceScreen(
                "Keep your edits?",
                "The proposal was changed since it was last saved.",
                [
                    Choice("s", "Save", "save", "primary"),
                    Choice("d", "Discard", "discard", "error"),
                    Choice("k", "Keep editing", "keep"),
                ],
            ),
            answered,
        )
