"""Rewrite the key map section of README.md from the key registry (run after adding keys)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from retainer_tui.tui.keymap_doc import keymap_markdown

START, END = "<!-- keymap:start -->", "<!-- keymap:end -->"


def main() -> int:
    readme = Path(__file__).resolve().parents[1] / "README.md"
    text = readme.read_text(encoding="utf-8")
    block = f"{START}\n{keymap_markdown()}{END}"
    new, count = re.subn(
        re.escape(START) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S
    )
    if count != 1:
        print(f"{readme}: no {START} … {END} section", file=sys.stderr)
        return 1
    readme.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
