"""Errors the write services raise; each message is ready to show the user."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from retainer_tui.services.edit_guard import EditVersion


class ServiceError(Exception):
    """A refused action; str() is a one-line message for the user."""


class FormInvalid(ServiceError):
    """Typed values that were refused: one message per field, nothing was written."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors: dict[str, str] = dict(errors)
        super().__init__("; ".join(f"{field}: {msg}" for field, msg in self.errors.items()))


class NotFound(ServiceError):
    """The client, tier or metric is gone (deleted elsewhere, or never existed)."""


class InUse(ServiceError):
    """A tier or metric that something still refers to cannot be deleted."""


class UndoConflict(ServiceError):
    """The rows an undo would restore were changed since; nothing was undone."""


class EditConflict(FormInvalid):
    """The record was changed elsewhere since the form opened; nothing was written.

    Two kinds. The client form merges field by field: `errors` holds a message per field
    changed both here and there, `current` the stored values now (the form's new
    starting point: saving again keeps what it typed). The other forms compare whole
    records (services.edit_guard): `who` changed them ("Sara", "Another window"),
    `changes` one line per field ("email (a@x.it → b@x.it)"), `version` what is stored
    now (saving with it overwrites, unless yet another change came in since).
    """

    def __init__(
        self,
        errors: Mapping[str, str],
        current: object,
        *,
        who: str = "",
        changes: Sequence[str] = (),
        version: EditVersion | None = None,
    ) -> None:
        super().__init__(errors)
        self.current = current
        self.who = who
        self.changes: tuple[str, ...] = tuple(changes)
        self.version = version
        if self.changes:
            self.args = (self.describe(),)

    def describe(self) -> str:
        """ "Sara changed email (a@x.it → b@x.it) since you opened this form"."""
        return f"{self.who} changed {', '.join(self.changes)} since you opened this form"
