"""Where a database may come from and what happens when it goes away: a mistyped --db
never makes folders or an empty database, and a file deleted, replaced or stripped of its
-wal under an open Database stops every write with one clear line (nothing "saved")."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from retainer_tui import cli, paths
from retainer_tui.db.backup import backup_database
from retainer_tui.db.engine import Database
from retainer_tui.db.errors import DatabaseError, DatabaseMoved
from retainer_tui.db.migrate import open_database
from retainer_tui.services import entries
from retainer_tui.services.clients import ClientDraft, save_client
from retainer_tui.services.kept_connection import KeptConnection
from retainer_tui.services.sample import load_sample_data
from retainer_tui.tui.screens.results_grid import ResultsGridScreen
from tests.trust import tally
from tests.ui.conftest import SIZE, AppMaker, settle

AS_OF = date(2026, 11, 20)
MOVED = "was moved, replaced or deleted while the app was open; nothing was saved; restart"
REFUSED = "no such database; check --db (nothing was created)"
NO_FOLDER = "does not exist; check --db (nothing was created)"


# ---------------------------------------------------------------- the commands


@pytest.fixture
def inputs(tmp_path: Path) -> dict[str, Path]:
    """A data file to import and a good backup to restore, outside the folders tested."""
    folder = tmp_path / "inputs"
    folder.mkdir()
    data = folder / "in.toml"
    data.write_text('format = "retainer-tui/1"\ncurrency = "USD"\n', encoding="utf-8")
    source = open_database(folder / "source.db")
    backup = backup_database(source, folder / "good-backup.db")
    source.dispose()
    return {"data": data, "backup": backup, "out": folder / "out"}


def argv_for(name: str, inputs: dict[str, Path]) -> list[str]:
    """Every command's arguments but --db."""
    out = inputs["out"]
    return {
        "app": [],
        "status": ["status"],
        "status --json": ["status", "--json"],
        "export": ["export", "--format", "json"],
        "export -o": ["export", "-o", str(out / "export.toml")],
        "import": ["import", str(inputs["data"])],
        "import --dry-run": ["import", str(inputs["data"]), "--dry-run"],
        "backup": ["backup"],
        "backup -o": ["backup", "-o", str(out / "copy.db")],
        "report": ["report", "Rossi Bakery", "--month", "2026-10"],
        "reports": ["reports", "--json"],
        "pipeline": ["pipeline"],
        "restore": ["restore", str(inputs["backup"]), "--yes"],
    }[name]


CREATORS = ["app", "import"]  # may make a database file in a folder that exists
REFUSERS = [
    "status", "status --json", "export", "export -o", "backup", "backup -o", "report",
    "reports", "pipeline",
]  # fmt: skip
DRY = ["import --dry-run"]  # refused like import: a typo in --db must not pass a check
ALL = [*CREATORS, *DRY, *REFUSERS, "restore"]


class AppStarted:
    """Stands in for build_app: records the database the app was given."""

    def __init__(self) -> None:
        self.db: Database | None = None

    def __call__(self, db: Database, *_args: object, **_kwargs: object) -> AppStarted:
        self.db = db
        return self

    def run(self) -> None:
        pass


@pytest.fixture
def app_started(monkeypatch: pytest.MonkeyPatch) -> AppStarted:
    import retainer_tui.tui.app

    started = AppStarted()
    monkeypatch.setattr(retainer_tui.tui.app, "build_app", started)
    return started


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], str]:
    code = cli.main(argv)
    out, err = capsys.readouterr()
    tally.tried()
    return code, err.strip().splitlines(), out


def tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.mark.parametrize("name", ALL)
def test_a_db_in_a_missing_folder_is_refused_and_no_folder_is_made(
    name: str, inputs: dict[str, Path], tmp_path: Path, capsys, app_started: AppStarted
) -> None:
    inputs["out"].mkdir()
    missing = tmp_path / "typo" / "deeper" / "retainer.db"
    code, err, out = run([*argv_for(name, inputs), "--db", str(missing)], capsys)
    assert code == 2 and len(err) == 1, err
    assert str(missing) in err[0]
    assert (REFUSED if name in REFUSERS else NO_FOLDER) in err[0], err
    assert not (tmp_path / "typo").exists()
    assert tree(inputs["out"]) == []
    assert app_started.db is None


@pytest.mark.parametrize("name", REFUSERS)
def test_a_missing_db_in_a_folder_that_exists_is_refused(
    name: str, inputs: dict[str, Path], tmp_path: Path, capsys
) -> None:
    inputs["out"].mkdir()
    folder = tmp_path / "here"
    folder.mkdir()
    path = folder / "retainer.db"
    code, err, _out = run([*argv_for(name, inputs), "--db", str(path)], capsys)
    assert code == 2 and err == [f"retainer: {path}: {REFUSED}"]
    assert tree(folder) == [], "no file, no -wal, no backups folder"
    assert tree(inputs["out"]) == []


