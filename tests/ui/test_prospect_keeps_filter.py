"""Adding a prospect leaves the dashboard's view as the user set it, and the toast says
where the prospect went."""

from __future__ import annotations

from retainer_tui.services.database import Database
from tests.factories import add_client
from tests.ui.conftest import SIZE, AppMaker, settle, table_names


async def test_adding_a_prospect_keeps_the_dashboard_view(db: Database, make_app: AppMaker) -> None:
    add_client(db, "Bianchi Gym", tier="Tier 1")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert table_names(app) == ["Bianchi Gym"]
        await pilot.press("P")
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        await pilot.press(*"Rossi", "ctrl+s")
        await settle(app, pilot)
        toasts = [n.message for n in app._notifications]
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is app.dashboard
        assert not app.dashboard.show_inactive
        assert table_names(app) == ["Bianchi Gym"]
    assert any("pipeline (P)" in t for t in toasts), toasts
