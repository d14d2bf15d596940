"""Damaged or foreign files: every command (and the app) says what is wrong in one line
naming the file, exits 2, and leaves the file byte for byte as it was — no "repair", no
journal switch, no stray files. A damaged database can be restored over (it is moved
aside whole). A broken config.toml or data file is named with the place of the problem.

tests/cli/test_cli_errors.py and tests/unit/test_migrations.py cover single cases (a text
file, a corrupt file, a newer schema for open_database); here every command meets every
kind of damage.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from retainer_tui import cli
from retainer_tui.db.backup import backup_database
from retainer_tui.db.engine import Database, SqliteDatabase
from retainer_tui.db.migrate import open_database
from retainer_tui.db.sqlite_file import is_wal
from retainer_tui.services.sample import load_sample_data
from tests.trust import tally
from tests.trust.helpers import read_tables
from tests.ui.conftest import SIZE, AppMaker, settle

AS_OF = date(2026, 11, 20)


# ---------------------------------------------------------------- the kinds of damage


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """A retainer database with the sample data: as the app leaves it (WAL) and as a
    copy from elsewhere (a backup: rollback journal)."""
    folder = tmp_path_factory.mktemp("good")
    db = open_database(folder / "live.db")
    load_sample_data(db, as_of=AS_OF)
    copy = backup_database(db, folder / "copy.db")
    db.dispose()
    assert is_wal(db.path) and not is_wal(copy)
    return {"wal": db.path.read_bytes(), "copy": copy.read_bytes()}


def scribble(data: bytes, seed: int) -> bytes:
    """Garbage over part of every third page after the schema (a disk gone bad)."""
    rng = random.Random(seed)
    out = bytearray(data)
    for page in range(3, len(data) // 4096, 3):
        start = page * 4096 + 100
        out[start : start + 300] = bytes(rng.randrange(256) for _ in range(300))
    return bytes(out)


def newer(data: bytes, folder: Path) -> bytes:
    path = folder / "newer.db"
    path.write_bytes(data)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    conn.commit()
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    return path.read_bytes()


def foreign(folder: Path) -> bytes:
    path = folder / "foreign.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.execute("INSERT INTO invoices (total) VALUES (12.5)")
    conn.commit()
    conn.close()
    return path.read_bytes()


KINDS = [
    "empty",
    "text",
    "csv",
    "header only",
    "cut short (copy)",
    "cut short (wal)",
    "cut mid-page",
    "scribbled (copy)",
    "scribbled (wal)",
    "newer app",
    "foreign sqlite",
]
# What the one line says, per kind.
SAYS = {
    "empty": "empty file",
    "text": "not an SQLite database",
    "csv": "not an SQLite database",
    "header only": "damaged",
    "cut short (copy)": "damaged",
    "cut short (wal)": "damaged",
    "cut mid-page": "damaged",
    "scribbled (copy)": "damaged",
    "scribbled (wal)": "damaged",
    "newer app": "newer retainer-tui",
    "foreign sqlite": "not a retainer database",
}


@pytest.fixture(scope="module")
def damaged(good: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("damaged")
    wal, copy = good["wal"], good["copy"]
    return {
        "empty": b"",
        "text": b"Rossi Bakery owes us $3,000\n",
        "csv": b"client,month,metric,target,actual\r\nRossi,2026-11,posts,40,12\r\n",
        "header only": copy[:100],
        "cut short (copy)": copy[: len(copy) // 2],
        "cut short (wal)": wal[: len(wal) * 3 // 4 // 4096 * 4096],
        "cut mid-page": copy[: len(copy) - 1000],
        "scribbled (copy)": scribble(copy, 1),
        "scribbled (wal)": scribble(wal, 2),
        "newer app": newer(copy, folder),
        "foreign sqlite": foreign(folder),
    }


# ---------------------------------------------------------------- every command


def commands(folder: Path) -> dict[str, list[str]]:
    """Every command's arguments but --db."""
    data = folder / "in.toml"
    data.write_text('format = "retainer-tui/1"\ncurrency = "USD"\n', encoding="utf-8")
    return {
        "app": [],
        "status": ["status"],
        "status --json": ["status", "--json", "--month", "2026-10"],
        "export": ["export", "--format", "json"],
        "export -o": ["export", "-o", str(folder / "out.toml")],
        "import": ["import", str(data)],
        "import --dry-run": ["import", str(data), "--dry-run"],
        "backup": ["backup"],
        "backup -o": ["backup", "-o", str(folder / "copy.db")],
        "report": ["report", "Rossi Bakery", "--month", "2026-10"],
        "reports": ["reports", "--json"],
        "pipeline": ["pipeline"],
    }


