"""The PostgreSQL half of the suite: finding a server, template databases migrated once
per run, and a fresh database per test cloned from one (CREATE DATABASE … TEMPLATE).

RETAINER_TEST_POSTGRES names the server (a libpq URL without the database, or a
postgresql:// URL); by default the local socket, then 127.0.0.1:5432. With
RETAINER_REQUIRE_POSTGRES=1 (CI) a missing server fails the run instead of skipping.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import quote

ENV_SERVER = "RETAINER_TEST_POSTGRES"
ENV_REQUIRE = "RETAINER_REQUIRE_POSTGRES"
CANDIDATES = (
    "postgresql://postgres@/postgres?host=/var/run/postgresql",
    "postgresql://postgres@127.0.0.1:5432/postgres",
)


def _with_database(server: str, dbname: str) -> str:
    """The server's URL naming another database (the path part replaced)."""
    head, _, rest = server.partition("://")
    authority, slash, tail = rest.partition("/")
    query = tail.partition("?")[2] if slash else rest.partition("?")[2]
    if not slash:
        authority = authority.partition("?")[0]
    return f"{head}://{authority}/{quote(dbname)}" + (f"?{query}" if query else "")


def _answers(url: str) -> bool:
    try:
        import psycopg
    except ImportError:
        return False
    try:
        with psycopg.connect(url, connect_timeout=2):
            return True
    except psycopg.Error:
        return False


def find_server() -> str | None:
    """The admin URL (database "postgres") of the first server that answers, or None."""
    given = os.environ.get(ENV_SERVER, "").strip()
    candidates = (_with_database(given, "postgres"),) if given else CANDIDATES
    for url in candidates:
        if _answers(url):
            return url
    return None


def required() -> bool:
    return os.environ.get(ENV_REQUIRE, "").strip() not in ("", "0")


@dataclass
class PgServer:
    """Databases made on one server during the run; dropped at its end."""

    admin: str
    prefix: str = field(default_factory=lambda: f"rt_test_{os.getpid()}")
    _counter: itertools.count[int] = field(default_factory=itertools.count)
    _templates: dict[date | None, str] = field(default_factory=dict)
    _made: list[str] = field(default_factory=list)
    _conn: Any = None
    # Copies of a template ready for the next test, and each template's rows (COPY text).
    _free: dict[str, list[str]] = field(default_factory=dict)
    _rows: dict[str, Snapshot] = field(default_factory=dict)

    def url(self, dbname: str) -> str:
        return _with_database(self.admin, dbname)

    def _run(self, *statements: str) -> None:
        # One admin connection for the run: a new one per test cost more than the copy.
        if self._conn is None or self._conn.closed:
            import psycopg

            self._conn = psycopg.connect(self.admin, autocommit=True)
        for statement in statements:
            self._conn.execute(statement)  # our own identifiers, made below

    def template(self, sample_as_of: date | None, build: Callable[[str, date | None], None]) -> str:
        """A database migrated (and holding the sample data as of a date) once per run."""
        if sample_as_of not in self._templates:
            name = f"{self.prefix}_tpl_{len(self._templates)}"
            self._run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
            self._made.append(name)
            build(self.url(name), sample_as_of)
            self._templates[sample_as_of] = name
        return self._templates[sample_as_of]

    def fresh(self, template: str | None = None) -> str:
        """A new database (a copy of template when given); its URL."""
        name = f"{self.prefix}_{next(self._counter)}"
        source = f' TEMPLATE "{template}"' if template else ""
        self._run(
            f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"{source}'
        )
        self._made.append(name)
        return self.url(name)

    def checkout(self, template: str) -> str:
        """A database holding exactly what the template holds: a copy used before and put
        back as it was (much cheaper than a new copy per test), else a new copy."""
        free = self._free.setdefault(template, [])
        if free:
            return free.pop()
        if template not in self._rows:
            self._rows[template] = Snapshot.of(self.url(template))
        return self.fresh(template)

    def give_back(self, template: str, url: str) -> None:
        """Put the template's rows back in a checked-out database for the next test; a
        database that cannot be put back (its schema changed) is dropped instead."""
        name = _name(url)
        self._run(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
        )
        try:
            self._rows[template].restore(url)
        except Exception:  # noqa: BLE001 - a copy we cannot trust is dropped
            self.drop(url)
            return
        self._free.setdefault(template, []).append(url)

    def drop(self, url: str) -> None:
        name = _name(url)
        self._run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if name in self._made:
            self._made.remove(name)

    def drop_all(self) -> None:
        for name in list(self._made):
            self._run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._made.clear()
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _name(url: str) -> str:
    """The database a URL names: the path after the server part (a socket folder in the
    query, ?host=/var/run/…, holds slashes too)."""
    return url.partition("://")[2].partition("/")[2].partition("?")[0]


@dataclass(frozen=True)
class Snapshot:
    """Every table's rows as COPY text, the schema's tables and id sequences: what a
    database is put back to after a test."""

    tables: tuple[str, ...]
    data: dict[str, bytes]
    serials: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, url: str) -> Snapshot:
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            tables = tuple(
                r[0]
                for r in conn.execute(
                    "SELECT table_name FROM information_schema.tables "
                    "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
                )
            )
            serials = tuple(
                (r[0], r[1])
                for r in conn.execute(
                    "SELECT table_name, column_name FROM information_schema.columns "
                    "WHERE table_schema = 'public' AND column_default LIKE 'nextval(%' ORDER BY 1"
                )
            )
            data = {}
            for table in tables:
                with conn.cursor().copy(f'COPY "{table}" TO STDOUT') as copy:
                    data[table] = b"".join(bytes(chunk) for chunk in copy)
        return cls(tables, data, serials)

    def restore(self, url: str) -> None:
        import psycopg

        with psycopg.connect(url) as conn:
            now = tuple(
                r[0]
                for r in conn.execute(
                    "SELECT table_name FROM information_schema.tables "
                    "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
                )
            )
            if now != self.tables:
                raise RuntimeError(f"the schema changed: {now}")
            # Foreign keys are not checked while the rows are put back (a superuser's
            # setting: the tests' server runs with trust authentication as postgres).
            conn.execute("SET LOCAL session_replication_role = replica")
            for table in self.tables:
                conn.execute(f'DELETE FROM "{table}"')
                if self.data[table]:
                    with conn.cursor().copy(f'COPY "{table}" FROM STDIN') as copy:
                        copy.write(self.data[table])
            for table, column in self.serials:
                conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                    f'coalesce(max("{column}"), 0) + 1, false) FROM "{table}"'
                )
            conn.commit()
