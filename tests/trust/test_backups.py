"""The daily backup as `retainer` takes it: once a day on the first start, named for the
real day (never the --as-of day), the last backups_kept kept, private, and a copy that
reads back the same as the database."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pytest

from retainer_tui import cli
from retainer_tui.db.backup import list_backups
from retainer_tui.db.engine import Database
from retainer_tui.services.clients import ClientDraft, save_client
from tests.trust.helpers import checks, read_tables


class Today:
    """date.today() as the test sets it."""

    value = dt.date(2026, 11, 1)


class FakeDate(dt.date):
    @classmethod
    def today(cls) -> dt.date:  # type: ignore[override]
        return Today.value


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[dt.date]:
    """cmd_app with the app itself left out: each start is recorded, nothing is drawn."""
    import retainer_tui.tui.app as app_module

    runs: list[dt.date] = []

    class NoApp:
        def __init__(self, today: dt.date) -> None:
            self.today = today

        def run(self) -> None:
            runs.append(self.today)

    monkeypatch.setattr(
        app_module,
        "build_app",
        lambda db, settings, *, today, notices=(), clock=None: NoApp(today),
    )
    monkeypatch.setattr(cli, "date", FakeDate)
    return runs


def start(path: Path, *extra: str) -> None:
    assert cli.main(["--db", str(path), *extra]) == 0


def test_the_first_start_of_each_day_backs_up_once(
    db: Database, started: list[dt.date], isolated_dirs: Path
) -> None:
    config = isolated_dirs / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("backups_kept = 3\n", encoding="utf-8")
    folder = db.path.parent / "backups"
    made: list[str] = []
    for day in range(1, 7):
        Today.value = dt.date(2026, 11, day)
        save_client(db, draft=ClientDraft(name=f"Client of day {day}"))
        start(db.path)
        start(db.path)  # a second start the same day: no second copy
        start(db.path, "--as-of", "2020-01-01")  # the as-of date does not name backups
        name = f"retainer-auto-2026-11-{day:02d}.db"
        made.append(name)
        copy = folder / name
        assert copy.exists()
        os.utime(copy, (day * 86400, day * 86400))  # as if taken on that day
        assert read_tables(copy) == read_tables(db.path)
        assert checks(copy) == ("ok", [])
        assert stat.S_IMODE(os.stat(copy).st_mode) == 0o600
    assert len(started) == 18
    assert [p.name for p in list_backups(folder)] == made[::-1][:3]
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert not list(folder.glob("*2020*"))


def test_manual_backups_are_never_pruned(
    db: Database, started: list[dt.date], isolated_dirs: Path, capsys
) -> None:
    config = isolated_dirs / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("backups_kept = 1\n", encoding="utf-8")
    assert cli.main(["backup", "--db", str(db.path)]) == 0
    manual = Path(capsys.readouterr().out.strip())
    for day in (1, 2, 3):
        Today.value = dt.date(2026, 12, day)
        start(db.path)
    names = sorted(p.name for p in list_backups(db.path.parent / "backups"))
    assert names == sorted([manual.name, "retainer-auto-2026-12-03.db"])
