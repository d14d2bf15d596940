"""Terminal escapes and Rich markup written into the database by another tool are shown,
never obeyed: in the command line's tables and in the app's screens."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from retainer_tui.cli import main
from retainer_tui.db.engine import Database
from retainer_tui.domain.terminal_text import visible
from tests.raw import db_arg, raw
from tests.trust.helpers import screen_text
from tests.ui.conftest import SIZE, AppMaker, settle

HOSTILE = ["\x1b]0;pwned\x07", "\x1b[2J", "\x9b31m", "a\x01b\x7f"]
pytestmark = pytest.mark.both_engines

RAW = ("\x1b", "\x07", "\x9b", "\x01", "\x7f")


def _poison(db: Database, text: str) -> None:
    """Another tool writes `text` into every name, tier name and metric label."""
    with raw(db, write=True) as conn:
        conn.execute("UPDATE client SET name = CAST(? AS TEXT) || ' ' || id", (text,))
        conn.execute("UPDATE tier SET name = CAST(? AS TEXT) || ' ' || id", (text,))
        conn.execute("UPDATE metric SET label = CAST(? AS TEXT) || ' ' || key", (text,))


@pytest.mark.parametrize("command", ["status", "reports", "pipeline"])
@pytest.mark.parametrize("text", HOSTILE)
def test_cli_tables_show_escapes(
    sample_db: Database, command: str, text: str, capsys: pytest.CaptureFixture
) -> None:
    _poison(sample_db, text)
    sample_db.dispose()
    code = main([command, "--db", db_arg(sample_db), "--as-of", "2026-11-20"])
    out, err = capsys.readouterr()
    assert code == 0, err
    for code_point in RAW:
        assert code_point not in out + err
    assert visible(text) in out


async def drawn(app: object, pilot: Pilot[None], expected: str) -> str:
    """The screen as drawn once it shows `expected` (a table filled by a worker's message
    is drawn at the next refresh), or as it stands after a few seconds."""
    shown = screen_text(app)
    for _ in range(50):
        if expected in shown:
            break
        await pilot.pause(0.1)
        shown = screen_text(app)
    return shown


@pytest.mark.parametrize("text", [*HOSTILE, "[red]x[/red]", "[link=http://x]y[/link]"])
async def test_app_screens_show_escapes(sample_db: Database, make_app: AppMaker, text: str) -> None:
    _poison(sample_db, text)
    app = make_app(sample_db)
    shown_form = visible(text)[:6]
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        screens = {"dashboard": await drawn(app, pilot, shown_form)}
        app.open_tiers()
        await settle(app, pilot)
        screens["tiers"] = await drawn(app, pilot, shown_form)
        app.pop_screen()
        await settle(app, pilot)
        app.open_pipeline()
        await settle(app, pilot)
        screens["pipeline"] = await drawn(app, pilot, shown_form)
        app.pop_screen()
        await settle(app, pilot)
        app.open_reports()
        await settle(app, pilot)
        screens["reports"] = await drawn(app, pilot, shown_form)
        app.pop_screen()
        await settle(app, pilot)
        app.show_client(1)
        await settle(app, pilot)
        screens["client"] = await drawn(app, pilot, shown_form)
        app.pop_screen()
        await settle(app, pilot)
        app.open_results(1)
        await settle(app, pilot)
        screens["results"] = await drawn(app, pilot, shown_form)
    for name, shown in screens.items():
        for code_point in RAW:
            assert code_point not in shown, name
        assert shown_form in shown, (name, shown)