def test_a_dry_run_on_a_missing_db_says_what_it_would_add_and_creates_nothing(
    tmp_path: Path, capsys
) -> None:
    folder = tmp_path / "here"
    folder.mkdir()
    sample = open_database(tmp_path / "sample.db")
    load_sample_data(sample, as_of=AS_OF)
    data = tmp_path / "sample.toml"
    assert run(["export", "--db", str(sample.path), "-o", str(data)], capsys)[0] == 0
    code, err, out = run(["import", str(data), "--dry-run", "--db", str(folder / "r.db")], capsys)
    assert code == 0, err
    assert "would import" in out and "client" in out, out
    assert tree(folder) == []
    # The same dry run with the default path creates no data folder either.
    code, err, out = run(["import", str(data), "--dry-run"], capsys)
    assert code == 0, err
    assert not paths.data_dir().exists()


def test_import_and_the_app_create_a_database_in_a_folder_that_exists(
    inputs: dict[str, Path], tmp_path: Path, capsys, app_started: AppStarted
) -> None:
    folder = tmp_path / "here"
    folder.mkdir()
    made = folder / "imported.db"
    code, err, _out = run(["import", str(inputs["data"]), "--db", str(made)], capsys)
    assert code == 0, err
    assert made.is_file()
    started = folder / "started.db"
    code, err, _out = run(["--db", str(started)], capsys)
    assert code == 0, err
    assert app_started.db is not None and app_started.db.path == started
    with app_started.db.read() as conn:  # a migrated, empty database: the welcome screen
        assert conn.execute("SELECT count(*) FROM client").fetchone() == (0,)


@pytest.mark.parametrize("blank", ["", " ", "\t"])
@pytest.mark.parametrize("name", ALL)
def test_a_blank_db_is_refused(
    name: str, blank: str, inputs: dict[str, Path], capsys, app_started: AppStarted
) -> None:
    inputs["out"].mkdir()
    code, err, _out = run([*argv_for(name, inputs), "--db", blank], capsys)
    assert code == 2 and err == ["retainer: --db is empty; give the database file's path"]
    assert not paths.data_dir().exists(), "the default database was not used"
    assert app_started.db is None


def test_an_empty_retainer_db_variable_means_the_default(
    monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """As with XDG variables, RETAINER_DB="" is unset: the default path, refused when
    missing (status never makes it)."""
    monkeypatch.setenv(paths.DB_ENV, "")
    code, err, _out = run(["status"], capsys)
    assert code == 2 and err == [f"retainer: {paths.default_db_path()}: {REFUSED}"]
    assert not paths.data_dir().exists()


@pytest.fixture
def open_umask() -> Iterator[None]:
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_under_umask_000_the_data_folder_is_0700_and_the_database_0600(
    open_umask: None, tmp_path: Path, capsys, app_started: AppStarted
) -> None:
    assert not paths.data_dir().parent.exists()
    code, err, _out = run([], capsys)  # the app's first start, on the default path
    assert code == 0, err
    assert mode(paths.data_dir()) == 0o700
    assert mode(paths.data_dir().parent) == 0o700, "a parent made on the way is private too"
    assert mode(paths.default_db_path()) == 0o600
    assert mode(paths.backups_dir(paths.default_db_path())) == 0o700
    folder = tmp_path / "mine"
    folder.mkdir()
    data = tmp_path / "in.toml"
    data.write_text('format = "retainer-tui/1"\ncurrency = "USD"\n', encoding="utf-8")
    code, err, _out = run(["import", str(data), "--db", str(folder / "r.db")], capsys)
    assert code == 0, err
    assert mode(folder / "r.db") == 0o600


# ---------------------------------------------------------------- the file under us


@pytest.fixture
def live(tmp_path: Path) -> Database:
    folder = tmp_path / "live"
    folder.mkdir()
    db = open_database(folder / "retainer.db")
    save_client(db, draft=ClientDraft(name="Rossi Bakery", tier="Tier 1", start_month="2026-01"))
    return db


def record(db: Database, actual: str) -> None:
    entries.set_result(db, client_id=1, metric="new_followers", month="2026-11", actual=actual)


def gone(path: Path) -> list[str]:
    """What is left at the path and beside it (the database and its -wal/-shm)."""
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name))


def test_a_deleted_database_stops_writes_and_reads_and_is_not_recreated(live: Database) -> None:
    record(live, "10")
    holder = sqlite3.connect(f"{live.path.absolute().as_uri()}?mode=ro", uri=True)
    holder.execute("SELECT count(*) FROM client").fetchone()
    live.path.unlink()
    with pytest.raises(DatabaseMoved, match=MOVED):
        record(live, "20")
    with pytest.raises(DatabaseMoved, match="restart retainer"), live.read():
        pass
    with pytest.raises(DatabaseMoved):
        live.connect()
    holder.close()
    assert not live.path.exists(), "no new, empty database in its place"
    tally.tried(3)


def test_a_kept_connection_notices_the_file_deleted_under_it(live: Database) -> None:
    """The results grid keeps one connection; SQLite would write on into the deleted file
    (its inode lives while the connection is open) and the values would vanish."""
    with KeptConnection(live) as kept:
        record(kept, "10")
        live.path.unlink()
        with pytest.raises(DatabaseMoved, match=MOVED):
            record(kept, "20")
    assert not live.path.exists()
    # Made after the deletion (a screen opened later): still checked against the file
    # this process opened.
    with KeptConnection(live) as later, pytest.raises(DatabaseMoved, match=MOVED):
        record(later, "30")
    assert not live.path.exists()


