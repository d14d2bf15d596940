"""A screen's writes off the event loop, one after another in the order they were asked.

The screens that are not forms (the results grid, the reports queue and a report's page,
the not-needed dialog, the pipeline board and the proposal, the tiers list) write
through `BackgroundWrites`: the write runs in a
worker thread while the keys keep working; its outcome is handed back on the UI thread,
in order (two cells typed quickly land in that order, and so do their undo steps). A
database busy past its timeout, or a server gone, is retried on that thread every
RETRY_SECONDS, the writes behind it waiting their turn; a toast says so once. Forms have
their own (`FormScreen.in_background`): a form's one save keeps its edit in the fields.

The worker is the app's, not the screen's: a screen closed while its writes wait (escape
waits for them; the command palette may pop it) does not take them with it. Their
outcome is then told in a toast, and the app's data reloaded.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from textual.worker import get_current_worker

from retainer_tui.services.database import (
    Database,
    DatabaseBusy,
    DatabaseError,
    ServerUnreachable,
)
from retainer_tui.services.errors import ServiceError

if TYPE_CHECKING:
    from textual.screen import Screen
    from textual.timer import Timer

    from retainer_tui.tui.app import RetainerApp

# How often a write that found the database busy (or the server gone) tries again.
RETRY_SECONDS = 2.0
# A write taking longer than this says so in a toast.
SLOW_SECONDS = 1.0

Work = Callable[[Database], Any]


@dataclass(slots=True)
class _Job:
    work: Work
    then: Callable[[Any], object]
    refused: Callable[[Exception], None] | None
    label: str
    asked_at: float
    result: object = None
    error: Exception | None = field(default=None)


class BackgroundWrites:
    """The queue of one screen's writes; `submit` from the UI thread only.

    keep=True writes through one connection kept open while a burst lasts (the results
    grid: a new SQLite connection per save re-reads the schema and may checkpoint the WAL
    on close); it is made, used and closed on the one worker thread that drains the burst.
    """

    def __init__(self, screen: Screen[Any], db: Database, *, title: str, keep: bool = False):
        self.screen = screen
        # Taken now, on the UI thread: a worker thread finds no active app of its own, and
        # a screen closed meanwhile no longer leads to it.
        self.app = cast("RetainerApp", screen.app)  # every screen here is the app's
        self.db = db
        self.title = title
        self.keep = keep
        self._jobs: deque[_Job] = deque()
        self._lock = threading.Lock()
        self._running = False
        self._waiting = False
        self._slow: Timer | None = None
        self._said_slow = False
        self._drained: list[Callable[[], None]] = []
        self._attached = True

    @property
    def pending(self) -> int:
        """Writes asked for and not yet ended (the one running included)."""
        return len(self._jobs)

    def submit(
        self,
        work: Work,
        then: Callable[[Any], object] = lambda _result: None,
        *,
        refused: Callable[[Exception], None] | None = None,
        label: str = "",
    ) -> None:
        """Run work(db) after the writes asked before it; then(result) on the UI thread.
        A refusal (ServiceError, DatabaseError) goes to refused, or to a toast; `label`
        names what was not saved when the screen has closed meanwhile."""
        self.app.own_write_started()
        with self._lock:
            self._jobs.append(_Job(work, then, refused, label, time.monotonic()))
            start = not self._running
            self._running = True
        if start:
            self.app.run_worker(
                self._drain, thread=True, group="background-writes", exit_on_error=False
            )
        if self._slow is None:
            self._slow = self.screen.set_timer(SLOW_SECONDS, self._say_slow)

    def when_done(self, callback: Callable[[], None]) -> None:
        """callback() once every write asked for has ended (at once when none is left)."""
        if not self._jobs:
            callback()
        else:
            self._drained.append(callback)

    def leave(self) -> None:
        """The screen's escape: it closes now, or (saying so) once its writes are made."""
        if self._jobs:
            self.screen.notify(
                "Still saving: the screen closes when it is saved.", title=self.title, timeout=4
            )
        self.when_done(self._dismiss)

    def _dismiss(self) -> None:
        if self._attached and self.screen.is_attached:
            self.screen.dismiss(None)

    def detach(self) -> None:
        """The screen has closed (call from its on_unmount): the writes still waiting are
        made all the same, and only their refusals are told, by the app."""
        self._attached = False
        if self._slow is not None:
            self._slow.stop()
            self._slow = None

    # -- the worker thread -----------------------------------------------------------------

    def _drain(self) -> None:
        worker = get_current_worker()
        kept = None
        db = self.db
        try:
            while not worker.is_cancelled:
                with self._lock:
                    if not self._jobs:
                        self._running = False
                        return
                    job = self._jobs[0]
                if self.keep and kept is None:
                    from retainer_tui.services.kept_connection import keep_connection

                    db, kept = keep_connection(self.db)
                self._run(job, db)
                try:
                    self.app.call_from_thread(self._finish, job)
                except RuntimeError:  # the app has stopped: no one to tell
                    return
        finally:
            with self._lock:
                self._running = False
            if kept is not None:
                kept.close()

    def _run(self, job: _Job, db: Database) -> None:
        worker = get_current_worker()
        while True:
            try:
                job.result = job.work(db)
                job.error = None
                return
            except (DatabaseBusy, ServerUnreachable) as exc:
                job.error = exc
                if worker.is_cancelled:
                    return
                try:
                    self.app.call_from_thread(self._say_waiting, exc)
                except RuntimeError:
                    return
                time.sleep(RETRY_SECONDS)
            except Exception as exc:  # handed to the UI thread, which shows or raises it
                job.error = exc
                return

    # -- back on the UI thread -------------------------------------------------------------

    def _finish(self, job: _Job) -> None:
        with self._lock:
            self._jobs.popleft()
            left = len(self._jobs)
        if self._waiting:
            self._waiting = False
            self.app.show_connection(True)
        if not left and self._attached:
            self._said_slow = False
            if self._slow is not None:
                self._slow.stop()
                self._slow = None
        exc = job.error
        app = self.app
        try:
            if not self._attached:
                if isinstance(exc, (ServiceError, DatabaseError)):
                    what = f"{job.label}: " if job.label else ""
                    app.notify(f"Not saved: {what}{exc}", severity="error", timeout=8)
                elif exc is not None:
                    raise exc
                if not left:
                    app.reload_data()
            elif exc is None:
                job.then(job.result)
            elif not isinstance(exc, (ServiceError, DatabaseError)):
                raise exc  # a bug: fail as loudly as it would have on the UI thread
            elif job.refused is not None:
                job.refused(exc)
            else:
                self.screen.notify(str(exc), severity="error", title=self.title, timeout=8)
        finally:
            app.own_write_ended(wrote=exc is None)
            if not left:
                drained, self._drained = self._drained, []
                for callback in drained:
                    callback()

    def _say_waiting(self, exc: DatabaseError) -> None:
        if self._waiting:
            return
        self._waiting = True
        busy = isinstance(exc, DatabaseBusy)
        self.app.notify(
            f"{exc} What you changed is kept and saved "
            f"{'when the database is free' if busy else 'when the server is back'}; "
            "keys keep working.",
            severity="warning",
            title="Waiting for the database…" if busy else "Reconnecting…",
            timeout=12,
        )
        if not busy:
            self.app.show_connection(False)

    def _say_slow(self) -> None:
        self._slow = None
        if not self._jobs or self._said_slow or not self._attached:
            return
        waited = time.monotonic() - self._jobs[0].asked_at
        if self._waiting or waited < SLOW_SECONDS:  # the busy toast says more; or not yet
            later = SLOW_SECONDS if self._waiting else max(0.1, SLOW_SECONDS - waited)
            self._slow = self.screen.set_timer(later, self._say_slow)
            return
        self._said_slow = True
        self.screen.notify(
            "Still saving: the database is slow to answer (another retainer may be "
            "writing). Keys keep working.",
            title=self.title,
            timeout=6,
        )
