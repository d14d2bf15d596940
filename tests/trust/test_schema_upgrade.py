"""Schema upgrades keep every row: the first released schema (tests/fixtures/schema_0001.db,
made by tests/fixtures/make_schema_0001.py) reaches the current one with every row and
value intact, backed up first, and an upgrade that fails half-way changes nothing."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from datetime import date
from pathlib import Path

import pytest
from alembic import command

from retainer_tui.db import migrate
from retainer_tui.db.backup import list_backups
from retainer_tui.db.errors import DatabaseError
from retainer_tui.db.migrate import SCHEMA_HEAD, open_database
from retainer_tui.domain.month import Month
from retainer_tui.services.client_read import find_client
from retainer_tui.services.data_file import export_data
from retainer_tui.services.month_view import load_month
from tests.fixtures import make_schema_0001 as fixture
from tests.trust import tally
from tests.trust.helpers import as_before, read_tables

FIXTURE = Path(fixture.__file__).with_name("schema_0001.db")


def revision(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return migrate.current_revision(conn) or ""
    finally:
        conn.close()


@pytest.fixture
def old_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data" / "retainer.db"
    target.parent.mkdir()
    shutil.copyfile(FIXTURE, target)
    os.chmod(target, 0o600)
    return target


def test_the_fixture_is_what_the_script_builds(tmp_path: Path) -> None:
    """The committed file and its script agree: rows in every table of the first schema."""
    assert revision(FIXTURE) == "0001_initial"
    rebuilt = fixture.build(tmp_path / "rebuilt.db")
    assert read_tables(rebuilt) == read_tables(FIXTURE)
    tables = read_tables(FIXTURE)
    assert set(tables) == {
        "meta", "tier", "metric", "client", "goal", "result", "hours", "payment", "report",
    }  # fmt: skip
    assert all(rows for _, rows in tables.values()), "every table holds rows"


def test_upgrade_keeps_every_row_and_value(old_copy: Path, tmp_path: Path) -> None:
    before = read_tables(old_copy)
    backups = tmp_path / "data" / "backups"

    db = open_database(old_copy, backup_dir=backups)

    assert revision(old_copy) == SCHEMA_HEAD
    after = read_tables(old_copy)
    expected = found = 0
    for table, (columns, rows) in before.items():
        new_columns, new_rows = after[table]
        assert set(columns) <= set(new_columns), f"{table} lost a column"
        picked = [new_columns.index(c) for c in columns]
        kept = sorted((tuple(row[i] for i in picked) for row in new_rows), key=repr)
        assert kept == rows, f"{table}: rows or values changed"
        expected += len(rows)
        found += sum(1 for row in rows if row in kept)
    tally.rows_checked(expected, found)
    assert expected == found > 40
    # The tables the upgrade added start empty; nothing else appeared.
    assert {t: rows for t, (_, rows) in after.items() if t not in before} == {
        "objection": [],
        "prospect": [],
        "tier_goal": [],
    }
    with db.read() as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []

    # Backed up first: the copy is the old file, private, in a private folder.
    (copy,) = list_backups(backups)
    assert revision(copy) == "0001_initial"
    assert read_tables(copy) == before
    assert stat.S_IMODE(os.stat(copy).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(backups).st_mode) == 0o700


def test_upgraded_data_reads_the_same_through_the_services(old_copy: Path, tmp_path) -> None:
    db = open_database(old_copy, backup_dir=tmp_path / "b")
    rossi = find_client(db, name="rossi bakery")
    assert rossi is not None
    assert (rossi.monthly_fee_cents, rossi.start_month, rossi.notes) == (
        200000,
        Month(2026, 1),
        "Prefers calls on Monday.\nSecond line.",
    )
    bianchi = find_client(db, name="Bianchi Gym")
    assert bianchi is not None
    assert (bianchi.stage, bianchi.next_action_on, bianchi.objections) == (
        "proposal sent",
        date(2026, 11, 24),
        "Worried about price; wants results first",
    )
    view = load_month(db, month=Month(2026, 10), as_of=date(2026, 11, 20))
    assert view.currency == "EUR"
    by_name = {c.name: c for c in view.clients}
    assert set(by_name) >= {"Rossi Bakery", "Greco Dental", "Neri Studio"}
    rossi_oct = {m.metric: m.actual for m in by_name["Rossi Bakery"].metrics}
    assert rossi_oct["new_followers"] == 812
    assert rossi_oct["conversions"] == 0
    text = export_data(db, "toml")
    for needle in ("Verdi Wines 🍷", "مطعم الشرق", "999999999.99", "Starter ☕", "reels"):
        assert needle in text


def test_an_upgrade_that_fails_half_way_changes_nothing(
    old_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Migrations run in one transaction: a failure after the first new table leaves the
    file exactly as it was (and a later start upgrades it cleanly)."""
    from alembic.operations import Operations

    before = read_tables(old_copy)
    real = Operations.create_table
    calls = []

    def fail_on_second(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(args[0])
        if len(calls) == 2:
            raise RuntimeError("the power went out")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Operations, "create_table", fail_on_second)
    with pytest.raises(DatabaseError):
        open_database(old_copy, backup_dir=tmp_path / "b")
    assert len(calls) == 2
    assert revision(old_copy) == "0001_initial"
    assert read_tables(old_copy) == before  # no half-made table

    monkeypatch.setattr(Operations, "create_table", real)
    open_database(old_copy, backup_dir=tmp_path / "b")
    assert revision(old_copy) == SCHEMA_HEAD


