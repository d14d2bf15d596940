"""End to end: the real `retainer` command in tmux, typed at and read like a person would."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from retainer_tui.domain.money import format_money, parse_money

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]
RETAINER = str(Path(sys.executable).with_name("retainer"))


class Terminal:
    """One tmux server of our own, so nothing else on the machine is touched."""

    def __init__(
        self, command: str, env: dict[str, str], folder: Path, size: tuple[int, int] = (120, 40)
    ):
        self.socket = str(folder / f"tmux-{uuid.uuid4().hex[:8]}.sock")
        exports = " ".join(f"{k}={v!s}" for k, v in env.items())
        self._tmux(
            "new-session",
            "-d",
            "-s",
            "e2e",
            "-x",
            str(size[0]),
            "-y",
            str(size[1]),
            f"env {exports} TERM=xterm-256color {command}; echo EXITED=$?; sleep 30",
        )

    def _tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-S", self.socket, *args], capture_output=True, text=True, timeout=20
        )
        return result.stdout

    def screen(self) -> str:
        return self._tmux("capture-pane", "-t", "e2e", "-p")

    def keys(self, *keys: str) -> None:
        self._tmux("send-keys", "-t", "e2e", *keys)

    def wait_for(self, text: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{self.screen()}")

    def close(self) -> None:
        subprocess.run(["tmux", "-S", self.socket, "kill-server"], capture_output=True)
        Path(self.socket).unlink(missing_ok=True)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "HOME": str(tmp_path),
    }


@pytest.fixture
def terminal() -> Iterator[list[Terminal]]:
    opened: list[Terminal] = []
    yield opened
    for term in opened:
        term.close()


def test_demo_dashboard_month_navigation_and_quit(env, terminal, tmp_path: Path) -> None:
    term = Terminal(f"{RETAINER} demo --as-of 2026-11-20", env, tmp_path)
    terminal.append(term)
    screen = term.wait_for("Guaranteed")
    assert "November 2026" in screen
    assert "$23,000" in screen
    term.keys("]")
    assert "December 2026" in term.wait_for("December 2026")
    term.keys("t")
    term.wait_for("November 2026")
    term.keys("q")
    term.wait_for("EXITED=0")


def test_dashboard_shows_what_status_json_reports(env, terminal, tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    from datetime import date

    from retainer_tui.db.migrate import open_database
    from retainer_tui.services.sample import load_sample_data

    load_sample_data(open_database(db), as_of=date(2026, 11, 20))
    status = subprocess.run(
        [RETAINER, "status", "--json", "--db", str(db), "--as-of", "2026-11-20"],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=True,
    )
    data = json.loads(status.stdout)
    term = Terminal(f"{RETAINER} --db {db} --as-of 2026-11-20", env, tmp_path)
    terminal.append(term)
    screen = term.wait_for("Guaranteed")
    income = format_money(parse_money(data["guaranteed_monthly_income"]), "USD", cents_shown=False)
    assert income in screen
    counts = data["counts"]
    assert f"{counts['needs_attention']} needs attention" in screen
    owed = format_money(parse_money(data["total_owed"]), "USD", cents_shown=False)
    owing = counts["payments_owed"]
    # The bar's long form, or its short one below 100 columns ("$ 1 owes $3,000"):
    # tmux may draw the first frame before the window takes its size.
    one = owing == 1
    forms = (
        f"$ {owing} {'client owes' if one else 'clients owe'} {owed}",
        f"$ {owing} {'owes' if one else 'owe'} {owed}",
    )
    assert owing and any(form in screen for form in forms), screen
    for client in data["clients"]:
        if client["status"] in ("active", "trial"):
            assert client["name"][:15] in screen
    term.keys("q")
    term.wait_for("EXITED=0")
