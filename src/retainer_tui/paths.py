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


class EmptyPath(ValueError):
    """--db was given but blank (a shell variable that expanded to nothing)."""


def db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """--db wins, then $RETAINER_DB, then the platform's data directory.

    A blank --db is refused rather than read as "the default": `--db "$DIR/x.db"` with an
    unset DIR must not quietly open the real database. An empty $RETAINER_DB counts as
    unset, as an empty XDG variable does.
    """
    if explicit is not None:
        if not os.fspath(explicit).strip():
            raise EmptyPath("--db is empty; give the database file's path")
        if "\x00" in os.fspath(explicit):
            raise EmptyPath("--db holds a NUL character, which no file name can; check --db")
        return Path(explicit).expanduser()
    from_env = os.environ.get(DB_ENV, "")
    if from_env.strip():
        return Path(from_env).expanduser()
    return default_db_path()


def db_target(explicit: str | None = None, configured: str = "") -> Path | str:
    """Where the data is: --db, then $RETAINER_DB, then config.toml's `database`, then the
    default file. A postgresql:// URL stays a string (a Path would fold its "//")."""
    from retainer_tui.db.pg_url import is_postgres_url

    if explicit is not None and is_postgres_url(explicit):
        return explicit.strip()
    if explicit is None:
        from_env = os.environ.get(DB_ENV, "")
        if is_postgres_url(from_env):
            return from_env.strip()
        if not from_env.strip() and configured.strip():
            return (
                configured.strip() if is_postgres_url(configured) else Path(configured).expanduser()
            )
    return db_path(explicit)


def make_data_dir() -> Path:
    """Create the default data folder (and any missing parent) owner-only, whatever the
    umask; a folder that already exists is left as it is."""
    from retainer_tui.services.output_file import make_private_folder

    folder = data_dir()
    make_private_folder(folder)
    return folder


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
