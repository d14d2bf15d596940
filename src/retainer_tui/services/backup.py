"""Consistent copies of the database through SQLite's online backup API."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from retainer_tui.db.engine import Database, translate
from retainer_tui.db.errors import DatabaseError


def backup_database(db: Database, target: Path) -> Path:
    """Copy the database to target (owner-only), consistent even while others write."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise DatabaseError(f"{target.parent}: cannot create the folder ({exc.strerror})") from None
    if target.exists() and target.resolve() == db.path.resolve():
        raise DatabaseError(f"{target}: is the database itself; choose another file")
    partial = target.with_name(f".{target.name}.partial")
    try:
        fd = os.open(partial, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
        os.close(fd)
    except OSError as exc:
        raise DatabaseError(f"{target}: cannot be written ({exc.strerror})") from None
    source = db.connect()
    try:
        dest = sqlite3.connect(partial)
        try:
            source.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")
        finally:
            dest.close()
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise translate(exc, db.path) from None
    finally:
        source.close()
    os.chmod(partial, 0o600)
    os.replace(partial, target)
    return target
