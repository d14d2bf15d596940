"""Terminal escapes and Rich markup written into the database by another tool are shown,
never obeyed: in the command line's tables and in the app's screens."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from retainer_tui.cli import main
from retainer_tui.db.engine import Database
from retainer_tui.domain.terminal_text import visible
from tests.trust.helpers import screen_text
from tests.ui.conftest import SIZE, AppMaker, settle

HOSTILE = ["\x1b]0;pwned\x07", "\x1b[2J", "\x9b31m", "a\x01b\x7f"]
RAW = ("\x1b", "\x07", "\x9b", "\x01", "\x7f")


def _poison(path: Path, text: str) -> None:
    """Another tool writes `text` into every name, tier name and metric label."""
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE client SET name = ? || ' ' || id", (text,))
        conn.execute("UPDATE tier SET name = ? || ' ' || id", (text,))
        conn.execute("UPDATE metric SET label = ? || ' ' || key", (text,))
    conn.close()


@pytest.mark.parametrize("command", ["status", "reports", "pipeline"])
@pytest.mark.parametrize("text", HOSTILE)
def test_cli_tables_show_escapes(
    sample_db: Database, db_path: Path, command: str, text: str, capsys: pytest.CaptureFixture
) -> None:
    sample_db.dispose()
    _poison(db_path, text)
    code = main([command, "--db", str(db_path), "--as-of", "2026-11-20"])
    out, err = capsys.readouterr()
    assert code == 0, err
    for raw in RAW:
        assert raw not in out + err
    assert visible(text) in out


@pytest.mark.parametrize("text", [*HOSTILE, "[red]x[/red]", "[link=http://x]y[/link]"])
async def test_app_screens_show_escapes(
    sample_db: Database, db_path: Path, make_app: AppMaker, text: str
) -> None:
    _poison(db_path, text)
    app = make_app(sample_db)
    shown_form = visible(text)[:6]
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        screens = {"dashboard": screen_text(app)}
        app.open_tiers()
        await settle(app, pilot)
        screens["tiers"] = screen_text(app)
        app.pop_screen()
        await settle(app, pilot)
        app.open_pipeline()
        await settle(app, pilot)
        screens["pipeline"] = screen_text(app)
        app.pop_screen()
        await settle(app, pilot)
        app.open_reports()
        await settle(app, pilot)
        screens["reports"] = screen_text(app)
        app.pop_screen()
        await settle(app, pilot)
        app.show_client(1)
        await settle(app, pilot)
        screens["client"] = screen_text(app)
        app.pop_screen()
        await settle(app, pilot)
        app.open_results(1)
        await settle(app, pilot)
        screens["results"] = screen_text(app)
    for name, shown in screens.items():
        for raw in RAW:
            assert raw not in shown, name
        assert shown_form in shown, (name, shown)
