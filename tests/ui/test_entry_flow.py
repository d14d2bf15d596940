"""Data entry purely with key presses: new clients, their goals, a month of results in the
grid, a payment and a report mark; then the values read back from the database and from
`retainer status --json`. Also undo (ctrl+z) and the tiers screen."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from textual.widgets import Input

from retainer_tui.cli import main
from retainer_tui.db.engine import Database
from retainer_tui.domain.month import Month
from retainer_tui.services.client_read import find_client
from retainer_tui.services.clients import ClientDraft, save_client
from retainer_tui.services.entries import payment_for, report_sent_on, targets_in_force
from retainer_tui.services.month_view import load_month
from retainer_tui.services.status_json import status_object
from retainer_tui.services.tiers import list_tiers
from retainer_tui.tui.screens.client_form import ClientFormScreen
from retainer_tui.tui.screens.goals import GoalsScreen
from retainer_tui.tui.screens.results_grid import ResultsGridScreen
from retainer_tui.tui.screens.tier_form import TierFormScreen
from retainer_tui.tui.screens.tiers import TiersScreen
from tests.raw import db_arg, raw_connect
from tests.ui.conftest import SIZE, AppMaker, payment_cell, settle

NOV = Month(2026, 11)


def rows(db: Database, sql: str, *params: object) -> list[tuple]:
    conn = raw_connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


async def type_text(pilot, text: str) -> None:
    await pilot.press(*text)


async def search_client(app, pilot, name: str) -> None:
    """/ name enter: the dashboard shows just that client, highlighted."""
    await pilot.press("slash")
    await type_text(pilot, name)
    await pilot.press("enter")
    await settle(app, pilot)


async def clear_search(app, pilot) -> None:
    await pilot.press("escape")
    await settle(app, pilot)


async def new_client(app, pilot, name: str, *, tier_downs: int, email: str = "") -> None:
    await pilot.press("n")
    await settle(app, pilot)
    assert isinstance(app.screen, ClientFormScreen)
    await type_text(pilot, name)
    await pilot.press("tab", "tab", "tab")  # company, decision maker, email
    await type_text(pilot, email)
    await pilot.press("tab", "tab", "tab")  # phone, service type, tier
    await pilot.press("enter", *["down"] * tier_downs, "enter")
    await pilot.press("ctrl+s")
    await settle(app, pilot)
    assert app.screen is app.dashboard, "the form closes once saved"


# The flow on PostgreSQL too (the module's other tests would add minutes there).
@pytest.mark.both_engines
async def test_clients_goals_results_payment_by_keys(
    db: Database, make_app: AppMaker, as_of: date, capsys: pytest.CaptureFixture[str]
) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("f")  # welcome: start fresh
        await settle(app, pilot)

        # Three new clients, each on a tier picked from the list.
        await new_client(app, pilot, "Rossi Bakery", tier_downs=1, email="maria@rossi.example")
        await new_client(app, pilot, "Greco Dental", tier_downs=2)
        await new_client(app, pilot, "Verdi Wines", tier_downs=3)

        # Goals for each: new followers, posts shared, conversions (from this month on).
        targets = {
            "Rossi Bakery": ("500", "40", "10"),
            "Greco Dental": ("300", "20", "5"),
            "Verdi Wines": ("1200", "60", "30"),
        }
        for name, (followers, posts, conversions) in targets.items():
            await search_client(app, pilot, name)
            await pilot.press("g")
            await settle(app, pilot)
            assert isinstance(app.screen, GoalsScreen)
            await pilot.press("tab")  # from "From month" to the first target
            await type_text(pilot, followers)
            await pilot.press("tab")
            await type_text(pilot, posts)
            await pilot.press("tab")
            await type_text(pilot, conversions)
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert app.screen is app.dashboard
            await clear_search(app, pilot)

        # A month of results in the grid: rows are by name (Greco, Rossi, Verdi).
        await pilot.press("r")
        await settle(app, pilot)
        grid_screen = app.screen
        assert isinstance(grid_screen, ResultsGridScreen)
        # The grid opens at the client highlighted on the dashboard: / jumps to the first.
        await pilot.press("slash")
        await type_text(pilot, "greco")
        await pilot.press("enter")
        typed = {
            "Greco Dental": ("150", "9", "2", "6.5"),
            "Rossi Bakery": ("340", "25", "7", "12.25"),
            "Verdi Wines": ("800", "41", "20", "40"),
        }
        for followers, posts, conversions, hours in typed.values():
            for value in (followers, posts, conversions):
                await type_text(pilot, value)
                await pilot.press("tab")
            await pilot.press("tab", "tab")  # blog posts, newsletters
            await type_text(pilot, hours)
            await pilot.press("tab")  # saves and wraps to the next client
        await settle(app, pilot)
        assert grid_screen.saved_count == 12
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is app.dashboard

        # A payment (date and amount default to today and the fee) and a report mark.
        await search_client(app, pilot, "Rossi Bakery")
        await pilot.press("p", "ctrl+s")
        await settle(app, pilot)
        await pilot.press("m")
        await settle(app, pilot)
        sent_on = app.screen.query_one("#sent_on", Input)
        sent_on.value = ""
        sent_on.focus()
        await type_text(pilot, "2026-11-19")
        # The report for November is not due yet; mark the client's first month anyway.
        month_input = app.screen.query_one("#month", Input)
        month_input.value = ""
        month_input.focus()
        await type_text(pilot, "2026-11")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is app.dashboard

    # The database holds what was typed.
    rossi = find_client(db, name="Rossi Bakery")
    greco = find_client(db, name="greco dental")
    verdi = find_client(db, name="Verdi Wines")
    assert rossi and greco and verdi
    assert (rossi.tier, greco.tier, verdi.tier) == ("Tier 1", "Tier 2", "Tier 3")
    assert rossi.email == "maria@rossi.example"
    assert rossi.start_month == NOV
    in_force = targets_in_force(db, client_id=verdi.id, month=NOV)
    assert {k: t.target for k, t in in_force.items()} == {
        "new_followers": 1200,
        "posts_shared": 60,
        "conversions": 30,
    }
    results = rows(
        db,
        "SELECT c.name, r.metric_key, r.actual FROM result r JOIN client c ON c.id = r.client_id "
        "WHERE r.month = '2026-11' ORDER BY c.name, r.metric_key",
    )
    assert results == [
        ("Greco Dental", "conversions", 2),
        ("Greco Dental", "new_followers", 150),
        ("Greco Dental", "posts_shared", 9),
        ("Rossi Bakery", "conversions", 7),
        ("Rossi Bakery", "new_followers", 340),
        ("Rossi Bakery", "posts_shared", 25),
        ("Verdi Wines", "conversions", 20),
        ("Verdi Wines", "new_followers", 800),
        ("Verdi Wines", "posts_shared", 41),
    ]
    assert rows(db, "SELECT client_id, hours_x100 FROM hours ORDER BY client_id") == [
        (rossi.id, 1225),
        (greco.id, 650),
        (verdi.id, 4000),
    ]
    assert payment_for(db, client_id=rossi.id, month=NOV) == (300_000, as_of)
    assert report_sent_on(db, client_id=rossi.id, month=NOV) == date(2026, 11, 19)

    # And `retainer status --json` says the same.
    assert main(["status", "--json", "--db", db_arg(db), "--as-of", as_of.isoformat()]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status == status_object(load_month(db, month=NOV, as_of=as_of))
    by_name = {c["name"]: c for c in status["clients"]}
    assert status["guaranteed_monthly_income"] == "18000.00"
    assert by_name["Rossi Bakery"]["payment"] == "received"
    assert by_name["Greco Dental"]["payment"] == "late"
    assert by_name["Rossi Bakery"]["report"] == "sent"
    assert by_name["Rossi Bakery"]["metrics"] == [
        {"metric": "new_followers", "target": 500, "actual": 340, "expected_by_now": 333.33,
         "status": "on_track"},
        {"metric": "posts_shared", "target": 40, "actual": 25, "expected_by_now": 26.67,
         "status": "at_risk"},
        {"metric": "conversions", "target": 10, "actual": 7, "expected_by_now": 6.67,
         "status": "on_track"},
    ]  # fmt: skip
    assert by_name["Verdi Wines"]["month_status"] == "on_track"
    assert by_name["Greco Dental"]["month_status"] == "behind"


async def test_undo_takes_back_changes_one_by_one(
    db: Database, make_app: AppMaker, as_of: date
) -> None:
    save_client(db, draft=ClientDraft(name="Rossi Bakery", tier="Tier 1", start_month="2026-01"))
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        await type_text(pilot, "120")
        await pilot.press("enter")
        await type_text(pilot, "7")  # enter stayed on the only row: replace it again
        await pilot.press("enter")
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("p", "ctrl+s")
        await settle(app, pilot)
        assert len(rows(db, "SELECT * FROM payment")) == 1
        assert "✓ paid" in payment_cell(app, "Rossi Bakery")

        await pilot.press("ctrl+z")  # the payment
        await settle(app, pilot)
        assert rows(db, "SELECT * FROM payment") == []
        assert "! late" in payment_cell(app, "Rossi Bakery")  # the dashboard follows
        await pilot.press("ctrl+z")  # 7 -> 120
        await settle(app, pilot)
        assert rows(db, "SELECT actual FROM result") == [(120,)]
        await pilot.press("ctrl+z")  # 120 -> nothing
        await settle(app, pilot)
        assert rows(db, "SELECT actual FROM result") == []
        await pilot.press("ctrl+z")  # nothing left from this session
        await settle(app, pilot)
        assert rows(db, "SELECT name FROM client") == [("Rossi Bakery",)]


async def test_grid_month_keys_and_clearing(db: Database, make_app: AppMaker) -> None:
    cid = save_client(db, draft=ClientDraft(name="A", tier="Tier 1", start_month="2026-01")).id
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ResultsGridScreen)
        await pilot.press("left_square_bracket")
        await settle(app, pilot)
        assert screen.month == Month(2026, 10)
        await type_text(pilot, "42")
        await pilot.press("enter")
        assert rows(db, "SELECT month, actual FROM result") == [("2026-10", 42)]
        await pilot.press("delete")
        assert rows(db, "SELECT * FROM result") == []
        # Typing and then changing month saves what was typed first.
        await type_text(pilot, "5")
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        assert screen.month == NOV
        assert rows(db, "SELECT client_id, month, actual FROM result") == [(cid, "2026-10", 5)]
        # escape drops typing without saving, then leaves.
        await type_text(pilot, "99")
        await pilot.press("escape")
        assert screen.grid.editing is None
        assert rows(db, "SELECT count(*) FROM result") == [(1,)]


async def test_tiers_screen_edit_fee_clients_keep_old_fee(db: Database, make_app: AppMaker) -> None:
    cid = save_client(db, draft=ClientDraft(name="A", tier="Tier 1")).id
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("T")
        await settle(app, pilot)
        assert isinstance(app.screen, TiersScreen)
        await pilot.press("e")
        await settle(app, pilot)
        assert isinstance(app.screen, TierFormScreen)
        await pilot.press("tab")  # monthly fee
        fee = app.screen.query_one("#monthly_fee", Input)
        fee.value = ""
        await type_text(pilot, "3500")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await pilot.press("k")  # keep the old fee for clients on the tier
        await settle(app, pilot)
        assert isinstance(app.screen, TiersScreen)
        # Add a tier with services, reordered and one removed.
        await pilot.press("n")
        await settle(app, pilot)
        await type_text(pilot, "Starter")
        await pilot.press("tab")
        await type_text(pilot, "1500")
        await pilot.press("tab")
        app.screen.query_one("#included_hours", Input).value = ""
        await type_text(pilot, "8")
        await pilot.press("tab", "tab", "tab")  # description, service list, new service box
        for service in ("Posts", "Stories", "Reels"):
            await type_text(pilot, service)
            await pilot.press("enter")
        await pilot.press("shift+tab")  # the list, on the last service added
        await pilot.press("ctrl+up")  # Reels above Stories: Posts, Reels, Stories
        await pilot.press("down", "delete")  # remove Stories
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, TiersScreen)
        # A tier in use cannot be deleted.
        await pilot.press("up", "up", "up")  # from Starter to Tier 1
        await pilot.press("d")
        await settle(app, pilot)
        assert isinstance(app.screen, TiersScreen)
    tiers = {t.name: t for t in list_tiers(db)}
    assert tiers["Tier 1"].monthly_fee_cents == 350_000
    assert rows(db, "SELECT fee_override_cents FROM client WHERE id = ?", cid) == [(300_000,)]
    assert tiers["Starter"].monthly_fee_cents == 150_000
    assert tiers["Starter"].included_hours == 8
    assert tiers["Starter"].services == ("Posts", "Reels")
    assert "Tier 1" in tiers


async def test_archive_and_delete_from_the_edit_form(
    db: Database, make_app: AppMaker, tmp_path: Path
) -> None:
    keep = save_client(
        db, draft=ClientDraft(name="Keep Me", tier="Tier 1", start_month="2026-01")
    ).id
    save_client(db, draft=ClientDraft(name="Zap Me", tier="Tier 1", start_month="2026-01"))
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await search_client(app, pilot, "Keep Me")
        await pilot.press("e")
        await settle(app, pilot)
        await pilot.press("f7", "y")
        await settle(app, pilot)
        assert rows(db, "SELECT status, end_month FROM client WHERE id = ?", keep) == [
            ("ended", "2026-11")
        ]
        await clear_search(app, pilot)
        await search_client(app, pilot, "Zap Me")
        await pilot.press("e")
        await settle(app, pilot)
        await pilot.press("f8")
        await settle(app, pilot)
        await type_text(pilot, "zap")
        await pilot.press("enter")
        await settle(app, pilot)
        error = app.screen.query_one("#error-confirm")
        assert "Zap Me" in str(error.render())
        assert len(rows(db, "SELECT * FROM client")) == 2
        await type_text(pilot, " me")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is app.dashboard
        assert rows(db, "SELECT name FROM client") == [("Keep Me",)]
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assert len(rows(db, "SELECT * FROM client")) == 2


async def test_a_client_with_no_tier_and_no_fee_is_saved_with_a_warning(
    db: Database, make_app: AppMaker
) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("f")  # welcome: start fresh
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        await type_text(pilot, "No Fee Yet")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is app.dashboard
        messages = [n.message for n in app._notifications]
        assert any("no tier and no fee" in m and "No Fee Yet" in m for m in messages)
        await new_client(app, pilot, "Rossi Bakery", tier_downs=1)
        last = [n.message for n in app._notifications][-1]
        assert last == "Added Rossi Bakery."
