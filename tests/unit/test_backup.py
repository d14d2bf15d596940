"""Backups: consistent owner-only copies, the daily copy and its pruning, restore."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from retainer_tui.cli import main
from retainer_tui.db.backup import (
    backup_database,
    daily_backup,
    list_backups,
    restore_backup,
)
from retainer_tui.db.errors import DatabaseError
from tests.factories import add_client


def names(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM client ORDER BY name")]
    finally:
        conn.close()


def test_backup_is_a_consistent_owner_only_copy(db, tmp_path: Path) -> None:
    add_client(db, "Rossi Bakery")
    target = backup_database(db, tmp_path / "b" / "copy.db")
    assert names(target) == ["Rossi Bakery"]
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert sqlite3.connect(target).execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_backup_while_a_writer_holds_a_transaction(db, db_path: Path, tmp_path: Path) -> None:
    add_client(db, "Committed")
    writer = sqlite3.connect(db_path)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE client SET name = 'Uncommitted'")
    try:
        target = backup_database(db, tmp_path / "during.db")
    finally:
        writer.rollback()
        writer.close()
    assert names(target) == ["Committed"]


def test_daily_backup_once_a_day_and_pruned(db, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    days = [f"2026-11-{d:02d}" for d in range(1, 6)]
    for day in days:
        assert daily_backup(db, folder, today=day, keep=3) is not None
        os.utime(folder / f"retainer-auto-{day}.db", (int(day[-2:]) * 1000,) * 2)
    assert daily_backup(db, folder, today=days[-1], keep=3) is None
    kept = sorted(p.name for p in list_backups(folder))
    assert kept == [f"retainer-auto-{d}.db" for d in days[-3:]]


def test_restore_puts_the_backup_back_and_keeps_a_safety_copy(db, tmp_path: Path) -> None:
    add_client(db, "Before")
    saved = backup_database(db, tmp_path / "saved.db")
    add_client(db, "After")
    safety = restore_backup(db, saved, safety_dir=tmp_path / "safety", stamp="x")
    assert names(db.path) == ["Before"]
    assert names(safety) == ["After", "Before"]


def test_restore_refuses_a_file_that_is_not_a_backup(db, tmp_path: Path) -> None:
    add_client(db, "Keep Me")
    bogus = tmp_path / "bogus.db"
    bogus.write_text("not a database")
    with pytest.raises(DatabaseError, match="not an SQLite database"):
        restore_backup(db, bogus, safety_dir=tmp_path / "safety", stamp="x")
    assert names(db.path) == ["Keep Me"]


def test_cli_backup_list_and_restore(db, db_path: Path, tmp_path: Path, capsys) -> None:
    add_client(db, "Rossi Bakery")
    target = tmp_path / "manual.db"
    assert main(["backup", "--db", str(db_path), "-o", str(target)]) == 0
    assert capsys.readouterr().out.strip() == str(target)
    assert main(["backup", "--db", str(db_path)]) == 0
    made = Path(capsys.readouterr().out.strip())
    assert made.parent == db_path.parent / "backups"
    assert main(["backup", "--list", "--db", str(db_path)]) == 0
    assert str(made) in capsys.readouterr().out
    add_client(db, "Later")
    assert main(["restore", str(target), "--db", str(db_path), "--yes"]) == 0
    assert names(db_path) == ["Rossi Bakery"]


def test_cli_restore_without_confirmation_changes_nothing(db, db_path, tmp_path, capsys) -> None:
    add_client(db, "Rossi Bakery")
    target = backup_database(db, tmp_path / "copy.db")
    add_client(db, "Later")
    code = main(["restore", str(target), "--db", str(db_path)])
    assert code == 2
    assert "--yes" in capsys.readouterr().err
    assert names(db_path) == ["Later", "Rossi Bakery"]
