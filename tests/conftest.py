"""Every test gets its own data and config folders, a migrated database and a fixed today."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from retainer_tui import paths
from retainer_tui.db.engine import Database
from retainer_tui.db.migrate import open_database
from retainer_tui.db.postgres import PostgresDatabase
from retainer_tui.services.sample import load_sample_data
from tests.pg import ENV_SERVER, PgServer, find_server, required
from tests.trust import tally

ENGINES = ("sqlite", "postgresql")
_pg_skipped: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "both_engines: run the test on SQLite and on PostgreSQL (the db, sample_db and "
        "db_target fixtures give each engine's database)",
    )
    config.addinivalue_line(
        "markers",
        "sqlite_only(reason): keep one test of a both_engines module on SQLite alone "
        "(the reason says why the PostgreSQL run would add nothing)",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    marked = metafunc.definition.get_closest_marker
    if "engine" in metafunc.fixturenames and marked("both_engines") and not marked("sqlite_only"):
        metafunc.parametrize("engine", ENGINES, indirect=True)


def pytest_sessionfinish(session: pytest.Session) -> None:
    output = getattr(session.config, "workeroutput", None)
    if output is not None:  # a pytest-xdist worker: its counts go to the main process
        output["trust_tally"] = dict(tally.TALLY)
        output["pg_skipped"] = list(_pg_skipped)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    output = getattr(node, "workeroutput", {})
    tally.TALLY.update(output.get("trust_tally", {}))
    _pg_skipped.extend(output.get("pg_skipped", ()))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    # Printed whatever -s or -q say; here, not in tests/trust/, because under
    # pytest-xdist the main process collects nothing and loads only this conftest.
    if tally.TALLY:
        terminalreporter.write_sep("-", "trust report")
        terminalreporter.write_line(tally.line())
    if _pg_skipped:
        terminalreporter.write_line(
            f"PostgreSQL half skipped ({len(_pg_skipped)} tests): no server answered "
            f"(set {ENV_SERVER}, or start one on the local socket or 127.0.0.1:5432)",
            yellow=True,
        )


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer | None]:
    """The PostgreSQL server the suite's PostgreSQL half runs on (None: there is none)."""
    url = find_server()
    if url is None:
        if required():
            pytest.exit("RETAINER_REQUIRE_POSTGRES is set but no PostgreSQL server answered", 3)
        yield None
        return
    server = PgServer(url)
    yield server
    server.drop_all()


@pytest.fixture
def engine(request: pytest.FixtureRequest) -> str:
    """Which engine the test's database is on: SQLite unless the test is both_engines."""
    return str(getattr(request, "param", "sqlite"))


def _build_pg(url: str, sample_as_of: date | None) -> None:
    built = open_database(url)
    if sample_as_of is not None:
        load_sample_data(built, as_of=sample_as_of)
    built.dispose()


def _pg_database(request: pytest.FixtureRequest, sample_as_of: date | None) -> Database:
    server: PgServer | None = request.getfixturevalue("pg_server")
    if server is None:
        _pg_skipped.append(request.node.nodeid)
        pytest.skip("no PostgreSQL server answered")
    template = server.template(sample_as_of, _build_pg)
    url = server.checkout(template)
    # A copy of a migrated template: opened as it is (open_database's server and schema
    # checks ran on the template; per test they cost more than the copy itself).
    opened = PostgresDatabase(url)

    def _give_back() -> None:
        opened.dispose()
        server.give_back(template, url)

    request.addfinalizer(_give_back)
    return opened


AS_OF = date(2026, 11, 20)


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every platformdirs location at the test's own temp folder."""
    home = tmp_path / "home"
    for name, sub in (
        ("data_dir", "data"),
        ("config_dir", "config"),
        ("documents_dir", "documents"),
    ):
        folder = home / sub
        monkeypatch.setattr(paths, name, lambda folder=folder: folder)
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdg-config"))
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(home / "documents"))
    monkeypatch.delenv("RETAINER_DB", raising=False)
    return home


@pytest.fixture
def as_of() -> date:
    return AS_OF


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "retainer.db"


def _copy_database(source: Path, target: Path) -> None:
    """Copy a closed database (and any -wal beside it) as a private file, as SQLite makes it."""
    for suffix in ("", "-wal"):
        src = Path(f"{source}{suffix}")
        if src.exists():
            fd = os.open(f"{target}{suffix}", os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(src.read_bytes())


@pytest.fixture(scope="session")
def _templates(tmp_path_factory: pytest.TempPathFactory) -> Callable[[date | None], Path]:
    """Databases built once per run through the real migrations (and the sample data as of
    a date), copied for each test: a full Alembic upgrade per test made the suite slow."""
    folder = tmp_path_factory.mktemp("templates")
    made: dict[date | None, Path] = {}

    def template(sample_as_of: date | None) -> Path:
        if sample_as_of not in made:
            name = f"sample-{sample_as_of}.db" if sample_as_of else "empty.db"
            built = open_database(folder / name)
            if sample_as_of is not None:
                load_sample_data(built, as_of=sample_as_of)
            built.dispose()
            made[sample_as_of] = folder / name
        return made[sample_as_of]

    return template


@pytest.fixture
def db(
    engine: str,
    db_path: Path,
    _templates: Callable[[date | None], Path],
    request: pytest.FixtureRequest,
) -> Database:
    """A new database migrated through the real Alembic migrations."""
    if engine == "postgresql":
        return _pg_database(request, None)
    _copy_database(_templates(None), db_path)
    return open_database(db_path)


@pytest.fixture
def sample_db(
    engine: str,
    db_path: Path,
    as_of: date,
    _templates: Callable[[date | None], Path],
    request: pytest.FixtureRequest,
) -> Database:
    """A database holding the sample data as of the test's date."""
    if engine == "postgresql":
        return _pg_database(request, as_of)
    _copy_database(_templates(as_of), db_path)
    return open_database(db_path)


@pytest.fixture
def new_database(
    engine: str,
    tmp_path: Path,
    _templates: Callable[[date | None], Path],
    request: pytest.FixtureRequest,
) -> Callable[[str], Database]:
    """More new, migrated, empty databases on the test's engine, each by a name (a file
    of that name in the test's folder on SQLite): for tests that copy one into another."""

    def make(name: str) -> Database:
        if engine == "postgresql":
            return _pg_database(request, None)
        path = tmp_path / f"{name}.db"
        _copy_database(_templates(None), path)
        return open_database(path)

    return make


@pytest.fixture
def db_target(engine: str, db_path: Path, request: pytest.FixtureRequest) -> str:
    """What --db says for a new, empty place on the test's engine: a file path that does
    not exist yet, or the URL of an empty PostgreSQL database (no schema yet)."""
    if engine != "postgresql":
        return str(db_path)
    server: PgServer | None = request.getfixturevalue("pg_server")
    if server is None:
        _pg_skipped.append(request.node.nodeid)
        pytest.skip("no PostgreSQL server answered")
    url = server.fresh()
    request.addfinalizer(lambda: server.drop(url))
    return url
