"""The -o rules (issue 11, points 3 and 4): refused targets, links, pipes, atomic 0600 files."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from retainer_tui import cli, paths
from retainer_tui.db.engine import Database
from tests.factories import add_client
from tests.trust.helpers import read_tables

REFUSED = [
    ("db", lambda d: d.path, "is the database itself"),
    ("db-wal", lambda d: d.path.with_name(d.path.name + "-wal"), "-wal file"),
    ("db-shm", lambda d: d.path.with_name(d.path.name + "-shm"), "-shm file"),
    ("in-backups", lambda d: paths.backups_dir(d.path) / "x.toml", "backups folder"),
    ("folder", lambda d: d.path.parent, "is a folder"),
    ("missing-folder", lambda d: d.path.parent / "typo" / "x.toml", "does not exist"),
]


# Every command that takes -o, with what it needs besides.
WRITERS = {
    "export": ["export"],
    "report": ["report", "Rossi Bakery", "--month", "2026-11"],
}


@pytest.mark.parametrize("command", WRITERS)
@pytest.mark.parametrize(("case", "target", "message"), REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_targets_one_line_nothing_written(
    db: Database, capsys, case, target, message, command
):
    add_client(db, "Rossi Bakery")
    paths.backups_dir(db.path).mkdir(exist_ok=True)
    out = target(db)
    before = out.read_bytes() if out.is_file() else None
    tables = read_tables(db.path)
    code = cli.main([*WRITERS[command], "-o", str(out), "--db", str(db.path)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and message in err[0], err
    if before is not None:
        assert out.read_bytes() == before
    assert not (db.path.parent / "typo").exists()
    assert read_tables(db.path) == tables
    assert list(paths.backups_dir(db.path).iterdir()) == []


@pytest.mark.parametrize("command", WRITERS)
def test_dash_is_standard_output(db: Database, capsys, command):
    add_client(db, "Rossi Bakery")
    assert cli.main([*WRITERS[command], "-o", "-", "--db", str(db.path)]) == 0
    out = capsys.readouterr().out
    assert out and not Path("-").exists()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
@pytest.mark.parametrize("command", WRITERS)
def test_a_device_is_written_in_place_and_stays_a_device(db: Database, capsys, command):
    """/dev/full answers every write with "no space left": one line, and the device is
    still the system's device (a rename would have put a file of client data there)."""
    add_client(db, "Rossi Bakery")
    before = os.lstat("/dev/full")
    code = cli.main([*WRITERS[command], "-o", "/dev/full", "--db", str(db.path)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "/dev/full" in err[0], err
    after = os.lstat("/dev/full")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev


@pytest.mark.parametrize(
    ("source", "message"),
    [("/dev/zero", "is a device or a pipe, not a backup"), ("/tmp", "is a folder, not a backup")],
)
def test_restore_names_what_the_source_is(db: Database, capsys, source, message):
    tables = read_tables(db.path)
    code = cli.main(["restore", source, "--yes", "--db", str(db.path)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and message in err[0], err
    assert read_tables(db.path) == tables


def test_symlink_is_written_through(db: Database, tmp_path: Path, capsys):
    real = tmp_path / "real.toml"
    real.write_text("old")
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    assert cli.main(["export", "-o", str(link), "--db", str(db.path)]) == 0
    assert link.is_symlink() and real.read_text() != "old"
    assert stat.S_IMODE(real.stat().st_mode) == 0o600


def test_fifo_stays_a_fifo(db: Database, tmp_path: Path, capsys):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    assert cli.main(["export", "-o", str(fifo), "--db", str(db.path)]) == 0
    reader.join(10)
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and got and got[0]


def test_regular_file_replaced_0600_under_umask_000(db: Database, tmp_path: Path, capsys):
    target = tmp_path / "all.toml"
    target.write_text("old")
    os.chmod(target, 0o666)
    old = os.umask(0)
    try:
        assert cli.main(["export", "-o", str(target), "--db", str(db.path)]) == 0
        assert cli.main(["export", "-o", str(tmp_path / "new.json"), "--db", str(db.path)]) == 0
    finally:
        os.umask(old)
    assert target.read_text() != "old"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "new.json").stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
