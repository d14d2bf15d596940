"""PostgreSQL databases: opening by URL, the schema made once under the lock, the same
answers as SQLite, notifications, and every connection problem in one line."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

from retainer_tui.cli import main
from retainer_tui.config import ConfigError, load_settings
from retainer_tui.db.errors import DatabaseBusy, DatabaseError
from retainer_tui.db.migrate import SCHEMA_HEAD, open_database
from retainer_tui.db.pg_errors import ServerUnreachable, explain, too_old
from retainer_tui.db.pg_url import has_password, is_postgres_url, parse
from retainer_tui.db.postgres import PostgresDatabase
from retainer_tui.domain.month import Month
from retainer_tui.services.clients import ClientDraft, save_client
from retainer_tui.services.export import export_text
from retainer_tui.services.month_view import load_month
from retainer_tui.services.sample import load_sample_data
from retainer_tui.services.status_json import status_object
from tests.pg import PgServer
from tests.raw import raw

AS_OF = date(2026, 11, 20)


@pytest.fixture
def server(pg_server: PgServer | None) -> PgServer:
    if pg_server is None:
        pytest.skip("no PostgreSQL server answered")
    return pg_server


@pytest.fixture
def empty_url(server: PgServer) -> str:
    """An empty database (no schema yet), dropped after the test."""
    url = server.fresh()
    yield url
    server.drop(url)


# -- URLs and messages (no server needed) ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("postgresql://me@host/db", True),
        ("  POSTGRES://me@host/db", True),
        ("postgresql:///agency", True),
        ("/home/me/retainer.db", False),
        ("postgresql.db", False),
        (Path("postgresql://x"), False),
    ],
)
def test_what_counts_as_a_server_url(text: object, expected: bool) -> None:
    assert is_postgres_url(text) is expected  # type: ignore[arg-type]


def test_the_label_never_holds_the_password() -> None:
    target = parse("postgresql://anna:s3cret@db.example.com:6543/agency?sslmode=require")
    assert target.label == "postgresql://anna@db.example.com:6543/agency?sslmode=require"
    assert "s3cret" not in target.label
    assert target.where == "db.example.com:6543"
    assert (target.user, target.dbname) == ("anna", "agency")


def test_the_socket_form_and_the_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PGHOST", raising=False)
    monkeypatch.setenv("PGUSER", "sara")
    socket = parse("postgresql://me@/db?host=/var/run/postgresql")
    assert socket.where == "/var/run/postgresql (port 5432)"
    bare = parse("postgresql:///agency")
    assert (bare.user, bare.dbname) == ("sara", "agency")


@pytest.mark.parametrize(
    ("url", "secret"),
    [
        ("postgresql://anna:pw@host/db", True),
        ("postgresql://anna@host/db?password=pw", True),
        ("postgresql://anna@host/db", False),
        ("postgresql:///db", False),
        ("/a/path:with@signs.db", False),
    ],
)
def test_passwords_in_urls_are_seen(url: str, secret: bool) -> None:
    assert has_password(url) is secret


def _failure(message: str, sqlstate: str | None = None) -> Exception:
    error = Exception(message)
    error.sqlstate = sqlstate  # type: ignore[attr-defined]
    return SimpleNamespace(orig=error)  # type: ignore[return-value]


LABEL = "postgresql://anna@db.example.com/agency"


@pytest.mark.parametrize(
    ("message", "sqlstate", "kind", "says"),
    [
        (
            'connection failed: FATAL:  database "agency" does not exist',
            None,
            DatabaseError,
            "create it: createdb agency",
        ),
        (
            'FATAL:  password authentication failed for user "anna"',
            "28P01",
            DatabaseError,
            "refused user anna",
        ),
        ('FATAL:  role "anna" does not exist', None, DatabaseError, "has no user anna"),
        ("permission denied for table client", "42501", DatabaseError, "grant user anna"),
        (
            'connection failed: connection to server at "10.0.0.9", port 5432 failed: '
            "Connection refused",
            None,
            ServerUnreachable,
            "cannot reach the PostgreSQL server at db.example.com:5432",
        ),
        ("server closed the connection unexpectedly", "08006", ServerUnreachable, "cannot reach"),
        ("could not serialize access", "40001", DatabaseBusy, "busy"),
    ],
)
def test_connection_trouble_is_one_line_that_says_what_to_do(
    message: str, sqlstate: str | None, kind: type[Exception], says: str
) -> None:
    error = explain(
        _failure(message, sqlstate),  # type: ignore[arg-type]
        label=LABEL,
        user="anna",
        dbname="agency",
        where="db.example.com:5432",
    )
    assert isinstance(error, kind)
    text = str(error)
    assert says in text and text.startswith(LABEL) and "\n" not in text


def test_an_old_server_is_refused_by_version() -> None:
    assert "PostgreSQL 12; retainer needs PostgreSQL 13 or newer" in str(too_old(LABEL, 120014))


def test_a_readable_config_with_a_password_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('database = "postgresql://anna:pw@host/agency"\n')
    config.chmod(0o644)
    with pytest.raises(ConfigError, match="holds a database password and others can read it"):
        load_settings(config)
    config.chmod(0o600)
    assert load_settings(config).database == "postgresql://anna:pw@host/agency"


def test_without_the_driver_one_line_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import builtins

    real_import = builtins.__import__

    def no_psycopg(name: str, *args: object, **kwargs: object) -> object:
        if name == "psycopg" or name.startswith("psycopg."):
            raise ImportError("No module named 'psycopg'")
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_psycopg)
    assert main(["--db", "postgresql://me@/agency", "status"]) != 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pip install 'retainer-tui[postgres]'" in err


# -- on a server -------------------------------------------------------------------------


def test_an_empty_database_gets_the_schema_once_and_then_opens_at_head(empty_url: str) -> None:
    first = open_database(empty_url, currency="eur")
    assert isinstance(first, PostgresDatabase) and first.created
    with raw(first) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (SCHEMA_HEAD,)
        ]
        assert conn.execute("SELECT value FROM meta WHERE key = 'currency'").fetchone() == ("EUR",)
    first.dispose()
    again = open_database(empty_url)
    assert not again.created  # type: ignore[attr-defined]
    again.dispose()


def test_two_people_starting_at_once_migrate_once(empty_url: str) -> None:
    opened: list[PostgresDatabase] = []
    failures: list[BaseException] = []

    def start() -> None:
        try:
            opened.append(open_database(empty_url))  # type: ignore[arg-type]
        except BaseException as exc:  # noqa: BLE001 - the test reports it
            failures.append(exc)

    threads = [threading.Thread(target=start) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures
    assert sum(db.created for db in opened) == 1
    with raw(opened[0]) as conn:
        assert conn.execute("SELECT count(*) FROM tier").fetchone() == (3,)
    for db in opened:
        db.dispose()


def test_a_database_of_another_application_is_left_alone(server: PgServer, empty_url: str) -> None:
    import psycopg

    with psycopg.connect(empty_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE invoices (id int)")
    with pytest.raises(DatabaseError, match="holds other tables .invoices. and no retainer data"):
        open_database(empty_url)


def test_a_newer_schema_is_refused(empty_url: str) -> None:
    db = open_database(empty_url)
    with raw(db, write=True) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    db.dispose()
    with pytest.raises(DatabaseError, match="newer retainer-tui .schema 9999_future.; upgrade"):
        open_database(empty_url)


def test_the_same_data_gives_the_same_answers_on_both_engines(
    empty_url: str, tmp_path: Path
) -> None:
    server_db = open_database(empty_url)
    file_db = open_database(tmp_path / "same.db")
    for db in (server_db, file_db):
        load_sample_data(db, as_of=AS_OF)
    answers = []
    for db in (server_db, file_db):
        view = load_month(db, month=Month(2026, 11), as_of=AS_OF, tolerance=0.2, grace_days=7)
        answers.append(
            (
                json.dumps(status_object(view), sort_keys=True),
                export_text(db, "toml"),
                export_text(db, "json"),
                export_text(db, "csv"),
            )
        )
    assert answers[0] == answers[1]
    server_db.dispose()


def test_new_rows_after_rows_with_ids_of_their_own(empty_url: str) -> None:
    db = open_database(empty_url)
    load_sample_data(db, as_of=AS_OF)  # writes its clients' ids itself
    saved = save_client(db, draft=ClientDraft(name="Brand New Client"))
    with raw(db) as conn:
        assert conn.execute("SELECT max(id) FROM client").fetchone() == (saved.id,)
    db.dispose()


def _eventually(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_others_changes_are_noticed_and_ones_own_are_not(empty_url: str) -> None:
    mine = open_database(empty_url)
    theirs = PostgresDatabase(empty_url)
    watcher = mine.watcher()
    watcher.mark_seen()
    assert not watcher.changed()
    save_client(mine, draft=ClientDraft(name="Mine"))
    assert not watcher.changed()
    save_client(theirs, draft=ClientDraft(name="Theirs"))
    assert _eventually(watcher.changed)  # the notification crosses the socket
    assert not watcher.changed()  # told once
    watcher.close()
    theirs.dispose()
    mine.dispose()


def test_backup_and_restore_through_data_files(
    empty_url: str, server: PgServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = open_database(empty_url)
    load_sample_data(db, as_of=AS_OF)
    expected = export_text(db, "toml")
    db.dispose()
    copy = tmp_path / "team.toml"
    assert main(["--db", empty_url, "backup", "-o", str(copy)]) == 0
    assert copy.read_text() == expected and copy.stat().st_mode & 0o077 == 0

    other = server.fresh()
    try:
        assert main(["--db", other, "restore", str(copy)]) == 0
        assert "Restored" in capsys.readouterr().out
        restored = open_database(other)
        assert export_text(restored, "toml") == expected
        save_client(restored, draft=ClientDraft(name="Added After"))
        restored.dispose()
        # A database holding data is replaced only when asked, after a backup.
        assert main(["--db", other, "restore", str(copy)]) != 0
        assert "holds data; restore replaces it: confirm with --yes" in capsys.readouterr().err
        assert main(["--db", other, "restore", "--yes", str(copy)]) == 0
        said = capsys.readouterr().out
        assert "the previous data is in" in said
        kept = Path(said.rsplit("the previous data is in ", 1)[1].strip())
        assert "Added After" in kept.read_text()
        again = open_database(other)
        assert export_text(again, "toml") == expected
        again.dispose()
    finally:
        server.drop(other)


def test_status_and_import_from_the_command_line(
    empty_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = open_database(tmp_path / "from.db")
    load_sample_data(source, as_of=AS_OF)
    data = tmp_path / "agency.toml"
    data.write_text(export_text(source, "toml"))
    assert main(["--db", empty_url, "import", str(data)]) == 0
    assert "into a new database postgresql://" in capsys.readouterr().out
    assert main(["--db", empty_url, "--as-of", "2026-11-20", "status", "--json"]) == 0
    on_server = capsys.readouterr().out
    assert (
        main(["--db", str(tmp_path / "from.db"), "--as-of", "2026-11-20", "status", "--json"]) == 0
    )
    assert on_server == capsys.readouterr().out
