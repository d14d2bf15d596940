"""App-wide behaviour: welcome, help, palette, live data, theme, keymap, a large database."""

from __future__ import annotations

import re
import time
from dataclasses import replace
from datetime import date

import pytest
from textual.command import CommandPalette
from textual.widgets import OptionList

from retainer_tui.config import Settings, load_settings
from retainer_tui.db.engine import Database
from retainer_tui.domain.month import Month
from retainer_tui.services.client_read import get_client
from retainer_tui.services.clients import save_client
from retainer_tui.services.month_view import load_month
from retainer_tui.tui.screens.client_detail import ClientDetailScreen
from retainer_tui.tui.screens.help import HelpScreen
from retainer_tui.tui.screens.welcome import WelcomeScreen
from tests.factories import add_client, set_goal, set_result
from tests.trust.helpers import screen_text
from tests.ui.conftest import SIZE, AppMaker, settle, table_names


async def test_welcome_then_sample_data_then_dashboard(db: Database, make_app: AppMaker) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.click("#load-sample")
        await settle(app, pilot)
        assert app.screen is app.dashboard
        assert len(table_names(app)) >= 5
    with db.read() as conn:
        assert conn.execute("SELECT count(*) FROM client").fetchone()[0] >= 5


async def test_start_fresh_keeps_the_tiers_and_welcome_is_not_shown_with_clients(
    db: Database, make_app: AppMaker
) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("f")
        await settle(app, pilot)
        assert app.screen is app.dashboard
        assert app.dashboard.query_one("#empty").display
    with db.read() as conn:
        assert conn.execute("SELECT count(*) FROM tier").fetchone()[0] == 3
    add_client(db, "Rossi Bakery")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.screen is app.dashboard
        assert table_names(app) == ["Rossi Bakery"]


async def test_help_lists_every_key_of_the_screen(sample_db: Database, make_app: AppMaker) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for phrase in (
            "Open the client's page",
            "Go to the next month",
            "Cycle the filter",
            "Open the retainer tiers",
            "Reload the data now",
        ):
            assert phrase in text
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.dashboard


