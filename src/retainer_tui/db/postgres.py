"""A shared PostgreSQL database (team use), through psycopg 3 and the same Sessions as SQLite.

A write takes a transaction-level advisory lock first: writes queue one behind the other as
SQLite's BEGIN IMMEDIATE makes them, so every read-modify-write a service does (a name
check then an insert, an instalment added to a month) sees the rows the last one left. It
sends a NOTIFY in the same transaction, delivered to the others at its commit.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from retainer_tui.db.base import AUTHOR, Database
from retainer_tui.db.errors import DatabaseError, ReadOnlyDatabase
from retainer_tui.db.pg_errors import MIN_SERVER_VERSION, explain, too_old
from retainer_tui.db.pg_url import PostgresTarget, parse

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

    from retainer_tui.db.pg_watch import NotifyWatcher

# The channel every write notifies, and the advisory lock keys (any two fixed numbers no
# other application on the database is likely to take: "rtnr" in ASCII, then +1).
CHANNEL = "retainer_changes"
WRITE_LOCK = 0x72746E72
MIGRATE_LOCK = WRITE_LOCK + 1
CONNECT_TIMEOUT_S = 5

INSTALL_HINT = (
    "PostgreSQL needs the psycopg driver: pip install 'retainer-tui[postgres]' "
    "(or pip install 'psycopg[binary]')"
)


# Tables whose id a sequence hands out. The sample data, an import and undo write ids
# of their own; the sequence is then moved past the largest, or the next new row
# would take an id in use.
_SERIAL_TABLES = ("client", "tier")
_SERIAL_INSERTS = tuple(f"INSERT INTO {name} " for name in _SERIAL_TABLES)
_SERIAL_FLAG = "retainer_serial_insert"


def _sync_sequences(session: Session) -> None:
    from sqlalchemy import func, select

    from retainer_tui.db.models import metadata

    for name in _SERIAL_TABLES:
        table = metadata.tables[name]
        session.execute(
            select(
                func.setval(
                    func.pg_get_serial_sequence(name, "id"),
                    func.coalesce(func.max(table.c.id), 0) + 1,
                    False,
                )
            ).select_from(table)
        )


class DriverMissing(DatabaseError):
    """psycopg is not installed."""


def require_driver() -> None:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise DriverMissing(INSTALL_HINT) from None


class PostgresDatabase(Database):
    """One PostgreSQL database, named by a postgresql:// URL."""

    backend = "postgresql"

    def __init__(self, target: PostgresTarget | str, *, token: str | None = None) -> None:
        self.target = parse(target) if isinstance(target, str) else target
        self.readonly = False
        # Who this process is in the notifications it sends: its own are not news to it.
        self.token = token or f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._engine: Engine | None = None
        # Set when opening made the schema in an empty database (a data file imported
        # into it is an import into a new database).
        self.created = False

    @property
    def label(self) -> str:
        return self.target.label

    @property
    def stem(self) -> str:
        return self.target.dbname

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            require_driver()
            from sqlalchemy import create_engine, event

            engine = create_engine(
                self.target.url,
                pool_pre_ping=True,
                pool_size=2,
                max_overflow=4,
                connect_args={
                    "connect_timeout": CONNECT_TIMEOUT_S,
                    "application_name": "retainer",
                },
            )

            @event.listens_for(engine, "before_cursor_execute")
            def _note_serial_insert(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
                if statement.startswith(_SERIAL_INSERTS):
                    conn.info[_SERIAL_FLAG] = True

            self._engine = engine
        return self._engine

    def explain(self, exc: BaseException) -> DatabaseError:
        t = self.target
        return explain(exc, label=t.label, user=t.user, dbname=t.dbname, where=t.where)

    def check_server(self) -> None:
        """Connect once: a server that cannot be used is refused here, in one line."""
        from sqlalchemy.exc import DBAPIError

        try:
            with self.engine.connect() as conn:
                version = conn.connection.dbapi_connection.info.server_version  # type: ignore[union-attr]
        except DBAPIError as exc:
            raise self.explain(exc) from None
        if version < MIN_SERVER_VERSION:
            raise too_old(self.label, version)

    @contextmanager
    def reading(self) -> Iterator[Session]:
        from sqlalchemy.exc import DBAPIError
        from sqlmodel import Session

        bind = self.engine.execution_options(
            isolation_level="REPEATABLE READ", postgresql_readonly=True
        )
        session = Session(bind)
        try:
            yield session
            session.rollback()
        except DBAPIError as exc:
            session.rollback()
            raise self.explain(exc) from None
        finally:
            session.close()

    @contextmanager
    def writing(self) -> Iterator[Session]:
        from sqlalchemy import func, select
        from sqlalchemy.exc import DBAPIError
        from sqlmodel import Session

        if self.readonly:
            raise ReadOnlyDatabase(f"{self.label}: opened read-only; nothing was changed")
        session = Session(self.engine)
        session.info[AUTHOR] = self.signed_by()
        try:
            session.execute(select(func.pg_advisory_xact_lock(WRITE_LOCK)))
            yield session
            session.flush()
            if session.connection().info.pop(_SERIAL_FLAG, False):
                _sync_sequences(session)
            session.execute(select(func.pg_notify(CHANNEL, self.token)))
            session.commit()
        except DBAPIError as exc:
            session.rollback()
            raise self.explain(exc) from None
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def watcher(self) -> NotifyWatcher:
        from retainer_tui.db.pg_watch import NotifyWatcher

        return NotifyWatcher(self)

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def psycopg_connect(db: PostgresDatabase, **kwargs: Any) -> Any:
    """A plain psycopg connection to the database (the watcher's LISTEN), same parameters."""
    require_driver()
    import psycopg

    url = db.target.url
    params: dict[str, Any] = {
        "dbname": url.database,
        "user": url.username,
        "password": url.password,
        "host": url.host,
        "port": url.port,
        "connect_timeout": CONNECT_TIMEOUT_S,
        "application_name": "retainer",
        **{k: v for k, v in url.query.items() if isinstance(v, str)},
    }
    return psycopg.connect(**{k: v for k, v in params.items() if v is not None}, **kwargs)
