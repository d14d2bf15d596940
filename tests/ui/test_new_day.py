"""An app left open past midnight applies every rule with the new day (unless --as-of
fixed the day): the header says so and the dashboard is computed again."""

from __future__ import annotations

from datetime import date, timedelta

from retainer_tui.db.base import Database
from tests.ui.conftest import SIZE, AppMaker, settle


async def test_past_midnight_the_dashboard_is_computed_with_the_new_day(
    sample_db: Database, make_app: AppMaker, as_of: date
) -> None:
    days = [as_of]
    app = make_app(sample_db, clock=lambda: days[-1])
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.dashboard.view is not None and app.dashboard.view.as_of == as_of
        assert not app.check_the_day()  # the same day: nothing to do

        days.append(as_of + timedelta(days=1))
        assert app.check_the_day()
        await settle(app, pilot)
        assert app.today == days[-1]
        assert app.sub_title == f"as of {days[-1].isoformat()}"
        assert app.dashboard.view.as_of == days[-1]


async def test_a_fixed_day_stays(sample_db: Database, make_app: AppMaker, as_of: date) -> None:
    app = make_app(sample_db)  # --as-of given: no clock
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert not app.check_the_day()
        assert app.today == as_of
