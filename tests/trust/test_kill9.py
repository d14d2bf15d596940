"""kill -9 in the middle: a real process doing a large import, form saves in a loop, or a
schema upgrade is SIGKILLed (after a random delay, and once paused inside its write
transaction); the database is then exactly as before the action or exactly as after
it, and SQLite's integrity and foreign-key checks pass."""

from __future__ import annotations

import os
import queue
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest

from retainer_tui.db.backup import backup_database
from retainer_tui.db.engine import Database
from retainer_tui.db.migrate import open_database
from retainer_tui.services.data_file import export_data
from retainer_tui.services.sample_scaled import generate_scaled
from tests.trust import tally
from tests.trust.helpers import Tables, as_before, checks, read_tables, row_count
from tests.trust.kill_worker import METRICS

REPO = Path(__file__).resolve().parents[2]
FIXTURE_0001 = REPO / "tests" / "fixtures" / "schema_0001.db"
AS_OF = date(2026, 11, 20)


class Worker:
    """tests/trust/kill_worker.py in its own process, its output read line by line."""

    def __init__(self, *args: str, pause: str | None = None) -> None:
        env = {k: v for k, v in os.environ.items() if k != "PAUSE_AT"}
        if pause:
            env["PAUSE_AT"] = pause
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.trust.kill_worker", *args],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.strip())
        self.lines.put("EOF")

    def wait_for(self, word: str, timeout: float = 60) -> str:
        """The first line starting with word (the worker's own failure if it ends first)."""
        deadline = time.monotonic() + timeout
        while True:
            line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            if line.startswith(word):
                return line
            if line == "EOF":
                err = self.proc.stderr.read() if self.proc.stderr else ""
                raise AssertionError(f"worker ended before {word}: {err}")

    def finish(self) -> None:
        """Wait for the work to end by itself."""
        self.proc.wait(timeout=120)
        assert self.proc.returncode == 0, self.proc.stderr.read() if self.proc.stderr else ""

    def kill(self) -> bool:
        """SIGKILL; True when the work had finished first."""
        finished = self.proc.poll() is not None
        if not finished:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)
        if finished:
            assert self.proc.returncode == 0, self.proc.stderr.read() if self.proc.stderr else ""
        else:
            assert self.proc.returncode == -signal.SIGKILL
        return finished


def assert_sound(path: Path) -> None:
    assert checks(path) == ("ok", [])


def assert_before_or_after(path: Path, before: Tables, after: Tables) -> str:
    """The state after the kill is one of the two whole states; which one."""
    state = read_tables(path)
    assert_sound(path)
    if state == before:
        tally.rows_checked(row_count(before), row_count(state))
        return "before"
    assert state == after, "the database holds a mix of before and after"
    tally.rows_checked(row_count(after), row_count(state))
    return "after"


# ---------------------------------------------------------------- a large import


def fresh_copy(template: Path, folder: Path, name: str) -> Path:
    target = folder / name
    shutil.copyfile(template, target)
    return target


@pytest.fixture(scope="module")
def big_import(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, Path, Tables, Tables, float]:
    """A data file of 1,500 clients and 12 months (~110,000 rows), a database holding
    1,000 of those clients with other figures (the import replaces them), the database's
    state before and after an import that is not interrupted, and how long its write
    transaction took."""
    folder = tmp_path_factory.mktemp("kill-import")
    source = open_database(folder / "source.db")
    generate_scaled(source, clients=1500, months=12, as_of=AS_OF)
    data = folder / "big.toml"
    data.write_text(export_data(source, "toml"), encoding="utf-8")
    source.dispose()

    before_db = open_database(folder / "before-live.db")
    generate_scaled(before_db, clients=1000, months=6, as_of=AS_OF, seed=1)
    template = backup_database(before_db, folder / "before.db")
    before = read_tables(template)

    done = fresh_copy(template, folder, "after.db")
    worker = Worker("import", str(done), str(data))
    worker.wait_for("WRITING")
    writing = time.monotonic()
    worker.wait_for("DONE")
    seconds = time.monotonic() - writing
    worker.finish()
    after = read_tables(done)
    clients = after["client"][1]
    assert len(clients) == 1500 and before != after
    return template, data, before, after, seconds


def test_large_import_killed_after_random_delays(big_import, tmp_path: Path) -> None:
    template, data, before, after, seconds = big_import
    rng = random.Random(20261120)
    seen = []
    # Twice somewhere in the write transaction, once well past its end.
    fractions = [rng.uniform(0.05, 0.95), rng.uniform(0.05, 0.95), rng.uniform(2, 3)]
    for round_, fraction in enumerate(fractions):
        db = fresh_copy(template, tmp_path, f"run{round_}.db")
        worker = Worker("import", str(db), str(data))
        worker.wait_for("WRITING")
        time.sleep(fraction * seconds)
        finished = worker.kill()
        state = assert_before_or_after(db, before, after)
        if finished:
            assert state == "after"
        seen.append(state)
    print(f"large import (writing {seconds:.2f} s) killed 3 times: {seen}")


