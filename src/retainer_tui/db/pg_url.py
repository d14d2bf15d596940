"""A PostgreSQL URL as libpq writes it, read without the driver: what to connect to and
how to name it in a message (never with its password)."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from retainer_tui.db.errors import DatabaseError

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

SCHEMES = ("postgresql://", "postgres://")
DRIVER = "postgresql+psycopg"


def is_postgres_url(text: str | os.PathLike[str] | None) -> bool:
    """Whether --db (or RETAINER_DB, or config's database) names a PostgreSQL database."""
    return isinstance(text, str) and text.strip().lower().startswith(SCHEMES)


def has_password(text: str) -> bool:
    """Whether a postgresql:// URL carries a password (user:password@host)."""
    if not is_postgres_url(text):
        return False
    rest = text.strip().split("://", 1)[1]
    userinfo, at, _host = rest.rpartition("@")
    return bool(at) and ":" in userinfo or "password=" in rest.lower()


class BadUrl(DatabaseError):
    """A postgresql:// URL that cannot be read (the message names the problem)."""


@dataclass(frozen=True)
class PostgresTarget:
    """Where a postgresql:// URL points: the parts, and a label to show (no password)."""

    url: URL
    user: str
    dbname: str
    where: str

    @property
    def label(self) -> str:
        """postgresql://user@host:port/dbname?host=… as typed, without the password."""
        url = self.url
        user = f"{url.username}@" if url.username else ""
        port = f":{url.port}" if url.port else ""
        query = "&".join(
            f"{key}={value}"
            for key, values in sorted(url.query.items())
            for value in ((values,) if isinstance(values, str) else values)
            if key != "password"
        )
        return f"postgresql://{user}{url.host or ''}{port}/{url.database}" + (
            f"?{query}" if query else ""
        )


def parse(text: str) -> PostgresTarget:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    raw = text.strip()
    if raw.lower().startswith("postgres://"):
        raw = "postgresql://" + raw[len("postgres://") :]
    try:
        url = make_url(raw).set(drivername=DRIVER)
    except (ArgumentError, ValueError) as exc:
        raise BadUrl(
            f"--db: not a PostgreSQL URL ({exc}); write postgresql://user@host/dbname"
        ) from None
    user = url.username or os.environ.get("PGUSER") or getpass.getuser()
    dbname = url.database or os.environ.get("PGDATABASE") or user
    if not url.database:
        url = url.set(database=dbname)
    host = url.host or _query_host(url) or os.environ.get("PGHOST") or "/var/run/postgresql"
    port = url.port or os.environ.get("PGPORT") or 5432
    where = f"{host} (port {port})" if host.startswith("/") else f"{host}:{port}"
    return PostgresTarget(url=url, user=user, dbname=dbname, where=where)


def _query_host(url: URL) -> str | None:
    host = url.query.get("host")
    if isinstance(host, tuple):
        return host[0] if host else None
    return host
