"""Where files live (platformdirs): data, config, backups, exports, styles. Tests patch here."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import platformdirs

APP_NAME = "retainer-tui"
DB_ENV = "RETAINER_DB"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME))


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME))


def config_file() -> Path:
    return config_dir() / "config.toml"


def default_db_path() -> Path:
    return data_dir() / "retainer.db"


def db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """--db wins, then $RETAINER_DB, then the platform's data directory."""
    if explicit:
        return Path(explicit).expanduser()
    from_env = os.environ.get(DB_ENV)
    if from_env:
        return Path(from_env).expanduser()
    return default_db_path()


def backups_dir(db: Path | None = None) -> Path:
    """Backups sit in the data dir's backups/ (beside a custom --db file, for that file)."""
    if db is not None and db.resolve().parent != data_dir().resolve():
        return db.resolve().parent / "backups"
    return data_dir() / "backups"


def documents_dir() -> Path:
    return Path(platformdirs.user_documents_dir())


def styles_dir() -> Path:
    """The .tcss folder: inside the installed package, else the source checkout's root."""
    packaged = resources.files("retainer_tui") / "styles"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "styles"
