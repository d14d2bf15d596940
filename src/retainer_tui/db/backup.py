"""Consistent copies of the database through SQLite's online backup API."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from pathlib import Path

from retainer_tui.db.engine import SqliteDatabase
from retainer_tui.db.errors import DatabaseDamaged, DatabaseError
from retainer_tui.db.sqlite_file import quick_check, readonly_uri, translate


def backup_database(db: SqliteDatabase, target: Path, *, verify: bool = True) -> Path:
    """Copy the database to target (owner-only), consistent even while others write.

    The copy is checked (PRAGMA quick_check) unless verify is False: a damaged database
    is refused rather than kept as a backup that would push the good ones out.
    """
    try:
        if not target.parent.is_dir():
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            target.parent.chmod(0o700)  # whatever the umask: the copies are private
    except OSError as exc:
        raise DatabaseError(f"{target.parent}: cannot create the folder ({exc.strerror})") from None
    if target.exists() and target.resolve() == db.path.resolve():
        raise DatabaseError(f"{target}: is the database itself; choose another file")
    # Per process: two copies backing up at the same moment never write one file.
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        fd = os.open(partial, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
        os.close(fd)
    except OSError as exc:
        raise DatabaseError(f"{target}: cannot be written ({exc.strerror})") from None
    problem = "ok"
    try:
        source = db.connect()
        try:
            dest = sqlite3.connect(partial)
            try:
                source.backup(dest)
                dest.execute("PRAGMA journal_mode = DELETE")
                if verify:
                    problem = quick_check(dest)
            finally:
                dest.close()
        finally:
            source.close()
    except DatabaseError:
        partial.unlink(missing_ok=True)
        raise
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise translate(exc, db.path) from None
    if problem != "ok":
        partial.unlink(missing_ok=True)
        raise DatabaseDamaged(
            f"{db.path}: the database file is damaged ({problem}); no copy was made; "
            "restore a backup (retainer backup --list)"
        )
    try:
        os.chmod(partial, 0o600)
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise DatabaseError(f"{target}: cannot be written ({exc.strerror})") from None
    return target


AUTO_PREFIX = "auto"

# The date (and time) a backup's name carries: 2026-12-02, 20261202-143000, each with an
# optional counter (-2, or a process id) when two were taken in the same second.
_STAMP = re.compile(r"(\d{4}-\d{2}-\d{2}|\d{8}-\d{6})(?:-(\d+))?\.db$")


class BackupNotWritten(DatabaseError):
    """The copy could not be written (a full disk, a folder not writable); the database
    itself is fine, so the app may open."""


def backup_name(db: SqliteDatabase, kind: str, stamp: str) -> str:
    return f"{db.path.stem}-{kind}-{stamp}.db"


def unique_backup_path(
    folder: Path, stem: str, kind: str, stamp: str, *, suffix: str = ".db"
) -> Path:
    """folder/stem-kind-stamp.db, or stamp-2, -3 … when that name is taken (two backups
    in the same second); the counter keeps the names sorted by date."""
    target = folder / f"{stem}-{kind}-{stamp}{suffix}"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{stem}-{kind}-{stamp}-{n}{suffix}"
    return target


def _name_key(path: Path) -> tuple[str, int, float]:
    """Sort key from the date in the name (mtime is no guide: copies keep theirs)."""
    try:
        mtime = path.stat().st_mtime
    except OSError:
        mtime = 0.0
    found = _STAMP.search(path.name)
    if found is None:
        from datetime import datetime

        stamp = datetime.fromtimestamp(mtime).strftime("%Y%m%d%H%M%S")
        return stamp, 0, mtime
    day = found.group(1).replace("-", "")
    return day.ljust(14, "0"), int(found.group(2) or 1), mtime


def backup_taken(path: Path) -> str:
    """When a backup was taken, "YYYY-MM-DD HH:MM", read from its name (the file's time
    is a copy's, not the backup's); a daily name has no time of its own: its file's
    time is used when it is of that day."""
    from datetime import datetime

    try:
        mtime = datetime.fromtimestamp(path.stat().st_mtime)
    except OSError:
        mtime = None
    found = _STAMP.search(path.name)
    if found is None:
        return mtime.strftime("%Y-%m-%d %H:%M") if mtime else "????-??-?? ??:??"
    stamp = found.group(1)
    if "-" in stamp[:5]:  # a daily copy, 2026-12-02
        same_day = mtime is not None and mtime.strftime("%Y-%m-%d") == stamp
        return f"{stamp} {mtime.strftime('%H:%M') if same_day and mtime else '     '}"
    return f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]} {stamp[9:11]}:{stamp[11:13]}"


def list_backups(folder: Path) -> list[Path]:
    """Backups in the folder, newest first (by the date in the name)."""
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if p.suffix == ".db" and not p.name.startswith(".")]
    return sorted(found, key=lambda p: (_name_key(p), p.name), reverse=True)


def daily_backup(db: SqliteDatabase, folder: Path, *, today: str, keep: int) -> Path | None:
    """Once a day, on the first start: a copy named for the day; the oldest beyond keep go.

    Pruning goes by the date in the names, never deletes the copy just made, and only
    runs once that copy is written and checked. A copy that cannot be written raises
    BackupNotWritten (warn and go on); a damaged database raises DatabaseError.
    """
    if db.readonly:
        return None
    target = folder / backup_name(db, AUTO_PREFIX, today)
    if target.exists():
        return None
    try:
        written = backup_database(db, target)
    except DatabaseDamaged:
        raise
    except DatabaseError as exc:
        raise BackupNotWritten(str(exc)) from None
    prefix = f"{db.path.stem}-{AUTO_PREFIX}-"
    automatic = [
        p
        for p in list_backups(folder)
        if p.name.startswith(prefix) and _STAMP.fullmatch(p.name[len(prefix) :])
    ]
    others = [p for p in automatic if p != written]
    for old in others[max(keep, 1) - 1 :]:
        old.unlink(missing_ok=True)
    return written


def check_backup_file(path: Path) -> None:
    """Refuse to restore anything that is not a readable retainer database."""
    from retainer_tui.db.migrate import KNOWN_REVISIONS, current_revision
    from retainer_tui.db.sqlite_file import EMPTY, NOT_SQLITE, header_problem

    if not path.exists():
        raise DatabaseError(f"{path}: no such backup file")
    if not path.is_file():
        what = "a folder" if path.is_dir() else "a device or a pipe"
        raise DatabaseError(f"{path}: is {what}, not a backup; nothing was changed")
    # Every message names the backup and says it is the backup: the live database is
    # not looked at (nor changed) until the backup has passed.
    try:
        problem = header_problem(path)
    except OSError as exc:
        raise DatabaseError(f"{path}: the backup cannot be read ({exc.strerror})") from None
    if problem:
        what = "is not a backup" if problem in (EMPTY, NOT_SQLITE) else "the backup is damaged"
        raise DatabaseError(
            f"{path}: {what} ({problem}); nothing was changed; "
            "choose another one (retainer backup --list)"
        )
    try:
        conn = sqlite3.connect(readonly_uri(path), uri=True)
        try:
            ok = quick_check(conn)
            revision = current_revision(conn)
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise DatabaseError(
            f"{path}: the backup cannot be read as a database ({exc}); nothing was changed"
        ) from None
    if ok != "ok":
        raise DatabaseError(
            f"{path}: the backup is damaged ({ok}); nothing was changed; "
            "choose another one (retainer backup --list)"
        )
    if revision not in KNOWN_REVISIONS:
        raise DatabaseError(f"{path}: not a retainer-tui backup this version can restore")


def restore_backup(db: SqliteDatabase, source: Path, *, safety_dir: Path, stamp: str) -> Path:
    """Replace the database's content with the backup's, after copying the current one aside.

    Returns the path of the safety copy. Uses the backup API into the live file, so other
    connections see either the old or the new database, never a mix.
    """
    check_backup_file(source)
    safety = backup_database(
        db, unique_backup_path(safety_dir, db.path.stem, "before-restore", stamp), verify=False
    )
    src = sqlite3.connect(readonly_uri(source), uri=True)
    try:
        dest = db.connect()
        try:
            src.backup(dest)
        finally:
            dest.close()
    except sqlite3.Error as exc:
        raise translate(exc, db.path) from None
    finally:
        src.close()
    return safety


def restore_over_unusable(path: Path, source: Path, *, safety_dir: Path, stamp: str) -> Path:
    """Restore when the current file cannot be opened (damaged, or from a newer app).

    The file is moved aside whole, with its -wal and -shm, into safety_dir (nothing is
    deleted), and a copy of the backup takes its place. Returns where the file went.
    """
    check_backup_file(source)
    try:
        if not safety_dir.is_dir():
            safety_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            safety_dir.chmod(0o700)
    except OSError as exc:
        raise DatabaseError(f"{safety_dir}: cannot create the folder ({exc.strerror})") from None
    aside = unique_backup_path(safety_dir, path.stem, "unusable", stamp)
    incoming = path.with_name(f".{path.name}.{os.getpid()}.restoring")
    try:
        fd = os.open(incoming, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
        os.close(fd)
        src = sqlite3.connect(readonly_uri(source), uri=True)
        try:
            dest = sqlite3.connect(incoming)
            try:
                src.backup(dest)
                dest.execute("PRAGMA journal_mode = DELETE")
            finally:
                dest.close()
        finally:
            src.close()
        # The unusable file first, then its journal files, then the backup into place.
        shutil.move(path, aside)
        for suffix in ("-wal", "-shm"):
            extra = Path(f"{path}{suffix}")
            if extra.exists():
                shutil.move(extra, Path(f"{aside}{suffix}"))
        os.replace(incoming, path)
    except (OSError, sqlite3.Error) as exc:
        incoming.unlink(missing_ok=True)
        reason = exc.strerror if isinstance(exc, OSError) else str(exc)
        raise DatabaseError(f"{path}: the backup could not be put in place ({reason})") from None
    return aside
