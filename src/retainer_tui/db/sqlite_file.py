"""The SQLite file itself, apart from any connection: its header and quick check, creating
it owner-only, the URIs it is opened by, its identity on disk (the file this process
opened), and what an sqlite3 failure means for it, in one line."""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from retainer_tui.db.errors import (
    DatabaseBusy,
    DatabaseDamaged,
    DatabaseError,
    DiskFull,
    ReadOnlyDatabase,
)

SQLITE_MAGIC = b"SQLite format 3\x00"

EMPTY = "an empty file"
NOT_SQLITE = "not an SQLite database"


def header_problem(path: Path) -> str | None:
    """What the file's header shows is wrong, in a few words ("an empty file", "not an
    SQLite database", "cut short: 4,096 bytes missing"); None when it looks whole.
    An OSError from reading it is the caller's."""
    with path.open("rb") as fh:
        header = fh.read(100)
    if not header:
        return EMPTY
    if header[: len(SQLITE_MAGIC)] != SQLITE_MAGIC:
        return NOT_SQLITE
    missing = _missing_bytes(path, header)
    return f"cut short: {missing:,} bytes missing" if missing else None


def check_file(path: Path) -> None:
    """Refuse anything at the path that is not an SQLite database, without touching it."""
    if path.is_dir():
        raise DatabaseError(f"{path}: is a folder, not a database file; pass a file path")
    if not path.exists():
        return
    try:
        problem = header_problem(path)
    except OSError as exc:
        raise DatabaseError(
            f"{path}: cannot be read ({exc.strerror}); check its permissions"
        ) from None
    if problem == EMPTY:
        raise DatabaseError(
            f"{path}: is an empty file, not a retainer database; remove it or choose another path"
        )
    if problem == NOT_SQLITE:
        raise DatabaseError(
            f"{path}: is not an SQLite database; check the path (nothing was changed)"
        )
    if problem:
        raise DatabaseDamaged(
            f"{path}: the database file is damaged ({problem}); "
            "nothing was changed; restore a backup (retainer backup --list)"
        )


def quick_check(conn: sqlite3.Connection) -> str:
    """PRAGMA quick_check in one line: "ok", or the first problem and how many more."""
    rows = [str(r[0]) for r in conn.execute("PRAGMA quick_check")]
    found = [
        line.strip()
        for row in rows
        for line in row.splitlines()
        if line.strip() and not line.startswith("***")
    ]
    if found == ["ok"]:
        return "ok"
    more = f" and {len(found) - 1:,} more problems" if len(found) > 1 else ""
    return f"{found[0] if found else 'unknown problem'}{more}"


def is_wal(path: Path) -> bool:
    """Whether the file's header says WAL mode (connecting then changes nothing in it)."""
    try:
        with path.open("rb") as fh:
            header = fh.read(20)
    except OSError:
        return False
    return len(header) == 20 and header[18:20] == b"\x02\x02"


def _missing_bytes(path: Path, header: bytes) -> int:
    """How much shorter the file is than its header says (0 when it is whole, or when
    the header cannot tell: a live WAL may hold pages a checkpoint is writing back)."""
    if len(header) < 100:
        return 100 - len(header)
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    valid = header[92:96] == header[24:28]
    wal = Path(f"{path}-wal")
    if not valid or not pages or (wal.exists() and wal.stat().st_size > 0):
        return 0
    return max(0, pages * page_size - path.stat().st_size)


def create_file(path: Path) -> None:
    """Create an empty owner-only file (so SQLite's files inherit 0600); never a folder."""
    if not path.parent.is_dir():
        raise DatabaseError(
            f"{path}: the folder {path.parent} does not exist; check --db (nothing was created)"
        )
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    except OSError as exc:
        raise DatabaseError(
            f"{path}: cannot create the database ({exc.strerror}); choose another --db path"
        ) from None
    os.close(fd)


def readonly_uri(path: Path) -> str:
    """An SQLite URI opening path read-only, %-quoted: a folder named "Clients #2" works."""
    return f"{path.absolute().as_uri()}?mode=ro"


def existing_uri(path: Path) -> str:
    """An SQLite URI opening path for writing that fails when no file is there: a plain
    connect would create a new, empty database in place of one deleted under us."""
    return f"{path.absolute().as_uri()}?mode=rw"


@dataclass(frozen=True)
class FileIdentity:
    """Which file sits at a path: device and inode, and whether it holds anything.

    Only stat(): opening and closing the database file from this process would drop
    every POSIX lock SQLite's connections hold on it (and let other processes write
    through them), so the file is never read here while connections may be open.
    """

    dev: int
    ino: int
    empty: bool

    @classmethod
    def of(cls, path: Path) -> FileIdentity | None:
        """The file at path now (None when there is none): one stat()."""
        try:
            st = os.stat(path)
        except OSError:
            return None
        return cls(st.st_dev, st.st_ino, st.st_size == 0)

    def same_file(self, other: FileIdentity | None) -> bool:
        """Whether other is this file, still holding data (truncated to nothing is not;
        a file recorded empty is the new database being built)."""
        if other is None or (self.dev, self.ino) != (other.dev, other.ino):
            return False
        return self.empty or not other.empty


WAL_HEADER_BYTES = 32

# What each path was when this process opened it (open_database), so that a Database
# made later for the same path (a screen's kept connection) checks against that file,
# not against whatever has taken its place since.
_opened: dict[str, FileIdentity] = {}


def remember_opened(path: Path) -> None:
    """Record the file now at path as the one this process opened."""
    found = FileIdentity.of(path)
    if found is not None:
        _opened[os.path.abspath(path)] = found


def opened_identity(path: Path) -> FileIdentity | None:
    """The file this process opened at path (remember_opened), else the one there now."""
    return _opened.get(os.path.abspath(path)) or FileIdentity.of(path)


def inode(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def translate(exc: Exception, path: Path) -> DatabaseError:
    """An sqlite3 / SQLAlchemy failure as a one-line DatabaseError."""
    text = str(getattr(exc, "orig", None) or exc)
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        return DatabaseBusy(
            f"{path}: the database is busy (another retainer is writing); try again"
        )
    if "readonly" in lowered or "read-only" in lowered:
        return ReadOnlyDatabase(f"{path}: the database is read-only; nothing was changed")
    if "malformed" in lowered or "not a database" in lowered or "corrupt" in lowered:
        return DatabaseDamaged(
            f"{path}: the database file is damaged ({text}); "
            "restore a backup (retainer backup --list)"
        )
    if "disk is full" in lowered or ("disk i/o error" in lowered and _disk_full(path)):
        folder = Path(os.path.abspath(path)).parent
        return DiskFull(
            f"{path}: the disk holding {folder} is full; free some space (nothing was saved)"
        )
    return DatabaseError(f"{path}: {text}")


# Below this much free space, a "disk I/O error" is a full disk (SQLite could not grow
# its -wal or create its -shm).
DISK_FULL_BYTES = 4 * 1024 * 1024


def _disk_full(path: Path) -> bool:
    try:
        usage = shutil.disk_usage(Path(os.path.abspath(path)).parent)
    except OSError:
        return False
    return usage.free < DISK_FULL_BYTES
