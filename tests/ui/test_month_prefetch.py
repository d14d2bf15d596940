"""`[` and `]` at once: the months either side of the one shown are loaded ahead in the
background, shown without a load of their own, and dropped when the data changes (so a
month loaded ahead never shows figures older than the last write)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from textual.widgets import Static

from retainer_tui.domain.month import Month
from retainer_tui.services import month_view
from retainer_tui.services.client_read import get_client
from retainer_tui.services.clients import save_client
from retainer_tui.services.database import Database
from retainer_tui.tui import client_rows
from retainer_tui.tui.screens import dashboard
from tests.ui.conftest import SIZE, AppMaker, settle, table_names

pytestmark = pytest.mark.both_engines


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[Month]:
    """Every month the dashboard reads, in order."""
    seen: list[Month] = []

    def load_month(db: Database, *, month: Month, **kwargs: object) -> month_view.MonthView:
        seen.append(month)
        return month_view.load_month(db, month=month, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(dashboard, "load_month", load_month)
    return seen


def month_shown(app: object) -> str:
    return str(app.screen.query_one("#month-nav", Static).render())  # type: ignore[attr-defined]


async def test_the_next_and_previous_months_are_shown_from_what_was_loaded_ahead(
    sample_db: Database, make_app: AppMaker, as_of: date, loads: list[Month]
) -> None:
    november = Month.of(as_of)
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert sorted(loads) == [november.previous(), november, november.next()]
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert "December 2026" in month_shown(app)
        await settle(app, pilot)
        # December came from the load ahead; only January is new (the one after it).
        assert loads.count(november.next()) == 1
        assert loads[3:] == [november.next().next()]
        # The months two away stay kept: back in November nothing is read (October is
        # still there); October is shown from what was kept, then September is loaded
        # ahead. November itself is never read again.
        await pilot.press("left_square_bracket")
        await settle(app, pilot)
        assert loads[4:] == []
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert "October 2026" in month_shown(app)
        await settle(app, pilot)
        assert loads[4:] == [november.previous().previous()]
        assert loads.count(november) == 1
        # Three months on, December (three away) was dropped: it is read again.
        await pilot.press("left_square_bracket")
        await settle(app, pilot)
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert "December 2026" in month_shown(app)
        await settle(app, pilot)
        assert loads.count(november.next()) == 2


async def test_a_write_drops_the_months_loaded_ahead(
    sample_db: Database, make_app: AppMaker, as_of: date, loads: list[Month]
) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        client_id = app.dashboard.table.highlighted_client_id()
        assert client_id is not None
        record = get_client(sample_db, client_id=client_id)
        assert record is not None
        draft = record.draft()
        renamed = replace(draft, name="Renamed Meanwhile")
        save_client(sample_db, draft=renamed, client_id=client_id, base=draft)
        app.reload_data()  # as after a form's save
        await settle(app, pilot)
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        assert "December 2026" in month_shown(app)
        assert "Renamed Meanwhile" in table_names(app)


async def test_a_new_filter_orders_the_kept_months_in_the_background(
    sample_db: Database, make_app: AppMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After `f`, the months kept beside the one shown are filtered and sorted again in a
    worker: `]` then shows December's filtered rows without ordering them on the UI
    thread (at 10,000 clients that is most of a month change)."""
    import threading

    on_ui_thread: list[bool] = []

    def visible_rows(*args: object, **kwargs: object) -> list[month_view.ClientMonth]:
        on_ui_thread.append(threading.current_thread() is threading.main_thread())
        return client_rows.visible_rows(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(dashboard, "visible_rows", visible_rows)
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("f")  # needs attention
        await settle(app, pilot)
        assert on_ui_thread[-1] is False  # the kept months, in the worker
        on_ui_thread.clear()
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert "December 2026" in month_shown(app)
        assert True not in on_ui_thread
        view = app.dashboard.view
        assert view is not None
        expected = client_rows.visible_rows(
            view.clients, view_filter=client_rows.Filter.ATTENTION, month=view.month
        )
        assert table_names(app) == [c.name for c in expected]
