"""Every bad input typed into every form: the message appears at the field (a Label with
class error under the input), the form stays open with what was typed, and the database is
unchanged, byte for byte (iterdump before and after)."""

from __future__ import annotations

from datetime import date

import pytest
from textual.widgets import Input, Label, Select

from retainer_tui.db.engine import Database
from retainer_tui.services.clients import ClientDraft, save_client
from retainer_tui.tui.screens.client_form import ClientFormScreen
from retainer_tui.tui.screens.confirm import ConfirmScreen
from retainer_tui.tui.screens.goals import GoalsScreen, MetricFormScreen
from retainer_tui.tui.screens.payment_form import PaymentFormScreen
from retainer_tui.tui.screens.report_mark import ReportMarkScreen
from retainer_tui.tui.screens.results_grid import ResultsGridScreen
from retainer_tui.tui.screens.tier_form import TierFormScreen
from retainer_tui.tui.widgets.form_field import FormField
from tests.ui.conftest import SIZE, AppMaker, settle


def dump(db: Database) -> str:
    conn = db.connect()
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture
def rossi(db: Database) -> int:
    return save_client(
        db,
        draft=ClientDraft(
            name="Rossi Bakery", tier="Tier 1", fee_override="2000", start_month="2026-01"
        ),
    ).id


async def type_into(pilot, field: str, text: str) -> None:
    """Focus the field's input, empty it, and type the text key by key."""
    control = pilot.app.screen.query_one(f"#{field}", Input)
    control.focus()
    control.value = ""
    await pilot.press(*text)


def message_at(app, field: str) -> str:
    """The error shown under a field ('' when none)."""
    label = app.screen.query_one(f"#error-{field}", Label)
    assert "error" in label.classes
    assert label.parent is app.screen.query_one(f"#field-{field}", FormField)
    return str(label.content) if label.display else ""


async def check_refused(
    app, pilot, db: Database, before: str, form: type, field: str, typed: str, expected: str
) -> None:
    await type_into(pilot, field, typed)
    await pilot.press("ctrl+s")
    await settle(app, pilot)
    case = f"{form.__name__}.{field} = {typed!r}"
    assert isinstance(app.screen, form), f"{case}: the form closed"
    shown = message_at(app, field)
    assert expected.lower() in shown.lower(), f"{case}: message {shown!r}"
    assert app.screen.query_one(f"#{field}", Input).value == typed, f"{case}: typing lost"
    assert dump(db) == before, f"{case}: something was written"


CLIENT_CASES = [
    ("name", "", "name is required"),
    ("name", "   ", "name is required"),
    ("name", "rossi BAKERY", "already exists"),
    ("fee_override", "-100", "cannot be negative"),
    ("fee_override", "abc", "not an amount"),
    ("fee_override", "99999999999", "too large"),
    ("fee_override", "10.555", "at most two decimals"),
    ("billing_day", "1.5", "whole number"),
    ("billing_day", "x", "must be a number"),
    ("billing_day", "29", "between 1 and 28"),
    ("billing_day", "-3", "cannot be negative"),
    ("billing_day", "99999999999", "too large"),
    ("report_due_day", "0", "between 1 and 28"),
    ("start_month", "2026-13", "YYYY-MM"),
    ("start_month", "11/2026", "YYYY-MM"),
    ("end_month", "2026-10", "before the start month"),
    ("email", "maria-at-rossi", "name@example.com"),
]


async def test_client_form_refuses_bad_input_at_the_field(
    db: Database, rossi: int, make_app: AppMaker
) -> None:
    before = dump(db)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, ClientFormScreen)
        await type_into(pilot, "name", "Verdi Wines")
        for field, typed, expected in CLIENT_CASES:
            await check_refused(app, pilot, db, before, ClientFormScreen, field, typed, expected)
            # Put a good value back before the next case.
            good = {"name": "Verdi Wines", "start_month": "2026-11"}.get(field, "")
            if field in ("billing_day", "report_due_day"):
                good = "1"
            await type_into(pilot, field, good)
        # Once fixed, the message goes and the client is saved.
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is app.dashboard
    assert dump(db) != before


