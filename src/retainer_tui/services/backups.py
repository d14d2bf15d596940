"""A backup of whichever database: SQLite's file copy, or for a server database a data
file written from one snapshot (the app cannot copy a server's files; pg_dump and the
host's backups remain the administrator's)."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from retainer_tui.db.base import Database
from retainer_tui.db.errors import DatabaseError


def stamp_now() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")


def take_backup(db: Database, folder: Path, kind: str, *, stamp: str | None = None) -> Path:
    """A new backup of db in folder, named stem-kind-stamp (.db, or .toml for a server)."""
    from retainer_tui.db.backup import backup_database, unique_backup_path
    from retainer_tui.db.engine import SqliteDatabase

    stamp = stamp or stamp_now()
    if isinstance(db, SqliteDatabase):
        return backup_database(db, unique_backup_path(folder, db.stem, kind, stamp))
    target = unique_backup_path(folder, db.stem, kind, stamp, suffix=".toml")
    return write_data_file(db, target)


def write_data_file(db: Database, target: Path) -> Path:
    """The whole database as a TOML data file at target (owner-only, in place whole or
    not at all): one consistent read, whatever others write meanwhile."""
    from retainer_tui.services.export import export_text

    text = export_text(db, "toml")
    try:
        if not target.parent.is_dir():
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
        fd = os.open(partial, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, target)
    except OSError as exc:
        raise DatabaseError(f"{target}: cannot be written ({exc.strerror})") from None
    return target
