"""Entering a month of results in the grid: 15 clients × 3 metrics typed through the Pilot.

Measures, from the key presses to the saved rows, the app's time per saved cell:

- key handling: time inside the grid's key handler for every key of the cell (parse,
  the write handed to the screen's writer thread, the cell re-drawn), i.e. the app's
  own work on the event loop from the key to the cell shown as saving;
- database: the part of that spent handing the write over (the write itself, one
  transaction with its undo snapshot, runs on the writer thread: the baselines below);
- app CPU: the whole process's CPU time while typing (Textual's event loop and
  rendering included; the Pilot's own work too, so an upper bound);
- wall: wall-clock time through the Pilot, which waits for the app to go idle after
  every key (so mostly the Pilot's waiting, shown for reference).

It prints a small table (target: < 2 ms of app time per saved cell). It is a benchmark
script, not a test: nothing is asserted except that every typed value was saved.

    python bench/entry_grid.py [--clients 15] [--repeats 3]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from retainer_tui.config import Settings  # noqa: E402
from retainer_tui.db.migrate import open_database  # noqa: E402
from retainer_tui.services import entries  # noqa: E402
from retainer_tui.services.clients import ClientDraft, save_client  # noqa: E402
from retainer_tui.tui.app import build_app  # noqa: E402
from retainer_tui.tui.screens.results_grid import ResultsGridScreen  # noqa: E402
from retainer_tui.tui.widgets.results_grid import ResultsGrid  # noqa: E402

TODAY = date(2026, 11, 20)
METRICS = ("new_followers", "posts_shared", "conversions")
TARGET_MS = 2.0


@dataclass
class Run:
    cells: int
    keys: int
    wall: float
    cpu: float
    handler: float
    db: float


def _database(folder: Path, clients: int):
    db = open_database(folder / "bench.db")
    for number in range(clients):
        cid = save_client(
            db,
            draft=ClientDraft(name=f"Client {number:02d}", tier="Tier 1", start_month="2026-01"),
        ).id
        entries.set_goals(
            db,
            client_id=cid,
            month="2026-01",
            targets={"new_followers": 500, "posts_shared": 40, "conversions": 10},
        )
    return db


def _values(row: int) -> tuple[str, ...]:
    return (str(100 + row * 7), str(10 + row), str(row % 9))


async def _one_run(clients: int) -> Run:
    with tempfile.TemporaryDirectory(prefix="retainer-bench-") as tmp:
        db = _database(Path(tmp), clients)
        app = build_app(db, Settings(), today=TODAY, poll_seconds=None)
        app.animation_level = "none"
        timings = {"handler": 0.0, "db": 0.0}
        original_on_key = ResultsGrid.on_key

        def timed_on_key(self: ResultsGrid, event) -> None:  # type: ignore[no-untyped-def]
            start = time.perf_counter()
            try:
                original_on_key(self, event)
            finally:
                timings["handler"] += time.perf_counter() - start

        ResultsGrid.on_key = timed_on_key  # type: ignore[method-assign]
        try:
            async with app.run_test(size=(120, 36)) as pilot:
                await app.workers.wait_for_complete()
                await pilot.pause()
                await pilot.press("r")
                await app.workers.wait_for_complete()
                await pilot.pause()
                screen = app.screen
                assert isinstance(screen, ResultsGridScreen)
                saver = screen.grid.saver

                def timed_saver(client_id: int, column: str, text: str | None):  # type: ignore[no-untyped-def]
                    start = time.perf_counter()
                    try:
                        return saver(client_id, column, text)
                    finally:
                        timings["db"] += time.perf_counter() - start

                screen.grid.saver = timed_saver
                keys: list[str] = []
                for row in range(clients):
                    for value in _values(row):
                        keys += [*value, "tab"]
                    keys += ["tab", "tab", "tab"]  # blog posts, newsletters, hours: next row
                wall0, cpu0 = time.perf_counter(), time.process_time()
                await pilot.press(*keys)
                await pilot.pause()
                wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
                # The saves land on a worker thread, after the keys: wait for the last.
                await app.workers.wait_for_complete()
                await pilot.pause()
                saved = screen.saved_count
        finally:
            ResultsGrid.on_key = original_on_key  # type: ignore[method-assign]
        conn = db.connect()
        stored = dict(
            ((name, key), actual)
            for name, key, actual in conn.execute(
                "SELECT c.name, r.metric_key, r.actual FROM result r "
                "JOIN client c ON c.id = r.client_id WHERE r.month = '2026-11'"
            )
        )
        conn.close()
        expected = {
            (f"Client {row:02d}", key): int(value)
            for row in range(clients)
            for key, value in zip(METRICS, _values(row), strict=True)
        }
        if saved != clients * 3 or stored != expected:
            raise SystemExit(f"not every cell was saved: {saved} saved, {len(stored)} stored")
        return Run(saved, len(keys), wall, cpu, timings["handler"], timings["db"])


def _service_only(clients: int) -> tuple[float, float]:
    """The write service alone per cell: without and with an idle connection kept open."""
    with tempfile.TemporaryDirectory(prefix="retainer-bench-") as tmp:
        db = _database(Path(tmp), clients)
        ids = list(range(1, clients + 1))

        def loop() -> float:
            start = time.perf_counter()
            for cid in ids:
                for metric, value in zip(METRICS, _values(cid), strict=True):
                    entries.set_result(
                        db, client_id=cid, metric=metric, month="2026-11", actual=value
                    )
            return (time.perf_counter() - start) / (len(ids) * 3)

        bare = loop()
        keep = db.connect()
        try:
            kept = loop()
        finally:
            keep.close()
        return bare, kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=15)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    runs = [asyncio.run(_one_run(args.clients)) for _ in range(args.repeats)]
    bare, kept = _service_only(args.clients)

    def per_cell(values: list[float]) -> str:
        ms = [v * 1000 for v in values]
        return f"{statistics.median(ms):8.3f}  ({min(ms):.3f}–{max(ms):.3f})"

    cells = runs[0].cells
    print(
        f"Results grid: {args.clients} clients × {len(METRICS)} metrics = {cells} cells, "
        f"{runs[0].keys} key presses, {args.repeats} runs (median, min–max), ms per saved cell"
    )
    print()
    print(f"{'measure':<44}{'ms / cell':>30}  target")
    print("-" * 84)
    rows = [
        ("app: key handling, key → saved row + redraw", [r.handler / r.cells for r in runs]),
        ("   of which handing the write to its thread", [r.db / r.cells for r in runs]),
        ("app CPU while typing (incl. Textual, Pilot)", [r.cpu / r.cells for r in runs]),
        ("wall through the Pilot (waits for idle)", [r.wall / r.cells for r in runs]),
    ]
    for label, values in rows:
        target = ""
        if label.startswith("app: key"):
            ok = statistics.median(values) * 1000 < TARGET_MS
            target = f"< {TARGET_MS:g} ms {'ok' if ok else 'MISSED'}"
        print(f"{label:<44}{per_cell(values):>30}  {target}")
    print()
    print(f"{'baseline: set_result alone, new connection':<44}{bare * 1000:8.3f}")
    print(f"{'baseline: set_result, idle connection kept':<44}{kept * 1000:8.3f}")


if __name__ == "__main__":
    main()
