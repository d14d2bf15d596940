"""The guard of "the UI never waits on the database" (issue 12): a statement run on the
event loop's thread from the app's own code.

SQLAlchemy's `before_cursor_execute`, listened to on the Engine class, sees every
statement of every engine (SQLite and PostgreSQL, the kept connection of the results
grid, the BEGIN of a raw db.read()/db.write() block). A statement is a violation when it
runs on the main thread (where Textual's event loop runs under App.run_test) AND a frame
of `retainer_tui.tui` is on the stack: the test's own setup and asserts call services
with no tui frame, and the app's workers run on threads of their own.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from types import FrameType
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

TUI = "retainer_tui.tui"

# Classes whose statements on the event loop are excused: none. Every form reads and
# writes in a worker (tui/screens/form_load.py, form_base.py); a class named here would
# need a reason beside it.
FORMS_LOADING_ON_LOOP: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Violation:
    """The innermost app frame of a statement run on the event loop."""

    module: str
    function: str
    line: int
    statement: str

    def __str__(self) -> str:
        return f"{self.module}:{self.function}:{self.line}  ({self.statement})"

    @property
    def owner(self) -> str:
        """module:Class of the frame (module:function for a plain function)."""
        return f"{self.module}:{self.function.split('.')[0]}"


class LoopGuard:
    """Records the statements run on the main thread under a frame of `packages`."""

    def __init__(
        self, packages: Iterable[str] = (TUI,), allowed: frozenset[str] = FORMS_LOADING_ON_LOOP
    ) -> None:
        self.packages = tuple(packages)
        self.allowed = allowed
        self.violations: list[Violation] = []
        self.allowed_hits: list[Violation] = []

    def _ours(self, frame: FrameType) -> bool:
        name = frame.f_globals.get("__name__", "")
        return any(name == p or name.startswith(p + ".") for p in self.packages)

    def _seen(
        self,
        conn: Any,
        cursor: Any,
        statement: str,
        parameters: Any,
        context: Any,
        executemany: bool,
    ) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        frame: FrameType | None = sys._getframe(1)
        while frame is not None and not self._ours(frame):
            frame = frame.f_back
        if frame is None:
            return
        found = Violation(
            frame.f_globals["__name__"],
            frame.f_code.co_qualname,
            frame.f_lineno,
            " ".join(statement.split())[:60],
        )
        (self.allowed_hits if found.owner in self.allowed else self.violations).append(found)

    def __enter__(self) -> LoopGuard:
        event.listen(Engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(Engine, "before_cursor_execute", self._seen)

    def report(self) -> str:
        """Each place once, in the order first seen; empty when there is none."""
        places: dict[tuple[str, str, int], Violation] = {}
        for v in self.violations:
            places.setdefault((v.module, v.function, v.line), v)
        if not places:
            return ""
        lines = "\n".join(f"  {v}" for v in places.values())
        count = len(self.violations)
        return f"the database was used on the event loop ({count} statements):\n{lines}"

    def check(self) -> None:
        if text := self.report():
            raise AssertionError(text)
