"""Noticing that someone else changed a PostgreSQL database: LISTEN on the channel every
write notifies in its transaction, polled without waiting."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from retainer_tui.db.postgres import CHANNEL, psycopg_connect

if TYPE_CHECKING:
    from retainer_tui.db.postgres import PostgresDatabase


class NotifyWatcher:
    """changed() drains the notifications that arrived since the last call (never waits);
    those this process sent itself are not news. A lost connection is made again on the
    next call, and counts as a change (what was sent meanwhile is lost)."""

    def __init__(self, db: PostgresDatabase) -> None:
        self.db = db
        self._conn: Any = None
        self._pending = False

    def _connection(self) -> Any:
        if self._conn is None:
            import psycopg

            try:
                conn = psycopg_connect(self.db, autocommit=True)
                conn.execute(f"LISTEN {CHANNEL}")  # a fixed identifier, not user input
            except psycopg.Error:
                return None
            self._conn = conn
        return self._conn

    def _drain(self) -> bool:
        import psycopg

        had_connection = self._conn is not None
        conn = self._connection()
        if conn is None:
            return False
        news = not had_connection and self._pending
        try:
            for note in conn.notifies(timeout=0):
                if note.payload != self.db.token:
                    news = True
        except psycopg.Error:
            self.close()
            self._pending = True
            return False
        return news

    @property
    def online(self) -> bool:
        """Whether the last look reached the server."""
        return self._conn is not None

    def changed(self) -> bool:
        return self._drain()

    def mark_seen(self) -> None:
        self._drain()
        self._pending = False

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None
