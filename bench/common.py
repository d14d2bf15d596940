"""What every benchmark shares: the as-of date, timing samples, and the scaled databases."""

from __future__ import annotations

import hashlib
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

AS_OF = date(2026, 11, 20)
MONTHS = 60
MARKER_FRAME = "RETAINER_BENCH_FRAME"  # the app is drawn and takes keys, data or not
MARKER_FIRST_FRAME = "RETAINER_BENCH_FIRST_FRAME"  # the first frame with the month's data
MARKER_FILLED = "RETAINER_BENCH_TABLE_FILLED"
HOOK_ENV = "RETAINER_BENCH_EXIT_AFTER_FIRST_FRAME"


@dataclass
class Samples:
    """Repeated measurements of one quantity (seconds, bytes, or rows per second)."""

    values: list[float] = field(default_factory=list)

    def add(self, value: float) -> None:
        self.values.append(value)

    @property
    def median(self) -> float:
        return statistics.median(self.values) if self.values else float("nan")

    @property
    def low(self) -> float:
        return min(self.values) if self.values else float("nan")

    @property
    def high(self) -> float:
        return max(self.values) if self.values else float("nan")


def timed(fn: Callable[[], object], repeats: int, *, warmup: int = 1) -> Samples:
    """Wall-clock seconds of fn(), `repeats` times after `warmup` discarded runs."""
    for _ in range(warmup):
        fn()
    samples = Samples()
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.add(time.perf_counter() - start)
    return samples


def cache_dir() -> Path:
    folder = Path(os.environ.get("RETAINER_BENCH_CACHE") or tempfile.gettempdir())
    folder = folder / "retainer-bench"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _generator() -> Callable[..., None]:
    try:
        from retainer_tui.services.sample_scaled import generate_scaled
    except ImportError:
        from retainer_tui.services.sample import generate_scaled  # type: ignore[attr-defined]
    return generate_scaled  # type: ignore[no-any-return]


def _dataset_key(clients: int) -> str:
    """Size, span and everything that shapes the file: schema head and generator source."""
    from retainer_tui.db.migrate import SCHEMA_HEAD

    generate = _generator()
    source = Path(sys.modules[generate.__module__].__file__ or "").read_bytes()
    digest = hashlib.sha256(source + SCHEMA_HEAD.encode()).hexdigest()[:10]
    return f"c{clients}-m{MONTHS}-{AS_OF.isoformat()}-{digest}"


def dataset(clients: int, *, fresh: bool = False, log: Callable[[str], None] = print) -> Path:
    """The cached database of `clients` clients × 60 months, generated on first use."""
    from retainer_tui.db.migrate import open_database

    folder = cache_dir() / _dataset_key(clients)
    path = folder / "retainer.db"
    if path.exists() and not fresh:
        return path
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    building = folder / "building.db"
    start = time.perf_counter()
    db = open_database(building)
    _generator()(db, clients=clients, months=MONTHS, as_of=AS_OF, seed=0)
    db.dispose()
    building.rename(path)
    log(f"  generated {clients:,} clients × {MONTHS} months in {time.perf_counter() - start:.1f} s")
    return path


def scratch_copy(path: Path, name: str) -> Path:
    """A throw-away copy of a cached database, for benchmarks that write."""
    target = path.parent / "scratch" / name
    target.parent.mkdir(exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(path, target)
    return target


def table_rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the data tables, as sqlite3 returns them (the bulk-insert baseline)."""
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return {
            table: conn.execute(f"SELECT * FROM {table}").fetchall()
            for table in ("client", "goal", "result", "hours", "payment", "report")
        }
    finally:
        conn.close()
