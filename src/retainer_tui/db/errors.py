"""Errors about the database file, each with a message fit for one line."""


class DatabaseError(Exception):
    """The database cannot be used; str() names the file and what to do."""


class ReadOnlyDatabase(DatabaseError):
    """A write was attempted on a database opened read-only."""


class DatabaseBusy(DatabaseError):
    """Another process held the database longer than the busy timeout."""


class DatabaseMoved(DatabaseError):
    """The file at the path is no longer the one opened (deleted, replaced, -wal removed)."""


class DatabaseDamaged(DatabaseError):
    """The file fails SQLite's checks; only a restore helps (the app must not start on it)."""


class DiskFull(DatabaseError):
    """Nothing could be written: the disk holding the database (or the copy) is full."""


class ServerUnreachable(DatabaseError):
    """The database's server could not be reached (down, wrong host or port, connection
    lost); trying again later may work."""
