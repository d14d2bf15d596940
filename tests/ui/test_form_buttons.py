"""A form's buttons run the form's actions, clicked as a mouse user would: the form's
own buttons (archive, new metric) beside the Save and Cancel every form has."""

from __future__ import annotations

from datetime import date

from retainer_tui.services.database import Database
from retainer_tui.services.entries import payment_for
from retainer_tui.tui.screens.client_form import ClientFormScreen
from retainer_tui.tui.screens.confirm import ConfirmScreen
from retainer_tui.tui.screens.goals import GoalsScreen, MetricFormScreen
from retainer_tui.tui.screens.payment_form import PaymentFormScreen
from tests.ui.conftest import SIZE, AppMaker, settle


async def test_save_cancel_and_a_forms_own_buttons_run_their_actions(
    sample_db: Database, make_app: AppMaker, as_of: date
) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        client_id = app.dashboard.table.highlighted_client_id()
        assert client_id is not None
        month = app.dashboard.month
        before = payment_for(sample_db, client_id=client_id, month=month)

        await pilot.press("g")
        await settle(app, pilot)
        assert isinstance(app.screen, GoalsScreen)
        await pilot.click("#new-metric")
        await settle(app, pilot)
        assert isinstance(app.screen, MetricFormScreen)
        await pilot.click("#cancel")
        await settle(app, pilot)
        assert isinstance(app.screen, GoalsScreen)
        await pilot.click("#cancel")
        await settle(app, pilot)
        assert app.screen is app.dashboard

        await pilot.press("e")
        await settle(app, pilot)
        assert isinstance(app.screen, ClientFormScreen)
        await pilot.click("#archive")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, ClientFormScreen)
        await pilot.press("escape")
        await settle(app, pilot)

        await pilot.press("p")
        await settle(app, pilot)
        assert isinstance(app.screen, PaymentFormScreen)
        await pilot.click("#save")
        await settle(app, pilot)
        assert app.screen is app.dashboard
        assert payment_for(sample_db, client_id=client_id, month=month) != before
