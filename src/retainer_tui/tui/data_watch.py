"""How the app learns that the data changed: another process's writes, through the
database's watcher looked at by a poll in a worker, and the app's own writes, which are
no news to it. RetainerApp is built on it; every screen reloads on `data_changed`."""

from __future__ import annotations

import threading

from textual import on, work
from textual.message import Message
from textual.signal import Signal

from retainer_tui.services.database import Database
from retainer_tui.tui.key_order import KeysInOrder

RECONNECTING = " · server unreachable: reconnecting…"


class DataWatching(KeysInOrder):
    """The poll, the app's own writes and the reloads they lead to."""

    def watch_data(self, db: Database) -> None:
        """Start watching db (from the app's __init__)."""
        # Published (with no data) whenever the database may have changed.
        self.data_changed: Signal[None] = Signal(self, "data-changed")
        self._watcher = db.watcher()
        # The poll's worker and the UI thread take turns at the watcher's connection.
        self._watch_lock = threading.Lock()
        self._looking = False
        self._seen_wanted = False
        # The app's own writes under way (a form's save, the grid's cells, an undo): the
        # poll waits for them, and their commits are taken as seen, not as news.
        self._own_writes = 0
        # Counts reload_data(): a screen closed after its form reloaded is not reloaded again.
        self._reloads = 0

    def check_for_changes(self) -> bool:
        """The cheap poll: reload when the database changed since the last look. Here,
        at once (tests, and a look asked for); the app's own poll looks in a worker."""
        with self._watch_lock:
            changed, online = self._watcher.changed(), self._watcher.online
        return self._show_changes(changed, online)

    def _show_changes(self, changed: bool, online: bool) -> bool:
        self.show_connection(online)
        if changed:
            self.data_changed.publish(None)
        return changed

    class Looked(Message):
        def __init__(self, changed: bool, online: bool) -> None:
            super().__init__()
            self.changed, self.online = changed, online

    def own_write_started(self) -> None:
        """A write of ours goes to a worker: until it ends, a change the poll sees may be
        that write (and the reload that follows it shows it anyway)."""
        self._own_writes += 1

    def own_write_ended(self, *, wrote: bool) -> None:
        """The write ended; `wrote`: it committed (a refused or failed one changed nothing,
        and a look now would only contradict the form saying the server is gone)."""
        self._own_writes -= 1
        if wrote and not self._own_writes:
            self._mark_seen()

    def _poll(self) -> None:
        if self._own_writes and not self._seen_wanted:
            return  # our own write under way: its commit is no news
        if not self._looking:
            self._looking = True
            self._look_in_background()

    @work(thread=True, group="watch", exit_on_error=False)
    def _look_in_background(self) -> None:
        """A server gone may take the reconnect its whole connect timeout: not on the UI
        thread (a SQLite look never waits: its PRAGMA has no busy timeout). A reload we
        started ourselves asked to take the present state as seen instead."""
        try:
            with self._watch_lock:
                if self._seen_wanted:
                    self._seen_wanted = False
                    self._watcher.mark_seen()
                    changed = False
                else:
                    changed = self._watcher.changed()
                online = self._watcher.online
        finally:
            self._looking = False
        self.post_message(self.Looked(changed, online))

    @on(Looked)
    def _looked(self, message: Looked) -> None:
        self._show_changes(message.changed, message.online)
        if self._seen_wanted:  # asked for while that look ran
            self._poll()

    def show_connection(self, online: bool) -> None:
        """The header says "reconnecting…" while the server cannot be reached."""
        shown = self.sub_title.endswith(RECONNECTING)
        if online and shown:
            self.sub_title = self.sub_title.removesuffix(RECONNECTING)
        elif not online and not shown:
            self.sub_title += RECONNECTING

    def reload_data(self) -> None:
        """Reload every screen's data now."""
        self._reloads += 1
        self._mark_seen()
        self.data_changed.publish(None)

    def _mark_seen(self) -> None:
        """The database as it is now is seen (our own write is no news), taken in the
        poll's worker; a look already under way may still report it (one more reload)."""
        self._seen_wanted = True
        self._poll()

    def action_refresh(self) -> None:
        self.reload_data()
