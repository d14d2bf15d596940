"""Cell texts: bars, numbers, hours, and the data watcher's change detection."""

from __future__ import annotations

import sqlite3
from fractions import Fraction
from pathlib import Path

from retainer_tui.db.engine import Database
from retainer_tui.db.watch import DataWatcher
from retainer_tui.tui.cells import bar, compact_number, hours_label
from tests.factories import add_client


def test_bar_is_fixed_width_and_never_overflows() -> None:
    assert bar(Fraction(0), 3) == "   "
    assert bar(Fraction(1), 3) == "███"
    assert bar(Fraction(5, 2), 3) == "███"
    assert bar(Fraction(1, 2), 3) == "█▌ "
    assert all(len(bar(Fraction(i, 17), 4)) == 4 for i in range(20))


def test_compact_number_and_hours() -> None:
    assert compact_number(9999) == "9999"
    assert compact_number(12_345) == "12.3k"
    assert compact_number(120_000) == "120k"
    assert compact_number(2_500_000) == "2.5M"
    assert hours_label(1250) == "12.5"
    assert hours_label(1200) == "12"
    assert hours_label(1275) == "12.75"


def test_data_watcher_sees_writes_from_other_connections(db: Database) -> None:
    watcher = DataWatcher(db.path)
    assert watcher.changed() is False  # the first look only records
    assert watcher.changed() is False
    add_client(db, "Rossi Bakery")
    assert watcher.changed() is True
    assert watcher.changed() is False
    watcher.close()


def test_data_watcher_sees_a_replaced_file(db: Database, tmp_path: Path) -> None:
    watcher = DataWatcher(db.path)
    watcher.mark_seen()
    copy = tmp_path / "copy.db"
    source = db.connect()
    dest = sqlite3.connect(copy)
    source.backup(dest)
    dest.execute("INSERT INTO meta (key, value) VALUES ('x', 'y')")
    dest.commit()
    dest.close()
    source.close()
    copy.replace(db.path)
    assert watcher.changed() is True
    watcher.close()


def test_data_watcher_watches_the_right_file_in_an_odd_folder(tmp_path: Path) -> None:
    """A '#' or '?' in the folder name must not make the watcher open another file."""
    from retainer_tui.db.migrate import open_database

    (tmp_path / "we#ird?dir").mkdir()
    db = open_database(tmp_path / "we#ird?dir" / "retainer.db")
    add_client(db, "Rossi Bakery")
    watcher = DataWatcher(db.path)
    conn = watcher._connection()
    assert conn is not None
    assert conn.execute("SELECT name FROM client").fetchall() == [("Rossi Bakery",)]
    watcher.close()
