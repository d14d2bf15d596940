"""A team on one PostgreSQL database, in real processes: two people at the app (Pilot)
typing clients while a third imports a data file and a script saves results. Each app
sees the other's clients appear by itself, and nothing is lost."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from retainer_tui.db.migrate import open_database
from retainer_tui.services.data_file import export_data
from retainer_tui.services.sample_scaled import generate_scaled
from tests.pg import PgServer
from tests.raw import raw
from tests.trust import tally
from tests.trust.test_concurrency import run_together


@pytest.fixture
def team_url(pg_server: PgServer | None) -> str:
    if pg_server is None:
        pytest.skip("no PostgreSQL server answered")
    url = pg_server.fresh()
    open_database(url).dispose()  # the schema, as the first person to open it makes it
    yield url
    pg_server.drop(url)


def test_two_people_an_import_and_a_script_at_once(team_url: str, tmp_path: Path) -> None:
    source = open_database(tmp_path / "source.db")
    generate_scaled(source, clients=120, months=12, as_of=date(2026, 11, 20))
    data = tmp_path / "clients.toml"
    data.write_text(export_data(source, "toml"), encoding="utf-8")
    with raw(source) as conn:
        expected = {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("client", "goal", "result", "hours", "payment", "report")
        }

    n = 6
    run_together(
        tmp_path / "go",
        ("app", team_url, "Anna", str(n), "Sara"),
        ("app", team_url, "Sara", str(n), "Anna"),
        ("import", team_url, str(data), "2"),
        ("saves", team_url, "Script", "15"),
    )

    db = open_database(team_url)
    with raw(db) as conn:
        names = {name for (name,) in conn.execute("SELECT name FROM client")}
        for person in ("Anna", "Sara"):
            for i in range(n):
                assert f"{person} {i:04d}" in names, f"{person}'s client {i} was lost"
        for i in range(15):
            assert f"Script {i:04d}" in names
        imported = {
            table: conn.execute(
                f"SELECT count(*) FROM {table} t JOIN client c ON c.id = "
                + ("t.id" if table == "client" else "t.client_id")
                + " WHERE c.name LIKE 'Client %'"
            ).fetchone()[0]
            for table in expected
        }
        signed = {
            author
            for (author,) in conn.execute(
                "SELECT DISTINCT action FROM change_log WHERE action LIKE 'new client %'"
            )
        }
    for table, want in expected.items():
        tally.rows_checked(want, imported[table])
        assert imported[table] == want, f"{table}: {imported[table]} of {want} imported rows"
    assert {f"new client Anna {i:04d}" for i in range(n)} <= signed
    db.dispose()


def test_a_form_opened_before_another_persons_save_is_told(team_url: str, tmp_path: Path) -> None:
    """Two people, two processes, one tier: Anna's form was open when Sara saved; Anna's
    save is refused, told who changed what, and Sara's fee stays."""
    import time
    from dataclasses import replace

    from retainer_tui.db.postgres import PostgresDatabase
    from retainer_tui.services.tiers import get_tier, list_tiers, save_tier
    from tests.trust.test_concurrency import start

    go, ready = tmp_path / "go", tmp_path / "ready"
    anna = start(go, "stale", team_url, "Tier 1", "1750.00", str(ready))
    deadline = time.monotonic() + 60
    while not ready.exists():
        assert anna.poll() is None, anna.communicate()[1]
        assert time.monotonic() < deadline, "Anna's form never opened"
        time.sleep(0.02)
    sara = PostgresDatabase(team_url)
    sara.author = "sara"
    tier_id = next(t.id for t in list_tiers(sara) if t.name == "Tier 1")
    draft = replace(get_tier(sara, tier_id=tier_id).draft(), monthly_fee="2100.00")
    save_tier(sara, draft=draft, tier_id=tier_id, clients_follow=True)
    go.touch()
    out, err = anna.communicate(timeout=60)
    assert anna.returncode == 0, err
    assert out.startswith("CONFLICT") and "sara" in out and "2100.00" in out, out
    assert get_tier(sara, tier_id=tier_id).monthly_fee_cents == 210_000
    sara.dispose()
