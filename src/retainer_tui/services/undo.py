"""Undo: every write service records the rows it replaced; undo puts them back in one transaction.

A Change holds, for each row a user action touched, the row before and after (None when
absent), keyed by the table's primary key. Undoing checks that every row still looks as the
action left it (else UndoConflict: someone changed it since), then deletes rows the action
created, restores rows it updated and re-inserts rows it deleted. Parents are recorded
before their children, so deletions run children first and insertions parents first.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from retainer_tui.db.engine import Database
from retainer_tui.services.errors import UndoConflict

# Column name and value pairs, in table order: hashable, comparable, immutable.
Row = tuple[tuple[str, Any], ...]

# Primary keys by table, read from the schema once (the hot path is one cell's row).
_PRIMARY_KEYS: dict[str, tuple[str, ...]] = {}


@dataclass(frozen=True, slots=True)
class Dependent:
    """A table column that refers to a parent table, and what a parent's deletion does to it."""

    table: str
    column: str
    on_delete: str  # CASCADE, SET NULL, RESTRICT, NO ACTION


def primary_key(conn: sqlite3.Connection, table: str) -> tuple[str, ...]:
    """The table's primary key columns, in key order."""
    key = _PRIMARY_KEYS.get(table)
    if key is None:
        info = conn.execute(f"PRAGMA table_info({table})").fetchall()
        key = tuple(row[1] for row in sorted((r for r in info if r[5]), key=lambda r: r[5]))
        if not key:
            raise ValueError(f"table {table} has no primary key")
        _PRIMARY_KEYS[table] = key
    return key


def dependents(conn: sqlite3.Connection, parent: str) -> tuple[Dependent, ...]:
    """Every column in the schema that refers to the parent table (so goes with its rows)."""
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    found = []
    for table in tables:
        for fk in conn.execute(f"PRAGMA foreign_key_list({table})"):
            if fk[2] == parent:
                found.append(Dependent(table, fk[3], fk[6].upper()))
    return tuple(found)


@dataclass(frozen=True, slots=True)
class RowChange:
    """One row as it was before an action and as the action left it."""

    table: str
    key: tuple[Any, ...]
    before: Row | None
    after: Row | None


@dataclass(frozen=True, slots=True)
class Change:
    """What one user action changed, with a label for the toast ("Saved client Rossi")."""

    label: str
    rows: tuple[RowChange, ...]

    def __bool__(self) -> bool:
        return bool(self.rows)


NO_CHANGE = Change("", ())


def _where(conn: sqlite3.Connection, table: str) -> str:
    return " AND ".join(f"{col} = ?" for col in primary_key(conn, table))


def read_row(conn: sqlite3.Connection, table: str, key: Sequence[Any]) -> Row | None:
    """The whole row with that primary key, or None."""
    cur = conn.execute(f"SELECT * FROM {table} WHERE {_where(conn, table)}", tuple(key))
    values = cur.fetchone()
    if values is None:
        return None
    names = [d[0] for d in cur.description]
    return tuple(zip(names, values, strict=True))


