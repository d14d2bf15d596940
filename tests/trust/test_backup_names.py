"""Backups go by the date in their names: pruning never deletes the copy just made (nor
the only good one), whatever the files' modification times say; two backups taken in
the same second both survive under names of their own."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from retainer_tui import cli, cli_backup
from retainer_tui.db.backup import backup_taken, daily_backup, list_backups
from retainer_tui.db.engine import Database
from tests.factories import add_client

FUTURE = dt.datetime(2030, 1, 1).timestamp()
PAST = dt.datetime(2001, 1, 1).timestamp()


def copy_in(folder: Path, name: str, source: Path, mtime: float) -> Path:
    """A backup copied in from elsewhere: its file time is the copy's, not its name's."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    target.write_bytes(source.read_bytes())
    os.utime(target, (mtime, mtime))
    return target


@pytest.fixture
def backups(db: Database, tmp_path: Path) -> Path:
    add_client(db, "Rossi Bakery")
    return tmp_path / "backups"


@pytest.mark.parametrize("keep", [1, 2, 3])
def test_older_backups_with_newer_file_times_are_pruned_not_todays(
    db: Database, backups: Path, keep: int
) -> None:
    for day in range(1, 6):
        copy_in(backups, f"retainer-auto-2026-11-{day:02d}.db", db.path, FUTURE + day)
    made = daily_backup(db, backups, today="2026-12-02", keep=keep)
    assert made is not None and made.is_file()
    kept = [p.name for p in list_backups(backups)]
    wanted = ["retainer-auto-2026-12-02.db"] + [
        f"retainer-auto-2026-11-{day:02d}.db" for day in range(5, 5 - (keep - 1), -1)
    ]
    assert kept == wanted


def test_keep_zero_still_keeps_the_copy_just_made(db: Database, backups: Path) -> None:
    copy_in(backups, "retainer-auto-2026-11-30.db", db.path, FUTURE)
    made = daily_backup(db, backups, today="2026-12-01", keep=0)
    assert made is not None
    assert [p.name for p in list_backups(backups)] == [made.name]


def test_pruning_touches_only_files_named_as_daily_copies(db: Database, backups: Path) -> None:
    """A file the user put there, a manual backup or one before an import is never the
    pruner's to delete, whatever its name starts with."""
    strays = [
        "retainer-auto-copy.db",
        "retainer-auto-2026-11-01 (1).db",
        "retainer-manual-20261101-090000.db",
        "retainer-before-import-20261101-090000.db",
        "notes.db",
    ]
    for name in strays:
        copy_in(backups, name, db.path, PAST)
    for day in range(1, 4):
        copy_in(backups, f"retainer-auto-2026-11-{day:02d}.db", db.path, PAST)
    daily_backup(db, backups, today="2026-12-01", keep=1)
    left = sorted(p.name for p in backups.iterdir())
    assert left == sorted([*strays, "retainer-auto-2026-12-01.db"])


def test_the_list_is_newest_first_by_name_and_shows_the_names_date(
    db: Database, backups: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy_in(backups, "retainer-auto-2026-10-01.db", db.path, FUTURE)
    copy_in(backups, "retainer-manual-20261115-093000.db", db.path, PAST)
    copy_in(backups, "retainer-manual-20261115-093000-2.db", db.path, PAST)
    copy_in(backups, "retainer-auto-2026-11-20.db", db.path, PAST)
    assert cli.main(["backup", "--list", "--db", str(db.path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [Path(line.split()[-1]).name for line in lines] == [
        "retainer-auto-2026-11-20.db",
        "retainer-manual-20261115-093000-2.db",
        "retainer-manual-20261115-093000.db",
        "retainer-auto-2026-10-01.db",
    ]
    assert [line[:16] for line in lines] == [
        "2026-11-20      ",
        "2026-11-15 09:30",
        "2026-11-15 09:30",
        "2026-10-01      ",
    ]


def test_a_daily_copy_shows_its_file_time_only_when_of_that_day(
    db: Database, backups: Path
) -> None:
    same_day = copy_in(
        backups, "retainer-auto-2026-11-20.db", db.path, dt.datetime(2026, 11, 20, 8, 5).timestamp()
    )
    copied_later = copy_in(
        backups, "retainer-auto-2026-11-21.db", db.path, dt.datetime(2026, 12, 1, 8, 5).timestamp()
    )
    assert backup_taken(same_day) == "2026-11-20 08:05"
    assert backup_taken(copied_later) == "2026-11-21      "


def test_two_manual_backups_in_the_same_second_both_survive(
    db: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli_backup, "_stamp", lambda: "20261202-101500")
    written = []
    for _ in range(3):
        assert cli.main(["backup", "--db", str(db.path)]) == 0
        written.append(Path(capsys.readouterr().out.strip()))
    assert [p.name for p in written] == [
        "retainer-manual-20261202-101500.db",
        "retainer-manual-20261202-101500-2.db",
        "retainer-manual-20261202-101500-3.db",
    ]
    assert all(p.is_file() for p in written)
    add_client(db, "Bianchi Studio")  # the copies are of their moment, not replaced later
    assert len({p.read_bytes() for p in written}) == 1


def test_two_restores_in_the_same_second_keep_both_safety_copies(
    db: Database, backups: Path, tmp_path: Path
) -> None:
    from retainer_tui.db.backup import backup_database, restore_backup

    source = backup_database(db, tmp_path / "source.db")
    safety = [
        restore_backup(db, source, safety_dir=backups, stamp="20261202-101500") for _ in range(2)
    ]
    assert safety[0] != safety[1] and all(p.is_file() for p in safety)
