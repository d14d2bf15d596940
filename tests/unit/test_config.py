"""Settings: defaults, round trip through tomli-w, and one-line errors naming file and line."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from retainer_tui import paths
from retainer_tui.config import ConfigError, Settings, load_settings, save_setting, save_settings


def test_missing_file_gives_defaults() -> None:
    settings = load_settings()
    assert settings == Settings()
    assert (settings.currency, settings.tolerance, settings.late_payment_grace_days) == (
        "USD",
        0.2,
        7,
    )
    assert settings.default_report_due_day == 5


def test_round_trip(tmp_path: Path) -> None:
    settings = Settings(
        currency="EUR",
        tolerance=0.1,
        late_payment_grace_days=3,
        default_report_due_day=10,
        theme="nord",
        yearly_goal=250_000,
        keymap={"new-client": "ctrl+n"},
    )
    save_settings(settings)
    assert paths.config_file().exists()
    assert load_settings() == settings


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('currency = "USD"\ntolerance = \n', "line 2"),
        ("currency = 12\n", "wrong type"),
        ('colour = "blue"\n', "unknown setting 'colour'"),
        ("tolerance = 1.5\n", "tolerance"),
        ("default_report_due_day = 31\n", "between 1 and 28"),
        ('currency = "DOLLARS"\n', "3-letter"),
        ("[keymap]\nnew-client = 3\n", "keymap"),
        ("yearly_goal = 0\n", "yearly_goal must be a whole amount"),
        ("yearly_goal = 150000.5\n", "wrong type"),
        ("yearly_goal = 10000000000\n", "yearly_goal must be a whole amount"),
    ],
)
def test_bad_files_name_the_file_and_the_problem(text: str, needle: str) -> None:
    path = paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert str(path) in message
    assert needle in message
    assert "\n" not in message


def test_currency_code_is_upper_cased() -> None:
    path = paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('currency = "eur"\n')
    assert load_settings().currency == "EUR"


COMMENTED = """# my retainer settings
currency = "EUR"   # we bill in euros
theme = "textual-dark"

tolerance = 0.25 # a bit more slack

[keymap]
new-client = "ctrl+n"  # like my other tools
"""


def test_changing_the_theme_keeps_every_other_byte() -> None:
    path = paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(COMMENTED, encoding="utf-8")
    save_setting("theme", "nord")
    assert path.read_text(encoding="utf-8") == COMMENTED.replace("textual-dark", "nord")
    assert load_settings().theme == "nord" and load_settings().tolerance == 0.25


def test_a_theme_set_in_no_file_writes_only_that_line() -> None:
    path = paths.config_file()
    save_setting("theme", "nord")
    assert path.read_text(encoding="utf-8") == 'theme = "nord"\n'
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_broken_file_is_not_overwritten() -> None:
    path = paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("theme = \n", encoding="utf-8")
    with pytest.raises(ConfigError, match="nothing was saved"):
        save_setting("theme", "nord")
    assert path.read_text(encoding="utf-8") == "theme = \n"


async def test_ctrl_t_in_the_app_keeps_the_users_comments(db) -> None:
    from datetime import date

    from retainer_tui.tui.app import build_app

    path = paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(COMMENTED, encoding="utf-8")
    app = build_app(db, load_settings(), today=date(2026, 11, 20), poll_seconds=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        app.theme = "nord"  # what the theme picker (ctrl+t) sets
        await pilot.pause()
    assert path.read_text(encoding="utf-8") == COMMENTED.replace("textual-dark", "nord")
