"""Bring a PostgreSQL database to the current schema at start-up, one client at a time.

A session-level advisory lock is held from the revision check to the commit of the
upgrade: two people starting a new version at once queue, and the second finds the
schema at head. PostgreSQL runs DDL in transactions, so an upgrade commits whole or not
at all. Before an existing database is upgraded, every table is written to a snapshot
file (JSON, table by table: the schema it was read from is the old one, which the
data-file export of this version no longer reads).
"""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from retainer_tui.db.errors import DatabaseError
from retainer_tui.db.postgres import MIGRATE_LOCK, PostgresDatabase

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection


def _revision(conn: Connection) -> str | None:
    from sqlalchemy import Column, MetaData, String, Table, inspect, select

    if not inspect(conn).has_table("alembic_version"):
        return None
    version = Table("alembic_version", MetaData(), Column("version_num", String))
    return conn.execute(select(version.c.version_num)).scalar()


def _tables(conn: Connection) -> list[str]:
    from sqlalchemy import inspect

    return sorted(inspect(conn).get_table_names())


def _upgrade(conn: Connection) -> None:
    from importlib import resources

    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("retainer_tui.db") / "migrations"))
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, "head")


def _set_currency(conn: Connection, currency: str) -> None:
    from sqlalchemy import update

    from retainer_tui.db.models import Meta

    conn.execute(update(Meta).where(Meta.key == "currency").values(value=currency))  # type: ignore[arg-type]


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def snapshot_tables(conn: Connection, target: Path) -> Path:
    """Every table's rows as JSON ({table: [row, …]}), owner-only, for the record."""
    from sqlalchemy import MetaData, select

    meta = MetaData()
    meta.reflect(conn)
    data = {
        name: [
            {k: _plain(v) for k, v in row._mapping.items()} for row in conn.execute(select(table))
        ]
        for name, table in sorted(meta.tables.items())
    }
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, indent=1, default=str)
    return target


def holds_nothing(url: str) -> bool:
    """Whether the server database has no tables at all (createdb made it, no schema yet):
    a dry run asks, so as to check against a new database without making the schema."""
    from sqlalchemy.exc import DBAPIError

    db = PostgresDatabase(url)
    db.check_server()
    try:
        with db.engine.connect() as conn:
            return _revision(conn) is None and not _tables(conn)
    except DBAPIError as exc:
        raise db.explain(exc) from None
    finally:
        db.dispose()


def open_postgres(
    url: str, *, currency: str = "USD", snapshot_dir: Path | None = None
) -> PostgresDatabase:
    """Connect, check the server, and create or upgrade the schema under the lock."""
    from sqlalchemy import func, select
    from sqlalchemy.exc import DBAPIError

    from retainer_tui.db.migrate import KNOWN_REVISIONS, SCHEMA_HEAD

    db = PostgresDatabase(url)
    db.check_server()
    try:
        with db.engine.connect() as conn:
            conn.execute(select(func.pg_advisory_lock(MIGRATE_LOCK)))
            conn.commit()
            try:
                revision = _revision(conn)
                tables = _tables(conn)
                conn.commit()
                if revision is not None and revision not in KNOWN_REVISIONS:
                    raise DatabaseError(
                        f"{db.label}: written by a newer retainer-tui (schema {revision}); "
                        "upgrade the app"
                    )
                if revision is None and tables:
                    raise DatabaseError(
                        f"{db.label}: the database holds other tables ({', '.join(tables[:3])}"
                        f"{', …' if len(tables) > 3 else ''}) and no retainer data; "
                        "use an empty database (createdb NAME)"
                    )
                if revision != SCHEMA_HEAD:
                    if revision is not None:
                        stamp = f"{datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}"
                        folder = snapshot_dir or Path.cwd()
                        name = f"{db.stem}-before-{SCHEMA_HEAD}-{stamp}.json"
                        snapshot_tables(conn, folder / name)
                        conn.commit()
                    with conn.begin():
                        _upgrade(conn)
                        if revision is None:
                            _set_currency(conn, currency.upper())
                            db.created = True
            finally:
                conn.rollback()
                conn.execute(select(func.pg_advisory_unlock(MIGRATE_LOCK)))
                conn.commit()
    except DBAPIError as exc:
        db.dispose()
        raise db.explain(exc) from None
    except BaseException:
        db.dispose()
        raise
    return db
