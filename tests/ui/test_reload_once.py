"""A save reloads the dashboard once: the form that saved and the screen that opened it
do not each reload it, and the app's own write is not taken for another process's."""

from __future__ import annotations

import pytest

from retainer_tui.domain.month import Month
from retainer_tui.services import month_view
from retainer_tui.services.database import Database
from retainer_tui.services.entries import payment_for
from retainer_tui.tui.screens import dashboard
from retainer_tui.tui.screens.payment_form import PaymentFormScreen
from tests.ui.conftest import SIZE, AppMaker, settle

pytestmark = pytest.mark.both_engines


async def test_a_form_save_reloads_the_dashboard_once(
    sample_db: Database, make_app: AppMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads: list[Month] = []

    def load_month(db: Database, *, month: Month, **kwargs: object) -> month_view.MonthView:
        loads.append(month)
        return month_view.load_month(db, month=month, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(dashboard, "load_month", load_month)
    # The poll runs as it does for a user (every 2 s would be too slow for the test).
    app = make_app(sample_db, poll_seconds=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        reloads: list[None] = []
        app.data_changed.subscribe(app, reloads.append)
        shown = app.dashboard.month
        client_id = app.dashboard.table.highlighted_client_id()
        assert client_id is not None
        await pilot.press("p")
        await settle(app, pilot)
        assert isinstance(app.screen, PaymentFormScreen)
        before = len(loads)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is app.dashboard
        assert payment_for(sample_db, client_id=client_id, month=shown) is not None
        await pilot.pause(0.3)  # several polls: none may take the save for a change elsewhere
        await settle(app, pilot)
        assert reloads == [None]
        # The month shown is read once again; the months beside it are loaded ahead anew.
        assert loads[before:].count(shown) == 1


async def test_the_grids_own_saves_are_not_taken_for_changes_elsewhere(
    sample_db: Database, make_app: AppMaker
) -> None:
    from retainer_tui.tui.screens.results_grid import ResultsGridScreen

    app = make_app(sample_db, poll_seconds=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ResultsGridScreen)
        reloads: list[None] = []
        app.data_changed.subscribe(app, reloads.append)
        for value in ("7", "8"):
            await pilot.press(value, "enter")
            await settle(app, pilot)
        await pilot.pause(0.3)  # several polls
        await settle(app, pilot)
        assert screen.saved_count == 2
        assert reloads == []
