"""What the trust tests compare: every table's rows, and SQLite's own checks."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from retainer_tui.db.base import Database

Tables = dict[str, tuple[tuple[str, ...], list[tuple]]]


# Not compared: Alembic's revision, and the change log, which every action and undo
# adds to (its own tests read it).
SKIPPED = ("alembic_version", "change_log")


def read_tables(where: Path | Database) -> Tables:
    """Every table but Alembic's and the change log: its columns and its rows, sorted (a
    read-only look). An SQLite file (a path, or a Database on one) is read with sqlite3
    itself; a server database through its own connection."""
    if isinstance(where, Database):
        if where.file is None:
            return _server_tables(where)
        where = where.file
    conn = sqlite3.connect(where)
    try:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
            if r[0] not in SKIPPED
        ]
        out: Tables = {}
        for name in names:
            cur = conn.execute(f"SELECT * FROM {name}")
            columns = tuple(d[0] for d in cur.description)
            out[name] = (columns, sorted(cur.fetchall(), key=repr))
        return out
    finally:
        conn.close()


def _server_tables(db: Database) -> Tables:
    """As SQLite holds the values: dates as ISO text, JSON as the text stored (not the
    lists and dicts the driver decodes, which no set of rows could hold)."""
    from datetime import date

    from sqlalchemy import JSON, inspect

    from tests.raw import raw

    look = inspect(db.engine)
    names = sorted(n for n in look.get_table_names() if n not in SKIPPED)
    out: Tables = {}
    with raw(db) as conn:
        for name in names:
            columns = tuple(c["name"] for c in look.get_columns(name))
            json_columns = {
                c["name"] for c in look.get_columns(name) if isinstance(c["type"], JSON)
            }
            picked = ", ".join(f'"{c}"::text' if c in json_columns else f'"{c}"' for c in columns)
            rows = [
                tuple(v.isoformat() if isinstance(v, date) else v for v in row)
                for row in conn.execute(f"SELECT {picked} FROM {name}")
            ]
            out[name] = (columns, sorted(rows, key=repr))
    return out


def row_count(tables: Tables) -> int:
    return sum(len(rows) for _, rows in tables.values())


def checks(path: Path) -> tuple[str, list[tuple]]:
    """PRAGMA integrity_check's answer and the rows foreign_key_check finds."""
    conn = sqlite3.connect(path)
    try:
        ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
        broken = conn.execute("PRAGMA foreign_key_check").fetchall()
        return ok, broken
    finally:
        conn.close()


def screen_text(app: object) -> str:
    """Every character drawn on the app's screen (toasts included), line by line."""
    from rich.segment import Segment

    strips = app.screen._compositor.render_strips()  # type: ignore[attr-defined]
    return "\n".join("".join(seg.text for seg in Segment.filter_control(s)) for s in strips)


def as_before(after: Tables, before: Tables) -> Tables:
    """The tables after an upgrade, in the columns they had before it (an upgrade may add
    columns, such as a name's key; every old value must be unchanged)."""
    out: Tables = {}
    for name, (columns, _rows) in before.items():
        new_columns, new_rows = after[name]
        index = [new_columns.index(c) for c in columns]
        out[name] = (columns, sorted((tuple(r[i] for i in index) for r in new_rows), key=repr))
    return out