async def _palette_options(app, pilot, query: str, expected: str) -> list[str]:
    """The palette's options for the query, once the expected one is among them (the
    palette searches in the background and adds its hits as they come)."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(app.screen, CommandPalette)
    await pilot.press(*query)
    prompts: list[str] = []
    for _ in range(100):
        await pilot.pause(0.05)
        options = app.screen.query_one(OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        if any(expected in p for p in prompts):
            await pilot.pause(0.1)  # hits still on their way land too
            return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    raise AssertionError(f"{expected!r} never offered; the palette shows {prompts}")


async def test_palette_goes_to_a_client_by_name(sample_db: Database, make_app: AppMaker) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        prompts = await _palette_options(
            app, pilot, "go to client rossi", "Go to client Rossi Bakery"
        )
        assert "Go to client Rossi Bakery" in prompts[0]  # the one enter takes
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ClientDetailScreen)
        assert app.screen.detail is not None and app.screen.detail.name == "Rossi Bakery"


async def test_palette_goes_to_a_month(sample_db: Database, make_app: AppMaker) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        prompts = await _palette_options(app, pilot, "2026-03", "Go to month March 2026")
        assert "Go to month March 2026 (2026-03)" in prompts[0]  # the one enter takes
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.dashboard.month == Month(2026, 3)


async def test_palette_offers_the_dashboard_actions(
    sample_db: Database, make_app: AppMaker
) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        prompts = await _palette_options(app, pilot, "previous month", "Go to the previous month")
        assert "Go to the previous month" in prompts[0]  # the one enter takes
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.dashboard.month == Month(2026, 10)


async def test_ctrl_r_and_outside_changes_reload(
    sample_db: Database, make_app: AppMaker, as_of: date
) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        before = set(table_names(app))
        # Another process writes (factories use their own connection).
        cid = add_client(sample_db, "Zeta Newcomer", start="2026-11")
        set_goal(sample_db, cid, "new_followers", "2026-11", 100)
        assert app.check_for_changes()
        await settle(app, pilot)
        assert set(table_names(app)) == before | {"Zeta Newcomer"}
        assert not app.check_for_changes()  # nothing new since
        # ctrl+r reloads at once, without waiting for the poll.
        set_result(sample_db, cid, "new_followers", "2026-11", 100)
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        table = app.dashboard.table
        row = table.row_cells(table.client_ids.index(cid))
        assert any("met" in cell.plain for cell in row)


async def test_the_poll_notices_changes_by_itself(sample_db: Database, make_app: AppMaker) -> None:
    app = make_app(sample_db, poll_seconds=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        add_client(sample_db, "Zeta Newcomer", start="2026-11")
        deadline = time.monotonic() + 5
        while "Zeta Newcomer" not in table_names(app) and time.monotonic() < deadline:
            await pilot.pause(0.05)
            await settle(app, pilot)
        assert "Zeta Newcomer" in table_names(app)


class SlowWatcher:
    """A watcher whose every look takes a second: a server gone, its reconnect waiting
    out the connect timeout."""

    online = True

    def __init__(self) -> None:
        self.looking = False

    def _slow(self) -> None:
        self.looking = True
        time.sleep(1.0)
        self.looking = False

    def changed(self) -> bool:
        self._slow()
        return False

    def mark_seen(self) -> None:
        self._slow()

    def close(self) -> None:
        pass


async def test_a_slow_look_for_changes_never_holds_the_keys(
    sample_db: Database, make_app: AppMaker
) -> None:
    """The poll looks in a worker: a key pressed while a look takes a second is handled
    at once."""
    app = make_app(sample_db, poll_seconds=0.1)
    slow = SlowWatcher()
    app._watcher = slow  # type: ignore[assignment]
    async with app.run_test(size=SIZE) as pilot:
        while app.dashboard.view is None:
            await pilot.pause(0.05)
        await app.workers.wait_for_complete()  # the look the start-up asked for
        deadline = time.monotonic() + 5
        while not slow.looking and time.monotonic() < deadline:
            await pilot.pause(0.01)
        table = app.dashboard.table
        row = table.cursor_row
        start = time.monotonic()
        await pilot.press("down")
        while app.keys_pending:
            await pilot.pause(0.01)
        took = time.monotonic() - start
        assert table.cursor_row == row + 1
        assert slow.looking and took < 0.5, f"the key waited {took:.2f} s on the look"


async def test_theme_change_is_saved(sample_db: Database, make_app: AppMaker) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.theme = "textual-light"
        await pilot.pause()
    assert load_settings().theme == "textual-light"
    # And the next start uses it.
    app = make_app(sample_db, load_settings())
    assert app.theme == "textual-light"


async def test_unknown_theme_falls_back(sample_db: Database, make_app: AppMaker) -> None:
    app = make_app(sample_db, Settings(theme="no-such-theme"))
    assert app.theme == "textual-dark"


async def test_keymap_from_settings_remaps_keys(sample_db: Database, make_app: AppMaker) -> None:
    app = make_app(sample_db, Settings(keymap={"next-month": "j", "cycle-filter": "ctrl+f"}))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("j")
        await settle(app, pilot)
        assert app.dashboard.month == Month(2026, 12)
        await pilot.press("right_square_bracket")  # no longer bound
        await settle(app, pilot)
        assert app.dashboard.month == Month(2026, 12)
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert app.dashboard.view_filter == "attention"
        await pilot.press("question_mark")
        await pilot.pause()
        drawn = screen_text(app)
        assert re.search(r"(│| {2}) j +Go to the next month", drawn), drawn
        assert re.search(r"(│| {2}) \^f +Cycle the filter: all, needs attention,", drawn), drawn


async def test_a_screen_opened_by_its_key_reloads_the_data_on_close(
    sample_db: Database, make_app: AppMaker
) -> None:
    from retainer_tui.tui.screens.tiers import TiersScreen

    app = make_app(sample_db)
    reloads: list[None] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.data_changed.subscribe(app, reloads.append)
        await pilot.press("T")
        await settle(app, pilot)
        assert isinstance(app.screen, TiersScreen)
        assert reloads == []
        # A write made while the screen is open (as a save there would make one).
        client_id = next(c.id for c in app.dashboard.view.clients if c.name == "Rossi Bakery")
        record = get_client(sample_db, client_id=client_id)
        assert record is not None
        draft = record.draft()
        save_client(
            sample_db,
            draft=replace(draft, name="Rossi Pasticceria"),
            client_id=client_id,
            base=draft,
        )
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is app.dashboard
        assert reloads == [None]  # once, for the screen just closed
        assert "Rossi Pasticceria" in table_names(app)  # and the dashboard shows the write


async def test_dashboard_agrees_with_status_json(
    sample_db: Database, make_app: AppMaker, as_of: date
) -> None:
    """The screen's statuses and counts are the month view's (what `status --json` prints)."""
    from retainer_tui.services.status_json import status_object

    expected = status_object(load_month(sample_db, month=Month.of(as_of), as_of=as_of))
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("x")  # every client
        await pilot.pause()
        table = app.dashboard.table
        status_col = table.column_keys.index("status")
        shown = {
            table.row_cells(i)[0].plain: table.row_cells(i)[status_col].plain
            for i in range(table.row_count)
        }
        assert set(shown) == {c["name"] for c in expected["clients"]}
        for client in expected["clients"]:
            assert shown[client["name"]].endswith(client["month_status"].replace("_", " "))
        counts = expected["counts"]
        bar = app.dashboard.query_one("#summary")
        text = " ".join(str(s.render()) for s in bar.query("Static"))
        assert f"{counts['needs_attention']} need" in text
        clients = counts["reports_overdue"]
        assert clients and f"overdue reports, {clients} client" in text
        owing = counts["payments_owed"]
        total = int(float(expected["total_owed"]))
        who = "1 client owes" if owing == 1 else f"{owing} clients owe"
        assert owing and f"$ {who} ${total:,}" in text
        income = int(float(expected["guaranteed_monthly_income"]))
        assert f"${income:,}/mo" in text.replace("Guaranteed ", "")


async def test_the_app_is_drawn_and_takes_keys_before_the_month_arrives(
    sample_db: Database, make_app: AppMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first frame waits for no data: header, summary and table header are drawn and
    `?` opens the help while the month's read is still held back; the data follows."""
    import threading

    from retainer_tui.tui.screens import dashboard

    release = threading.Event()
    reads: list[Month] = []

    def held_back(db: Database, **kwargs: object) -> object:
        reads.append(kwargs["month"])  # type: ignore[arg-type]
        assert release.wait(10)
        return load_month(db, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(dashboard, "load_month", held_back)
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(100):
            if reads:
                break
            await pilot.pause(0.02)
        assert reads == [Month(2026, 11)]
        drawn = screen_text(app)
        assert "November 2026" in drawn and "Client" in drawn
        assert table_names(app) == []
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        release.set()
        await settle(app, pilot)
        assert len(table_names(app)) >= 5
