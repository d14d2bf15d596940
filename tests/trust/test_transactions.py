"""Every user action and every import is one transaction: each write service, called as
the app calls it, begins exactly one write transaction (BEGIN IMMEDIATE … COMMIT) and
rolls it back whole when it fails half-way. (test_kill9 kills processes in the middle.)"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest

from retainer_tui.db.engine import Database, SqliteDatabase
from retainer_tui.domain.month import Month
from retainer_tui.services import client_read, clients, entries, pipeline, reports, tiers, undo
from retainer_tui.services.data_file import export_data, import_data
from retainer_tui.services.sample import load_sample_data
from tests.trust import tally
from tests.trust.helpers import read_tables

AS_OF = date(2026, 11, 20)
NOV, OCT = Month(2026, 11), Month(2026, 10)


@contextmanager
def statements(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every SQL statement the services run, in order."""
    seen: list[str] = []
    real = SqliteDatabase._open

    def traced(self: SqliteDatabase) -> sqlite3.Connection:
        conn = real(self)
        conn.set_trace_callback(seen.append)
        return conn

    monkeypatch.setattr(SqliteDatabase, "_open", traced)
    yield seen
    monkeypatch.setattr(SqliteDatabase, "_open", real)


def transactions(seen: list[str]) -> tuple[int, int, int]:
    """Write transactions begun, committed and rolled back (a read's BEGIN … ROLLBACK,
    which ends a snapshot, is no write)."""
    begins = commits = rollbacks = 0
    writing = False
    for statement in (s.strip().upper() for s in seen):
        if statement.startswith("BEGIN"):
            writing = statement.startswith("BEGIN IMMEDIATE")
            begins += writing
        elif statement in ("COMMIT", "ROLLBACK") and writing:
            commits += statement == "COMMIT"
            rollbacks += statement == "ROLLBACK"
            writing = False
    return begins, commits, rollbacks


Action = Callable[[Database, dict[str, Any]], object]


def actions() -> dict[str, Action]:
    """What the app's keys and forms call (one service call per user action)."""

    return {
        "new client": lambda db, k: clients.save_client(
            db, draft=clients.ClientDraft(name="New Co", tier="Tier 2", start_month="2026-11")
        ),
        "edit client": lambda db, k: clients.save_client(
            db,
            draft=clients.ClientDraft(**{**_fields(k["rossi"].draft()), "phone": "999"}),
            client_id=k["rossi"].id,
            base=k["rossi"].draft(),
        ),
        "archive client": lambda db, k: clients.archive_client(
            db, client_id=k["rossi"].id, today=AS_OF
        ),
        "delete client": lambda db, k: clients.delete_client(db, client_id=k["rossi"].id),
        "goals": lambda db, k: entries.set_goals(
            db, client_id=k["rossi"].id, month=NOV, targets={"new_followers": "9", "reels": ""}
        ),
        "clear goal": lambda db, k: entries.clear_goal(
            db, client_id=k["rossi"].id, metric="conversions", month=OCT
        ),
        "result": lambda db, k: entries.set_result(
            db, client_id=k["rossi"].id, metric="posts_shared", month=NOV, actual="12"
        ),
        "clear result": lambda db, k: entries.clear_result(
            db, client_id=k["rossi"].id, metric="new_followers", month=OCT
        ),
        "hours": lambda db, k: entries.set_hours(
            db, client_id=k["rossi"].id, month=NOV, hours="3.5"
        ),
        "clear hours": lambda db, k: entries.clear_hours(db, client_id=k["rossi"].id, month=OCT),
        "payment": lambda db, k: entries.mark_payment(
            db, client_id=k["rossi"].id, month=NOV, amount="10", today=AS_OF
        ),
        "unmark payment": lambda db, k: entries.unmark_payment(
            db, client_id=k["rossi"].id, month=OCT
        ),
        "report sent": lambda db, k: entries.mark_report_sent(
            db, client_id=k["rossi"].id, month=OCT, today=AS_OF
        ),
        "report sent (queue)": lambda db, k: reports.mark_sent(
            db, client_id=k["rossi"].id, month=OCT, on=AS_OF
        ),
        "highlights": lambda db, k: reports.set_highlights(
            db, client_id=k["rossi"].id, month=OCT, text="A good month"
        ),
        "metric": lambda db, k: entries.add_metric(db, key="stories", label="Stories"),
        "new tier": lambda db, k: tiers.save_tier(
            db, draft=tiers.TierDraft(name="Tier 4", monthly_fee="12000", included_hours="80")
        ),
        "tier fee (clients follow)": lambda db, k: tiers.save_tier(
            db,
            draft=tiers.TierDraft(name="Tier 1", monthly_fee="3500", included_hours="20"),
            tier_id=k["tier1"],
        ),
        "move tier": lambda db, k: tiers.move_tier(db, tier_id=k["tier1"], offset=1),
        "new prospect": lambda db, k: pipeline.save_prospect(
            db, draft=pipeline.ProspectDraft(name="Lead Co"), today=AS_OF
        ),
        "discovery": lambda db, k: pipeline.save_discovery(
            db,
            client_id=k["prospect"],
            draft=pipeline.DiscoveryDraft(workload="Posts", goals="Grow"),
        ),
        "objections": lambda db, k: pipeline.save_objections(
            db,
            client_id=k["prospect"],
            objections=[pipeline.ObjectionDraft(text="Too expensive", answer="Added value")],
        ),
        "move prospect": lambda db, k: pipeline.move_prospect(
            db, client_id=k["prospect"], step=1, today=AS_OF
        ),
        "choose tier": lambda db, k: pipeline.choose_tier(
            db, client_id=k["prospect"], tier_id=k["tier1"], today=AS_OF
        ),
        "lost": lambda db, k: pipeline.mark_lost(
            db, client_id=k["prospect"], reason="No budget", today=AS_OF
        ),
        "retain": lambda db, k: pipeline.retain(
            db, client_id=k["prospect"], tier_id=k["tier1"], start_month=NOV, today=AS_OF
        ),
        "import": lambda db, k: import_data(db, k["file"], fmt="toml"),
    }


