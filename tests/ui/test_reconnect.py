"""A server that goes away while the app runs: the header says so, an edit being saved
stays in its form and is saved by itself once the server answers again; another
person's save shows up on the dashboard by itself (LISTEN/NOTIFY)."""

from __future__ import annotations

import asyncio

import pytest

from retainer_tui.db.base import Database
from retainer_tui.db.pg_url import parse
from retainer_tui.db.postgres import PostgresDatabase
from retainer_tui.services.clients import ClientDraft, save_client
from retainer_tui.tui.app import RECONNECTING
from retainer_tui.tui.screens.client_form import ClientFormScreen
from tests.raw import raw
from tests.ui.conftest import SIZE, AppMaker, settle, table_names

pytestmark = pytest.mark.both_engines

# Nothing listens on port 1: a connection there is refused at once, as by a server down.
NOWHERE = "postgresql://postgres@127.0.0.1:1/gone"


async def _until(app, pilot, condition, seconds: float = 15.0) -> bool:  # noqa: ANN001
    for _ in range(int(seconds / 0.1)):
        if condition():
            return True
        await asyncio.sleep(0.1)
        await pilot.pause()
    return condition()


async def test_an_edit_waits_for_the_server_and_is_saved_when_it_is_back(
    db: Database, engine: str, make_app: AppMaker
) -> None:
    if engine != "postgresql":
        pytest.skip("a file does not go away and come back: the server case")
    assert isinstance(db, PostgresDatabase)
    save_client(db, draft=ClientDraft(name="Rossi Bakery", start_month="2026-01"))
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, ClientFormScreen)
        await pilot.press(*"Greco Dental")

        here = db.target
        db.dispose()
        db.target = parse(NOWHERE)  # the server is gone
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ClientFormScreen), "the edit stays in its form"
        assert app.sub_title.endswith(RECONNECTING)

        db.dispose()
        db.target = here  # and back
        assert await _until(app, pilot, lambda: app.screen is app.dashboard)
        await settle(app, pilot)
        assert not app.sub_title.endswith(RECONNECTING)
    with raw(db) as conn:
        names = [n for (n,) in conn.execute("SELECT name FROM client ORDER BY name")]
    assert names == ["Greco Dental", "Rossi Bakery"]


async def test_another_persons_save_shows_up_by_itself(
    db: Database, engine: str, make_app: AppMaker
) -> None:
    save_client(db, draft=ClientDraft(name="Rossi Bakery", start_month="2026-01"))
    app = make_app(db, poll_seconds=0.2)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert table_names(app) == ["Rossi Bakery"]
        # Someone else, elsewhere: another connection (on PostgreSQL another token).
        other = PostgresDatabase(db.target) if isinstance(db, PostgresDatabase) else db
        save_client(other, draft=ClientDraft(name="Fiori di Sara", start_month="2026-01"))
        assert await _until(
            app, pilot, lambda: table_names(app) == ["Fiori di Sara", "Rossi Bakery"]
        )
        if other is not db:
            other.dispose()
