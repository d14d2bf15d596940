"""The start-up baseline: a bare Textual app showing a DataTable of N rows (default 50).

Run it as `python bench/baseline_app.py [ROWS]`. Like `retainer` under the benchmark hook,
it prints a marker on stdout right after its first frame is drawn and exits; with
`--until-filled` it adds the rows in chunks of 250 (as the dashboard does) and exits
once all of them are in the table, for the peak-memory baseline.
"""

from __future__ import annotations

import asyncio
import sys

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header

FIRST_FRAME = "RETAINER_BENCH_FIRST_FRAME"
FILLED = "RETAINER_BENCH_TABLE_FILLED"
CHUNK = 250
COLUMNS = ("Client", "Tier", "Fee", "Status", "Followers", "Posts", "Report", "Payment")


def _row(i: int) -> tuple[str, ...]:
    return (
        f"Client {i:05d}",
        f"Tier {i % 3 + 1}",
        f"${(i % 3 + 1) * 3000:,}",
        "on track",
        f"{i % 500}/500",
        f"{i % 40}/40",
        "sent",
        "received",
    )


def _say(marker: str) -> None:
    out = sys.__stdout__
    assert out is not None
    out.write(marker + "\n")
    out.flush()


class BaselineApp(App[None]):
    def __init__(self, rows: int, until_filled: bool) -> None:
        super().__init__()
        self.rows = rows
        self.until_filled = until_filled

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        table.add_rows(_row(i) for i in range(min(self.rows, CHUNK)))
        self.call_after_refresh(self._first_frame)

    def _first_frame(self) -> None:
        _say(FIRST_FRAME)
        if self.until_filled and self.rows > CHUNK:
            self.run_worker(self._fill(), exclusive=True)
        else:
            _say(FILLED)
            self.exit()

    async def _fill(self) -> None:
        table = self.query_one(DataTable)
        for start in range(CHUNK, self.rows, CHUNK):
            await asyncio.sleep(0)
            table.add_rows(_row(i) for i in range(start, min(start + CHUNK, self.rows)))
        self.call_after_refresh(self._filled)

    def _filled(self) -> None:
        _say(FILLED)
        self.exit()


if __name__ == "__main__":
    args = sys.argv[1:]
    until_filled = "--until-filled" in args
    numbers = [a for a in args if not a.startswith("--")]
    BaselineApp(int(numbers[0]) if numbers else 50, until_filled).run()
