"""Migrations: no drift from the models, idempotent upgrades, data kept, cheap at head."""

from __future__ import annotations

import os
import sqlite3
import stat
from importlib import resources
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from retainer_tui.db import migrate
from retainer_tui.db.errors import DatabaseError
from retainer_tui.db.migrate import SCHEMA_HEAD, open_database
from retainer_tui.db.models import metadata
from retainer_tui.domain.names import name_key


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("retainer_tui.db") / "migrations"))
    return cfg


def test_schema_head_constant_is_alembics_head() -> None:
    assert ScriptDirectory.from_config(_config()).get_current_head() == SCHEMA_HEAD
    revisions = {r.revision for r in ScriptDirectory.from_config(_config()).walk_revisions()}
    assert revisions == set(migrate.KNOWN_REVISIONS)


def test_no_drift_between_models_and_migrations(db) -> None:
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_new_database_has_defaults_wal_and_owner_only_permissions(db, db_path: Path) -> None:
    with db.read() as conn:
        tiers = conn.execute(
            "SELECT name, monthly_fee_cents, included_hours FROM tier ORDER BY position"
        ).fetchall()
        metrics = [r[0] for r in conn.execute("SELECT key FROM metric ORDER BY position")]
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        fks = conn.execute("PRAGMA foreign_keys").fetchone()[0]
        timeout = conn.execute("PRAGMA busy_timeout").fetchone()[0]
    assert tiers == [("Tier 1", 300000, 20), ("Tier 2", 500000, 35), ("Tier 3", 1000000, 60)]
    assert metrics == ["new_followers", "posts_shared", "conversions", "blog_posts", "newsletters"]
    assert (mode, fks) == ("wal", 1)
    assert timeout >= 1000
    assert stat.S_IMODE(os.stat(db_path).st_mode) == 0o600
    assert [p.name for p in db_path.parent.iterdir() if p.name.startswith(".")] == []


def test_upgrading_twice_is_harmless(db, db_path: Path) -> None:
    with db.write() as conn:
        conn.execute(
            "INSERT INTO client (name, company, decision_maker, email, phone, "
            "service_type, billing_day, report_due_day, status, notes, stage, "
            "next_action, objections) VALUES ('A', '', '', '', '', 'other', 1, 5, "
            "'active', '', '', '', '')"
        )
    with db.engine.begin() as conn:
        cfg = _config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        command.upgrade(cfg, "head")
    again = open_database(db_path)
    with again.read() as conn:
        assert conn.execute("SELECT name FROM client").fetchall() == [("A",)]
        assert conn.execute("SELECT count(*) FROM tier").fetchone()[0] == 3


def test_open_at_head_does_not_import_alembic_or_back_up(db, db_path: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys; from pathlib import Path;"
        "from retainer_tui.db.migrate import open_database;"
        f"open_database(Path({str(db_path)!r}));"
        "print('alembic' in sys.modules, 'sqlalchemy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
    assert not (db_path.parent / "backups").exists()


def test_upgrade_from_an_older_revision_backs_up_first(db_path: Path, tmp_path: Path) -> None:
    """A database stamped at an older revision is backed up before it is upgraded."""
    db = open_database(db_path)
    with db.write() as conn:
        conn.execute("INSERT INTO meta (key, value) VALUES ('marker', 'kept')")
        conn.execute("DROP TABLE alembic_version")
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        conn.execute("INSERT INTO alembic_version VALUES ('0000_before')")
    backups = tmp_path / "b"
    original = migrate.KNOWN_REVISIONS
    try:
        migrate.KNOWN_REVISIONS = original | {"0000_before"}
        with pytest.raises(DatabaseError):
            # Alembic itself does not know 0000_before: the upgrade fails, but only after
            # the backup was taken, and the file is left as it was.
            open_database(db_path, backup_dir=backups)
    finally:
        migrate.KNOWN_REVISIONS = original
    copies = list(backups.iterdir())
    assert len(copies) == 1
    copy = sqlite3.connect(copies[0])
    assert copy.execute("SELECT value FROM meta WHERE key='marker'").fetchone() == ("kept",)
    assert stat.S_IMODE(os.stat(copies[0]).st_mode) == 0o600
    still = sqlite3.connect(db_path)
    assert still.execute("SELECT version_num FROM alembic_version").fetchone() == ("0000_before",)


def test_database_from_a_newer_app_is_refused(db, db_path: Path) -> None:
    with db.write() as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    before = db_path.read_bytes()
    with pytest.raises(DatabaseError, match="newer retainer-tui"):
        open_database(db_path)
    assert db_path.read_bytes() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"name,fee\nRossi,3000\n", "not an SQLite database"),
        (b"SQLite format 3\x00" + b"\x00" * 50, "damaged"),
    ],
    ids=["empty", "text", "truncated"],
)
def test_files_that_are_not_databases_are_refused_untouched(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "x.db"
    path.write_bytes(content)
    with pytest.raises(DatabaseError, match=message):
        open_database(path)
    assert path.read_bytes() == content


def test_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseError, match="not a retainer database"):
        open_database(path)


