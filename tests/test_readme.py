"""The README tells the truth: the two set-up commands, every command, the current key map."""

from __future__ import annotations

import re
from pathlib import Path

from retainer_tui.cli import build_parser
from retainer_tui.tui.keymap_doc import keymap_markdown

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_quick_start_is_exactly_make_run_and_make_test() -> None:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^\s*(make \w+)\s*$", section, flags=re.M)
    assert commands == ["make run", "make test"]


def test_every_command_is_documented() -> None:
    parser = build_parser()
    (sub,) = [a for a in parser._actions if a.dest == "command"]
    for name in sub.choices:
        assert f"retainer {name}" in README, name


def test_key_map_matches_the_registry() -> None:
    block = README.split("<!-- keymap:start -->\n", 1)[1].split("<!-- keymap:end -->", 1)[0]
    assert block == keymap_markdown(), "run: .venv/bin/python scripts/keymap_table.py"


def test_legend_matches_the_glyph_tables() -> None:
    from retainer_tui.tui.legend import legend_markdown

    block = README.split("<!-- legend:start -->\n", 1)[1].split("<!-- legend:end -->", 1)[0]
    assert block == legend_markdown(), "run: .venv/bin/python scripts/keymap_table.py"
