"""A database with one connection kept open, for a burst of small writes (the results grid).

`Database.write()` opens a connection per transaction; SQLite then re-reads the schema
(~0.2 ms) and, when it was the last connection, checkpoints and removes the WAL on close
(~1-20 ms). A screen that saves a cell per key press keeps one connection instead. It
offers the same `read()` / `write()` as Database, so every service takes it unchanged:
each write is still one short transaction, rolled back whole on any error.
"""

from __future__ import annotations

from retainer_tui.db.base import Database
from retainer_tui.db.engine import SqliteDatabase


class KeptConnection(SqliteDatabase):
    """A Database whose units of work share one kept connection; close() when done.

    Use it from one thread (the one that made it), like a sqlite3 connection.
    """

    def __init__(self, db: SqliteDatabase) -> None:
        super().__init__(db.path, readonly=db.readonly)
        self.author = db.author

    def _pool(self) -> type:
        from sqlalchemy.pool import StaticPool

        return StaticPool

    def close(self) -> None:
        self.dispose()

    def __enter__(self) -> KeptConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SharedConnections:
    """A server database's stand-in for KeptConnection: its engine already pools the
    connections, so the bursts go through the database itself, and close() leaves the
    pool (which the rest of the app shares) open."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def close(self) -> None:
        """Nothing to close: the pool is the app's."""


def keep_connection(db: Database) -> tuple[Database, KeptConnection | SharedConnections]:
    """The database to write a burst of small saves through, and what to close after."""
    if isinstance(db, SqliteDatabase):
        kept = KeptConnection(db)
        return kept, kept
    return db, SharedConnections(db)
