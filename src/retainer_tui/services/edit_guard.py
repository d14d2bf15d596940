"""No silent overwrite: a form remembers the rows it edits as they were when it opened
(an EditVersion), and its save service compares them with what is stored, inside its
write transaction (writes are serialised, so the compare and the write see the same
rows). When another write changed them since, EditConflict says who and what, and
nothing is written; the form offers to reload or to overwrite.

A Watch names the rows: a table and column values that pick them (a primary key, or
"every goal of client 7"), optionally only some columns (the ones the form edits).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from retainer_tui.db.engine import Database
from retainer_tui.domain.money import decimal_string
from retainer_tui.services.errors import EditConflict
from retainer_tui.services.undo import Row, RowChange, primary_key

if TYPE_CHECKING:
    from sqlmodel import Session

    from retainer_tui.db.statements import RawConnection

# Columns no form edits: derived from another (name_key) or the order tiers are listed in.
_IGNORED = frozenset({"name_key", "position"})
_SHOWN_MAX = 40


@dataclass(frozen=True, slots=True)
class Watch:
    """The rows of `table` whose columns equal `where`; only `columns` compared (all if
    empty)."""

    table: str
    where: tuple[tuple[str, Any], ...]
    columns: tuple[str, ...] = ()


def watch(table: str, *, columns: tuple[str, ...] = (), **where: Any) -> Watch:
    return Watch(table, tuple(sorted(where.items())), columns)


@dataclass(frozen=True, slots=True)
class EditVersion:
    """The watched rows as a form saw them: one sorted tuple of rows per watch, and when
    they were read (UTC, as the change log writes it)."""

    watches: tuple[Watch, ...]
    rows: tuple[tuple[Row, ...], ...]
    read_at: str = ""


def _read(session: Session, w: Watch) -> tuple[Row, ...]:
    from sqlalchemy import and_

    from retainer_tui.services.undo import _rows, _table

    t = _table(w.table)
    rows = _rows(session, w.table, and_(*(t.c[name] == value for name, value in w.where)))
    if w.columns:
        wanted = set(w.columns) | set(primary_key(session, w.table))
        rows = [tuple(pair for pair in row if pair[0] in wanted) for row in rows]
    return tuple(sorted(rows, key=repr))


def read_version(conn: Session | RawConnection, *watches: Watch) -> EditVersion:
    """The watched rows now, inside the caller's unit of work."""
    from retainer_tui.db.statements import session_of
    from retainer_tui.services.change_log import now_utc

    session = session_of(conn)
    return EditVersion(watches, tuple(_read(session, w) for w in watches), now_utc())


def opened(db: Database, *watches: Watch) -> EditVersion:
    """The watched rows as a form opens (one read)."""
    with db.reading() as session:
        return read_version(session, *watches)


def _shown(value: Any, *, cents: bool = False) -> str:
    if value is None or value == "":
        return "blank"
    if cents and isinstance(value, int):
        return decimal_string(value)
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    text = " ".join(text.split())
    return text if len(text) <= _SHOWN_MAX else text[: _SHOWN_MAX - 1] + "…"


def _keyed(session: Session, w: Watch, rows: tuple[Row, ...]) -> dict[tuple[Any, ...], Row]:
    pk = primary_key(session, w.table)
    return {tuple(dict(row)[c] for c in pk): row for row in rows}


def _what(session: Session, w: Watch, key: tuple[Any, ...]) -> str:
    """The part of a row's key the watch does not fix ("visits/2026-03"), or ""."""
    fixed = {name for name, _ in w.where}
    pk = primary_key(session, w.table)
    return "/".join(str(v) for c, v in zip(pk, key, strict=True) if c not in fixed)


def differences(
    session: Session, expected: EditVersion, now: EditVersion
) -> tuple[list[str], list[RowChange]]:
    """One line per field that differs ("email (a@x.it → b@x.it)"), and the rows changed."""
    lines: list[str] = []
    changed: list[RowChange] = []
    for w, before_rows, after_rows in zip(expected.watches, expected.rows, now.rows, strict=True):
        before, after = _keyed(session, w, before_rows), _keyed(session, w, after_rows)
        for key in sorted(set(before) | set(after), key=repr):
            old, new = before.get(key), after.get(key)
            if old == new:
                continue
            what = _what(session, w, key)
            suffix = f" {what}" if what else ""
            old_d, new_d = dict(old or ()), dict(new or ())
            row_lines = []
            for name in dict.fromkeys([*old_d, *new_d]):
                if name in _IGNORED or old_d.get(name) == new_d.get(name):
                    continue
                if name in primary_key(session, w.table):
                    continue
                cents = name.endswith("_cents")  # money as typed: 1750.00
                label = name.removesuffix("_cents").replace("_", " ") + suffix
                old_v = _shown(old_d.get(name), cents=cents)
                new_v = _shown(new_d.get(name), cents=cents)
                row_lines.append(f"{label} ({old_v} → {new_v})")
            if not row_lines:
                continue  # only an ignored column moved
            lines.extend(row_lines)
            changed.append(RowChange(w.table, key, old, new))
    return lines, changed


def who_changed(
    session: Session, changed: list[RowChange], *, since: str = "", field: str | None = None
) -> str:
    """Who changed those records (that field of them) since a time, from the change log:
    the latest other person, else "Another window" when only this person did, else the
    latest author at any time (clocks of other machines may lag), else "Someone"."""
    from sqlalchemy import and_, or_, select
    from sqlmodel import col

    from retainer_tui.db.base import AUTHOR, login_name
    from retainer_tui.db.models import ChangeLog

    me = str(session.info.get(AUTHOR) or login_name())
    records = [
        and_(
            col(ChangeLog.table_name) == rc.table,
            col(ChangeLog.record) == "/".join(str(part) for part in rc.key),
        )
        for rc in changed
    ]
    if not records:
        return "Someone"
    stmt = select(col(ChangeLog.author), col(ChangeLog.at)).where(or_(*records))
    if field is not None:
        stmt = stmt.where(col(ChangeLog.field) == field)
    authors = [(a, at) for a, at in session.execute(stmt.order_by(col(ChangeLog.id).desc()))]
    recent = [a for a, at in authors if at >= since]
    for author in recent or [a for a, _ in authors[:1]]:
        if author != me:
            return str(author)
    return "Another window" if authors else "Someone"


def check_unchanged(conn: Session | RawConnection, expected: EditVersion | None) -> None:
    """EditConflict (nothing written) when the watched rows differ from `expected`; call
    inside the write transaction before writing. None checks nothing (a forced save)."""
    if expected is None:
        return
    from retainer_tui.db.statements import session_of

    session = session_of(conn)
    now = read_version(session, *expected.watches)
    if now.rows == expected.rows:
        return
    lines, changed = differences(session, expected, now)
    if not lines:
        return
    raise EditConflict(
        {},
        current=None,
        who=who_changed(session, changed, since=expected.read_at),
        changes=lines,
        version=now,
    )


def check_current(db: Database, expected: EditVersion | None) -> None:
    """check_unchanged in a read of its own: a form asking a question before it saves
    (the tier form's "do the clients follow the fee?") learns of a conflict first."""
    with db.reading() as session:
        check_unchanged(session, expected)
