"""Noticing that the database changed (here or in another process) without re-reading it:
SQLite's `PRAGMA data_version` on a kept connection, plus the files' identity and size in
case the file itself was replaced (a restore)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from retainer_tui.db.sqlite_file import readonly_uri

Signature = tuple[object, ...]


class DataWatcher:
    """Call changed() every few seconds; it costs a stat() or two and one PRAGMA."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._last: Signature | None = None

    def _connection(self) -> sqlite3.Connection | None:
        if self._conn is None:
            try:
                # timeout=0: a poll must never wait on a lock; it simply tries again later.
                self._conn = sqlite3.connect(
                    readonly_uri(self.path), uri=True, timeout=0, check_same_thread=False
                )
            except sqlite3.Error:
                return None
        return self._conn

    def _files(self) -> Signature:
        parts: list[object] = []
        for path in (self.path, Path(f"{self.path}-wal")):
            try:
                st = os.stat(path)
            except OSError:
                parts.append(None)
            else:
                parts.append((st.st_ino, st.st_size, st.st_mtime_ns))
        return tuple(parts)

    def _version(self) -> object:
        conn = self._connection()
        if conn is None:
            return None
        try:
            return conn.execute("PRAGMA data_version").fetchone()[0]
        except sqlite3.Error:
            self.close()
            return None

    def signature(self) -> Signature:
        main = self._files()[0]
        if self._last is not None and self._last[1] != main:
            previous = self._last[1]
            if previous is None or main is None or previous[0] != main[0]:  # type: ignore[index]
                # A different file at the path (restored or replaced): reconnect to it.
                self.close()
        # The version first: the first read on a connection may create the empty -wal file.
        version = self._version()
        return (version, *self._files())

    def changed(self) -> bool:
        """True when something changed since the previous call (False on the first)."""
        current = self.signature()
        previous, self._last = self._last, current
        return previous is not None and previous != current

    @property
    def online(self) -> bool:
        return True

    def mark_seen(self) -> None:
        """Take the present state as seen (after a reload we started ourselves)."""
        self._last = self.signature()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
