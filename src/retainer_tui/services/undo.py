"""Undo: every write service records the rows it replaced; undo puts them back in one transaction.

A Change holds, for each row a user action touched, the row before and after (None when
absent), keyed by the table's primary key. Undoing checks that every row still looks as the
action left it (else UndoConflict: someone changed it since), then deletes rows the action
created, restores rows it updated and re-inserts rows it deleted. Parents are recorded
before their children, so deletions run children first and insertions parents first.

SQLAlchemy is imported where a statement is built, not at the top: the app imports this
module on its start-up path, and its first frame must not wait for that import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from retainer_tui.db.engine import Database
from retainer_tui.services.errors import UndoConflict

if TYPE_CHECKING:
    from sqlalchemy import Column, ColumnElement, Table
    from sqlmodel import Session

    from retainer_tui.db.statements import RawConnection

# Column name and value pairs, in table order: hashable, comparable, immutable. Values are
# as the table's column types give them (a date is a datetime.date), except JSON columns,
# which hold the stored text: it stays hashable, and goes back byte for byte.
Row = tuple[tuple[str, Any], ...]

# Primary keys by table, from the table classes (the hot path is one cell's row).
_PRIMARY_KEYS: dict[str, tuple[str, ...]] = {}


@dataclass(frozen=True, slots=True)
class Dependent:
    """A table column that refers to a parent table, and what a parent's deletion does to it."""

    table: str
    column: str
    on_delete: str  # CASCADE, SET NULL, RESTRICT, NO ACTION


def _table(name: str) -> Table:
    from retainer_tui.db.models import metadata

    try:
        return metadata.tables[name]
    except KeyError:
        raise ValueError(f"there is no table {name}") from None


def primary_key(conn: Session | RawConnection, table: str) -> tuple[str, ...]:
    """The table's primary key columns, in key order."""
    key = _PRIMARY_KEYS.get(table)
    if key is None:
        key = tuple(col.name for col in _table(table).primary_key.columns)
        if not key:
            raise ValueError(f"table {table} has no primary key")
        _PRIMARY_KEYS[table] = key
    return key


@cache
def _dependents(parent: str) -> tuple[Dependent, ...]:
    from retainer_tui.db.models import metadata

    return tuple(
        Dependent(table.name, col.name, (fk.ondelete or "NO ACTION").upper())
        for table in sorted(metadata.tables.values(), key=lambda t: t.name)
        for col in table.columns
        for fk in col.foreign_keys
        if fk.column.table.name == parent
    )


def dependents(conn: Session | RawConnection, parent: str) -> tuple[Dependent, ...]:
    """Every column in the schema that refers to the parent table (so goes with its rows)."""
    return _dependents(parent)


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


def _is_json(col: Column[Any]) -> bool:
    from sqlalchemy import JSON

    return isinstance(col.type, JSON)


@cache
def _selected(table: str) -> tuple[Any, ...]:
    """The table's columns as undo reads them (JSON as its text), in table order."""
    from sqlalchemy import String, cast

    return tuple(
        cast(col, String).label(col.name) if _is_json(col) else col for col in _table(table).columns
    )


def _value(table: Table, name: str, value: Any) -> Any:
    """A Row's value bound for its column (JSON text as it is)."""
    from sqlalchemy import type_coerce

    from retainer_tui.db.statements import stored_json_type

    return type_coerce(value, stored_json_type()) if _is_json(table.c[name]) else value


def _is_key(conn: Session | RawConnection, table: str, key: Sequence[Any]) -> Any:
    from sqlalchemy import and_

    t = _table(table)
    return and_(
        *(t.c[col] == value for col, value in zip(primary_key(conn, table), key, strict=True))
    )


def _rows(session: Session, table: str, where: Any) -> list[Row]:
    from sqlalchemy import select

    result = session.execute(select(*_selected(table)).where(where))
    names = list(result.keys())
    return [tuple(zip(names, values, strict=True)) for values in result]


def read_row(conn: Session | RawConnection, table: str, key: Sequence[Any]) -> Row | None:
    """The whole row with that primary key, or None."""
    from retainer_tui.db.statements import session_of

    rows = _rows(session_of(conn), table, _is_key(conn, table, key))
    return rows[0] if rows else None


# A condition from a caller not yet ported to statements: "col = ?", joined by AND.
_LEGACY_TERM = re.compile(r"\s*(\w+)\s*=\s*\?\s*")


def _where(table: str, where: ColumnElement[bool] | str, params: Iterable[Any]) -> Any:
    """The condition as a clause; a legacy "a = ? AND b = ?" string becomes one (no SQL
    string is run), anything else in a string is refused."""
    if not isinstance(where, str):
        return where
    from sqlalchemy import and_

    t = _table(table)
    terms = [_LEGACY_TERM.fullmatch(part) for part in re.split(r"(?i)\s+AND\s+", where)]
    values = list(params)
    if not all(terms) or len(terms) != len(values):
        raise ValueError(f"touch_where takes a clause, or 'column = ?' terms, not {where!r}")
    return and_(*(t.c[m.group(1)] == v for m, v in zip(terms, values, strict=True) if m))


