"""Opening the SQLite file: checks, WAL, foreign keys, busy timeout, owner-only permissions."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from retainer_tui.db.errors import DatabaseBusy, DatabaseError, ReadOnlyDatabase

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

BUSY_TIMEOUT_MS = 5000
SQLITE_MAGIC = b"SQLite format 3\x00"


def _pragmas(conn: sqlite3.Connection, *, readonly: bool) -> None:
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    if not readonly:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")


def check_file(path: Path) -> None:
    """Refuse anything at the path that is not an SQLite database, without touching it."""
    if path.is_dir():
        raise DatabaseError(f"{path}: is a folder, not a database file; pass a file path")
    if not path.exists():
        return
    try:
        with path.open("rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        raise DatabaseError(
            f"{path}: cannot be read ({exc.strerror}); check its permissions"
        ) from None
    if not header:
        raise DatabaseError(
            f"{path}: is an empty file, not a retainer database; remove it or choose another path"
        )
    if header[: len(SQLITE_MAGIC)] != SQLITE_MAGIC:
        raise DatabaseError(
            f"{path}: is not an SQLite database; check the path (nothing was changed)"
        )
    missing = _missing_bytes(path, header)
    if missing:
        raise DatabaseError(
            f"{path}: the database file is damaged (cut short: {missing:,} bytes missing); "
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
    """Create the folder and an empty owner-only file so SQLite inherits 0600."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(
            f"{path.parent}: cannot create the folder ({exc.strerror}); choose another --db path"
        ) from None
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
        return DatabaseError(
            f"{path}: the database file is damaged ({text}); "
            "restore a backup (retainer backup --list)"
        )
    return DatabaseError(f"{path}: {text}")


class Database:
    """One database file: raw sqlite3 connections for fast reads, SQLAlchemy for writes."""

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        self.path = path
        self.readonly = readonly
        self._engine: Engine | None = None

    def _open(self) -> sqlite3.Connection:
        timeout = BUSY_TIMEOUT_MS / 1000
        if self.readonly:
            return sqlite3.connect(readonly_uri(self.path), uri=True, timeout=timeout)
        return sqlite3.connect(self.path, timeout=timeout)

    def connect(self) -> sqlite3.Connection:
        """A new sqlite3 connection with the pragmas set; the caller closes it."""
        try:
            conn = self._open()
            _pragmas(conn, readonly=self.readonly)
        except sqlite3.Error as exc:
            raise translate(exc, self.path) from None
        return conn

    def _acquire(self) -> sqlite3.Connection:
        """The connection a read or write block uses (a subclass may keep one open)."""
        return self.connect()

    def _release(self, conn: sqlite3.Connection) -> None:
        conn.close()

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A connection for a consistent read (one snapshot for the whole block)."""
        conn = self._acquire()
        try:
            conn.execute("BEGIN")
            yield conn
        except sqlite3.Error as exc:
            raise translate(exc, self.path) from None
        finally:
            self._release(conn)

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One short write transaction; rolled back whole on any error."""
        if self.readonly:
            raise ReadOnlyDatabase(
                f"{self.path}: opened read-only (no write permission); nothing was changed"
            )
        conn = self._acquire()
        try:
            conn.execute("BEGIN IMMEDIATE")
            yield conn
            conn.commit()
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.rollback()
            raise translate(exc, self.path) from None
        except BaseException:
            if conn.in_transaction:
                conn.rollback()
            raise
        finally:
            self._release(conn)

    @property
    def engine(self) -> Engine:
        """SQLAlchemy engine (imported on first use: it is slow to import)."""
        if self._engine is None:
            from sqlalchemy import create_engine, event
            from sqlalchemy.pool import NullPool

            # Connections made here, not from a URL: SQLAlchemy would read a "?" or "#"
            # in the path as the start of a query and open another file.
            engine = create_engine("sqlite://", creator=self._open, poolclass=NullPool)
            readonly = self.readonly

            @event.listens_for(engine, "connect")
            def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
                _pragmas(dbapi_conn, readonly=readonly)
                # pysqlite runs DDL outside any transaction; take over BEGIN ourselves so a
                # migration (CREATE, batch copy-and-rename) commits whole or not at all.
                dbapi_conn.isolation_level = None

            @event.listens_for(engine, "begin")
            def _on_begin(conn: Any) -> None:
                conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")

            self._engine = engine
        return self._engine

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
