"""How a form gets what it shows: its fields by name, the read of the stored record in a
worker as the form mounts (one service call), the fill that spares what was typed
meanwhile, and the lookups a typed value sets off. FormScreen (form_base) adds saving."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from inspect import isawaitable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from textual import work
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input

from retainer_tui.services.database import DatabaseBusy, DatabaseError, ServerUnreachable
from retainer_tui.services.errors import ServiceError
from retainer_tui.tui.key_order import keys_held_for_load
from retainer_tui.tui.widgets.form_field import FormField

if TYPE_CHECKING:
    from textual import getters
    from textual.timer import Timer

    from retainer_tui.tui.app import RetainerApp

ResultT = TypeVar("ResultT")
# What a form's load() hands the worker: one service call reading what the form shows.
Read = Callable[[], Any]

# How often a form whose read (or save) found the server gone or the file locked tries
# again.
RETRY_SECONDS = 2.0
LOADING = "Loading…"


class FormLoading(ModalScreen[ResultT]):
    """What the form shows is read off the UI thread: `load()` returns the read (one
    service call), the worker runs it as the form mounts, `loaded(data)` shows the result
    (`fill` puts values into the fields). Until then the Save button says "Loading…" and
    ctrl+s says so and saves nothing; keys typed meanwhile wait (at most LOAD_HOLD, or
    until the read finds the database busy), and a field typed in before the data came
    keeps what was typed. A client deleted meanwhile (NotFound) closes the form with a
    toast; a busy database or a server gone is read again every RETRY_SECONDS."""

    TITLE_TEXT = "Form"

    # self.app is the RetainerApp. Declared for the type checker only, the way Textual
    # declares MessagePump.app: importing app.py here at run time would be circular.
    if TYPE_CHECKING:
        app = getters.app(RetainerApp)

    def __init__(self) -> None:
        super().__init__()
        self._initial: dict[str, str] | None = None
        self._button_label: str | None = None
        # Loading what the form shows (load()): the read under way (newer ones win), the
        # fields as composed (to tell which were typed in before the data came), the
        # stored values held back from those fields, the keys waiting for the fill.
        self._loading = False
        self._load_started = False
        self._reads = 0
        self._load_retry: Timer | None = None
        self._load_waited = False
        self._composed: dict[str, str] = {}
        self._held_back: dict[str, str] = {}
        self._replacing = False
        self._load_keys: Callable[[], None] = lambda: None
        self._lookups = 0

    # -- fields ----------------------------------------------------------------------------

    @property
    def form_fields(self) -> dict[str, FormField]:
        return {f.field: f for f in self.query(FormField)}

    def values(self) -> dict[str, str]:
        return {name: f.value for name, f in self.form_fields.items()}

    def on_mount(self) -> None:
        # tab and shift+tab move between the fields only: the scrolling body around them
        # is no stop of its own (focusing a field scrolls it into view).
        for body in self.query(VerticalScroll):
            body.can_focus = False
        # Textual runs this after a subclass's on_mount, which may also call it.
        if self._load_started:
            return
        self._load_started = True
        read = self.load()
        if read is None:
            self.call_after_refresh(self._remember_initial)
            return
        self._composed = self.values()
        self._load_keys = keys_held_for_load(self.app)
        self._start_read(read, replace=False)

    def _remember_initial(self) -> None:
        self._initial = self.values()

    @property
    def dirty(self) -> bool:
        """Whether anything was typed since the form opened."""
        if self._initial is None:
            return bool(self._composed) and self.values() != self._composed
        return self.values() != self._initial

    # -- loading what the form shows -------------------------------------------------------

    def load(self) -> Read | None:
        """On the UI thread: the read of what the form shows (one service call, closed over
        the form's ids; its edit version read with it), run in a worker. None for a form
        that shows nothing stored."""
        return None

    def loaded(self, data: Any) -> Awaitable[None] | None:
        """On the UI thread: show what load() read (`fill` for the fields' values); a
        form that mounts fields for it (a row per metric) may be async."""
        return None

    @property
    def loading_data(self) -> bool:
        """Whether what the form shows is still being read (Widget.loading is Textual's
        loading indicator, not this)."""
        return self._loading

    @property
    def reloading(self) -> bool:
        """Whether loaded() runs for Reload after an edit conflict (every field takes the
        stored value; the fields the first load mounted are there already)."""
        return self._replacing

    def fill(self, values: dict[str, str]) -> None:
        """Put stored values into the fields (from loaded()). On the form's first load a
        field typed in before the data came keeps what was typed; the stored value stays
        what the form started from (so escape asks before discarding it)."""
        if not self._replacing:
            now = self.values()
            typed = {
                name
                for name in values
                if name in self._composed and now.get(name) != self._composed[name]
            }
            self._held_back.update({name: values[name] for name in typed})
            values = {name: value for name, value in values.items() if name not in typed}
        self.set_values(values)
        if not self._replacing:
            # The field focused as the form opened selects its value, as focusing a
            # filled field does: typed at once, a date replaces the default one.
            focused = self.focused
            if isinstance(focused, Input) and focused.select_on_focus:
                name = next((n for n, f in self.form_fields.items() if f.control is focused), "")
                if values.get(name):
                    focused.select_all()

    class Loaded(Message):
        """A read started for load() ended, with its result or error."""

        def __init__(self, number: int, read: Read, replace: bool) -> None:
            super().__init__()
            self.number = number
            self.read = read
            self.replace = replace
            self.result: object = None
            self.error: Exception | None = None

    def _start_read(self, read: Read, *, replace: bool) -> None:
        self._reads += 1
        self._set_loading(True)
        self._read_work(read, FormLoading.Loaded(self._reads, read, replace))

    @work(thread=True, group="db", exit_on_error=False)
    def _read_work(self, read: Read, loaded: FormLoading.Loaded) -> None:
        try:
            loaded.result = read()
        except Exception as exc:  # handed to the UI thread, which shows or raises it
            loaded.error = exc
        self.post_message(loaded)

    async def on_form_loading_loaded(self, message: FormLoading.Loaded) -> None:
        message.stop()
        if message.number != self._reads:
            return  # a newer read is under way (Reload pressed again)
        exc = message.error
        if isinstance(exc, (ServerUnreachable, DatabaseBusy)):
            self._read_when_back(exc, message)
            return
        if self._load_waited:
            self._load_waited = False
            self.app.show_connection(True)
        if exc is None:
            await self._show_loaded(message)
            return
        self._set_loading(False)
        self._load_keys()
        if not isinstance(exc, (ServiceError, DatabaseError)):
            raise exc  # a bug: fail as loudly as it would have on the UI thread
        if message.replace:  # Reload: the form stays, with what it showed
            self.notify(str(exc), severity="error", title=self.TITLE_TEXT)
            return
        # The client was deleted meanwhile, there is no tier to pick yet, the file is gone…
        if isinstance(exc, DatabaseError):
            self.app.show_error(exc)
        else:
            self.app.notify(str(exc), severity="warning", title=self.TITLE_TEXT, timeout=8)
        self.dismiss(cast(ResultT, None))

    async def _show_loaded(self, message: FormLoading.Loaded) -> None:
        self._replacing = message.replace
        self._held_back = {}
        try:
            shown = self.loaded(message.result)
            if isawaitable(shown):
                await shown
        finally:
            self._replacing = False
            self._set_loading(False)
        if message.replace:
            self.clear_errors()
            self.notify("The form shows what is stored now.", title=self.TITLE_TEXT)
        # After the changes the fill set off (Input.Changed) are handled.
        self.call_after_refresh(self._loaded_drawn)

    def _loaded_drawn(self) -> None:
        self._initial = {**self.values(), **self._held_back}
        self._load_keys()

    def _read_when_back(self, exc: DatabaseError, message: FormLoading.Loaded) -> None:
        """The database is busy or the server gone: the form stays open, says why, and
        reads again every few seconds (escape still closes it)."""
        self._load_keys()  # the keys typed meanwhile go to the fields drawn, not wait on
        if not self._load_waited:
            self._load_waited = True
            busy = isinstance(exc, DatabaseBusy)
            self.notify(
                f"{exc} The form fills in "
                f"{'when the database is free' if busy else 'when the server is back'}.",
                severity="warning",
                title="Waiting for the database…" if busy else "Reconnecting…",
                timeout=12,
            )
            if not busy:
                self.app.show_connection(False)

        def again() -> None:
            self._load_retry = None
            if message.number == self._reads:
                self._start_read(message.read, replace=message.replace)

        self._load_retry = self.set_timer(RETRY_SECONDS, again)

    def _set_loading(self, loading: bool) -> None:
        if loading == self._loading:
            return
        self._loading = loading
        self.set_class(loading, "-loading")
        self._show_busy(LOADING if loading else None)

    class LookedUp(Message):
        """A look_up read ended."""

        def __init__(self, number: int, then: Callable[[Any], None]) -> None:
            super().__init__()
            self.number = number
            self.then = then
            self.result: object = None
            self.error: Exception | None = None

    def look_up(self, read: Read, then: Callable[[Any], None]) -> None:
        """A read for what a typed value shows (the targets in force in the month typed):
        in a worker; only the latest one's `then` runs; one that fails changes nothing."""
        self._lookups += 1
        self._look_up_work(read, FormLoading.LookedUp(self._lookups, then))

    @work(thread=True, group="db", exit_on_error=False)
    def _look_up_work(self, read: Read, looked_up: FormLoading.LookedUp) -> None:
        try:
            looked_up.result = read()
        except Exception as exc:
            looked_up.error = exc
        self.post_message(looked_up)

    def on_form_loading_looked_up(self, message: FormLoading.LookedUp) -> None:
        message.stop()
        exc = message.error
        if exc is not None and not isinstance(exc, (ServiceError, DatabaseError)):
            raise exc
        if exc is None and message.number == self._lookups:
            message.then(message.result)

    def clear_errors(self) -> None:
        for field in self.form_fields.values():
            field.show_error(None)

    def _show_busy(self, doing: str | None) -> None:
        """The Save button says what is under way ("Loading…", "Saving…") and cannot be
        pressed until it ends (None)."""
        for button in self.query("#save").results(Button):
            if doing is not None:
                if self._button_label is None:
                    self._button_label = str(button.label)
                button.label = doing
            elif self._button_label is not None:
                button.label = self._button_label
                self._button_label = None
            button.disabled = doing is not None

    def reload_stored(self) -> None:
        """Read the record again (its version with it) in the worker; every field then
        takes the stored value (loaded() with fill replacing what was typed)."""
        read = self.load()
        if read is None:
            raise TypeError(f"{type(self).__name__} shows nothing stored to reload")
        self._start_read(read, replace=True)

    def set_values(self, values: dict[str, str]) -> None:
        """Put values into the fields of those names (inputs, selects, text areas)."""
        from textual.widgets import Input, Select, TextArea

        fields = self.form_fields
        for name, value in values.items():
            field = fields.get(name)
            if field is None:
                continue
            control = field.control
            if isinstance(control, Input):
                control.value = value
            elif isinstance(control, Select):
                control.value = value if value else Select.NULL
            elif isinstance(control, TextArea):
                control.load_text(value)
