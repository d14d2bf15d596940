"""Errors the write services raise; each message is ready to show the user."""

from __future__ import annotations

from collections.abc import Mapping


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
    """Fields this form changed were changed elsewhere since it opened; nothing was written.

    `current` holds the stored values now (the form's new starting point: saving again
    keeps what it typed).
    """

    def __init__(self, errors: Mapping[str, str], current: object) -> None:
        super().__init__(errors)
        self.current = current
