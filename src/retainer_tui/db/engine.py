"""Opening the SQLite file: checks, WAL, foreign keys, busy timeout, owner-only permissions,
and the guard that stops writing when the file under us is no longer the one opened."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from retainer_tui.db.base import AUTHOR, Database
from retainer_tui.db.errors import (
    DatabaseBusy,
    DatabaseDamaged,
    DatabaseError,
    DatabaseMoved,
    DiskFull,
    ReadOnlyDatabase,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

    from retainer_tui.db.watch import DataWatcher

# The execution option a writing unit of work carries: its BEGIN takes the write lock.
WRITE_OPTION = "retainer_write"

BUSY_TIMEOUT_MS = 5000
SQLITE_MAGIC = b"SQLite format 3\x00"


def _pragmas(conn: sqlite3.Connection, *, readonly: bool) -> None:
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    if not readonly:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")


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


class _Connection(sqlite3.Connection):
    """A connection that remembers the -wal file it had open (a removed one is detected),
    and the Session whose transaction it is running (read() and write())."""

    wal: tuple[int, int] | None = None
    session: Session | None = None


def _inode(path: Path) -> tuple[int, int] | None:
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


def _dbapi(session: Session) -> sqlite3.Connection:
    """The sqlite3 connection under the session's transaction (begun here if need be)."""
    return session.connection().connection.dbapi_connection  # type: ignore[return-value]


