"""What the start-up imports cost, step by step, in a fresh interpreter: prints one JSON
object of milliseconds. The first data frame waits for every step; the baseline app for
the first one only (`python bench/import_chain.py`)."""

from __future__ import annotations

import json
import time

STEPS = (
    ("textual", "textual.app, textual.widgets"),
    ("sqlalchemy", "sqlalchemy"),
    ("sqlmodel", "sqlmodel"),
    ("tables", "retainer_tui.db.models"),
    ("our_ui", "retainer_tui.cli, retainer_tui.tui.app"),
)


def main() -> None:
    took: dict[str, float] = {}
    for name, modules in STEPS:
        start = time.perf_counter()
        exec(f"import {modules}")  # each step after the ones before it, as at start-up
        took[name] = (time.perf_counter() - start) * 1000
    print(json.dumps(took))


if __name__ == "__main__":
    main()