@pytest.mark.parametrize("how", ["renamed over", "copied over", "truncated", "moved away"])
def test_a_replaced_database_is_refused_and_the_other_file_untouched(
    live: Database, tmp_path: Path, how: str
) -> None:
    other = open_database(tmp_path / "other.db")
    load_sample_data(other, as_of=AS_OF)
    other.dispose()
    with live.write() as conn:  # leaves the WAL in place: another connection is open
        conn.execute("SELECT 1")
    with KeptConnection(live) as kept:
        record(kept, "10")
        if how == "renamed over":
            os.replace(other.path, live.path)
        elif how == "copied over":
            shutil.copyfile(other.path, live.path)  # the same inode, other bytes... or none
            with live.path.open("r+b") as fh:
                fh.write(b"not a database")
        elif how == "truncated":
            os.truncate(live.path, 0)
        else:
            live.path.rename(tmp_path / "elsewhere.db")
        before = live.path.read_bytes() if live.path.exists() else None
        # Overwritten in place (the same inode) is seen by SQLite itself as damage; the
        # file is never read by us while connections are open (that drops their locks).
        refusal = DatabaseError if how == "copied over" else DatabaseMoved
        says = "damaged|" + MOVED if how == "copied over" else MOVED
        if how != "copied over":  # a kept connection cannot see bytes changed in place
            with pytest.raises(refusal, match=says):
                record(kept, "20")
        with pytest.raises(refusal, match=says):
            record(live, "20")
        after = live.path.read_bytes() if live.path.exists() else None
    assert before == after, "the file now at the path was not written to"
    tally.tried()


@pytest.mark.parametrize("writer", ["kept connection", "connection per write"])
def test_a_removed_wal_stops_writes_and_never_makes_a_new_database(
    live: Database, writer: str
) -> None:
    """The app's data watch keeps a read-only connection open, so the -wal stays; a user
    (or a cleaner) deleting it takes the latest changes with it."""
    watch = sqlite3.connect(f"{live.path.absolute().as_uri()}?mode=ro", uri=True)
    watch.execute("PRAGMA data_version").fetchone()
    inode = live.path.stat().st_ino
    db: Database = KeptConnection(live) if writer == "kept connection" else live
    try:
        record(db, "10")
        wal = Path(f"{live.path}-wal")
        assert wal.exists()
        wal.unlink()
        with pytest.raises(DatabaseMoved, match="-wal file .* was deleted while the app"):
            record(db, "20")
    finally:
        if isinstance(db, KeptConnection):
            db.close()
        watch.close()
    assert live.path.stat().st_ino == inode, "the database file is the one opened"
    conn = sqlite3.connect(f"{live.path.absolute().as_uri()}?mode=ro", uri=True)
    try:
        assert conn.execute("SELECT count(*) FROM client").fetchone() == (1,)
        assert conn.execute("SELECT actual FROM result").fetchall() in ([], [(10,)])
    finally:
        conn.close()
    tally.tried()


async def test_the_app_says_not_saved_when_the_database_was_deleted(
    live: Database, make_app: AppMaker
) -> None:
    app = make_app(live)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ResultsGridScreen)
        await pilot.press("1", "2", "enter")
        await settle(app, pilot)
        assert screen.saved_count == 1
        live.path.unlink()
        await pilot.press("3", "4", "enter")
        await settle(app, pilot)
        info = str(screen.query_one("#cell-info").render())
        assert screen.saved_count == 1, "the second value was not counted as saved"
        assert "Not saved" in info and "moved, replaced or deleted" in info, info
        # The data watch notices; the screens reload and say the same instead of showing
        # an empty database.
        app.check_for_changes()
        await settle(app, pilot)
    assert not live.path.exists(), "no new, empty database in its place"


# ---------------------------------------------------------------- restore


@pytest.mark.parametrize("cut", ["half", "header only", "one byte short", "one page short"])
def test_restoring_a_cut_backup_names_the_backup_not_the_live_database(
    cut: str, inputs: dict[str, Path], tmp_path: Path, capsys
) -> None:
    live = open_database(tmp_path / "live.db")
    load_sample_data(live, as_of=AS_OF)
    whole = backup_database(live, tmp_path / "whole.db").read_bytes()
    size = {
        "half": len(whole) // 2,
        "header only": 100,
        "one byte short": len(whole) - 1,
        "one page short": len(whole) - 4096,
    }[cut]
    backup = tmp_path / "cut.db"
    backup.write_bytes(whole[:size])
    before = live.path.read_bytes()
    code, err, _out = run(["restore", str(backup), "--db", str(live.path), "--yes"], capsys)
    assert code == 2 and len(err) == 1, err
    assert err[0].startswith(f"retainer: {backup}: the backup is damaged"), err
    assert str(live.path) not in err[0] and "restore a backup" not in err[0]
    assert live.path.read_bytes() == before
