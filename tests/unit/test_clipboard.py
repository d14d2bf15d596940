"""Copying says where the text went: the system tool when one is installed and usable
(the text then arrives for sure), else the terminal's OSC 52, with tmux's setting named."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from retainer_tui.tui import clipboard


def fake_tool(folder: Path, name: str, *, fails: bool = False) -> Path:
    """A stand-in for xclip & co. that keeps what it is given."""
    kept = folder / f"{name}.out"
    script = folder / name
    body = "exit 1" if fails else f'/bin/cat > "{kept}"'
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return kept


@pytest.fixture
def bin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "TMUX"):
        monkeypatch.delenv(var, raising=False)
    return folder


def test_the_system_tool_gets_the_text_and_is_named(bin_dir: Path, monkeypatch) -> None:
    kept = fake_tool(bin_dir, "xclip")
    monkeypatch.setenv("DISPLAY", ":0")
    sent: list[str] = []
    where = clipboard.copy_text("Café report\n", sent.append)
    assert where == "on the clipboard (xclip)"
    assert kept.read_text(encoding="utf-8") == "Café report\n"
    assert sent == ["Café report\n"]  # the app keeps it for its own paste too


def test_wayland_first_and_no_display_no_x_tool(bin_dir: Path, monkeypatch) -> None:
    fake_tool(bin_dir, "xclip")
    fake_tool(bin_dir, "wl-copy")
    assert clipboard.system_tool({}) is None  # X tools need a display
    assert clipboard.system_tool({"WAYLAND_DISPLAY": "w", "DISPLAY": ":0"})[0] == "wl-copy"
    assert clipboard.system_tool({"DISPLAY": ":0"})[0] == "xclip"


def test_without_a_tool_it_says_osc52_and_how_tmux_passes_it(bin_dir: Path, monkeypatch) -> None:
    sent: list[str] = []
    assert clipboard.copy_text("x", sent.append) == "sent to the terminal's clipboard (OSC 52)"
    monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1,0")
    where = clipboard.copy_text("x", sent.append)
    assert "set -g set-clipboard on" in where and sent == ["x", "x"]


def test_a_tool_that_fails_falls_back_and_says_so(bin_dir: Path, monkeypatch) -> None:
    fake_tool(bin_dir, "xclip", fails=True)
    monkeypatch.setenv("DISPLAY", ":0")
    assert clipboard.copy_text("x", lambda _t: None).startswith("sent to the terminal")
    assert os.environ["PATH"] == str(bin_dir)
