"""Settings: defaults, round trip through tomli-w, and one-line errors naming file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from retainer_tui import paths
from retainer_tui.config import ConfigError, Settings, load_settings, save_settings


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
