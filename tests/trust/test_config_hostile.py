"""Hostile config.toml values: each refused in one line naming the key in config.toml.

A bad currency stops every command (it would label a new database for good); a bad
[keymap] entry is set aside, the app starts with that binding's default keys and says so
in a toast. A malformed file stays a one-line error naming it. config.toml and its folder
are the owner's only, whatever the umask.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from retainer_tui import paths
from retainer_tui.cli import main
from retainer_tui.config import ConfigError, Settings, load_settings, save_settings
from retainer_tui.db.engine import Database
from retainer_tui.tui.keys import check_keymap
from tests.trust import tally
from tests.trust.helpers import screen_text
from tests.ui.conftest import SIZE, AppMaker, settle


def write_config(text: str) -> Path:
    path = paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


# ---------------------------------------------------------------- currency

BAD_CURRENCIES = [
    "ÄÖÜ",
    "usd ",
    " USD",
    "US",
    "USDD",
    "U$D",
    "",
    "１２３",
    "ＵＳＤ",
    "\x1b[2J",
    "ǅǅǅ",
]


@pytest.mark.parametrize("code", BAD_CURRENCIES)
def test_a_currency_that_is_not_three_ascii_letters_is_refused(code: str) -> None:
    path = write_config(f"currency = {_toml(code)}\n")
    tally.tried()
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = one_line(str(caught.value))
    assert message.startswith(f"{path}: currency = ")
    assert "ISO 4217" in message


@pytest.mark.parametrize("code", BAD_CURRENCIES[:4])
def test_every_command_stops_on_a_bad_currency(
    code: str, db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit 2 and one line, before any database is opened or created."""
    write_config(f"currency = {_toml(code)}\n")
    new_db = db.path.with_name("new.db")
    for argv in (["status", "--db", str(db.path)], ["export", "--db", str(new_db)]):
        tally.tried()
        assert main(argv) == 2
        out = capsys.readouterr()
        assert out.out == ""
        assert "currency = " in one_line(out.err)
        assert "\x1b" not in out.err
    assert not new_db.exists()


@pytest.mark.parametrize(("code", "kept"), [("eur", "EUR"), ("Gbp", "GBP"), ("JPY", "JPY")])
def test_lower_case_codes_are_read_upper_case(code: str, kept: str) -> None:
    write_config(f'currency = "{code}"\n')
    assert load_settings().currency == kept


def _toml(text: str) -> str:
    """A TOML basic string for any text (control characters as \\u escapes)."""
    import tomli_w

    return tomli_w.dumps({"x": text}).split("=", 1)[1].strip()


# ---------------------------------------------------------------- [keymap]

# (entry as written in config.toml, what the line says)
BAD_KEYMAPS = [
    ('new-client = "ctrl+qq"', 'new-client = "ctrl+qq": not a key Textual knows'),
    ('new-client = "Ctrl+N"', "not a key Textual knows"),
    ('new-client = "ctrl+n, qq"', '"qq" is not a key Textual knows'),
    ('new-client = ","', "no key"),
    ('new-client = "ctrl+"', "not a key Textual knows"),
    ('new-client = "latin_small_letter_n"', "not a key Textual knows"),
    ('new-client = "\\u001b[2J"', "not a key Textual knows"),
    ('nwe-client = "ctrl+n"', "no binding has this id (did you mean new-client?)"),
    ('"\\u001b]0;x\\u0007" = "ctrl+n"', "no binding has this id"),
    ('new-client = "e"', '"e" is already edit-client (Edit) on the Dashboard screen'),
    ('quit = "n"', '"n" is already new-client'),
    ('help = "ctrl+p"', "command-palette"),
    ('help = "ctrl+i"', "focus-next"),  # ctrl+i is tab to Textual
    ('report-export = "c"', '"c" is already report-copy (Copy) on the Report preview screen'),
    ('new-client = "left_square_bracket"', "previous-month"),
]


