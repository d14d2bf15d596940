"""Every test gets its own data and config folders, a migrated database and a fixed today."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from retainer_tui import paths
from retainer_tui.db.engine import Database
from retainer_tui.db.migrate import open_database
from retainer_tui.services.sample import load_sample_data

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
def db(db_path: Path, _templates: Callable[[date | None], Path]) -> Database:
    """A new database migrated through the real Alembic migrations."""
    _copy_database(_templates(None), db_path)
    return open_database(db_path)


@pytest.fixture
def sample_db(db_path: Path, as_of: date, _templates: Callable[[date | None], Path]) -> Database:
    """A database holding the sample data as of the test's date."""
    _copy_database(_templates(as_of), db_path)
    return open_database(db_path)
