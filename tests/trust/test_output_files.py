"""The -o rules (issue 11, points 3 and 4): refused targets, links, pipes, atomic 0600 files."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from retainer_tui import cli, paths
from retainer_tui.db.engine import Database

REFUSED = [
    ("db", lambda d: d.path, "is the database itself"),
    ("db-wal", lambda d: d.path.with_name(d.path.name + "-wal"), "-wal file"),
    ("db-shm", lambda d: d.path.with_name(d.path.name + "-shm"), "-shm file"),
    ("in-backups", lambda d: paths.backups_dir(d.path) / "x.toml", "backups folder"),
    ("folder", lambda d: d.path.parent, "is a folder"),
    ("missing-folder", lambda d: d.path.parent / "typo" / "x.toml", "does not exist"),
]


@pytest.mark.parametrize(("case", "target", "message"), REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_targets_one_line_nothing_written(db: Database, capsys, case, target, message):
    paths.backups_dir(db.path).mkdir(exist_ok=True)
    out = target(db)
    before = out.read_bytes() if out.is_file() else None
    code = cli.main(["export", "-o", str(out), "--db", str(db.path)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and message in err[0], err
    if before is not None:
        assert out.read_bytes() == before
    assert not (db.path.parent / "typo").exists()


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