class Recorder:
    """Collects the rows an action touches, inside its write transaction."""

    def __init__(self, conn: Session | RawConnection) -> None:
        from retainer_tui.db.statements import session_of

        self.conn = conn
        self.session = session_of(conn)
        self._before: dict[tuple[str, tuple[Any, ...]], Row | None] = {}

    def touch(self, table: str, key: Sequence[Any]) -> Row | None:
        """Remember the row before it is written (the first time only); returns it."""
        ident = (table, tuple(key))
        if ident not in self._before:
            self._before[ident] = read_row(self.session, table, ident[1])
        return self._before[ident]

    def mark_new(self, table: str, key: Sequence[Any]) -> None:
        """Record a row the action has just inserted (its key was unknown before)."""
        self._before.setdefault((table, tuple(key)), None)

    def touch_where(
        self, table: str, where: ColumnElement[bool] | str, params: Iterable[Any] = ()
    ) -> list[Row]:
        """Remember every row matching a condition (before deleting or updating them):
        a clause (Objection.client_id == cid), or "client_id = ?" with its params."""
        pk = primary_key(self.session, table)
        rows = _rows(self.session, table, _where(table, where, params))
        for row in rows:
            values = dict(row)
            self._before.setdefault((table, tuple(values[col] for col in pk)), row)
        return rows

    def finish(self, label: str) -> Change:
        """The change: each touched row before and after, rows left as they were dropped;
        signed in the change log in the same transaction."""
        from retainer_tui.services.change_log import sign

        rows = []
        for (table, key), before in self._before.items():
            after = read_row(self.session, table, key)
            if after != before:
                rows.append(RowChange(table, key, before, after))
        change = Change(label, tuple(rows))
        sign(self.session, change)
        return change


def touch_dependents(rec: Recorder, parent: str, parent_id: Any) -> None:
    """Remember every row that deleting the parent row would delete or change."""
    for dep in dependents(rec.session, parent):
        if dep.on_delete in ("CASCADE", "SET NULL", "SET DEFAULT"):
            rec.touch_where(dep.table, _table(dep.table).c[dep.column] == parent_id)


def _has_dependents(session: Session, table: str, row_id: Any) -> bool:
    from sqlalchemy import select

    for dep in dependents(session, table):
        column = _table(dep.table).c[dep.column]
        if session.execute(select(column).where(column == row_id).limit(1)).first():
            return True
    return False


def apply_undo(conn: Session | RawConnection, change: Change) -> None:
    """Put back the rows a change replaced, inside the caller's transaction."""
    from sqlalchemy import delete, insert, update
    from sqlalchemy.exc import IntegrityError

    from retainer_tui.db.statements import session_of

    session = session_of(conn)
    what = change.label or "the last change"
    for rc in change.rows:
        if read_row(session, rc.table, rc.key) != rc.after:
            raise UndoConflict(f"Cannot undo {what}: {_who_changed(session, change)}")
    # Order matters to foreign keys: created rows go (children first, as recorded after
    # their parents), deleted rows come back (parents first), then updated rows revert
    # (they may point at a row just re-inserted).
    try:
        for rc in reversed(change.rows):
            if rc.before is None and rc.after is not None:
                if len(rc.key) == 1 and _has_dependents(session, rc.table, rc.key[0]):
                    raise UndoConflict(f"Cannot undo {what}: data was entered for it since")
                t = _table(rc.table)
                session.execute(delete(t).where(_is_key(session, rc.table, rc.key)))
        for rc in change.rows:
            if rc.before is not None and rc.after is None:
                t = _table(rc.table)
                session.execute(insert(t).values({c: _value(t, c, v) for c, v in rc.before}))
        for rc in change.rows:
            if rc.before is not None and rc.after is not None:
                t = _table(rc.table)
                session.execute(
                    update(t)
                    .where(_is_key(session, rc.table, rc.key))
                    .values({c: _value(t, c, v) for c, v in rc.before})
                )
    except IntegrityError:
        raise UndoConflict(f"Cannot undo {what}: it clashes with a change made since") from None
    from retainer_tui.services.change_log import sign

    sign(session, Change(f"undo: {what}", tuple(_reverted(rc) for rc in change.rows)))


def _reverted(rc: RowChange) -> RowChange:
    return RowChange(rc.table, rc.key, rc.after, rc.before)


def _who_changed(session: Session, change: Change) -> str:
    """Why an undo is refused, naming who changed the record since when the log says."""
    from retainer_tui.db.base import AUTHOR, login_name
    from retainer_tui.services.change_log import changed_since

    me = str(session.info.get(AUTHOR) or login_name())
    other = changed_since(session, change.rows, but=me)
    if other is None:
        return "it was changed since"
    return f"{other.author} changed it since ({other.at.replace('T', ' ').rstrip('Z')} UTC)"


def undo_change(db: Database, *, change: Change) -> None:
    """Undo one change in one transaction; UndoConflict (nothing written) if it cannot be."""
    with db.writing() as session:
        apply_undo(session, change)


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
