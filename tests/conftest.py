"""Every test gets its own data and config folders, a migrated database and a fixed today."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from retainer_tui import paths
from retainer_tui.db.engine import Database
from retainer_tui.db.migrate import open_database

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


@pytest.fixture
def db(db_path: Path) -> Database:
    """A new database migrated through the real Alembic migrations."""
    return open_database(db_path)