COMMANDS = [
    "app", "status", "status --json", "export", "export -o", "import", "import --dry-run",
    "backup", "backup -o", "report", "reports", "pipeline",
]  # fmt: skip

# A scribbled WAL database opens (its first pages are whole); a command that never
# reads a damaged page may answer. These must notice: they read everything.
READS_EVERYTHING = {"app", "status", "status --json", "export", "export -o", "backup", "backup -o"}


@pytest.fixture
def no_app(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app must never start on a refused file."""
    import retainer_tui.tui.app as app_module

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the app started on a file it should refuse")

    monkeypatch.setattr(app_module, "build_app", refuse)


def listing(folder: Path) -> dict[str, bytes]:
    """Every file's bytes (a WAL database's -shm is SQLite's lock index: only its name)."""
    return {
        str(p.relative_to(folder)): b"<dir>"
        if p.is_dir()
        else b"<shm>"
        if p.name.endswith("-shm")
        else p.read_bytes()
        for p in sorted(folder.rglob("*"))
    }


@pytest.mark.parametrize("kind", KINDS)
def test_every_command_refuses_in_one_line_and_changes_nothing(
    kind: str, damaged: dict[str, bytes], tmp_path: Path, capsys, no_app: None
) -> None:
    folder = tmp_path / "place"
    folder.mkdir()
    path = folder / "retainer.db"
    content = damaged[kind]
    path.write_bytes(content)
    argv_by_name = commands(tmp_path)
    checked = 0
    for name in COMMANDS:
        if kind == "scribbled (wal)" and name not in READS_EVERYTHING:
            continue
        before = listing(folder)
        code = cli.main([*argv_by_name[name], "--db", str(path)])
        out, err = capsys.readouterr()
        lines = err.strip().splitlines()
        tally.tried()
        assert code == 2, f"{name}: exit {code}, {err!r}"
        assert len(lines) == 1 and lines[0].startswith("retainer: "), f"{name}: {err!r}"
        assert str(path) in lines[0] and SAYS[kind] in lines[0], f"{name}: {lines[0]}"
        assert "Traceback" not in err and out == ""
        after = listing(folder)
        assert after.pop("retainer.db") == content, f"{name} changed the file"
        # A refused backup may leave its (empty) private folder, and SQLite the (empty)
        # WAL and the lock index of a WAL database it could not read; nothing else.
        before.pop("retainer.db")
        for extra, allowed in (("backups", b"<dir>"), ("retainer.db-wal", b"")):
            if extra not in before and after.get(extra) == allowed:
                del after[extra]
                if extra == "retainer.db-wal":
                    after.pop("retainer.db-shm", None)
        assert after == before, f"{name} changed the folder"
        checked += 1
    assert checked >= 7


def test_a_damaged_database_can_be_restored_over(
    damaged: dict[str, bytes], good: dict[str, bytes], tmp_path: Path, capsys
) -> None:
    """`retainer restore` works exactly when the database cannot be opened: the damaged
    file (and its WAL) go to the backups folder untouched, the backup takes its place."""
    backup = tmp_path / "good-backup.db"
    backup.write_bytes(good["copy"])
    for kind in ("cut short (wal)", "scribbled (copy)", "newer app"):
        folder = tmp_path / kind.replace(" ", "-").replace("(", "").replace(")", "")
        folder.mkdir()
        path = folder / "retainer.db"
        path.write_bytes(damaged[kind])
        Path(f"{path}-wal").write_bytes(b"stale wal bytes")
        code = cli.main(["restore", str(backup), "--db", str(path), "--yes"])
        out, err = capsys.readouterr()
        assert code == 0, err
        assert read_tables(path) == read_tables(backup)
        (aside,) = (folder / "backups").glob("*.db")
        assert aside.read_bytes() == damaged[kind], "the damaged file is kept whole"
        assert Path(f"{aside}-wal").read_bytes() == b"stale wal bytes"
        assert str(aside) in out
        assert cli.main(["status", "--db", str(path)]) == 0
        capsys.readouterr()


def test_restore_replaces_the_database_config_toml_names(
    damaged: dict[str, bytes], good: dict[str, bytes], tmp_path: Path, isolated_dirs: Path, capsys
) -> None:
    """With no --db, the database is config.toml's `database`: that one is moved aside and
    replaced, and named; the default file next to the data folder is never touched."""
    backup = tmp_path / "good-backup.db"
    backup.write_bytes(good["copy"])
    configured = tmp_path / "agency" / "retainer.db"
    configured.parent.mkdir()
    configured.write_bytes(damaged["scribbled (copy)"])
    default = isolated_dirs / "data" / "retainer.db"
    default.parent.mkdir(parents=True, exist_ok=True)
    default.write_bytes(good["copy"])
    config = isolated_dirs / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'database = "{configured}"\n', encoding="utf-8")
    code = cli.main(["restore", str(backup), "--yes"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert f"into {configured}" in out
    assert read_tables(configured) == read_tables(backup)
    (aside,) = (configured.parent / "backups").glob("*.db")
    assert aside.read_bytes() == damaged["scribbled (copy)"]
    assert default.read_bytes() == good["copy"]
    assert not (default.parent / "backups").exists()


def test_a_damaged_backup_is_not_restored(
    damaged: dict[str, bytes], good: dict[str, bytes], db: Database, capsys
) -> None:
    load_sample_data(db, as_of=AS_OF)
    before = read_tables(db.path)
    for kind in ("empty", "text", "cut short (copy)", "scribbled (copy)", "newer app"):
        bad = db.path.parent / f"bad-{kind.split()[0]}.db"
        bad.write_bytes(damaged[kind])
        code = cli.main(["restore", str(bad), "--db", str(db.path), "--yes"])
        err = capsys.readouterr().err.strip().splitlines()
        assert code == 2 and len(err) == 1 and str(bad) in err[0], err
        assert bad.read_bytes() == damaged[kind]
    assert read_tables(db.path) == before
    assert not (db.path.parent / "backups").exists()


def test_the_daily_backup_never_keeps_a_damaged_copy(
    good: dict[str, bytes], damaged: dict[str, bytes], tmp_path: Path, no_app: None, capsys
) -> None:
    """A database gone bad must not push the good backups out one day at a time: the app
    refuses to start, the backups kept are untouched."""
    folder = tmp_path / "data"
    backups = folder / "backups"
    backups.mkdir(parents=True)
    kept = {}
    for day in range(1, 15):
        old = backups / f"retainer-auto-2026-11-{day:02d}.db"
        old.write_bytes(good["copy"])
        kept[old.name] = good["copy"]
    path = folder / "retainer.db"
    path.write_bytes(damaged["scribbled (wal)"])
    code = cli.main(["--db", str(path)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "damaged" in err[0] and str(path) in err[0]
    assert {p.name: p.read_bytes() for p in backups.iterdir()} == kept
    assert path.read_bytes() == damaged["scribbled (wal)"]


async def test_the_app_shows_a_damaged_read_in_a_toast(
    damaged: dict[str, bytes], tmp_path: Path, make_app: AppMaker
) -> None:
    """Damage found after start (the day's backup was already taken): a toast naming
    the file, the app keeps running, nothing written."""
    path = tmp_path / "retainer.db"
    path.write_bytes(damaged["scribbled (wal)"])
    app = make_app(SqliteDatabase(path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        messages = [str(n.message) for n in app._notifications]
        assert any(str(path) in m and "damaged" in m for m in messages), messages
        await pilot.press("]")
        await settle(app, pilot)
        assert app.is_running
    assert path.read_bytes() == damaged["scribbled (wal)"]


# ---------------------------------------------------------------- places and names


def test_folder_that_cannot_be_created_for_every_command(tmp_path: Path, capsys, no_app) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    path = blocker / "sub" / "retainer.db"
    for name, argv in commands(tmp_path).items():
        if name.startswith(("app", "import")):
            expected = "does not exist; check --db (nothing was created)"  # never a folder
        else:
            expected = "no such database; check --db (nothing was created)"
        code = cli.main([*argv, "--db", str(path)])
        err = capsys.readouterr().err.strip().splitlines()
        tally.tried()
        if name == "import --dry-run" and code == 0:
            continue  # checked against an empty scratch database: nothing made
        assert code == 2 and len(err) == 1, (name, err)
        assert expected in err[0], (name, err)
    assert blocker.read_text() == "not a folder"


@pytest.mark.parametrize("folder_name", ["Clients #2", "what?", "100% done", "späti ☕"])
def test_odd_folder_names_open_the_right_file(tmp_path: Path, folder_name: str) -> None:
    """A folder named "Clients #2" is a folder: the database is made, upgraded and opened
    read-only inside it, and nothing appears anywhere else."""
    folder = tmp_path / folder_name
    folder.mkdir()
    path = folder / "retainer.db"
    db = open_database(path)
    with db.write() as conn:
        conn.execute("INSERT INTO meta (key, value) VALUES ('where', 'here')")
    ro = SqliteDatabase(path, readonly=True)
    with ro.read() as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'where'").fetchone() == ("here",)
    assert sorted(p.name for p in tmp_path.iterdir()) == [folder_name]
    old = folder / "old.db"
    shutil.copyfile(Path(__file__).parents[1] / "fixtures" / "schema_0001.db", old)
    upgraded = open_database(old)
    with upgraded.read() as conn:
        assert conn.execute("SELECT count(*) FROM client").fetchone() == (6,)
    assert sorted(p.name for p in tmp_path.iterdir()) == [folder_name]


CONFIGS = {
    "syntax": ('currency = "USD"\ntolerance = \n', "line 2"),
    "unknown key": ('currency = "USD"\ncolour = "blue"\n', "'colour'"),
    "wrong type": ('tolerance = "high"\n', "'tolerance'"),
    "out of range": ("backups_kept = 0\n", "backups_kept"),
    "not utf-8": ("currency = '\udcff'\n", "UTF-8"),
}


@pytest.mark.parametrize("case", list(CONFIGS))
def test_a_broken_config_is_named_with_its_place_by_every_command(
    case: str, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch, no_app
) -> None:
    from retainer_tui import paths

    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir()
    text, place = CONFIGS[case]
    config.write_bytes(text.encode("utf-8", "surrogateescape"))
    monkeypatch.setattr(paths, "config_file", lambda: config)
    db = tmp_path / "r.db"
    for name, argv in commands(tmp_path).items():
        if name.startswith("backup") or name.startswith("report") or name == "pipeline":
            continue  # these need an existing database, which is not what is tested here
        code = cli.main([*argv, "--db", str(db)])
        err = capsys.readouterr().err.strip().splitlines()
        tally.tried()
        assert code == 2 and len(err) == 1, (name, err)
        assert str(config) in err[0] and place in err[0], (name, err[0])
    assert not db.exists(), "nothing is created before the settings are read"
    assert config.read_bytes() == text.encode("utf-8", "surrogateescape")


DATA_FILES = {
    "toml syntax": ('format = "retainer-tui/1"\ncurrency = "USD"\n[[clients]\n', "line 3"),
    "json syntax": ('{"format": "retainer-tui/1",\n "clients": [}\n', "line 2"),
    "bad value": (
        'format = "retainer-tui/1"\ncurrency = "USD"\n[[clients]]\nname = "A"\n'
        'start = "2026-01"\nbilling_day = 45\n',
        "clients[1]",
    ),
    "csv": ("client,month,metric,target,actual\r\n", "CSV"),
    "not utf-8": ("\udcff\udcfe", "UTF-8"),
}


@pytest.mark.parametrize("case", list(DATA_FILES))
def test_a_broken_data_file_is_named_with_its_place(case: str, db: Database, capsys) -> None:
    text, place = DATA_FILES[case]
    suffix = ".json" if "json" in case else ".csv" if case == "csv" else ".toml"
    source = db.path.parent / f"broken{suffix}"
    source.write_bytes(text.encode("utf-8", "surrogateescape"))
    before = read_tables(db.path)
    code = cli.main(["import", str(source), "--db", str(db.path)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1, err
    assert err[0].startswith(f"retainer: {source}: ") and place in err[0], err[0]
    assert read_tables(db.path) == before
