"""Save docs/dashboard.svg: the dashboard on the sample data as of 2026-11-20, headless.

Run with `make screenshot` (or `.venv/bin/python scripts/screenshot.py [OUTPUT]`).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from datetime import date
from pathlib import Path

from retainer_tui.config import Settings
from retainer_tui.db.migrate import open_database
from retainer_tui.services.sample import load_sample_data
from retainer_tui.tui.app import build_app

AS_OF = date(2026, 11, 20)
SIZE = (120, 36)
DEFAULT_OUTPUT = Path(__file__).resolve().parents[1] / "docs" / "dashboard.svg"


async def screenshot(output: Path) -> Path:
    with tempfile.TemporaryDirectory(prefix="retainer-screenshot-") as folder:
        db = open_database(Path(folder) / "sample.db")
        load_sample_data(db, as_of=AS_OF)
        app = build_app(db, Settings(), today=AS_OF, poll_seconds=None)
        app.animation_level = "none"
        async with app.run_test(size=SIZE) as pilot:
            for _ in range(3):  # the month loads in a worker; wait for it and its message
                await app.workers.wait_for_complete()
                await pilot.pause()
            output.parent.mkdir(parents=True, exist_ok=True)
            app.save_screenshot(filename=output.name, path=str(output.parent))
        db.dispose()
    return output


def main() -> int:
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUTPUT
    print(asyncio.run(screenshot(output)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
