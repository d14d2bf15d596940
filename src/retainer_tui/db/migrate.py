"""Bring a database to the current schema: cheap check at head, backup before any upgrade."""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import overload

from retainer_tui.db.base import Database
from retainer_tui.db.engine import SqliteDatabase
from retainer_tui.db.errors import DatabaseError
from retainer_tui.db.revisions import read_revisions
from retainer_tui.db.sqlite_file import (
    check_file,
    create_file,
    is_wal,
    quick_check,
    remember_opened,
    translate,
)

# Read from the revision files themselves (a test holds them equal to Alembic's view), so
# that a new revision needs no edit here.
SCHEMA_HEAD, KNOWN_REVISIONS = read_revisions()


def current_revision(conn: sqlite3.Connection) -> str | None:
    """The schema revision stored in the file, None for a database never migrated."""
    has_table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
    ).fetchone()
    if not has_table:
        return None
    row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


def _has_user_tables(conn: sqlite3.Connection) -> bool:
    row = conn.execute(
        "SELECT count(*) FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
    ).fetchone()
    return bool(row and row[0])


def _alembic_upgrade(db: SqliteDatabase) -> None:
    from importlib import resources

    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("retainer_tui.db") / "migrations"))
    with db.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        # A batch migration copies a table and drops the old one; with foreign keys on,
        # the drop would cascade to every child row. Off (only possible outside a
        # transaction) for the upgrade, and checked before it commits.
        raw.execute("PRAGMA foreign_keys = OFF")
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise DatabaseError(
                        f"{db.path}: the upgrade would leave {len(broken)} rows pointing at "
                        "nothing; nothing was changed (report this, with the backup)"
                    )
        finally:
            raw.execute("PRAGMA foreign_keys = ON")


def _move_into_place(tmp: Path, path: Path) -> bool:
    """Put the new file at path unless another process got there first (False then)."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        return False
    except OSError:
        # A file system without hard links: rename, unless a file appeared meanwhile.
        if path.exists():
            return False
        os.replace(tmp, path)
        return True
    tmp.unlink()
    return True


def _create_new(path: Path, currency: str) -> bool:
    """Build a new database beside the target and move it into place, so that a crash
    half-way never leaves an empty or half-made file at the path. False when another
    retainer created the database meanwhile (it is kept; ours is dropped)."""
    tmp = path.with_name(f".{path.name}.new-{os.getpid()}")
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    create_file(tmp)
    db = SqliteDatabase(tmp)
    try:
        _alembic_upgrade(db)
        with db.write() as conn:
            conn.execute("UPDATE meta SET value = ? WHERE key = 'currency'", (currency,))
        db.dispose()
        placed = _move_into_place(tmp, path)
    except BaseException:
        db.dispose()
        tmp.unlink(missing_ok=True)
        raise
    tmp.unlink(missing_ok=True)
    return placed


@overload
def open_database(
    target: Path, *, create: bool = ..., backup_dir: Path | None = ..., currency: str = ...
) -> SqliteDatabase: ...


@overload
def open_database(
    target: str, *, create: bool = ..., backup_dir: Path | None = ..., currency: str = ...
) -> Database: ...


def open_database(
    target: Path | str,
    *,
    create: bool = True,
    backup_dir: Path | None = None,
    currency: str = "USD",
) -> Database:
    """Open (creating if asked) and migrate the database: an SQLite file at a path, or a
    PostgreSQL database named by a postgresql:// URL (its schema is created when the
    database is empty: the server's database itself is made by createdb). Raise
    DatabaseError."""
    if isinstance(target, str):
        from retainer_tui.db.pg_url import is_postgres_url

        if is_postgres_url(target):
            from retainer_tui.db.pg_migrate import open_postgres

            return open_postgres(target, currency=currency, snapshot_dir=backup_dir)
    return _open_sqlite(Path(target), create=create, backup_dir=backup_dir, currency=currency)


def _open_sqlite(
    path: Path, *, create: bool, backup_dir: Path | None, currency: str
) -> SqliteDatabase:
    check_file(path)
    if not path.exists():
        if not create:
            raise DatabaseError(f"{path}: no such database; check --db (nothing was created)")
        # Never a folder: a mistyped --db must not leave a tree of them behind (the
        # caller makes the default data folder itself).
        if not path.parent.is_dir():
            raise DatabaseError(
                f"{path}: the folder {path.parent} does not exist; check --db (nothing was created)"
            )
        if not os.access(path.parent, os.W_OK):
            raise DatabaseError(
                f"{path.parent}: the folder is not writable; choose another --db path"
            )
        try:
            created = _create_new(path, currency.upper())
        except DatabaseError:
            raise
        except Exception as exc:
            raise translate(exc, path) from None
        if created:
            remember_opened(path)
            return SqliteDatabase(path)
        check_file(path)
    readonly = not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK)
    # A file not yet in WAL mode gets a first look read-only, so that a file refused
    # (foreign, newer, damaged) is left byte for byte as it was: a writing connection
    # would switch it to WAL first. (A WAL file is looked at as usual: a read-only
    # connection would leave its -wal and -shm files behind.)
    problem = "ok"
    wal = is_wal(path)
    with SqliteDatabase(path, readonly=readonly or not wal).look() as conn:
        revision = current_revision(conn)
        populated = _has_user_tables(conn)
        if not wal:
            # A file from elsewhere (a copy, an old backup): checked whole, once, before
            # it becomes a WAL database.
            problem = quick_check(conn)
    if revision is not None and revision not in KNOWN_REVISIONS:
        raise DatabaseError(
            f"{path}: written by a newer retainer-tui (schema {revision}); upgrade the app"
        )
    if revision is None and populated:
        raise DatabaseError(f"{path}: is an SQLite file but not a retainer database")
    if problem != "ok":
        raise DatabaseError(
            f"{path}: the database file is damaged ({problem}); nothing was changed; "
            "restore a backup (retainer backup --list)"
        )
    remember_opened(path)
    db = SqliteDatabase(path, readonly=readonly)
    if revision == SCHEMA_HEAD:
        return db
    if readonly:
        raise DatabaseError(f"{path}: needs an upgrade but is read-only; make it writable")
    from retainer_tui.db.backup import backup_database

    # The process id too: a second copy starting in the same second (whose copy may be
    # taken after the first one upgraded) never replaces the real "before" backup.
    stamp = f"{datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}"
    target_dir = backup_dir or path.parent / "backups"
    backup_database(db, target_dir / f"{path.stem}-before-{SCHEMA_HEAD}-{stamp}.db")
    try:
        _alembic_upgrade(db)
    except DatabaseError:
        raise
    except Exception as exc:
        raise translate(exc, path) from None
    finally:
        db.dispose()
    return db