def test_folder_that_cannot_be_created(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(DatabaseError, match="does not exist; check --db"):
        open_database(blocker / "sub" / "r.db")
    assert blocker.read_text() == "x"


def test_upgrade_from_the_first_revision_keeps_every_row(db_path: Path, tmp_path: Path) -> None:
    """A database holding data at 0001_initial reaches head with every row intact."""
    from retainer_tui.db.engine import SqliteDatabase
    from retainer_tui.db.sqlite_file import create_file

    create_file(db_path)
    old = SqliteDatabase(db_path)
    cfg = _config()
    with old.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001_initial")
    old.dispose()
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(
        "INSERT INTO client (name, company, decision_maker, email, phone, service_type, "
        "tier_id, billing_day, report_due_day, start_month, status, notes, stage, "
        "next_action, next_action_on, objections) VALUES "
        "('Rossi Bakery', 'Rossi', 'Anna', 'a@r.it', '', 'social media', 1, 1, 5, "
        "'2026-01', 'active', 'n', '', '', NULL, ''), "
        "('Verdi', '', 'Marco', '', '', 'copywriting', NULL, 1, 5, NULL, 'prospect', '', "
        "'proposal sent', 'Follow up', '2026-11-24', 'Worried about price')"
    )
    conn.execute("INSERT INTO goal VALUES (1, 'new_followers', '2026-01', 500)")
    conn.execute("INSERT INTO result VALUES (1, 'new_followers', '2026-11', 120)")
    conn.execute("INSERT INTO hours VALUES (1, '2026-11', 1250)")
    conn.execute("INSERT INTO payment VALUES (1, '2026-11', 300000, '2026-11-02')")
    conn.execute("INSERT INTO report VALUES (1, '2026-10', '2026-11-03', 'Good month')")
    conn.commit()
    tables = ("meta", "tier", "metric", "client", "goal", "result", "hours", "payment", "report")
    before = {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in tables}
    columns = {t: [r[1] for r in conn.execute(f"PRAGMA table_info({t})")] for t in tables}
    conn.close()

    db = open_database(db_path, backup_dir=tmp_path / "backups")
    with db.read() as conn:
        assert migrate.current_revision(conn) == SCHEMA_HEAD
        # In the columns the tables had: the upgrade adds some (a name's key), keeps all.
        after = {
            t: conn.execute(f"SELECT {', '.join(columns[t])} FROM {t} ORDER BY 1, 2").fetchall()
            for t in tables
        }
        keys = conn.execute("SELECT name, name_key FROM client ORDER BY id").fetchall()
        assert keys == [(name, name_key(name)) for name, _key in keys]
        assert conn.execute("SELECT count(*) FROM prospect").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM objection").fetchone() == (0,)
        # The new tables take rows for the old clients, defaults filled in by SQLite.
        conn.execute("INSERT INTO prospect (client_id) VALUES (2)")
        assert conn.execute(
            "SELECT workload, targets, extra_services, proposal_markdown FROM prospect"
        ).fetchone() == ("", "{}", "[]", 0)
    assert after == before
    assert len(list((tmp_path / "backups").iterdir())) == 1


def _at_revision(db_path: Path, revision: str) -> sqlite3.Connection:
    """A new file migrated only up to revision, open for writing test rows."""
    from retainer_tui.db.engine import SqliteDatabase
    from retainer_tui.db.sqlite_file import create_file

    create_file(db_path)
    old = SqliteDatabase(db_path)
    cfg = _config()
    with old.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    old.dispose()
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def test_new_database_offers_default_goals_for_the_three_tiers(db) -> None:
    with db.read() as conn:
        rows = conn.execute(
            "SELECT t.name, g.metric_key, g.target FROM tier_goal g JOIN tier t "
            "ON t.id = g.tier_id JOIN metric m ON m.key = g.metric_key "
            "ORDER BY t.position, m.position"
        ).fetchall()
    assert rows == [
        ("Tier 1", "new_followers", 300),
        ("Tier 1", "posts_shared", 30),
        ("Tier 2", "new_followers", 600),
        ("Tier 2", "posts_shared", 45),
        ("Tier 2", "conversions", 10),
        ("Tier 3", "new_followers", 1200),
        ("Tier 3", "posts_shared", 60),
        ("Tier 3", "conversions", 30),
    ]


def test_upgrade_from_0002_with_data_keeps_every_row_and_adds_no_goals(
    db_path: Path, tmp_path: Path
) -> None:
    """A database in use at 0002_pipeline reaches head with every row intact; its tiers
    get no default goals (they are the user's to choose), and the new table works."""
    conn = _at_revision(db_path, "0002_pipeline")
    conn.execute(
        "INSERT INTO client (name, company, decision_maker, email, phone, service_type, "
        "tier_id, billing_day, report_due_day, start_month, status, notes, stage, "
        "next_action, next_action_on, objections) VALUES "
        "('Rossi Bakery', '', 'Anna', '', '', 'social media', 1, 1, 5, '2026-01', "
        "'active', '', '', '', NULL, ''), "
        "('Verdi', '', '', '', '', 'other', 2, 1, 5, NULL, 'prospect', '', "
        "'proposal sent', 'Follow up', '2026-11-24', '')"
    )
    conn.execute("INSERT INTO goal VALUES (1, 'new_followers', '2026-01', 500)")
    conn.execute("INSERT INTO result VALUES (1, 'new_followers', '2026-11', 120)")
    conn.execute("INSERT INTO payment VALUES (1, '2026-11', 300000, '2026-11-02')")
    conn.execute(
        "INSERT INTO prospect (client_id, workload, recommended_tier_id) VALUES (2, 'Posts', 2)"
    )
    conn.execute(
        "INSERT INTO objection (client_id, position, kind, text) VALUES (2, 0, 'money', 'x')"
    )
    conn.commit()
    tables = (
        "meta", "tier", "metric", "client", "goal", "result", "hours", "payment", "report",
        "prospect", "objection",
    )  # fmt: skip
    before = {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in tables}
    columns = {t: [r[1] for r in conn.execute(f"PRAGMA table_info({t})")] for t in tables}
    conn.close()

    db = open_database(db_path, backup_dir=tmp_path / "backups")
    with db.read() as conn:
        assert migrate.current_revision(conn) == SCHEMA_HEAD
        # In the columns the tables had: the upgrade adds some (a name's key), keeps all.
        after = {
            t: conn.execute(f"SELECT {', '.join(columns[t])} FROM {t} ORDER BY 1, 2").fetchall()
            for t in tables
        }
        keys = conn.execute("SELECT name, name_key FROM client ORDER BY id").fetchall()
        assert keys == [(name, name_key(name)) for name, _key in keys]
        assert conn.execute("SELECT count(*) FROM tier_goal").fetchone() == (0,)
    assert after == before
    with db.write() as conn:
        conn.execute("INSERT INTO tier_goal VALUES (3, 'conversions', 25)")
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute("INSERT INTO tier_goal VALUES (3, 'no_such_metric', 1)")
        conn.execute("DELETE FROM tier WHERE id = 3")  # no client on it: goals go with it
        assert conn.execute("SELECT count(*) FROM tier_goal").fetchone() == (0,)
    assert len(list((tmp_path / "backups").iterdir())) == 1


def test_upgrade_of_an_empty_database_seeds_only_tiers_still_named_as_built(
    db_path: Path, tmp_path: Path
) -> None:
    conn = _at_revision(db_path, "0002_pipeline")
    conn.execute("UPDATE tier SET name = 'Premium' WHERE name = 'Tier 2'")
    conn.execute("UPDATE tier SET name = 'tier 3' WHERE name = 'Tier 3'")
    conn.commit()
    conn.close()
    db = open_database(db_path, backup_dir=tmp_path / "backups")
    with db.read() as conn:
        rows = conn.execute(
            "SELECT t.name, count(*) FROM tier_goal g JOIN tier t ON t.id = g.tier_id "
            "GROUP BY t.id ORDER BY t.position"
        ).fetchall()
    # Names compare as the tier table does (ignoring case); a renamed tier is left alone.
    assert rows == [("Tier 1", 2), ("tier 3", 3)]


def test_upgrade_keeps_two_names_that_now_give_one_key(db_path: Path, tmp_path: Path) -> None:
    """'Café' written two ways were two clients under NOCASE; both are kept, with keys
    made distinct, and new names are checked against the key from then on."""
    conn = _at_revision(db_path, "0003_tier_goals")
    for name in ("Café", "Cafe\u0301", "Rossi"):
        conn.execute(
            "INSERT INTO client (name, company, decision_maker, email, phone, service_type, "
            "billing_day, report_due_day, status, notes, stage, next_action, objections) "
            "VALUES (?, '', '', '', '', 'other', 1, 5, 'active', '', '', '', '')",
            (name,),
        )
    conn.commit()
    conn.close()
    db = open_database(db_path, backup_dir=tmp_path / "backups")
    with db.read() as conn:
        rows = conn.execute("SELECT id, name, name_key FROM client ORDER BY id").fetchall()
    assert [(name, key) for _id, name, key in rows] == [
        ("Café", "café"),
        ("Cafe\u0301", f"café\u200b{rows[1][0]}"),
        ("Rossi", "rossi"),
    ]
    with pytest.raises(DatabaseError, match="UNIQUE"), db.write() as conn:
        conn.execute(
            "INSERT INTO client (name, name_key, company, decision_maker, email, phone, "
            "service_type, billing_day, report_due_day, status, notes, stage, next_action, "
            "objections) VALUES ('ROSSI', 'rossi', '', '', '', '', 'other', 1, 5, 'active', "
            "'', '', '', '')"
        )


def test_upgrade_from_0004_keeps_every_row_and_tracks_from_the_start(
    db_path: Path, tmp_path: Path
) -> None:
    """A database in use at 0004_name_key reaches head with every row as it was; its
    clients get no tracked-from month (NULL: the start month), and one can be set."""
    conn = _at_revision(db_path, "0004_name_key")
    conn.execute(
        "INSERT INTO client (name, name_key, company, decision_maker, email, phone, "
        "service_type, tier_id, billing_day, report_due_day, start_month, end_month, status, "
        "notes, stage, next_action, objections) VALUES "
        "('Rossi Bakery', 'rossi bakery', 'Rossi', 'Anna', 'a@b.co', '', 'social media', 1, "
        "1, 5, '2026-01', NULL, 'active', 'n', '', '', ''), "
        "('Verdi', 'verdi', '', '', '', '', 'other', 2, 15, 10, '2025-03', '2026-06', "
        "'ended', '', '', '', '')"
    )
    conn.execute("INSERT INTO goal VALUES (1, 'new_followers', '2026-01', 500)")
    conn.execute("INSERT INTO result VALUES (1, 'new_followers', '2026-11', 120)")
    conn.execute("INSERT INTO hours VALUES (1, '2026-11', 1250)")
    conn.execute("INSERT INTO payment VALUES (1, '2026-11', 300000, '2026-11-02')")
    conn.execute("INSERT INTO report VALUES (2, '2026-05', '2026-06-03', 'Good month')")
    conn.commit()
    tables = ("meta", "tier", "tier_goal", "metric", "client", "goal", "result", "hours",
              "payment", "report", "prospect", "objection")  # fmt: skip
    before = {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in tables}
    columns = {t: [r[1] for r in conn.execute(f"PRAGMA table_info({t})")] for t in tables}
    conn.close()

    db = open_database(db_path, backup_dir=tmp_path / "backups")
    with db.read() as conn:
        assert migrate.current_revision(conn) == SCHEMA_HEAD
        after = {
            t: conn.execute(f"SELECT {', '.join(columns[t])} FROM {t} ORDER BY 1, 2").fetchall()
            for t in tables
        }
        tracked = conn.execute("SELECT name, tracked_from FROM client ORDER BY id").fetchall()
    assert after == before
    assert sum(len(rows) for rows in before.values()) > 20
    assert tracked == [("Rossi Bakery", None), ("Verdi", None)]
    with db.write() as conn:
        conn.execute("UPDATE client SET tracked_from = '2026-12' WHERE id = 1")
    with db.read() as conn:
        assert conn.execute("SELECT tracked_from FROM client WHERE id = 1").fetchone() == (
            "2026-12",
        )
    assert len(list((tmp_path / "backups").iterdir())) == 1
