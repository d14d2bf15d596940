"""What the services and the app use of a database, whichever engine holds it: Sessions
for units of work, a watcher for changes made elsewhere, and how to name it."""

from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session


AUTHOR = "retainer_author"


def login_name() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry and no LOGNAME (a bare container)
        return "unknown"


class Watcher(Protocol):
    """Tells the app, cheaply and without waiting, that the data changed elsewhere."""

    def changed(self) -> bool: ...

    def mark_seen(self) -> None: ...

    @property
    def online(self) -> bool:
        """False while the database's server cannot be reached (a file is always there)."""
        ...

    def close(self) -> None: ...


class Database(ABC):
    """One database: an SQLite file (db/engine.py) or a PostgreSQL one (db/postgres.py)."""

    # "sqlite" or "postgresql": what a caller may need to know (a file copy is SQLite's).
    backend: str = ""
    readonly: bool = False
    # Who signs the changes made through this database (the `user` setting; by default
    # the login name). A writing Session carries it in session.info[AUTHOR].
    author: str = ""

    def signed_by(self) -> str:
        if not self.author:
            self.author = login_name()
        return self.author

    @property
    @abstractmethod
    def label(self) -> str:
        """How messages name the database: the file's path, or the URL without password."""
        ...

    @property
    def file(self) -> Path | None:
        """The file holding the data (None on a server): outputs must never replace it."""
        return None

    @property
    @abstractmethod
    def stem(self) -> str:
        """A short name for the files made from this database (backups, snapshots)."""
        ...

    @property
    @abstractmethod
    def engine(self) -> Engine: ...

    @abstractmethod
    def reading(self) -> AbstractContextManager[Session]:
        """A Session for one consistent read (one snapshot for the whole block)."""
        ...

    @abstractmethod
    def writing(self) -> AbstractContextManager[Session]:
        """A Session for one user action's writes, committed whole or not at all."""
        ...

    @abstractmethod
    def watcher(self) -> Watcher: ...

    @abstractmethod
    def dispose(self) -> None:
        """Close every connection (the next unit of work opens new ones)."""