def _fields(draft: Any) -> dict[str, Any]:
    return {name: getattr(draft, name) for name in draft.__slots__}


@pytest.fixture
def ready(sample_db: Database) -> dict[str, Any]:
    db = sample_db
    rossi = client_read.find_client(db, name="Rossi Bakery")
    assert rossi is not None
    entries.set_hours(db, client_id=rossi.id, month=OCT, hours="2")
    entries.set_goals(db, client_id=rossi.id, month=OCT, targets={"conversions": "3"})
    # An instalment: the sample may hold October paid in full already.
    entries.mark_payment(db, client_id=rossi.id, month=OCT, amount="10", today=AS_OF)
    entries.set_result(db, client_id=rossi.id, metric="new_followers", month=OCT, actual=5)
    prospect = clients.save_client(
        db, draft=clients.ClientDraft(name="Prospect Co", status="prospect", stage="first call")
    )
    tier1 = next(t.id for t in tiers.list_tiers(db) if t.name == "Tier 1")
    text = export_data(db, "toml").replace("Rossi Bakery", "Rossi Bakery Two")
    return {"rossi": rossi, "prospect": prospect.id, "tier1": tier1, "file": text}


@pytest.mark.parametrize("name", list(actions()))
def test_each_action_is_one_transaction(
    name: str, sample_db: Database, ready: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = read_tables(sample_db.path)
    with statements(monkeypatch) as seen:
        actions()[name](sample_db, ready)
    assert transactions(seen) == (1, 1, 0), [s[:60] for s in seen if not s.startswith("SELECT")]
    assert read_tables(sample_db.path) != before, "the action changed nothing"
    tally.tried()


def test_undo_and_sample_data_are_one_transaction_each(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    with statements(monkeypatch) as seen:
        load_sample_data(db, as_of=AS_OF)
    assert transactions(seen) == (1, 1, 0)
    stack = undo.UndoStack()
    rossi = client_read.find_client(db, name="Rossi Bakery")
    assert rossi is not None
    clients.delete_client(db, client_id=rossi.id, undo=stack)
    with statements(monkeypatch) as seen:
        undo.undo_last(db, stack=stack)
    assert transactions(seen) == (1, 1, 0)


def test_a_failure_half_way_rolls_the_whole_action_back(
    sample_db: Database, ready: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import writes clients, then their goals, results, hours…: make the last
    insert fail and nothing of it stays."""
    before = read_tables(sample_db.path)
    real = SqliteDatabase._open

    class FailingCursor(sqlite3.Cursor):
        def executemany(self, sql: str, rows: Any) -> sqlite3.Cursor:  # type: ignore[override]
            if sql.startswith("INSERT INTO report"):
                raise sqlite3.OperationalError("disk I/O error (simulated)")
            return super().executemany(sql, rows)

    class Failing(sqlite3.Connection):
        # SQLAlchemy runs its executemany on a cursor; raw sqlite3 on the connection.
        def cursor(self, factory: Any = FailingCursor) -> sqlite3.Cursor:  # type: ignore[override]
            return super().cursor(factory)

        def executemany(self, sql: str, rows: Any) -> sqlite3.Cursor:  # type: ignore[override]
            return self.cursor().executemany(sql, rows)

    def opened(self: Database) -> sqlite3.Connection:
        conn = real(self)
        conn.close()
        return sqlite3.connect(self.path, timeout=5, factory=Failing)

    monkeypatch.setattr(SqliteDatabase, "_open", opened)
    with pytest.raises(Exception, match="disk I/O error"):
        import_data(sample_db, ready["file"], fmt="toml")
    monkeypatch.setattr(SqliteDatabase, "_open", real)
    assert read_tables(sample_db.path) == before