def test_large_import_killed_inside_its_write_transaction(big_import, tmp_path: Path) -> None:
    template, data, before, after, _ = big_import
    db = fresh_copy(template, tmp_path, "paused.db")
    worker = Worker("import", str(db), str(data), pause="1:30000")
    worker.wait_for("PAUSED")
    # Half the import is on disk, uncommitted, in the WAL; another reader still sees before.
    assert Path(f"{db}-wal").stat().st_size > 1_000_000
    assert read_tables(db) == before
    assert not worker.kill()
    assert assert_before_or_after(db, before, after) == "before"


# ---------------------------------------------------------------- form saves in a loop


def check_saves(path: Path, *, killed_before: frozenset[int] = frozenset()) -> tuple[int, bool]:
    """Clients Kill 00000..k-1 with every field as saved, each with all 5 targets or
    none: none only for the newest (its targets were being saved at the kill) or one
    that was the newest at an earlier kill. Returns k and whether the newest has none."""
    assert_sound(path)
    tables = read_tables(path)
    columns, clients = tables["client"]
    named = sorted(
        (dict(zip(columns, row, strict=True)) for row in clients),
        key=lambda c: c["name"],
    )
    named = [c for c in named if c["name"].startswith("Kill ")]
    assert [c["name"] for c in named] == [f"Kill {i:05d}" for i in range(len(named))]
    goal_columns, goals = tables["goal"]
    by_client: dict[int, dict[str, int]] = {}
    for row in goals:
        goal = dict(zip(goal_columns, row, strict=True))
        by_client.setdefault(goal["client_id"], {})[goal["metric_key"]] = goal["target"]
    expected_rows = found_rows = 0
    for i, client in enumerate(named):
        assert client["company"] == f"Company {i}"
        assert client["fee_override_cents"] == (1000 + i) * 100 + 50
        assert client["notes"] == f"Notes for client {i}"
        assert client["start_month"] == "2026-01"
        targets = by_client.get(client["id"], {})
        whole = {key: i * 10 + n for n, key in enumerate(METRICS)}
        may_be_empty = i == len(named) - 1 or i in killed_before
        if targets or not may_be_empty:
            assert targets == whole, f"client {i} has part of its targets: {targets}"
        expected_rows += 1 + (len(targets) if may_be_empty else 5)
        found_rows += 1 + len(targets)
    tally.rows_checked(expected_rows, found_rows)
    newest_empty = bool(named) and not by_client.get(named[-1]["id"])
    return len(named), newest_empty


def test_form_saves_killed_after_random_delays(db: Database, db_path: Path) -> None:
    rng = random.Random(7)
    counts: list[int] = []
    killed: set[int] = set()
    for _ in range(3):
        worker = Worker("saves", str(db_path))
        # From the first whole save on (a loaded machine may take a second to get there).
        worker.wait_for("SAVED")
        time.sleep(rng.uniform(0.05, 0.8))
        assert not worker.kill()
        count, newest_empty = check_saves(db_path, killed_before=frozenset(killed))
        if newest_empty:
            killed.add(count - 1)
        counts.append(count)
    # Each run goes on from where the killed one stopped.
    assert 0 < counts[0] <= counts[1] <= counts[2], counts


def test_form_save_killed_inside_its_transaction(db: Database, db_path: Path) -> None:
    """Paused after writing some of client 3's targets, not yet committed: after the kill
    clients 0-3 are there and client 3 has no targets at all. (Each client is two write
    transactions of two rows or more: the client and its change-log row, then its targets
    and theirs; client 3's targets are the eighth.)"""
    worker = Worker("saves", str(db_path), pause="8:2")
    worker.wait_for("PAUSED")
    assert not worker.kill()
    assert check_saves(db_path) == (4, True)


# ---------------------------------------------------------------- a schema upgrade


def test_upgrade_killed_inside_its_transaction(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    shutil.copyfile(FIXTURE_0001, path)
    before = read_tables(path)
    worker = Worker("migrate", str(path), pause="1:1")
    worker.wait_for("PAUSED")
    assert not worker.kill()
    assert read_tables(path) == before
    assert_sound(path)
    tally.rows_checked(row_count(before), row_count(read_tables(path)))
    # The backup was taken before; the next start upgrades the file as if nothing happened.
    assert len(list((tmp_path / "backups").glob("*.db"))) == 1
    open_database(path, backup_dir=tmp_path / "backups")
    after = as_before(read_tables(path), before)  # in the old columns: name_key is new
    assert {t: rows for t, (_, rows) in after.items()} == {
        t: rows for t, (_, rows) in before.items()
    }