@pytest.mark.parametrize(("entry", "says"), BAD_KEYMAPS)
def test_a_bad_keymap_entry_is_refused_in_one_line_naming_it(entry: str, says: str) -> None:
    path = write_config(f'[keymap]\n{entry}\ntiers = "ctrl+y"\n')
    tally.tried()
    settings = load_settings()  # the file itself is fine: the app starts
    check = check_keymap(settings.keymap, source=str(path))
    assert len(check.problems) == 1, check.problems
    line = check.problems[0]
    assert "\n" not in line and "\x1b" not in line and "\x07" not in line
    assert line.startswith(f"{path}: [keymap] ")
    assert says in line
    # The refused binding keeps its defaults; the good entry is used.
    assert check.accepted == {"tiers": "ctrl+y"}


def test_two_bindings_on_one_key_refuse_the_later_entry() -> None:
    check = check_keymap({"new-client": "y", "edit-client": "y"})
    assert check.accepted == {"new-client": "y"}
    assert check.problems == (
        'config.toml: [keymap] edit-client = "y": "y" is already new-client (New) on the '
        "Dashboard screen",
    )


def test_swapping_two_keys_is_allowed() -> None:
    keymap = {"new-client": "e", "edit-client": "n"}
    assert check_keymap(keymap).accepted == keymap
    assert check_keymap(keymap).problems == ()


def test_the_same_key_on_different_screens_is_allowed() -> None:
    """`p` marks a payment on the dashboard; on the report preview it is free."""
    assert check_keymap({"report-export": "p"}).problems == ()


async def test_the_app_starts_with_the_defaults_and_says_so(
    sample_db: Database, make_app: AppMaker
) -> None:
    path = write_config('[keymap]\nnew-client = "ctrl+qq"\nopen-client = "o"\ntiers = "ctrl+y"\n')
    app = make_app(sample_db, load_settings())
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        toasts = [n.message for n in app._notifications if n.title == "config.toml"]
        assert "config.toml" in screen_text(app)  # the toast is drawn
        assert any(
            f'{path}: [keymap] new-client = "ctrl+qq": not a key Textual knows' in t
            and "open-client" in t
            and "default keys" in t
            for t in toasts
        ), toasts
        # The default `n` still adds a client; the good remap works.
        await pilot.press("n")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ClientFormScreen"
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("ctrl+y")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "TiersScreen"
    # Nothing in the user's file was rewritten.
    assert "ctrl+qq" in path.read_text(encoding="utf-8")


async def test_the_help_screen_shows_the_keys_in_force(
    sample_db: Database, make_app: AppMaker
) -> None:
    write_config('[keymap]\nnew-client = "ctrl+qq"\n')
    app = make_app(sample_db, load_settings())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await settle(app, pilot)
        shown = screen_text(app)
        assert "qq" not in shown
        assert "Add a new client" in shown


# ---------------------------------------------------------------- malformed file


@pytest.mark.parametrize(
    "text", ["currency = \n", "[keymap\n", 'currency = "USD"\ncurrency = "EUR"\n', "\xff"]
)
def test_a_malformed_file_is_one_line_naming_it(
    text: str, db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    path = paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("latin-1"))
    tally.tried()
    assert main(["status", "--db", str(db.path)]) == 2
    out = capsys.readouterr()
    assert one_line(out.err).startswith(f"retainer: {path}: ")


# ---------------------------------------------------------------- permissions


@pytest.fixture
def open_umask() -> Iterator[None]:
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("open_umask")
def test_settings_are_written_owner_only_under_umask_000() -> None:
    folder = paths.config_dir()
    assert not folder.exists()
    save_settings(Settings(theme="nord"))
    assert _mode(folder) == 0o700
    assert _mode(paths.config_file()) == 0o600
    # A file that was world-readable before is not after the next save.
    paths.config_file().chmod(0o666)
    save_settings(Settings(theme="gruvbox"))
    assert _mode(paths.config_file()) == 0o600
    assert load_settings().theme == "gruvbox"


@pytest.mark.usefixtures("open_umask")
async def test_a_theme_change_in_the_app_writes_owner_only(
    sample_db: Database, make_app: AppMaker
) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.theme = "nord"
        await settle(app, pilot)
    assert load_settings().theme == "nord"
    assert _mode(paths.config_dir()) == 0o700
    assert _mode(paths.config_file()) == 0o600
