"""Rewrite the generated sections of README.md, the key map (from the key registry) and
the legend (from the glyph tables): run after adding keys or glyphs."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from retainer_tui.tui.keymap_doc import keymap_markdown
from retainer_tui.tui.legend import legend_markdown

SECTIONS = {"keymap": keymap_markdown, "legend": legend_markdown}


def main() -> int:
    readme = Path(__file__).resolve().parents[1] / "README.md"
    text = readme.read_text(encoding="utf-8")
    for name, build in SECTIONS.items():
        start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
        block = f"{start}\n{build()}{end}"
        text, count = re.subn(
            re.escape(start) + ".*?" + re.escape(end), lambda _, b=block: b, text, flags=re.S
        )
        if count != 1:
            print(f"{readme}: no {start} … {end} section", file=sys.stderr)
            return 1
    readme.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