class SqliteDatabase(Database):
    """One database file: Sessions for units of work (reading(), writing()); the raw
    sqlite3 read()/write() blocks are db/'s own and the tests' (to look at the file)."""

    backend = "sqlite"

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        self.path = path
        self.readonly = readonly
        self._engine: Engine | None = None
        self._wal_path = Path(f"{path}-wal")
        self._identity = _opened.get(os.path.abspath(path)) or FileIdentity.of(path)

    @property
    def label(self) -> str:
        return str(self.path)

    @property
    def file(self) -> Path:
        return self.path

    @property
    def stem(self) -> str:
        return self.path.stem

    def _moved(self, *, writing: bool) -> DatabaseMoved:
        saved = "nothing was saved; " if writing else ""
        return DatabaseMoved(
            f"{self.path}: the database file was moved, replaced or deleted while the app "
            f"was open; {saved}restart retainer"
        )

    def _check_file(self, *, writing: bool) -> None:
        """Refuse when the file at the path is not the one opened (a stat, no more)."""
        now = FileIdentity.of(self.path)
        if self._identity is None:
            if now is None:
                raise DatabaseError(f"{self.path}: no such database; check --db")
            self._identity = now
        elif not self._identity.same_file(now):
            raise self._moved(writing=writing)
        elif self._identity.empty:
            self._identity = now  # the new database has been written: from now on, whole

    def _check_wal(self, conn: sqlite3.Connection, *, writing: bool) -> None:
        """A -wal this connection has seen, now gone from the path while its -shm (the
        index of what the -wal holds) is still there: it was deleted under us, and a kept
        connection would go on writing into the deleted file. (Only "gone", not "another
        file": with several processes SQLite may itself start a new -wal meanwhile.)"""
        if not isinstance(conn, _Connection) or self.readonly:
            return
        now = _inode(self._wal_path)
        if now is not None:
            conn.wal = now
        elif conn.wal is not None and Path(f"{self.path}-shm").exists():
            raise self._wal_gone(writing=writing)

    def _wal_gone(self, *, writing: bool) -> DatabaseMoved:
        saved = "nothing more was saved; " if writing else ""
        return DatabaseMoved(
            f"{self.path}: its -wal file (the latest changes) was deleted while the app "
            f"was open; {saved}restart retainer"
        )

    def _verify(self, conn: sqlite3.Connection, *, writing: bool) -> None:
        self._check_file(writing=writing)
        self._check_wal(conn, writing=writing)

    def _open(self) -> sqlite3.Connection:
        timeout = BUSY_TIMEOUT_MS / 1000
        uri = readonly_uri(self.path) if self.readonly else existing_uri(self.path)
        return sqlite3.connect(uri, uri=True, timeout=timeout, factory=_Connection)

    def connect(self) -> sqlite3.Connection:
        """A new sqlite3 connection with the pragmas set; the caller closes it."""
        self._check_file(writing=False)
        try:
            conn = self._open()
        except sqlite3.Error as exc:
            self._check_file(writing=False)  # deleted between the check and the open
            raise translate(exc, self.path) from None
        try:
            _pragmas(conn, readonly=self.readonly)
        except sqlite3.Error as exc:
            # Not closed here: closing the last connection checkpoints the -wal into a
            # file about to be refused as damaged, and deletes the -wal.
            raise translate(exc, self.path) from None
        try:
            self._verify(conn, writing=False)
        except DatabaseError:
            conn.close()
            raise
        return conn

    @contextmanager
    def look(self) -> Iterator[sqlite3.Connection]:
        """A plain sqlite3 read for db/'s own start-up checks (revision, tables, damage):
        opening a database must not wait for SQLAlchemy's import (the first frame)."""
        conn = self.connect()
        try:
            conn.execute("BEGIN")
            yield conn
        except sqlite3.Error as exc:
            raise self._explain(exc, writing=False) from None
        finally:
            conn.close()

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """The sqlite3 connection under a reading() Session, for the modules not yet
        ported to Sessions (its .session is that Session, for those that are)."""
        with self.reading() as session, self._raw(session, writing=False) as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """The sqlite3 connection under a writing() Session (see read()): one short write
        transaction, rolled back whole on any error."""
        with self.writing() as session, self._raw(session, writing=True) as conn:
            yield conn

    @contextmanager
    def _raw(self, session: Session, *, writing: bool) -> Iterator[sqlite3.Connection]:
        conn = _dbapi(session)
        conn.session = session  # type: ignore[attr-defined]
        try:
            yield conn
        except sqlite3.Error as exc:
            raise self._explain(exc, writing=writing) from None
        finally:
            conn.session = None  # type: ignore[attr-defined]

    def _explain(self, exc: sqlite3.Error, *, writing: bool) -> DatabaseError:
        """An I/O error after the file or its -wal went away says that, not "disk I/O"."""
        name = getattr(exc, "sqlite_errorname", "")
        if name.startswith("SQLITE_IOERR") or name == "SQLITE_CANTOPEN":
            try:
                self._check_file(writing=writing)
            except DatabaseError as moved:
                return moved
        if name == "SQLITE_IOERR_SHORT_READ" and self._wal_replaced():
            return self._wal_gone(writing=writing)
        return translate(exc, self.path)

    def _wal_replaced(self) -> bool:
        """The -shm still indexes frames but the -wal at the path has not even a header:
        the -wal was deleted under an open connection and SQLite made a new, empty one."""
        shm = Path(f"{self.path}-shm")
        try:
            return shm.stat().st_size > 0 and self._wal_path.stat().st_size < WAL_HEADER_BYTES
        except OSError:
            return False

    def _pool(self) -> type:
        """A connection per unit of work (a subclass may keep one open)."""
        from sqlalchemy.pool import NullPool

        return NullPool

    @property
    def engine(self) -> Engine:
        """SQLAlchemy engine (imported on first use: it is slow to import)."""
        if self._engine is None:
            from sqlalchemy import create_engine, event

            # Connections made here, not from a URL: SQLAlchemy would read a "?" or "#"
            # in the path as the start of a query and open another file.
            engine = create_engine(
                "sqlite://", creator=lambda: self._open(), poolclass=self._pool()
            )
            readonly = self.readonly

            @event.listens_for(engine, "connect")
            def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
                _pragmas(dbapi_conn, readonly=readonly)
                # pysqlite runs DDL outside any transaction; take over BEGIN ourselves so a
                # migration (CREATE, batch copy-and-rename) commits whole or not at all.
                dbapi_conn.isolation_level = None

            @event.listens_for(engine, "begin")
            def _on_begin(conn: Any) -> None:
                # A read's BEGIN takes no lock (one snapshot); a write's takes the write
                # lock at once, so two writers queue instead of failing half-way.
                options = conn.get_execution_options()
                immediate = options.get(WRITE_OPTION, True) and not readonly
                conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

            self._engine = engine
        return self._engine

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A Session for one consistent read (one snapshot for the whole block)."""
        from sqlalchemy.exc import DBAPIError
        from sqlmodel import Session

        self._check_file(writing=False)
        session = Session(self.engine.execution_options(**{WRITE_OPTION: False}))
        try:
            self._verify(_dbapi(session), writing=False)
            yield session
        except DBAPIError as exc:
            raise self._explain(cast(sqlite3.Error, exc.orig), writing=False) from None
        finally:
            session.close()

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A Session for one user action's writes: committed whole at the end of the
        block, rolled back whole on any error or when the file under us was deleted or
        replaced meanwhile (then nothing is committed)."""
        from sqlalchemy.exc import DBAPIError
        from sqlmodel import Session

        if self.readonly:
            raise ReadOnlyDatabase(
                f"{self.path}: opened read-only (no write permission); nothing was changed"
            )
        self._check_file(writing=True)
        session = Session(self.engine.execution_options(**{WRITE_OPTION: True}))
        session.info[AUTHOR] = self.signed_by()
        try:
            self._verify(_dbapi(session), writing=True)
            yield session
            session.flush()
            self._verify(_dbapi(session), writing=True)
            session.commit()
        except DBAPIError as exc:
            session.rollback()
            raise self._explain(cast(sqlite3.Error, exc.orig), writing=True) from None
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def watcher(self) -> DataWatcher:
        """What tells the app, cheaply, that this database changed (here or elsewhere)."""
        from retainer_tui.db.watch import DataWatcher

        return DataWatcher(self.path)

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
