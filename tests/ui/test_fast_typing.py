"""Keys typed faster than the screen answers (a paste, a password manager's autotype, a
fast typist): every form is typed in one burst, with no pause between keys, from the
key that opens it to ctrl+s, and what reached the database is checked.

pilot.press waits for the app to go idle after each key, which hides the problem, so
`burst` hands every key to the driver at once, as a terminal read of a paste does.
"""

from __future__ import annotations

from textual import events
from textual.app import _character_to_key
from textual.widgets import Input

from retainer_tui.db.engine import Database
from retainer_tui.tui.app import RetainerApp
from retainer_tui.tui.screens.dashboard import DashboardScreen
from retainer_tui.tui.screens.goals import GoalsScreen
from tests.ui.conftest import SIZE, AppMaker, settle


def burst(app: RetainerApp, *keys: str) -> None:
    """Every key at once into the app's input queue; a text of several letters is typed
    letter by letter."""
    driver = app._driver
    assert driver is not None
    for item in keys:
        for key in [item] if len(item) == 1 or _is_key_name(item) else list(item):
            name = _character_to_key(key) if len(key) == 1 and not key.isalnum() else key
            char = key if len(key) == 1 else None
            event = events.Key(name, char)
            event.set_sender(app)
            driver.send_message(event)


async def typed(app: RetainerApp, pilot: object) -> None:
    """Wait until every key of the burst has been handled, then for what they started."""
    for _ in range(2000):
        if not app.keys_pending:
            break
        await pilot.pause()  # type: ignore[attr-defined]
    assert not app.keys_pending, "keys still waiting"
    await settle(app, pilot)


def _is_key_name(item: str) -> bool:
    """tab, shift+tab, ctrl+s, enter, backspace… (not a text to type)."""
    if "+" in item and len(item) > 1:
        return True
    return item in {"tab", "enter", "escape", "backspace", "delete", "down", "up", "home"}


def rows(db: Database, sql: str, *params: object) -> list[tuple]:
    conn = db.connect()
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


async def test_tier_form_typed_at_once_keeps_each_field(
    sample_db: Database, make_app: AppMaker
) -> None:
    """The report: "Test", tab, "1005" saved Name=`Test1005`."""
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        burst(app, "T", "n", "Test", "tab", "1005", "tab", "7", "tab", "Fast tier")
        burst(app, "shift+tab", "shift+tab", "backspace", "9", "ctrl+s")
        await typed(app, pilot)
        saved = rows(
            sample_db,
            "SELECT name, monthly_fee_cents, included_hours, description FROM tier"
            " WHERE name LIKE 'Test%'",
        )
        assert saved == [("Test", 900, 7, "Fast tier")]


async def test_client_form_typed_at_once(sample_db: Database, make_app: AppMaker) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        burst(app, "n", "Quick Client", "tab", "Quick Co", "tab", "Mara", "tab")
        burst(app, "mara@quick.test", "tab", "555 0100", "tab")
        # Service type, then the tier from its list (enter opens it, down, enter picks).
        burst(app, "tab", "enter", "down", "enter", "tab", "tab", "12", "ctrl+s")
        await typed(app, pilot)
        saved = rows(
            sample_db,
            "SELECT c.name, company, decision_maker, email, phone, t.name, billing_day"
            " FROM client c LEFT JOIN tier t ON t.id = c.tier_id WHERE c.name = 'Quick Client'",
        )
        assert saved == [
            ("Quick Client", "Quick Co", "Mara", "mara@quick.test", "555 0100", "Tier 1", 12)
        ]


async def test_goals_typed_at_once_month_first(sample_db: Database, make_app: AppMaker) -> None:
    """g, a month, tab, targets: the month lands in "From month", each target in its row."""
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        client_id = app.dashboard.table.highlighted_client_id()
        burst(app, "g", "ctrl+a", "ctrl+k", "2026-12", "tab", "1500", "tab", "70", "ctrl+s")
        await typed(app, pilot)
        assert isinstance(app.screen, DashboardScreen)
        saved = rows(
            sample_db,
            "SELECT metric_key, target FROM goal WHERE client_id = ? AND month = '2026-12'"
            " ORDER BY metric_key",
            client_id,
        )
        assert saved == [("new_followers", 1500), ("posts_shared", 70)]