def test_a_table_rebuilding_migration_keeps_child_rows(
    old_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite alters a table by copy, drop and rename; with foreign keys on, the drop
    would cascade to every goal, result and payment. Upgrades run with them off and are
    checked before they commit."""
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    before = read_tables(old_copy)
    real_upgrade = command.upgrade

    def rebuild_client_then_upgrade(cfg, target):  # type: ignore[no-untyped-def]
        conn = cfg.attributes["connection"]
        ops = Operations(MigrationContext.configure(conn, opts={"render_as_batch": True}))
        with ops.batch_alter_table("client", recreate="always") as batch:
            batch.alter_column("notes", existing_type=None, nullable=False)
        return real_upgrade(cfg, target)

    monkeypatch.setattr(command, "upgrade", rebuild_client_then_upgrade)
    db = open_database(old_copy, backup_dir=tmp_path / "b")
    after = as_before(read_tables(old_copy), before)
    for table in ("goal", "result", "hours", "payment", "report", "client"):
        assert after[table][1] == before[table][1], f"{table} rows lost in the rebuild"
    with db.read() as conn:
        assert conn.execute("PRAGMA foreign_keys").fetchone() == (1,)


def test_upgraded_tiers_start_without_default_goals_and_take_them(
    old_copy: Path, tmp_path: Path
) -> None:
    """0003_tier_goals invents no defaults for a database in use; set through the tier
    form's service, they apply to an upgraded client from a month on, earlier months kept."""
    from retainer_tui.services.entries import apply_tier_goals, targets_in_force
    from retainer_tui.services.tiers import list_tiers, save_tier

    db = open_database(old_copy, backup_dir=tmp_path / "b")
    tiers = {t.name: t for t in list_tiers(db)}
    assert all(t.goals == () for t in tiers.values())
    tier1 = tiers["Tier 1"]
    draft = tier1.draft()
    save_tier(
        db,
        draft=draft.__class__(**{**{f: getattr(draft, f) for f in draft.__slots__},
                                 "goals": {"new_followers": "900", "reels": "3"}}),
        tier_id=tier1.id,
    )  # fmt: skip
    rossi = find_client(db, name="Rossi Bakery")
    assert rossi is not None
    applied = apply_tier_goals(db, client_id=rossi.id, month=Month(2026, 12))
    assert applied.targets == {"new_followers": 900, "reels": 3}
    december = targets_in_force(db, client_id=rossi.id, month=Month(2026, 12))
    november = targets_in_force(db, client_id=rossi.id, month=Month(2026, 11))
    assert (december["new_followers"].target, december["posts_shared"].target) == (900, 40)
    assert november["new_followers"].target == 750
    with db.read() as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
