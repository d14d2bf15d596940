"""Database.reading() and .writing(): one Session per unit of work, committed whole or not
at all, a write lock taken at BEGIN, and the file checks of the raw blocks kept."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from retainer_tui.db.engine import Database, SqliteDatabase
from retainer_tui.db.errors import DatabaseMoved, ReadOnlyDatabase
from retainer_tui.db.models import Client, Tier


def count_clients(db: Database) -> int:
    with db.reading() as session:
        return session.execute(select(func.count()).select_from(Client)).scalar_one()


def test_a_write_is_committed_at_the_end_of_the_block(db: Database) -> None:
    with db.writing() as session:
        session.execute(insert(Client).values(name="Rossi Bakery"))
        assert count_clients(db) == 0  # another unit of work does not see it yet
    assert count_clients(db) == 1


def test_an_error_rolls_the_whole_block_back(db: Database) -> None:
    with pytest.raises(RuntimeError), db.writing() as session:
        session.execute(insert(Client).values(name="Rossi Bakery"))
        session.execute(insert(Client).values(name="Verdi Wines"))
        raise RuntimeError("the user's action failed half-way")
    assert count_clients(db) == 0


def test_a_write_takes_the_write_lock_at_begin_a_read_does_not(db: Database) -> None:
    other = sqlite3.connect(db.path, timeout=0, isolation_level=None)
    try:
        with db.reading() as session:
            session.execute(select(Tier.id)).all()
            other.execute("BEGIN IMMEDIATE")  # a reader holds no write lock
            other.execute("ROLLBACK")
        with db.writing() as session:
            session.execute(select(Tier.id)).all()
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
    finally:
        other.close()


def test_a_read_is_one_snapshot(db: Database) -> None:
    with db.reading() as session:
        before = session.execute(select(func.count()).select_from(Tier)).scalar_one()
        with db.writing() as writer:
            writer.execute(insert(Tier).values(name="Tier 9", monthly_fee_cents=100, services=[]))
        during = session.execute(select(func.count()).select_from(Tier)).scalar_one()
    assert during == before
    with db.reading() as session:
        assert session.execute(select(func.count()).select_from(Tier)).scalar_one() == before + 1


def test_nothing_is_written_on_a_read_only_database(db_path: Path, db: Database) -> None:
    db.dispose()
    readonly = SqliteDatabase(db_path, readonly=True)
    with pytest.raises(ReadOnlyDatabase), readonly.writing():
        pass
    assert count_clients(readonly) == 0


def test_a_file_replaced_under_the_block_commits_nothing(db: Database, tmp_path: Path) -> None:
    aside = tmp_path / "aside.db"
    with pytest.raises(DatabaseMoved), db.writing() as session:
        session.execute(insert(Client).values(name="Rossi Bakery"))
        os.rename(db.path, aside)
        sqlite3.connect(db.path).close()  # a new, empty file takes its place
    conn = sqlite3.connect(aside)
    try:
        assert conn.execute("SELECT count(*) FROM client").fetchone() == (0,)
    finally:
        conn.close()


def test_upsert_inserts_then_updates_or_leaves_alone(db: Database) -> None:
    from retainer_tui.db.models import Meta
    from retainer_tui.db.statements import upsert

    def value(key: str) -> str | None:
        with db.reading() as session:
            return session.execute(select(Meta.value).where(Meta.key == key)).scalar()

    with db.writing() as session:
        session.execute(upsert(session, Meta, keys=["key"]), [{"key": "k", "value": "one"}])
    assert value("k") == "one"
    with db.writing() as session:
        session.execute(upsert(session, Meta, keys=["key"]), [{"key": "k", "value": "two"}])
    assert value("k") == "two"
    with db.writing() as session:
        stmt = upsert(session, Meta, keys=["key"], update=[])
        session.execute(stmt, [{"key": "k", "value": "three"}, {"key": "j", "value": "new"}])
    assert (value("k"), value("j")) == ("two", "new")


def test_a_raw_block_hands_its_session_to_ported_code(db: Database) -> None:
    from retainer_tui.db.statements import session_of

    with db.write() as conn:
        conn.execute(
            "INSERT INTO tier (name, monthly_fee_cents, included_hours, services, description,"
            " position) VALUES ('X', 1, 0, '[]', '', 9)"
        )
        session = session_of(conn)
        names = session.execute(select(Tier.name).where(Tier.name == "X")).scalars().all()
        assert names == ["X"]  # the same transaction: its own write is seen
        assert session_of(session) is session
    with pytest.raises(TypeError):
        session_of(sqlite3.connect(":memory:"))
    with db.reading() as session:
        assert session.execute(select(Tier.id).where(Tier.name == "X")).all()
