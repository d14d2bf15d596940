"""Opening the SQLite file: WAL, foreign keys, busy timeout, Sessions for units of work,
and the guard that stops writing when the file under us is no longer the one opened (the
file's own checks are sqlite_file's)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from retainer_tui.db.base import AUTHOR, Database
from retainer_tui.db.errors import DatabaseError, DatabaseMoved, ReadOnlyDatabase
from retainer_tui.db.sqlite_file import (
    WAL_HEADER_BYTES,
    FileIdentity,
    existing_uri,
    inode,
    opened_identity,
    readonly_uri,
    translate,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

    from retainer_tui.db.watch import DataWatcher

# The execution option a writing unit of work carries: its BEGIN takes the write lock.
WRITE_OPTION = "retainer_write"

BUSY_TIMEOUT_MS = 5000


def _pragmas(conn: sqlite3.Connection, *, readonly: bool) -> None:
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    if not readonly:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")


class _Connection(sqlite3.Connection):
    """A connection that remembers the -wal file it had open (a removed one is detected),
    and the Session whose transaction it is running (read() and write())."""

    wal: tuple[int, int] | None = None
    session: Session | None = None


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
        self._identity = opened_identity(path)

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
        now = inode(self._wal_path)
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