class Recorder:
    """Collects the rows an action touches, inside its write transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._before: dict[tuple[str, tuple[Any, ...]], Row | None] = {}

    def touch(self, table: str, key: Sequence[Any]) -> Row | None:
        """Remember the row before it is written (the first time only); returns it."""
        ident = (table, tuple(key))
        if ident not in self._before:
            self._before[ident] = read_row(self.conn, table, ident[1])
        return self._before[ident]

    def mark_new(self, table: str, key: Sequence[Any]) -> None:
        """Record a row the action has just inserted (its key was unknown before)."""
        self._before.setdefault((table, tuple(key)), None)

    def touch_where(self, table: str, where: str, params: Iterable[Any]) -> list[Row]:
        """Remember every row matching a condition (before deleting or updating them)."""
        cur = self.conn.execute(f"SELECT * FROM {table} WHERE {where}", tuple(params))
        names = [d[0] for d in cur.description]
        pk = [names.index(col) for col in primary_key(self.conn, table)]
        rows = []
        for values in cur.fetchall():
            row: Row = tuple(zip(names, values, strict=True))
            self._before.setdefault((table, tuple(values[i] for i in pk)), row)
            rows.append(row)
        return rows

    def finish(self, label: str) -> Change:
        """The change: each touched row before and after, rows left as they were dropped."""
        rows = []
        for (table, key), before in self._before.items():
            after = read_row(self.conn, table, key)
            if after != before:
                rows.append(RowChange(table, key, before, after))
        return Change(label, tuple(rows))


def touch_dependents(rec: Recorder, parent: str, parent_id: Any) -> None:
    """Remember every row that deleting the parent row would delete or change."""
    for dep in dependents(rec.conn, parent):
        if dep.on_delete in ("CASCADE", "SET NULL", "SET DEFAULT"):
            rec.touch_where(dep.table, f"{dep.column} = ?", (parent_id,))


def _has_dependents(conn: sqlite3.Connection, table: str, row_id: Any) -> bool:
    return any(
        conn.execute(
            f"SELECT 1 FROM {dep.table} WHERE {dep.column} = ? LIMIT 1", (row_id,)
        ).fetchone()
        for dep in dependents(conn, table)
    )


def apply_undo(conn: sqlite3.Connection, change: Change) -> None:
    """Put back the rows a change replaced, inside the caller's transaction."""
    what = change.label or "the last change"
    for rc in change.rows:
        if read_row(conn, rc.table, rc.key) != rc.after:
            raise UndoConflict(f"Cannot undo {what}: it was changed since")
    # Order matters to foreign keys: created rows go (children first, as recorded after
    # their parents), deleted rows come back (parents first), then updated rows revert
    # (they may point at a row just re-inserted).
    try:
        for rc in reversed(change.rows):
            if rc.before is None and rc.after is not None:
                if len(rc.key) == 1 and _has_dependents(conn, rc.table, rc.key[0]):
                    raise UndoConflict(f"Cannot undo {what}: data was entered for it since")
                conn.execute(f"DELETE FROM {rc.table} WHERE {_where(conn, rc.table)}", rc.key)
        for rc in change.rows:
            if rc.before is not None and rc.after is None:
                cols = [c for c, _ in rc.before]
                conn.execute(
                    f"INSERT INTO {rc.table} ({', '.join(cols)}) "
                    f"VALUES ({', '.join('?' * len(cols))})",
                    tuple(v for _, v in rc.before),
                )
        for rc in change.rows:
            if rc.before is not None and rc.after is not None:
                sets = ", ".join(f"{c} = ?" for c, _ in rc.before)
                conn.execute(
                    f"UPDATE {rc.table} SET {sets} WHERE {_where(conn, rc.table)}",
                    (*(v for _, v in rc.before), *rc.key),
                )
    except sqlite3.IntegrityError:
        raise UndoConflict(f"Cannot undo {what}: it clashes with a change made since") from None


def undo_change(db: Database, *, change: Change) -> None:
    """Undo one change in one transaction; UndoConflict (nothing written) if it cannot be."""
    with db.write() as conn:
        apply_undo(conn, change)


class UndoStack:
    """The session's changes, newest last; plain data, no database."""

    def __init__(self, limit: int = 200) -> None:
        self.limit = limit
        self._changes: list[Change] = []

    def push(self, change: Change) -> None:
        """Record a change (empty changes, where nothing was written, are skipped)."""
        if not change:
            return
        self._changes.append(change)
        if len(self._changes) > self.limit:
            del self._changes[: len(self._changes) - self.limit]

    def peek(self) -> Change | None:
        return self._changes[-1] if self._changes else None

    def pop(self) -> Change | None:
        return self._changes.pop() if self._changes else None

    def clear(self) -> None:
        self._changes.clear()

    @property
    def labels(self) -> tuple[str, ...]:
        """Labels newest first (for a help line or the command palette)."""
        return tuple(c.label for c in reversed(self._changes))

    def __len__(self) -> int:
        return len(self._changes)

    def __bool__(self) -> bool:
        return bool(self._changes)


def record(stack: UndoStack | None, change: Change) -> Change:
    """Push onto the stack when there is one; returns the change for the caller's result."""
    if stack is not None:
        stack.push(change)
    return change


def undo_last(db: Database, *, stack: UndoStack) -> Change | None:
    """Undo the newest change on the stack; None when there is nothing to undo.

    A change that cannot be undone (UndoConflict) is dropped from the stack, since it never
    will be, and the error is raised for the caller to show.
    """
    change = stack.pop()
    if change is None:
        return None
    undo_change(db, change=change)
    return change
