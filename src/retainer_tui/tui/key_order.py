"""Keys handled one at a time, in the order they were typed, even when they arrive at once.

Textual hands a key to the focused widget's queue and moves on to the next key; a key
the widget does not take (tab, backspace, enter, ctrl+s, a screen's letter) then bubbles
up widget by widget to the app, where the bindings run. Keys typed faster than that
(a paste, a password manager's autotype, a fast typist) reached the old field before the
tab that should have moved them on: "Test", tab, "1005" saved Name=`Test1005`, and the
letters after a key that opens a screen were lost.

`KeysInOrder` (mixed into the app) holds each key until the one before it has been
handled: taken by a widget, or carried up to the app and its bindings run. After a key
that changed the screen, the next waits until the new screen has drawn (its first field
focused). A key nobody reports back on (its widget removed meanwhile) is let go after
two seconds, so the keyboard can never stay blocked.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from time import monotonic
from typing import Any

from textual import events
from textual.app import App
from textual.message import Message
from textual.message_pump import MessagePump, active_message_pump
from textual.screen import Screen
from textual.timer import Timer

# A key's handling is given up on after this long (seconds): far longer than any screen
# takes to open on a loaded machine, short enough not to leave the keyboard dead.
STUCK_AFTER = 2.0
# Keys typed after a save wait this long at most for its outcome (the form closing, or
# showing what it refused): long enough for any save on a loaded machine, short enough
# that a database locked by another process never takes the keyboard with it.
SAVE_HOLD = 0.5
# Keys typed as a form opens wait this long at most for what it shows to fill its fields
# (its first read also imports SQLAlchemy: up to half a second on a loaded machine), as
# long as a key waits for a screen to draw; a database that does not answer hands the
# keys to the fields already drawn, which keep what is typed in them when the data comes.
LOAD_HOLD = STUCK_AFTER


class TrackedKey(events.Key):
    """A typed key that says when its handling ended: a widget stopped it (once that
    widget's handler returned), or the app handled it at the top."""

    def __init__(self, key: str, character: str | None, ended: Callable[[TrackedKey], None]):
        super().__init__(key, character)
        self._ended: Callable[[TrackedKey], None] | None = ended
        self._hops = 0

    def _bubble_to(self, widget: MessagePump) -> None:
        self._hops += 1
        super()._bubble_to(widget)

    def stop(self, stop: bool = True) -> Message:
        result = super().stop(stop)
        pump = active_message_pump.get(None)
        if stop and pump is not None:
            # After this widget's handler; unless the key went on up meanwhile (a screen
            # stops a key its parent sent but still hands it to that parent).
            pump.call_next(self._end_unless_moved, self._hops)
        return result

    def _end_unless_moved(self, hops: int) -> None:
        if self._hops == hops:
            self.end()

    def end(self) -> None:
        ended, self._ended = self._ended, None
        if ended is not None:
            ended(self)


# Message.__init_subclass__ names the handler after the class: this is still a key.
TrackedKey.handler_name = events.Key.handler_name


class KeysInOrder(App[Any]):
    """An app whose keys (and pastes) are handled strictly one after the other."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._key_backlog: deque[events.Key | events.Paste] = deque()
        self._key_in_flight: TrackedKey | None = None
        self._key_screen: Screen[Any] | None = None
        self._key_watch: Timer | None = None
        # Above 0 while the next key waits: for a new screen to draw, or for the focus
        # a screen gave after keys_held.
        self._key_paused = 0
        # Screens still placing the focus after a dialog closed (keys_held).
        self._key_holds = 0
        # Saves (and form loads) the next key still waits for (keys_held_for_save,
        # keys_held_for_load).
        self._key_saves = 0
        self._key_since = monotonic()

    @property
    def keys_pending(self) -> int:
        """Keys typed and not yet handled (the one being handled counts)."""
        return len(self._key_backlog) + self._key_busy

    @property
    def _key_busy(self) -> bool:
        return (
            self._key_in_flight is not None
            or self._key_paused > 0
            or self._key_holds > 0
            or self._key_saves > 0
        )

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, TrackedKey) and event.is_forwarded:
            # Carried up to the app: the bindings run here, then the key is done.
            await super().on_event(event)
            event.end()
            return
        typed = isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded
        if not typed or isinstance(event, TrackedKey):
            await super().on_event(event)
            return
        assert isinstance(event, (events.Key, events.Paste))
        if self.keys_pending:
            self._key_backlog.append(event)
            return
        await self._handle_typed(event)

    async def _handle_typed(self, event: events.Key | events.Paste) -> None:
        if isinstance(event, events.Paste):
            # Pasted text goes to the focused widget's queue, behind every earlier key.
            await super().on_event(event)
            self.call_later(self._next_typed)
            return
        key = TrackedKey(event.key, event.character, self._key_ended)
        self._key_in_flight = key
        self._key_since = monotonic()
        self._key_screen = self.screen
        if self._key_watch is None:
            self._key_watch = self.set_interval(STUCK_AFTER / 2, self._check_stuck_key)
        await super().on_event(key)
        if not key.is_forwarded:
            key.end()  # a priority binding ran, or nothing took the key

    def _key_ended(self, key: TrackedKey) -> None:
        if key is not self._key_in_flight:
            return
        self._key_in_flight = None
        screen = self.screen
        if screen is not self._key_screen:
            # A new screen: its first field takes focus once it has drawn.
            self._key_paused += 1
            self._key_since = monotonic()
            screen.call_after_refresh(self.call_later, self._resume_typed)
        else:
            self.call_later(self._next_typed)

    async def _resume_typed(self) -> None:
        self._key_paused = max(0, self._key_paused - 1)
        await self._next_typed()

    async def _next_typed(self) -> None:
        if not self._key_busy and self._key_backlog:
            await self._handle_typed(self._key_backlog.popleft())

    def _check_stuck_key(self) -> None:
        if not self._key_busy or self._key_holds or self._key_saves:
            self._key_since = monotonic()
            return
        if monotonic() - self._key_since > STUCK_AFTER:
            # Nobody reported back (the key's widget went away, a screen never drew).
            self._key_paused = 0
            key = self._key_in_flight
            if key is not None:
                key.end()
            else:
                self.call_later(self._next_typed)


@contextmanager
def keys_held(app: App[Any]) -> Iterator[None]:
    """Hold the keys typed meanwhile until the block is done (and the focus it gave has
    arrived): for a screen that mounts a field and focuses it after a dialog closed."""
    if not isinstance(app, KeysInOrder):
        yield
        return
    app._key_holds += 1
    try:
        yield
    finally:
        app._key_holds -= 1
        # Widget.focus() lands through the app's queue: the next key goes in after it.
        app._key_paused += 1
        app._key_since = monotonic()
        app.call_later(app._resume_typed)


def keys_held_for_save(app: App[Any]) -> Callable[[], None]:
    """Hold the keys typed after a save until its outcome has drawn (ctrl+s then the
    next field's value, typed at once, go to the screen the save leads to), for at most
    SAVE_HOLD; returns the release, to call once the outcome is shown (twice is fine)."""
    return _keys_held_until_released(app, SAVE_HOLD)


def keys_held_for_load(app: App[Any]) -> Callable[[], None]:
    """Hold the keys typed as a form opens until what it shows has filled its fields (a
    burst typed into a form lands on the stored values, not under them), for at most
    LOAD_HOLD; returns the release, to call once the fields are filled (twice is fine)."""
    return _keys_held_until_released(app, LOAD_HOLD)


def _keys_held_until_released(app: App[Any], at_most: float) -> Callable[[], None]:
    if not isinstance(app, KeysInOrder):
        return lambda: None
    app._key_saves += 1
    released = False

    def release() -> None:
        nonlocal released
        if released:
            return
        released = True
        timer.stop()
        app._key_saves -= 1
        # The outcome may have closed the form: the next key goes to what has drawn.
        app._key_paused += 1
        app._key_since = monotonic()
        app.call_later(lambda: app.screen.call_after_refresh(app.call_later, app._resume_typed))

    timer = app.set_timer(at_most, release)
    return release
