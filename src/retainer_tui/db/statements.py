"""Statements both engines understand, where SQLAlchemy's portable API needs the dialect:
the upsert, and the bridge that lets a module ported to Sessions be called from one
still holding the raw connection of db.read()/db.write()."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

# SQLAlchemy is imported where it is used: services import this module on the app's
# start-up path, which must not wait for SQLAlchemy's import (the first frame).
if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlalchemy.sql.dml import Insert
    from sqlmodel import Session, SQLModel

    # What services called the connection of the old raw db.read()/db.write() blocks:
    # every unit of work above db/ is now a Session (the raw blocks are SQLite's and the
    # tests'; session_of still takes one from them).
    RawConnection = Session


def session_of(conn_or_session: Session | RawConnection) -> Session:
    """The Session itself, or the Session whose transaction a db.read()/db.write()
    connection is running (so a not-yet-ported caller can pass its connection)."""
    from sqlmodel import Session

    if isinstance(conn_or_session, Session):
        return conn_or_session
    session = getattr(conn_or_session, "session", None)
    if session is None:
        raise TypeError("a Session, or a connection from db.read()/db.write(), is needed")
    return session


def _table(model: type[SQLModel] | Table) -> Table:
    from sqlalchemy import Table

    return model if isinstance(model, Table) else model.__table__  # type: ignore[attr-defined]


def upsert(
    session: Session,
    model: type[SQLModel] | Table,
    *,
    keys: Iterable[str],
    update: Iterable[str] | None = None,
    combine: Callable[[Any], Mapping[str, Any]] | None = None,
) -> Insert:
    """INSERT … ON CONFLICT (keys) DO UPDATE SET each update column to the new row's
    value (all non-key columns when update is None); DO NOTHING when update is empty.
    combine(excluded) gives SET expressions of the row already there and the new one
    (excluded), e.g. adding an instalment to the month's amount in one statement.
    Execute it with the rows: session.execute(upsert(...), rows)."""
    table = _table(model)
    keys = list(keys)
    from sqlalchemy.dialects import postgresql, sqlite

    postgres = session.get_bind().dialect.name == "postgresql"
    stmt = postgresql.insert(table) if postgres else sqlite.insert(table)
    columns = (
        [c.name for c in table.columns if c.name not in keys] if update is None else list(update)
    )
    set_ = {name: stmt.excluded[name] for name in columns}
    if combine is not None:
        set_.update(combine(stmt.excluded))
    if not set_:
        return stmt.on_conflict_do_nothing(index_elements=keys)
    return stmt.on_conflict_do_update(index_elements=keys, set_=set_)


def rows_as_dicts(columns: Iterable[str], rows: Iterable[Iterable[Any]]) -> list[Mapping[str, Any]]:
    """Tuples in column order as the dicts a Core executemany takes."""
    names = list(columns)
    return [dict(zip(names, row, strict=True)) for row in rows]


def as_text(column: Any) -> Any:
    """A JSON or date column read as the text it holds, on both engines: SQLite stores
    that text; PostgreSQL keeps a json value's text byte for byte and shows a date in ISO
    form (its driver would otherwise hand over a parsed list or a date)."""
    from sqlalchemy import Text, cast

    return cast(column, Text)


def json_stored(text: str | None) -> Any:
    """JSON text bound for a JSON column as it is: the JSON type would encode it again
    (and escape what the stored text does not); PostgreSQL's json keeps it verbatim."""
    from sqlalchemy import type_coerce

    return type_coerce(text, stored_json_type())


@cache
def stored_json_type() -> Any:
    """A JSON column's type that passes the stored text through unparsed both ways."""
    from sqlalchemy import JSON
    from sqlalchemy.types import TypeDecorator

    class StoredJSON(TypeDecorator[Any]):
        impl = JSON
        cache_ok = True

        def bind_processor(self, dialect: Any) -> None:
            return None

        def result_processor(self, dialect: Any, coltype: Any) -> None:
            return None

    return StoredJSON()


def insert_rows(
    session: Session, stmt: Insert, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Run an INSERT (or an upsert) built from a table class for many rows, given as
    tuples in `columns` order holding what the database stores: dates as their ISO text,
    JSON as its text. No column default is computed: every column without a server
    default must be among `columns`.

    On SQLite the statement is compiled once for the columns and its rows go to the
    driver's executemany through the Session's connection as they are: Core's own
    executemany builds a parameter dict and runs each bind processor for every row
    (about 2 µs a row, most of an import of millions of rows), and the stored forms need
    no processing. On PostgreSQL it is a Core executemany of dicts: psycopg binds the
    text, and the dialect casts each date parameter (::DATE)."""
    if not rows:
        return
    conn = session.connection()
    dialect = conn.dialect
    names = list(columns)
    if dialect.name != "sqlite":
        conn.execute(stmt, rows_as_dicts(names, rows))
        return
    compiled = stmt.compile(dialect=dialect, column_keys=names)
    if compiled.insert_prefetch:
        missing = ", ".join(c.name for c in compiled.insert_prefetch)
        raise ValueError(f"insert_rows computes no column default: give {missing}")
    if list(compiled.positiontup or ()) != names:
        raise ValueError(f"the statement binds {compiled.positiontup}, not {names}")
    conn.exec_driver_sql(compiled.string, list(rows))
