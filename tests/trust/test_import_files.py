"""`retainer import` reads data files only: devices, FIFOs, sockets and folders are refused
before anything is opened for reading, at most MAX_IMPORT_BYTES are read, and text that
is not UTF-8 is refused; each in one line, exit 2, in bounded time, nothing created."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from retainer_tui import cli
from retainer_tui.services import data_file
from retainer_tui.services.data_file import ImportFileRefused, read_import_file
from tests.trust import tally

pytestmark = pytest.mark.both_engines

SMALL = 'format = "retainer-tui/1"\n' + "# padding\n" * 200


def _folder(tmp: Path) -> Path:
    (tmp / "a-folder").mkdir()
    return tmp / "a-folder"


def _large(tmp: Path) -> Path:
    path = tmp / "large.toml"
    path.write_text(SMALL)
    return path


def _not_utf8(tmp: Path) -> Path:
    path = tmp / "latin1.toml"
    path.write_bytes('format = "retainer-tui/1"\n[[clients]]\nname = "Café"\n'.encode("latin-1"))
    return path


def _binary(tmp: Path) -> Path:
    path = tmp / "picture.toml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    return path


def _missing(tmp: Path) -> Path:
    return tmp / "nowhere.toml"


def _socket(tmp: Path) -> Path:
    path = tmp / "s.sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    return path


def _device(name: str):
    def make(tmp: Path) -> Path:
        path = Path(name)
        if not path.exists():
            pytest.skip(f"{name} does not exist here")
        return path

    return make


def _link_to(target):
    def make(tmp: Path) -> Path:
        link = tmp / "link.toml"
        link.symlink_to(target(tmp))
        return link

    return make


CASES = [
    ("dev-zero", _device("/dev/zero"), "is a device"),
    ("dev-urandom", _device("/dev/urandom"), "is a device"),
    ("dev-null", _device("/dev/null"), "is a device"),
    ("link-to-dev-zero", _link_to(_device("/dev/zero")), "is a device"),
    ("folder", _folder, "is a folder"),
    ("link-to-folder", _link_to(_folder), "is a folder"),
    ("socket", _socket, "is a socket"),
    ("over-the-limit", _large, "larger than 1,000 bytes"),
    ("not-utf8", _not_utf8, "not UTF-8"),
    ("binary", _binary, "not UTF-8"),
    ("missing", _missing, "no such file"),
]


@pytest.fixture
def small_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(data_file, "MAX_IMPORT_BYTES", 1000)


@pytest.mark.parametrize(("make", "message"), [pytest.param(*c[1:], id=c[0]) for c in CASES])
@pytest.mark.parametrize("dry_run", [False, True], ids=["import", "dry-run"])
def test_a_file_that_is_no_data_file_is_refused_in_one_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    small_limit: None,
    make,
    message: str,
    dry_run: bool,
) -> None:
    source = make(tmp_path)
    db = tmp_path / "data" / "retainer.db"
    db.parent.mkdir()
    started = time.monotonic()
    flags = ["--dry-run"] if dry_run else []
    assert cli.main(["import", str(source), *flags, "--db", str(db)]) == 2
    assert time.monotonic() - started < 10
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1, err
    assert err.startswith(f"retainer: {source}: ") and message in err, err
    assert "Traceback" not in err
    assert list(db.parent.iterdir()) == [], "a refused file created something"
    tally.tried()


def test_a_fifo_with_no_writer_is_refused_without_waiting(tmp_path: Path) -> None:
    """Run as a real command: if the FIFO were opened for reading it would block forever;
    the timeout turns that into a failure instead of a hung run."""
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    db = tmp_path / "retainer.db"
    code = "import sys; from retainer_tui.cli import main; sys.exit(main(sys.argv[1:]))"
    done = subprocess.run(
        [sys.executable, "-c", code, "import", str(fifo), "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done
    assert done.stderr == (
        f"retainer: {fifo}: is a pipe (FIFO), not a data file; give the path of a .toml, "
        ".json or .csv file\n"
    )
    assert not db.exists()
    tally.tried()


def test_the_limit_holds_when_the_size_on_disk_says_nothing(tmp_path: Path) -> None:
    """/proc files report size 0 but have content: the read itself stops at the limit."""
    proc = Path("/proc/self/status")
    if not proc.exists():
        pytest.skip("no /proc here")
    assert proc.stat().st_size == 0
    with pytest.raises(ImportFileRefused, match="larger than 64 bytes"):
        read_import_file(proc, limit=64)
    assert read_import_file(proc, limit=1 << 20).startswith("Name:")


def test_the_documented_limit_is_512_mib() -> None:
    assert data_file.MAX_IMPORT_BYTES == 512 * 1024 * 1024


def test_a_file_at_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "exact.toml"
    path.write_text("x" * 1000)
    assert read_import_file(path, limit=1000) == "x" * 1000
    path.write_text("x" * 1001)
    with pytest.raises(ImportFileRefused):
        read_import_file(path, limit=1000)
