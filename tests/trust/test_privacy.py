"""Privacy: the database, its WAL, backups and exports are the owner's alone (0600, the
backups folder 0700, whatever the umask); exported CSV never holds a formula cell;
nothing is sent anywhere; no file but the ones asked for holds client data."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import socket
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retainer_tui import cli, paths
from retainer_tui.db.backup import backup_database, daily_backup, restore_backup
from retainer_tui.db.engine import Database
from retainer_tui.db.migrate import open_database
from retainer_tui.services.clients import ClientDraft, save_client
from retainer_tui.services.data_file import export_data
from retainer_tui.services.entries import add_metric, set_goals, set_result
from retainer_tui.services.pipeline import export_proposal
from retainer_tui.services.reports import export_report
from tests.trust import tally
from tests.ui.conftest import SIZE, AppMaker, settle

SECRET = "Zebedee Confidential Ltd"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@contextmanager
def umask(value: int) -> Iterator[None]:
    old = os.umask(value)
    try:
        yield
    finally:
        os.umask(old)


# ---------------------------------------------------------------- file modes


@pytest.mark.parametrize("mask", [0o022, 0o002, 0o000])
def test_database_wal_and_backups_are_private_whatever_the_umask(tmp_path: Path, mask: int) -> None:
    with umask(mask):
        path = tmp_path / "data" / "retainer.db"
        path.parent.mkdir(mode=0o700)
        db = open_database(path)
        save_client(db, draft=ClientDraft(name=SECRET))
        holder = db.connect()  # keeps the WAL and shared-memory files in place
        try:
            for name in ("retainer.db", "retainer.db-wal", "retainer.db-shm"):
                assert mode(path.parent / name) == 0o600, name
            folder = tmp_path / "data" / "backups"
            daily = daily_backup(db, folder, today="2026-11-20", keep=14)
            assert daily is not None
            manual = backup_database(db, tmp_path / "elsewhere" / "new" / "copy.db")
            safety = restore_backup(db, daily, safety_dir=folder, stamp="x")
        finally:
            holder.close()
        for copy in (daily, manual, safety):
            assert mode(copy) == 0o600, copy
        assert mode(folder) == 0o700
        assert mode(manual.parent) == 0o700
        assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == []


def test_backups_of_the_commands_and_of_an_upgrade_are_private(tmp_path: Path, capsys) -> None:
    import shutil

    with umask(0o002):
        path = tmp_path / "retainer.db"
        shutil.copyfile(Path(__file__).parents[1] / "fixtures" / "schema_0001.db", path)
        os.chmod(path, 0o644)  # a copy from elsewhere, readable by all
        assert cli.main(["status", "--db", str(path)]) == 0  # upgrades, backing up first
        assert cli.main(["backup", "--db", str(path)]) == 0
        capsys.readouterr()
    folder = tmp_path / "backups"
    copies = sorted(folder.iterdir())
    assert len(copies) == 2
    assert all(mode(p) == 0o600 for p in copies)
    assert mode(folder) == 0o700


def test_exports_are_private_and_replace_a_public_file(db: Database, tmp_path: Path, capsys):
    saved = save_client(db, draft=ClientDraft(name=SECRET, tier="Tier 1", start_month="2026-01"))
    set_goals(db, client_id=saved.id, month="2026-01", targets={"new_followers": "50"})
    out = tmp_path / "exports"
    out.mkdir()
    targets = []
    with umask(0o022):
        for fmt in ("toml", "json", "csv"):
            target = out / f"all.{fmt}"
            target.write_text("old, public")
            os.chmod(target, 0o644)
            assert cli.main(["export", "-o", str(target), "--db", str(db.path)]) == 0
            targets.append(target)
        report = out / "report.md"
        assert (
            cli.main(
                ["report", SECRET, "--month", "2026-10", "-o", str(report), "--db", str(db.path)]
            )
            == 0
        )
        targets.append(report)
        targets.append(export_report(out / "from-the-app.md", f"# {SECRET}\n"))
        targets.append(
            export_proposal(out / "proposal.md", subject=SECRET, body="Hello", markdown=True)
        )
    capsys.readouterr()
    for target in targets:
        assert mode(target) == 0o600, target
        assert SECRET in target.read_text(encoding="utf-8"), target
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


# ---------------------------------------------------------------- formula cells


def formula_free(text: str) -> list[str]:
    """Every CSV cell that a spreadsheet would run as a formula."""
    cells = [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    return [cell for cell in cells if cell.startswith(FORMULA_START)]


HOSTILE_CELLS = [
    '=HYPERLINK("http://evil.example","Click")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "=1+1\n=2+2",
]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    names=st.lists(
        st.one_of(
            st.sampled_from(HOSTILE_CELLS),
            st.tuples(st.sampled_from(FORMULA_START), st.text(min_size=1, max_size=20)).map(
                "".join
            ),
        ),
        min_size=1,
        max_size=6,
        unique_by=lambda s: s.strip().casefold(),
    )
)
def test_exported_csv_never_holds_a_formula_cell(names: list[str], tmp_path: Path) -> None:
    db = open_database(tmp_path / f"csv-{abs(hash(tuple(names)))}.db")
    with contextlib.suppress(Exception):  # a refused label is fine too
        add_metric(db, key="reels", label='=HYPERLINK("x")', unit="@units")
    tally.tried(len(names))
    saved = 0
    for name in names:
        try:
            client = save_client(
                db, draft=ClientDraft(name=name, tier="Tier 1", start_month="2026-01")
            )
        except Exception:
            continue  # refused names (blank after trimming, control characters)
        set_goals(db, client_id=client.id, month="2026-01", targets={"new_followers": "5"})
        set_result(db, client_id=client.id, metric="new_followers", month="2026-02", actual=3)
        saved += 1
    text = export_data(db, "csv")
    assert formula_free(text) == []
    if saved:
        assert len(text.splitlines()) > 1
    from retainer_tui.services.csv_export import csv_export
    from retainer_tui.services.csv_import import import_csv
    from retainer_tui.services.data_file import CSV_TABLES

    for table in CSV_TABLES:
        assert formula_free(csv_export(db, table)) == [], table
    # The guard comes off again: each name matches its client, each result is unchanged.
    results = csv_export(db, "results")
    assert import_csv(db, results, dry_run=True).summary.results.unchanged == saved


# ---------------------------------------------------------------- nothing sent anywhere


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every attempt to reach the network, recorded (and refused)."""
    attempts: list[str] = []

    def refuse(what: str):  # type: ignore[no-untyped-def]
        def call(*args, **kwargs):  # type: ignore[no-untyped-def]
            attempts.append(f"{what}{args[1:2] or args[:1]}")
            raise OSError("network use refused by the test")

        return call

    monkeypatch.setattr(socket.socket, "connect", refuse("connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("connect_ex"))
    monkeypatch.setattr(socket.socket, "sendto", refuse("sendto"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    return attempts


def files_holding(root: Path, needle: bytes) -> set[Path]:
    found = set()
    for path in root.rglob("*"):
        if path.is_file():
            try:
                if needle in path.read_bytes():
                    found.add(path)
            except OSError:
                pass
    return found


async def test_nothing_is_sent_and_no_stray_file_holds_client_data(
    db: Database,
    make_app: AppMaker,
    no_network: list[str],
    tmp_path: Path,
    isolated_dirs: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys,
) -> None:
    """The commands and an app session (dashboard, client page, forms, reports, pipeline,
    help, palette) with a client whose name is a secret: no socket is opened, and the
    only files holding the name are the database, its backups and the files asked for."""
    for var in ("XDG_CACHE_HOME", "XDG_STATE_HOME", "TMPDIR"):
        folder = isolated_dirs / var.lower()
        folder.mkdir(parents=True)
        monkeypatch.setenv(var, str(folder))
    saved = save_client(db, draft=ClientDraft(name=SECRET, tier="Tier 1", start_month="2026-01"))
    set_result(db, client_id=saved.id, metric="new_followers", month="2026-10", actual=9)
    asked = tmp_path / "asked-for"
    asked.mkdir()
    for argv in (
        ["status", "--json"],
        ["reports"],
        ["pipeline"],
        ["export", "-o", str(asked / "all.json")],
        ["report", SECRET, "--month", "2026-10", "-o", str(asked / "r.md")],
        ["backup"],
    ):
        assert cli.main([*argv, "--db", str(db.path)]) == 0, argv
    capsys.readouterr()

    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.show_client(saved.id)
        await settle(app, pilot)
        app.show_dashboard()
        for open_for in (app.open_edit_client, app.open_goals, app.open_payment,
                         app.open_report_mark):  # fmt: skip
            open_for(saved.id)
            await settle(app, pilot)
            app.show_dashboard()
        for open_screen in (app.open_reports, app.open_pipeline, app.open_tiers):
            open_screen()
            await settle(app, pilot)
            app.show_dashboard()
        await pilot.press("question_mark")
        await settle(app, pilot)
        app.show_dashboard()
        await settle(app, pilot)

    assert no_network == []
    needle = SECRET.encode()
    expected = {
        db.path,
        *paths.backups_dir(db.path).glob("*.db"),
        asked / "all.json",
        asked / "r.md",
    }
    holders = files_holding(tmp_path, needle)
    holders |= files_holding(isolated_dirs, needle)
    # The WAL may hold the name until a checkpoint: it belongs with the database.
    holders = {p for p in holders if not p.name.startswith(f"{db.path.name}-")}
    assert holders == {p for p in expected if p.exists()}


def test_no_module_can_reach_the_network() -> None:
    """A guard for later: the package imports nothing that talks to the network."""
    import ast

    banned = {"socket", "ssl", "http", "urllib.request", "requests", "httpx", "smtplib",
              "ftplib", "webbrowser", "xmlrpc", "telnetlib", "aiohttp"}  # fmt: skip
    root = Path(cli.__file__).parent
    found = []
    for source in root.rglob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                if name in banned or name.split(".")[0] in banned - {"urllib"}:
                    found.append(f"{source.relative_to(root)}: {name}")
    assert found == []


# ---------------------------------------------------------------- keep the names honest


def test_secret_is_not_in_the_config_file(db: Database) -> None:
    """Settings are written (theme) but never hold client data."""
    from retainer_tui.config import Settings, save_settings

    save_client(db, draft=ClientDraft(name=SECRET))
    save_settings(Settings(theme="nord"))
    assert SECRET not in paths.config_file().read_text(encoding="utf-8")
