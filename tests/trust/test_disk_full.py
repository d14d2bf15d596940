"""A full disk: the daily backup that does not fit warns and the app opens (only damage
stops the start); a write that does not fit says the disk is full, in one line, and
nothing is lost. On a real small disk (a tmpfs, where the machine lets the tests mount
one) and, everywhere, with the operating system's "no space left" put in its place."""

from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path

import pytest

from retainer_tui import cli
from retainer_tui.db.errors import DiskFull
from retainer_tui.db.sqlite_file import translate
from tests.trust.helpers import read_tables

DATA = """format = "retainer-tui/1"
currency = "USD"
[[clients]]
name = "Rossi Bakery"
start = "2026-01"
email = "anna@rossi.example"
"""


class Disk:
    """A small file system of its own, filled on demand to leave `free` bytes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.filler = root / "filler"

    def fill(self, leave: int = 0) -> None:
        fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            while True:
                os.write(fd, b"\0" * 65536)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
        try:
            while True:
                os.write(fd, b"\0" * 512)
        except OSError:
            pass
        finally:
            os.close(fd)
        if leave:
            os.truncate(self.filler, max(0, self.filler.stat().st_size - leave))

    def free_all(self) -> None:
        self.filler.unlink(missing_ok=True)


@pytest.fixture
def small_disk(tmp_path: Path) -> Disk:
    root = tmp_path / "disk"
    root.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", str(root)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip("this machine does not let the tests mount a small disk (needs root)")
    try:
        yield Disk(root)
    finally:
        subprocess.run(["umount", "-l", str(root)], check=False)


def make_database(path: Path, tmp_path: Path) -> None:
    source = tmp_path / "data.toml"
    source.write_text(DATA, encoding="utf-8")
    assert cli.main(["--db", str(path), "import", str(source)]) == 0


class Started:
    """build_app's stand-in: records the notices the app would show."""

    def __init__(self) -> None:
        self.notices: tuple[str, ...] | None = None

    def __call__(self, db: object, settings: object, **kwargs: object) -> Started:
        self.notices = kwargs.get("notices", ())  # type: ignore[assignment]
        return self

    def run(self) -> None:
        pass


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> Started:
    import retainer_tui.tui.app as app_module

    stand_in = Started()
    monkeypatch.setattr(app_module, "build_app", stand_in)
    return stand_in


def test_a_backup_that_does_not_fit_warns_and_the_app_opens(
    small_disk: Disk, tmp_path: Path, started: Started, capsys: pytest.CaptureFixture[str]
) -> None:
    path = small_disk.root / "retainer.db"
    make_database(path, tmp_path)
    before = read_tables(path)
    capsys.readouterr()
    # Room to open the database (its -shm and -wal), not to copy it.
    small_disk.fill(leave=path.stat().st_size // 2)
    assert cli.main(["--db", str(path)]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("warning: today's backup was not made")
    assert "full" in err[0] or "No space left" in err[0]
    assert started.notices and "backup was not made" in started.notices[0]
    backups = small_disk.root / "backups"
    assert not backups.exists() or list(backups.iterdir()) == []  # no partial copy left
    small_disk.free_all()
    assert read_tables(path) == before


@pytest.mark.parametrize(
    "command",
    [
        ["import", "{data}"],
        ["import", "{data}", "--replace"],
        ["backup"],
        ["status"],
    ],
    ids=" ".join,
)
def test_a_command_on_a_full_disk_says_so_in_one_line(
    command: list[str], small_disk: Disk, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = small_disk.root / "retainer.db"
    make_database(path, tmp_path)
    before = read_tables(path)
    changed = tmp_path / "changed.toml"
    changed.write_text(DATA.replace("anna@", "marco@"), encoding="utf-8")
    capsys.readouterr()
    small_disk.fill()
    argv = [arg.format(data=changed) for arg in command]
    code = cli.main(["--db", str(path), *argv])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2, err
    assert len(err) == 1 and "is full" in err[0] and "Traceback" not in err[0], err
    small_disk.free_all()
    assert read_tables(path) == before
    assert [p.name for p in small_disk.root.iterdir() if ".partial" in p.name] == []


def test_the_app_opens_when_the_copy_cannot_be_put_in_place(
    db, started: Started, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Everywhere (no small disk needed): the operating system says no space is left."""
    import retainer_tui.db.backup as backup

    def no_space(*_args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(backup.os, "replace", no_space)
    assert cli.main(["--db", str(db.path)]) == 0
    err = capsys.readouterr().err
    assert "today's backup was not made" in err and os.strerror(errno.ENOSPC) in err
    assert started.notices and os.strerror(errno.ENOSPC) in started.notices[0]
    backups = db.path.parent / "backups"
    assert not backups.exists() or [p.name for p in backups.iterdir()] == []


def test_a_damaged_database_found_by_the_backup_still_stops_the_start(
    db, started: Started, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import retainer_tui.db.backup as backup

    monkeypatch.setattr(backup, "quick_check", lambda conn: "row 3 missing from index")
    assert cli.main(["--db", str(db.path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "damaged" in err[0]
    assert started.notices is None  # the app never started


@pytest.mark.parametrize(
    ("message", "free", "full"),
    [
        ("database or disk is full", 10**9, True),
        ("disk I/O error", 1024, True),
        ("disk I/O error", 10**9, False),
        ("unable to open database file", 1024, False),
    ],
)
def test_which_errors_mean_a_full_disk(
    message: str, free: int, full: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil
    import sqlite3

    usage = shutil.disk_usage(tmp_path)
    monkeypatch.setattr(
        shutil, "disk_usage", lambda _p: type(usage)(usage.total, usage.total - free, free)
    )
    error = translate(sqlite3.OperationalError(message), tmp_path / "retainer.db")
    assert isinstance(error, DiskFull) is full
    if full:
        assert str(error) == (
            f"{tmp_path / 'retainer.db'}: the disk holding {tmp_path} is full; "
            "free some space (nothing was saved)"
        )
