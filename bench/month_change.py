"""Month change on the dashboard, timed through App.run_test and Pilot (run in a child).

`python bench/month_change.py DB REPEATS` prints one JSON object: per press of `[` or `]`
the seconds from the key press to the first frame drawn with the new month's figures
(summary and first rows) and to the last row being in the table; and, on the same file
in the same process, the seconds of the raw sqlite3 aggregate of those figures
(bench/aggregate.py) for the same months. Then the same for far jumps (`far_drawn`,
`far_baseline`): months the dashboard cannot have loaded ahead.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

from aggregate import aggregate
from common import AS_OF, timed

from retainer_tui.config import Settings
from retainer_tui.db.engine import Database, SqliteDatabase
from retainer_tui.domain.month import Month
from retainer_tui.tui.app import RetainerApp
from retainer_tui.tui.screens.dashboard import DashboardScreen
from retainer_tui.tui.widgets.client_table import ClientTable


class TimedApp(RetainerApp):
    """The real app, noting when the frame after each loaded month has been drawn."""

    def __init__(self, db: Database) -> None:
        super().__init__(db, Settings(), today=AS_OF, poll_seconds=None)
        self.events: list[tuple[str, float]] = []
        self.noted = asyncio.Event()

    def _note(self, what: str) -> None:
        self.events.append((what, time.perf_counter()))
        self.noted.set()

    def on_dashboard_screen_month_loaded(self, message: DashboardScreen.MonthLoaded) -> None:
        self.call_after_refresh(self._drawn, str(message.view.month))

    def _drawn(self, month: str) -> None:
        self._note(f"drawn {month}")
        if not self.dashboard.table.filling:
            # A table filled at once posts Filled from the screen's handler, so it stops
            # at the screen and never bubbles up here.
            self._note("filled")

    def on_client_table_filled(self, _message: ClientTable.Filled) -> None:
        self.call_after_refresh(self._note, "filled")


async def _until(app: TimedApp, what: str, since: float, timeout: float = 120.0) -> float:
    """When `what` was first noted at or after `since`."""
    deadline = time.perf_counter() + timeout
    while True:
        for seen, when in app.events:
            if seen == what and when >= since:
                return when
        app.noted.clear()
        await asyncio.wait_for(app.noted.wait(), max(0.0, deadline - time.perf_counter()))


async def measure(path: Path, repeats: int) -> dict[str, list[float]]:
    """Alternate `[` and `]`; after each press, the baseline for the month it showed."""
    app = TimedApp(SqliteDatabase(path))
    last = str(Month.of(AS_OF).previous())
    drawn: list[float] = []
    filled: list[float] = []
    baseline: list[float] = []
    async with app.run_test(size=(160, 48)) as pilot:
        month = Month.of(AS_OF)
        await _until(app, f"drawn {month}", 0.0)
        await _until(app, "filled", 0.0)
        for i in range(repeats + 1):  # the first press (and query) warm up
            key = "[" if i % 2 == 0 else "]"
            month = month.previous() if key == "[" else month.next()
            start = time.perf_counter()
            await pilot.press(key)
            first = await _until(app, f"drawn {month}", start)
            done = await _until(app, "filled", start)
            # Interleaved, so that a busy moment on the machine hits both alike.
            raw = timed(lambda m=str(month): aggregate(path, m, last), 1, warmup=0).values[0]
            if i:
                drawn.append(first - start)
                filled.append(done - start)
                baseline.append(raw)
        # Far jumps (a month picked in the palette), never loaded ahead: two years back and
        # three years back in turn, so that neither is beside the month shown.
        far_drawn: list[float] = []
        far_baseline: list[float] = []
        for i in range(repeats + 1):
            month = Month.of(AS_OF).step(-24 if i % 2 == 0 else -36)
            start = time.perf_counter()
            app.dashboard.set_month(month)
            first = await _until(app, f"drawn {month}", start)
            await _until(app, "filled", start)
            raw = timed(lambda m=str(month): aggregate(path, m, last), 1, warmup=0).values[0]
            if i:
                far_drawn.append(first - start)
                far_baseline.append(raw)
    return {
        "drawn": drawn,
        "filled": filled,
        "baseline": baseline,
        "far_drawn": far_drawn,
        "far_baseline": far_baseline,
    }


if __name__ == "__main__":
    result = asyncio.run(measure(Path(sys.argv[1]), int(sys.argv[2])))
    sys.stdout.write(json.dumps(result) + "\n")
