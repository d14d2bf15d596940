"""What every data-entry form shares: what it shows read in a worker as it opens
(form_load), ctrl+s saves, escape cancels (asking first when something was typed),
messages at the fields, the session's undo stack, and a reload of the app's data after
each write."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import on, work
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button

from retainer_tui.services.database import DatabaseBusy, DatabaseError, ServerUnreachable
from retainer_tui.services.errors import EditConflict, FormInvalid, ServiceError
from retainer_tui.services.undo import UndoStack
from retainer_tui.tui.key_order import keys_held_for_save
from retainer_tui.tui.screens.form_load import RETRY_SECONDS, FormLoading, Read, ResultT

if TYPE_CHECKING:
    from textual.timer import Timer

    from retainer_tui.services.database import Database
    from retainer_tui.services.edit_guard import EditVersion

__all__ = ["RETRY_SECONDS", "FormScreen", "Read", "Write"]

# What a form's save() hands the worker: the write, with the typed values closed over.
Write = Callable[[], ResultT]
# A save taking longer than this says so in a toast (the button already says "Saving…").
SLOW_SECONDS = 1.0


class FormScreen(FormLoading[ResultT]):
    """A modal form. Subclasses build FormFields and implement `save()`.

    What it shows is read by `load()` in a worker as it mounts (FormLoading).

    `save()` returns the value to dismiss with, or raises FormInvalid (messages shown at
    the fields, the form stays open with what was typed, nothing written).

    No silent overwrite: a form that edits a stored record keeps, in `version`, the rows
    as it loaded them and passes them to its service (expected=); when the service says
    another write changed them since (EditConflict with changes), a dialog offers Reload
    (`reload_stored()`: every field takes the stored value), Overwrite (save again over
    the version now stored) or Cancel (back to the form, edits kept).
    """

    KEY_SCOPE = "form"
    # The form's buttons, by id, and the actions they run (a form adds its own buttons).
    BUTTON_ACTIONS: ClassVar[Mapping[str, str]] = {"save": "save", "cancel": "cancel"}

    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db
        # Saving again every few seconds while the server cannot be reached.
        self._retry: Timer | None = None
        self._saving = False
        self._slow: Timer | None = None
        self._keys_back: Callable[[], None] = lambda: None
        self.version: EditVersion | None = None

    @on(Button.Pressed)
    def _button_pressed(self, event: Button.Pressed) -> None:
        action = self.BUTTON_ACTIONS.get(event.button.id or "")
        if action is not None:
            getattr(self, f"action_{action}")()

    def show_errors(self, errors: dict[str, str]) -> None:
        """Messages at their fields (others cleared); focus the first refused field."""
        fields = self.form_fields
        first: Widget | None = None
        for name, field in fields.items():
            message = errors.get(name)
            field.show_error(message)
            if message and first is None:
                first = field.control
        stray = [m for k, m in errors.items() if k not in fields]
        if stray:
            self.notify("\n".join(stray), severity="error", title=self.TITLE_TEXT)
        if first is not None:
            first.focus()
            count = sum(1 for k in errors if k in fields)
            self.notify(
                f"{count} field{'s' if count != 1 else ''} to fix: nothing was saved.",
                severity="error",
                title=self.TITLE_TEXT,
                timeout=4,
            )

    # -- saving and cancelling -------------------------------------------------------------

    def save(self) -> Write[ResultT]:
        """On the UI thread: read the fields (raising FormInvalid for what they alone can
        refuse) and return the write, which runs in a worker thread: it may only touch the
        database and what it closed over, never a widget."""
        raise TypeError(f"{type(self).__name__} must define save()")

    def saved_message(self, result: ResultT) -> str:
        return "Saved."

    def ready_to_save(self) -> bool:
        """False (and says why) while the form is still loading or saving."""
        if self._loading:
            self.notify(
                "Still loading what the form shows: save again once it is filled in.",
                title=self.TITLE_TEXT,
                timeout=3,
            )
            return False
        if self.saving:
            self.notify("Still saving: a moment.", title=self.TITLE_TEXT, timeout=3)
            return False
        return True

    def action_save(self) -> None:
        if not self.ready_to_save():
            return
        try:
            write = self.save()
        except FormInvalid as exc:
            self._stop_retrying()
            self.show_errors(exc.errors)
            return
        self.in_background(write, self._saved, retry=self.action_save)

    # -- the database in a worker ----------------------------------------------------------

    class Finished(Message):
        """A write (or read) started by in_background ended, with its result or error."""

        def __init__(self, then: Callable[[Any], None], retry: Callable[[], None]) -> None:
            super().__init__()
            self.then = then
            self.retry = retry
            self.result: object = None
            self.error: Exception | None = None

    @property
    def saving(self) -> bool:
        """Whether a write started here is still running."""
        return self._saving

    def in_background(
        self, work: Callable[[], Any], then: Callable[[Any], None], *, retry: Callable[[], None]
    ) -> None:
        """Run `work` in a worker thread, so keys keep working while the database is busy
        (another retainer importing holds its lock for seconds); `then(result)` runs on the
        UI thread after. Refusals are shown here; a busy database or an unreachable server
        keeps the edit in the form and tries `retry` again every few seconds."""
        self._saving = True
        self._show_busy("Saving…")
        self._slow = self.set_timer(SLOW_SECONDS, self._say_slow)
        self._keys_back = keys_held_for_save(self.app)
        self.app.own_write_started()
        self._work(work, FormScreen.Finished(then, retry))

    @work(thread=True, group="form-write", exit_on_error=False)
    def _work(self, work: Callable[[], Any], finished: FormScreen.Finished) -> None:
        try:
            finished.result = work()
        except Exception as exc:  # handed to the UI thread, which shows or raises it
            finished.error = exc
        self.post_message(finished)

    def on_form_screen_finished(self, message: FormScreen.Finished) -> None:
        message.stop()
        try:
            self._show_outcome(message)
        finally:
            self._keys_back()
            self.app.own_write_ended(wrote=message.error is None)

    def _show_outcome(self, message: FormScreen.Finished) -> None:
        self._saving = False
        self._show_busy(None)
        if self._slow is not None:
            self._slow.stop()
            self._slow = None
        exc = message.error
        if isinstance(exc, (ServerUnreachable, DatabaseBusy)):
            self._save_when_back(exc, message.retry)
            return
        was_waiting = self._retry is not None
        self._stop_retrying()
        if was_waiting:
            self.app.show_connection(True)
        if exc is None:
            message.then(message.result)
        elif isinstance(exc, EditConflict):
            if exc.changes:
                self.edit_conflict(exc, message.retry)
            else:
                self.show_errors(exc.errors)
        elif isinstance(exc, FormInvalid):
            self.show_errors(exc.errors)
        elif isinstance(exc, (ServiceError, DatabaseError)):
            self.notify(str(exc), severity="error", title=self.TITLE_TEXT, timeout=8)
        else:
            raise exc  # a bug: fail as loudly as it would have on the UI thread

    def _say_slow(self) -> None:
        self._slow = None
        if self._saving:
            self.notify(
                "Still saving: the database is slow to answer (another retainer may be "
                "writing). Keys keep working; the form closes when it is saved.",
                title=self.TITLE_TEXT,
                timeout=6,
            )

    def _save_when_back(self, exc: DatabaseError, retry: Callable[[], None]) -> None:
        """The server is gone or the file stays locked: the edit stays in the form and is
        saved, by itself, as soon as the database answers again (escape still cancels)."""
        if self._retry is None:
            busy = isinstance(exc, DatabaseBusy)
            self.notify(
                f"{exc} Your edit is kept here and saved "
                f"{'when the database is free' if busy else 'when the server is back'}.",
                severity="warning",
                title="Waiting for the database…" if busy else "Reconnecting…",
                timeout=12,
            )
            self._retry = self.set_interval(RETRY_SECONDS, lambda: self._retry_save(retry))
        if not isinstance(exc, DatabaseBusy):
            self.app.show_connection(False)

    def _retry_save(self, retry: Callable[[], None]) -> None:
        if not self._saving:
            retry()

    def _stop_retrying(self) -> None:
        if self._retry is not None:
            self._retry.stop()
            self._retry = None

    def _saved(self, result: ResultT) -> None:
        self.clear_errors()
        self.app.notify(self.saved_message(result), title="Saved")
        self.app.reload_data()
        self.dismiss(result)

    def edit_conflict(self, exc: EditConflict, retry: Callable[[], None]) -> None:
        """Who changed what since the form opened; Reload, Overwrite (retry) or Cancel."""
        from retainer_tui.tui.screens.edit_conflict import (
            OVERWRITE,
            RELOAD,
            EditConflictScreen,
        )

        def answered(choice: str | None) -> None:
            if choice == OVERWRITE:
                self.version = exc.version
                retry()
            elif choice == RELOAD:
                self.reload_stored()

        self.app.push_screen(EditConflictScreen(exc), answered)

    def action_cancel(self) -> None:
        if self._saving:  # a write under way cannot be taken back half done
            self.notify("Still saving: the form closes when it is saved.", title=self.TITLE_TEXT)
            return
        self._stop_retrying()
        if not self.dirty:
            self.dismiss(cast(ResultT, None))
            return
        from retainer_tui.tui.screens.confirm import ConfirmScreen

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(cast(ResultT, None))

        self.app.push_screen(
            ConfirmScreen(
                "Discard what you typed?",
                "Nothing has been saved yet.",
                yes="Discard",
                no="Keep editing",
            ),
            answered,
        )

    def action_undo_blocked(self) -> None:
        self.notify("Close the form first (escape), then ctrl+z undoes the last change.")

    @property
    def stack(self) -> UndoStack:
        return self.app.undo_stack
