"""The dialog over a form whose record was changed elsewhere since it opened: who changed
what (one line per field, old → new), and Reload (r), Overwrite (o) or Cancel (escape)."""

from __future__ import annotations

from retainer_tui.services.errors import EditConflict
from retainer_tui.tui.screens.confirm import Choice, ChoiceScreen

RELOAD, OVERWRITE = "reload", "overwrite"


def conflict_message(exc: EditConflict) -> str:
    """'Sara changed email (a@x.it → b@x.it) since you opened this form', or a list."""
    if len(exc.changes) == 1:
        return exc.describe() + "."
    lines = "\n".join(f"  {line}" for line in exc.changes)
    return f"{exc.who} changed, since you opened this form:\n{lines}"


class EditConflictScreen(ChoiceScreen):
    """Reload: the form takes what is stored now (what was typed is dropped); Overwrite:
    save what was typed over it; Cancel (escape): back to the form, edits kept."""

    TITLE_TEXT = "Changed since you opened this form"

    def __init__(self, exc: EditConflict) -> None:
        super().__init__(
            "Changed since you opened this form",
            conflict_message(exc),
            [
                Choice("r", "Reload", RELOAD, "primary"),
                Choice("o", "Overwrite", OVERWRITE, "warning"),
                Choice("escape", "Cancel", "cancel"),
            ],
        )

    def on_mount(self) -> None:
        super().on_mount()
        # Cancel (escape) is a button of its own: the usual "escape: back" line would repeat it.
        for line in self.query(".dialog-keys"):
            line.display = False