async def test_client_form_unknown_tier(db: Database, make_app: AppMaker) -> None:
    """The tier list only offers known tiers; one deleted while the form is open is refused."""
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("f")  # welcome: start fresh
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        await pilot.press(*"Nuovo")
        app.screen.query_one("#tier", Select).value = "Tier 3"
        with db.write() as conn:  # another window deletes the tier meanwhile
            conn.execute("DELETE FROM tier WHERE name = 'Tier 3'")
        before = dump(db)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ClientFormScreen)
        assert "no tier named 'Tier 3'" in message_at(app, "tier")
        assert dump(db) == before


TIER_CASES = [
    ("name", "", "name is required"),
    ("name", "tier 2", "already exists"),
    ("monthly_fee", "", "amount is required"),
    ("monthly_fee", "-1", "cannot be negative"),
    ("monthly_fee", "lots", "not an amount"),
    ("monthly_fee", "99999999999", "too large"),
    ("included_hours", "2.5", "whole number"),
    ("included_hours", "-3", "cannot be negative"),
    ("included_hours", "many", "must be a number"),
    ("included_hours", "100000", "at most 744"),
]


async def test_tier_form_refuses_bad_input_at_the_field(
    db: Database, rossi: int, make_app: AppMaker
) -> None:
    before = dump(db)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("T")
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, TierFormScreen)
        good = {"name": "Starter", "monthly_fee": "1500", "included_hours": "8"}
        for field, value in good.items():
            await type_into(pilot, field, value)
        for field, typed, expected in TIER_CASES:
            await check_refused(app, pilot, db, before, TierFormScreen, field, typed, expected)
            await type_into(pilot, field, good[field])
        # Services: a repeated one is refused at the list.
        await type_into(pilot, "service-new", "Posts")
        await pilot.press("enter")
        await pilot.press(*"posts")
        await pilot.press("enter")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, TierFormScreen)
        assert "listed twice" in message_at(app, "services")
        assert dump(db) == before


GOAL_CASES = [
    ("target-new_followers", "-5", "cannot be negative"),
    ("target-new_followers", "ten", "must be a number"),
    ("target-posts_shared", "2.5", "whole number"),
    ("target-conversions", "99999999999", "too large"),
    ("month", "2026-13", "YYYY-MM"),
    ("month", "", "YYYY-MM"),
]


async def test_goals_form_refuses_bad_input_at_the_field(
    db: Database, rossi: int, make_app: AppMaker
) -> None:
    before = dump(db)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("g")
        await settle(app, pilot)
        assert isinstance(app.screen, GoalsScreen)
        await type_into(pilot, "target-new_followers", "500")
        for field, typed, expected in GOAL_CASES:
            await check_refused(app, pilot, db, before, GoalsScreen, field, typed, expected)
            await type_into(pilot, field, "2026-11" if field == "month" else "")
        # A new metric: key, label, unit.
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert isinstance(app.screen, MetricFormScreen)
        metric_cases = [
            ("label", "", "label is required"),
            ("label", "new FOLLOWERS", "already a metric"),
            ("key", "9lives", "start with a letter"),
            ("key", "new_followers", "already a metric"),
        ]
        await type_into(pilot, "label", "Reels published")
        for field, typed, expected in metric_cases:
            await check_refused(app, pilot, db, before, MetricFormScreen, field, typed, expected)
            await type_into(pilot, field, "Reels published" if field == "label" else "reels")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, GoalsScreen)
        assert app.screen.query_one("#target-reels", Input)  # the new metric's row


PAYMENT_CASES = [
    ("received_on", "2026-02-30", "real date"),
    ("received_on", "yesterday", "YYYY-MM-DD"),
    ("received_on", "2026-12-01", "cannot be after today"),
    ("amount", "-1", "cannot be negative"),
    ("amount", "abc", "not an amount"),
    ("amount", "0", "more than zero"),
    ("amount", "99999999999", "too large"),
]


