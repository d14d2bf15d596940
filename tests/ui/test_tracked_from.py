"""Tracked from, by keys: the client form offers it when the start month lies in the past
(default: this month) and refuses a month before the start at the field."""

from __future__ import annotations

from datetime import date

import pytest
from textual.widgets import Input, Label

from retainer_tui.db.engine import Database
from retainer_tui.domain.month import Month
from retainer_tui.services.client_read import find_client
from retainer_tui.services.month_view import load_month
from retainer_tui.tui.screens.client_form import ClientFormScreen
from retainer_tui.tui.widgets.form_field import FormField
from tests.raw import dump, raw
from tests.ui.conftest import SIZE, AppMaker, settle

pytestmark = pytest.mark.both_engines


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


async def test_queue_not_needed_before_a_month_by_keys_and_undo(
    sample_db: Database, make_app: AppMaker
) -> None:
    """R, t on Enoteca Verdi's September report, a month before its start refused in the
    dialog, then 2026-10 + enter: September leaves the queue (no sent date is made up),
    the toast says so, ctrl+z brings it back."""
    from textual.widgets import Static

    from retainer_tui.services.reports import find_client
    from retainer_tui.tui.screens.not_needed import NotNeededScreen
    from retainer_tui.tui.screens.reports_queue import ReportsScreen

    def queue(app) -> list[tuple[str, str]]:
        assert isinstance(app.screen, ReportsScreen)
        return [(i.client, str(i.month)) for i in app.screen.queue]

    verdi = find_client(sample_db, "Enoteca Verdi").id
    before = dump(sample_db)
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("R")
        await settle(app, pilot)
        assert queue(app)[:2] == [("Enoteca Verdi", "2026-09"), ("Enoteca Verdi", "2026-10")]
        await pilot.press("t")
        await settle(app, pilot)
        assert isinstance(app.screen, NotNeededScreen)
        month = app.screen.query_one("#tracked-month", Input)
        assert month.value == "2026-11"  # this month by default
        await pilot.press("ctrl+a", "ctrl+k", *"2020-01", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, NotNeededScreen)
        error = str(app.screen.query_one("#tracked-error", Static).render())
        assert "must not be before it" in error
        assert dump(sample_db) == before
        await pilot.press("ctrl+a", "ctrl+k", *"2026-10", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ReportsScreen)
        assert ("Enoteca Verdi", "2026-09") not in queue(app)
        assert ("Enoteca Verdi", "2026-10") in queue(app)
        toasts = [n.message for n in app._notifications]
        assert any(
            "not needed before October 2026 (1 report left the queue" in t and "ctrl+z" in t
            for t in toasts
        ), toasts
        with raw(sample_db) as conn:
            assert conn.execute(
                "SELECT tracked_from FROM client WHERE id = ?", (verdi,)
            ).fetchone() == ("2026-10",)
            assert conn.execute(
                "SELECT sent_on FROM report WHERE client_id = ? AND month = '2026-09'", (verdi,)
            ).fetchall() in ([], [(None,)])
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assert ("Enoteca Verdi", "2026-09") in queue(app)
    assert dump(sample_db) == before


async def test_client_page_says_tracked_from_and_owes_from_it(
    db: Database, make_app: AppMaker
) -> None:
    from rich.console import Console
    from textual.widgets import Static

    from tests.factories import add_client

    add_client(db, "Rossi Bakery", fee_cents=2_000_00, tracked_from="2026-10")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen.__class__.__name__ == "ClientDetailScreen"
        console = Console(width=200, record=True)
        console.print(app.screen.query_one("#terms", Static).content)
        text = console.export_text()
        assert "from 2026-01 · tracked from 2026-10" in text
        lines = [line.split() for line in text.splitlines()]
        # Owed from October on (November's report is not due yet): nothing before it.
        assert ["Reports", "owed", "Oct", "2026"] in lines
        assert "Payments owed Oct 2026 $2,000, Nov 2026 $2,000 · $4,000 in all" in text
        assert "Sep 2026" not in text