async def test_new_metric_typed_at_once_then_its_target(
    sample_db: Database, make_app: AppMaker
) -> None:
    """After ctrl+n and the new metric's ctrl+s, the next keys fill the new metric's target."""
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        client_id = app.dashboard.table.highlighted_client_id()
        burst(app, "g", "ctrl+n", "Reels", "ctrl+s", "12", "ctrl+s")
        await typed(app, pilot)
        saved = rows(
            sample_db,
            "SELECT metric_key, target FROM goal WHERE client_id = ? AND metric_key = 'reels'",
            client_id,
        )
        assert saved == [("reels", 12)]


async def test_payment_typed_at_once(sample_db: Database, make_app: AppMaker) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.dashboard.table
        await pilot.press("down", "down")
        client_id = table.highlighted_client_id()
        burst(app, "p", "ctrl+a", "ctrl+k", "2026-11-18", "tab", "ctrl+a", "ctrl+k")
        burst(app, "1234.5", "ctrl+s")
        await typed(app, pilot)
        saved = rows(
            sample_db,
            "SELECT amount_cents, received_on FROM payment WHERE client_id = ? AND month = ?",
            client_id,
            "2026-11",
        )
        assert saved == [(123450, "2026-11-18")]


async def test_prospect_typed_at_once(sample_db: Database, make_app: AppMaker) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        burst(app, "P", "n", "Lead One", "tab", "Lead Co", "tab", "Ada", "tab", "ada@lead.test")
        burst(app, "tab", "tab", "tab", "ctrl+a", "ctrl+k", "Send the deck", "ctrl+s")
        await typed(app, pilot)
        saved = rows(
            sample_db,
            "SELECT name, company, decision_maker, email, next_action FROM client"
            " WHERE name = 'Lead One'",
        )
        assert saved == [("Lead One", "Lead Co", "Ada", "ada@lead.test", "Send the deck")]


async def test_goals_focus_starts_at_the_month_and_skips_no_stop(
    sample_db: Database, make_app: AppMaker
) -> None:
    """Keys a person presses, with pauses: the first field is From month, shift+tab from
    the first target goes back to it, and the month is the one on the dashboard."""
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("left_square_bracket")  # October on the dashboard
        await settle(app, pilot)
        await pilot.press("g")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, GoalsScreen)
        month = screen.query_one("#month", Input)
        assert app.focused is month
        assert month.value == "2026-10"
        await pilot.press("tab")
        assert app.focused is not None and app.focused.id == "target-new_followers"
        await pilot.press("shift+tab")
        assert app.focused is month
        await pilot.press("shift+tab")  # wraps round to the last button, no hidden stop
        assert app.focused is not None and app.focused.id == "cancel"


async def test_a_paste_and_the_keys_after_it_stay_in_order(
    sample_db: Database, make_app: AppMaker
) -> None:
    """A bracketed paste, then tab and more typing, all at once."""
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        burst(app, "T", "n")
        driver = app._driver
        assert driver is not None
        driver.send_message(events.Paste("Pasted tier"))
        burst(app, "tab", "2500", "ctrl+s")
        await typed(app, pilot)
        saved = rows(
            sample_db, "SELECT name, monthly_fee_cents FROM tier WHERE name = 'Pasted tier'"
        )
        assert saved == [("Pasted tier", 250000)]


async def test_a_key_nobody_reports_back_on_does_not_block_the_keyboard(
    sample_db: Database, make_app: AppMaker
) -> None:
    """A key whose widget went away before handling it is let go after STUCK_AFTER."""
    from retainer_tui.tui import key_order

    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        lost = key_order.TrackedKey("x", "x", app._key_ended)
        app._key_in_flight = lost  # as if its widget had been removed meanwhile
        app._key_since -= key_order.STUCK_AFTER + 1
        burst(app, "T")
        await pilot.pause()
        assert app.keys_pending  # held behind the lost key
        app._check_stuck_key()
        await typed(app, pilot)
        assert app.screen.__class__.__name__ == "TiersScreen"
