"""Tracked from, by keys: the client form offers it when the start month lies in the past
(default: this month) and refuses a month before the start at the field."""

from __future__ import annotations

from datetime import date

from textual.widgets import Input, Label

from retainer_tui.db.engine import Database
from retainer_tui.domain.month import Month
from retainer_tui.services.clients import find_client
from retainer_tui.services.month_view import load_month
from retainer_tui.tui.screens.client_form import ClientFormScreen
from retainer_tui.tui.widgets.form_field import FormField
from tests.ui.conftest import SIZE, AppMaker, settle


def dump(db: Database) -> str:
    conn = db.connect()
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


async def open_new_client(app, pilot, name: str) -> None:
    await settle(app, pilot)
    await pilot.press("f")  # welcome: start fresh
    await settle(app, pilot)
    await pilot.press("n")
    await settle(app, pilot)
    assert isinstance(app.screen, ClientFormScreen)
    await pilot.press(*name)
    # company, decision maker, email, phone, service type, tier, fee, billing, report day
    await pilot.press(*["tab"] * 10)
    assert app.focused is app.screen.query_one("#start_month", Input)


def tracked_field(app) -> FormField:
    return app.screen.query_one("#field-tracked_from", FormField)


async def test_a_past_start_month_offers_tracked_from_this_month(
    db: Database, make_app: AppMaker, as_of: date
) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await open_new_client(app, pilot, "Verdi Wines")
        assert not tracked_field(app).display  # starts this month: nothing to ask
        await pilot.press("ctrl+a", "ctrl+k", *"2026-01")
        await pilot.press("tab", "tab")  # end month, then the field that appeared
        assert tracked_field(app).display
        tracked = app.screen.query_one("#tracked_from", Input)
        assert app.focused is tracked
        assert tracked.value == str(Month.of(as_of))
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is app.dashboard
    record = find_client(db, name="Verdi Wines")
    assert record is not None
    assert (record.start_month, record.tracked_from) == (Month(2026, 1), Month.of(as_of))
    # Started in January, entered now: no overdue reports, no unpaid months before now.
    view = load_month(db, month=Month.of(as_of), as_of=as_of)
    (row,) = view.clients
    assert (row.reports_owed, row.payments_owed) == ((), ())


async def test_tracked_from_before_the_start_is_refused_at_the_field(
    db: Database, make_app: AppMaker
) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await open_new_client(app, pilot, "Verdi Wines")
        await pilot.press("ctrl+a", "ctrl+k", *"2026-03", "tab", "tab")
        before = dump(db)
        for typed, expected in (
            ("2026-02", "must not be before the start month (2026-03)"),
            ("2026-1x", "YYYY-MM"),
        ):
            await pilot.press("ctrl+a", "ctrl+k", *typed, "ctrl+s")
            await settle(app, pilot)
            assert isinstance(app.screen, ClientFormScreen)
            label = app.screen.query_one("#error-tracked_from", Label)
            assert label.display and expected in str(label.content)
            assert app.focused is app.screen.query_one("#tracked_from", Input)
            assert dump(db) == before
        # Blank tracks from the start month: saved, with reports owed from March.
        await pilot.press("ctrl+a", "ctrl+k", "ctrl+s")
        await settle(app, pilot)
        assert app.screen is app.dashboard
    record = find_client(db, name="Verdi Wines")
    assert record is not None and record.tracked_from is None


async def test_a_start_month_moved_to_now_hides_the_field_and_tracks_from_the_start(
    db: Database, make_app: AppMaker, as_of: date
) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await open_new_client(app, pilot, "Verdi Wines")
        await pilot.press("ctrl+a", "ctrl+k", *"2025-05")
        assert tracked_field(app).display
        await pilot.press("ctrl+a", "ctrl+k", *str(Month.of(as_of)), "tab", "tab")
        assert not tracked_field(app).display
        assert app.focused is app.screen.query_one("#status")  # the hidden field is skipped
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    record = find_client(db, name="Verdi Wines")
    assert record is not None and record.tracked_from is None