async def test_payment_form_refuses_bad_input_at_the_field(
    db: Database, rossi: int, make_app: AppMaker
) -> None:
    before = dump(db)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("p")
        await settle(app, pilot)
        assert isinstance(app.screen, PaymentFormScreen)
        assert app.screen.query_one("#amount", Input).value == "2000.00"  # the fee
        assert app.screen.query_one("#received_on", Input).value == "2026-11-20"  # today
        for field, typed, expected in PAYMENT_CASES:
            await check_refused(app, pilot, db, before, PaymentFormScreen, field, typed, expected)
            await type_into(pilot, field, "2026-11-20" if field == "received_on" else "2000")


async def test_report_form_refuses_bad_input_at_the_field(
    db: Database, rossi: int, make_app: AppMaker
) -> None:
    before = dump(db)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("m")
        await settle(app, pilot)
        assert isinstance(app.screen, ReportMarkScreen)
        assert app.screen.query_one("#month", Input).value == "2026-10"
        cases = [
            ("sent_on", "2026-11-31", "real date"),
            ("sent_on", "2026-12-24", "after today"),
            ("sent_on", "2026-09-30", "before the month starts"),
            ("month", "2026-13", "YYYY-MM"),
        ]
        for field, typed, expected in cases:
            await check_refused(app, pilot, db, before, ReportMarkScreen, field, typed, expected)
            await type_into(pilot, field, "2026-10" if field == "month" else "2026-11-03")


GRID_CASES = [
    (0, "1x", "must be a number"),
    (0, "-5", "cannot be negative"),
    (0, "2.5", "whole number"),
    (0, "99999999999", "too large"),
    (5, "800", "at most 744"),  # hours
    (5, "1.255", "two decimals"),
]


async def test_grid_refuses_bad_input_in_the_cell(
    db: Database, rossi: int, make_app: AppMaker
) -> None:
    before = dump(db)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ResultsGridScreen)
        for moves, typed, expected in GRID_CASES:
            await pilot.press(*["right"] * moves)
            await pilot.press(*typed)
            await pilot.press("enter")
            info = str(screen.query_one("#cell-info").render())
            case = f"grid {typed!r}"
            assert "Not saved: " in info and expected in info, f"{case}: {info!r}"
            assert screen.grid.editing is not None and screen.grid.editing.text == typed
            assert dump(db) == before, f"{case}: something was written"
            # Arrows cannot leave a refused cell either; escape drops the typing.
            await pilot.press("down")
            assert screen.grid.editing is not None
            await pilot.press("escape")
            assert screen.grid.editing is None
            await pilot.press(*["left"] * moves)


async def test_escape_asks_before_dropping_what_was_typed(
    db: Database, rossi: int, make_app: AppMaker
) -> None:
    before = dump(db)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("e")
        await settle(app, pilot)
        await pilot.press("escape")  # nothing typed: closes at once
        await settle(app, pilot)
        assert app.screen is app.dashboard
        await pilot.press("e")
        await settle(app, pilot)
        await pilot.press("end", *" & Sons")  # the name is selected on focus: go to its end
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # keep editing
        await settle(app, pilot)
        assert isinstance(app.screen, ClientFormScreen)
        assert app.screen.query_one("#name", Input).value == "Rossi Bakery & Sons"
        await pilot.press("escape", "y")
        await settle(app, pilot)
        assert app.screen is app.dashboard
    assert dump(db) == before


@pytest.mark.parametrize("when", [date(2026, 11, 20)])
def test_cases_cover_every_kind_of_bad_input(when: date) -> None:
    """Point 6's list, as this file types it: empty, duplicate, negative, non-numeric,
    fractional count, absurdly large, bad date, day outside 1-28, unknown tier."""
    typed = [c[1] for c in CLIENT_CASES + TIER_CASES + GOAL_CASES + PAYMENT_CASES + GRID_CASES]
    expected = [c[2] for c in CLIENT_CASES + TIER_CASES + GOAL_CASES + PAYMENT_CASES + GRID_CASES]
    assert "" in typed
    assert any("already exists" in e for e in expected)
    assert any(t.startswith("-") for t in typed)
    assert any("must be a number" in e for e in expected)
    assert any("whole number" in e for e in expected)
    assert any("too large" in e for e in expected)
    assert any("real date" in e for e in expected)
    assert any("between 1 and 28" in e for e in expected)
