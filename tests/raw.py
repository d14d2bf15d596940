"""The tests' own look inside a database, on either engine: SQL the test writes (qmark
style, `WHERE id = ?`), run through the sqlite3 connection on SQLite and through the
Session's connection on PostgreSQL, with the sqlite3 calls the tests use (execute,
fetchone, fetchall, iteration, commit, close). The app never reads this way."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from retainer_tui.db.base import Database
from retainer_tui.db.engine import SqliteDatabase


def _format_style(sql: str) -> str:
    """qmark placeholders as psycopg's %s (a literal % doubled first)."""
    return sql.replace("%", "%%").replace("?", "%s")


class ServerConnection:
    """sqlite3's execute() over an SQLAlchemy connection to a server database; inside
    raw(db) its .session is the unit of work's Session, as db.read()/db.write() give
    on SQLite (so a service taking either can be handed it)."""

    def __init__(self, conn: Any, session: Any = None) -> None:
        self._conn = conn
        self.session = session

    def execute(self, sql: str, params: Sequence[Any] = ()) -> _Rows:
        return _Rows(self._conn.exec_driver_sql(_format_style(sql), tuple(params)))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._conn.exec_driver_sql(_format_style(sql), [tuple(row) for row in rows])

    def commit(self) -> None:
        self._conn.commit()

    def close(self) -> None:
        self._conn.close()


@contextmanager
def raw(db: Database, *, write: bool = False) -> Iterator[Any]:
    """One unit of work (a write one when write is set), committed at the end."""
    if isinstance(db, SqliteDatabase):
        with db.write() if write else db.read() as conn:
            yield conn
        return
    with db.writing() if write else db.reading() as session:
        yield ServerConnection(session.connection(), session)


def raw_connect(db: Database) -> Any:
    """A connection of the test's own (the caller closes it), as db.connect() gives."""
    if isinstance(db, SqliteDatabase):
        return db.connect()
    return ServerConnection(db.engine.connect())


class _Rows:
    """A result as sqlite3's cursor shows it: fetchone, fetchall, iteration, description."""

    def __init__(self, result: Any) -> None:
        self._result = result
        self.description = (
            tuple((name, None, None, None, None, None, None) for name in list(result.keys()))
            if result.returns_rows
            else None
        )
        self.rowcount = result.rowcount

    def fetchone(self) -> tuple[Any, ...] | None:
        row = self._result.fetchone()
        return None if row is None else tuple(row)

    def fetchall(self) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self._result]

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return (tuple(row) for row in self._result)


def dump(db: Database) -> str:
    """Every row of every table, in key order, one line each: two databases (or one
    before and after) holding the same data give the same text, on either engine. The
    change log is left out: it records each action and each undo, and only grows."""
    from sqlalchemy import select

    from retainer_tui.db.models import metadata
    from retainer_tui.db.statements import as_text

    lines: list[str] = []
    with db.reading() as session:
        for table in metadata.sorted_tables:
            if table.name == "change_log":
                continue
            columns = [
                as_text(c).label(c.name) if c.type.__class__.__name__ == "JSON" else c
                for c in table.columns
            ]
            order = list(table.primary_key.columns) or list(table.columns)
            for row in session.execute(select(*columns).order_by(*order)):
                lines.append(f"{table.name} {tuple(row)!r}")
    return "\n".join(lines)


def db_arg(db: Database) -> str:
    """What --db (or RETAINER_DB) says for db: its file's path, or its URL (the tests'
    servers take no password, so the label, which leaves one out, is the whole URL)."""
    return str(db.file) if db.file is not None else db.label
