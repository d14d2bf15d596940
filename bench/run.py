"""`make bench`: retainer-tui at 100, 1,000 and 10,000 clients, next to baselines in one run.

Every figure is measured next to its baseline in the same run, on the same generated file
(the scaled sample data: 60 months of goals, results, hours, payments and reports), as the
median of repeated runs with the min–max beside it. Prints one table and writes the same
as bench/results.json. Nothing here is a test: the targets are shown, never asserted.

    python bench/run.py [--quick] [--sizes 1000,10000] [--repeats N] [--only startup,...]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from aggregate import script as aggregate_script
from common import (
    AS_OF,
    HOOK_ENV,
    MARKER_FILLED,
    MARKER_FIRST_FRAME,
    MARKER_FRAME,
    MONTHS,
    ROOT,
    Samples,
    dataset,
    scratch_copy,
    timed,
)
from ptyrun import run_in_pty

BENCH = Path(__file__).resolve().parent
FIGURES = ("startup", "imports", "memory", "month", "status", "save", "io")
MiB = 1024 * 1024


@dataclass
class Row:
    """One line of the table: our samples next to the baseline's, with the target."""

    figure: str
    clients: int
    ours: Samples
    baseline: Samples
    unit: str  # "ms", "MiB" or "rows/s"
    target: str = ""
    check: Callable[[float], bool] | None = None  # on the ratio (or on ours, see absolute)
    absolute: bool = False  # the target is on our median, not on the ratio
    growth: float | None = None

    @property
    def ratio(self) -> float:
        return self.ours.median / self.baseline.median if self.baseline.values else float("nan")

    @property
    def verdict(self) -> str:
        if self.check is None:
            return ""
        return "ok" if self.check(self.ours.median if self.absolute else self.ratio) else "MISS"


def _scale(value: float, unit: str) -> float:
    return value * 1000 if unit == "ms" else value / MiB if unit == "MiB" else value


def _fmt(value: float, unit: str) -> str:
    v = _scale(value, unit)
    if v != v:  # nan
        return "—"
    if unit == "rows/s":
        return f"{v:,.0f}"
    if v < 10:
        return f"{v:.2f}"
    return f"{v:,.1f}" if v < 100 else f"{v:,.0f}"


def _span(samples: Samples, unit: str) -> str:
    if not samples.values:
        return "—"
    return f"{_fmt(samples.low, unit)}–{_fmt(samples.high, unit)}"


# ---------------------------------------------------------------- environment


def _env(home: Path, **extra: str) -> dict[str, str]:
    """The child's environment: own config and data folders, a plain 256-colour terminal."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTUAL", "RETAINER"))}
    env.update(
        TERM="xterm-256color",
        COLORTERM="truecolor",
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        PYTHONPATH=os.pathsep.join([str(BENCH), str(ROOT / "src")]),
        **extra,
    )
    return env


def _retainer() -> list[str]:
    script = Path(sys.executable).with_name("retainer")
    return [str(script)] if script.exists() else [sys.executable, "-m", "retainer_tui.cli"]


def _child_json(argv: list[str], env: dict[str, str], timeout: float) -> dict[str, Any]:
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:3])}… failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- figures


def startup(db: Path, clients: int, repeats: int, home: Path) -> list[Row]:
    """Process start to the dashboard's first frame (drawn, taking keys) and to its first
    frame with data, each vs a bare 50-row DataTable's first frame."""
    argv = [*_retainer(), "--db", str(db), "--as-of", AS_OF.isoformat()]
    env = _env(home, **{HOOK_ENV: "1"})
    bare = [sys.executable, str(BENCH / "baseline_app.py"), "50"]
    ours, base, ours_mem, base_mem = Samples(), Samples(), Samples(), Samples()
    drawn = Samples()
    run_in_pty(argv, env, until=MARKER_FIRST_FRAME)  # warm-up: caches, today's backup
    run_in_pty(bare, env, until=MARKER_FIRST_FRAME)
    for _ in range(repeats):  # interleaved, so that a busy moment hits both
        mine = run_in_pty(argv, env, until=MARKER_FIRST_FRAME)
        theirs = run_in_pty(bare, env, until=MARKER_FIRST_FRAME)
        ours.add(mine.marks[MARKER_FIRST_FRAME])
        drawn.add(mine.marks[MARKER_FRAME])
        base.add(theirs.marks[MARKER_FIRST_FRAME])
        ours_mem.add(mine.max_rss_bytes)
        base_mem.add(theirs.max_rss_bytes)
    target, check = {1000: ("≤ 2×", 2.0), 10000: ("≤ 3×", 3.0)}.get(clients, ("", None))
    return [
        Row(
            "Start-up to first frame",
            clients,
            drawn,
            base,
            "ms",
            "≤ 1.3×",
            lambda r: r <= 1.3,
        ),
        Row(
            "Start-up to first data frame",
            clients,
            ours,
            base,
            "ms",
            target,
            (lambda r, c=check: r <= c) if check else None,
        ),
        Row("Peak memory at first frame", clients, ours_mem, base_mem, "MiB"),
    ]


IMPORT_STEPS = {
    "textual": "Import Textual (what the baseline imports)",
    "sqlalchemy": "Import SQLAlchemy",
    "sqlmodel": "Import SQLModel (pydantic, SQLAlchemy ORM)",
    "tables": "Import the table classes (db/models.py)",
    "our_ui": "Import our CLI and UI",
}


def imports(repeats: int, home: Path) -> list[Row]:
    """Why the first data frame costs what it does: each import on its way, in a fresh
    interpreter, next to Textual's own (the ratio is to that)."""
    env = _env(home)
    argv = [sys.executable, str(BENCH / "import_chain.py")]
    steps: dict[str, Samples] = {key: Samples() for key in IMPORT_STEPS}
    for _ in range(repeats):
        for key, ms in _child_json(argv, env, timeout=60).items():
            steps[key].add(ms / 1000)
    textual = steps["textual"]
    return [Row(label, 0, steps[key], textual, "ms") for key, label in IMPORT_STEPS.items()]


def memory(db: Path, clients: int, repeats: int, home: Path) -> list[Row]:
    """Peak memory once every client is in the table, vs a bare DataTable of as many rows."""
    argv = [*_retainer(), "--db", str(db), "--as-of", AS_OF.isoformat()]
    env = _env(home, **{HOOK_ENV: "filled"})
    bare = [sys.executable, str(BENCH / "baseline_app.py"), str(clients), "--until-filled"]
    ours, base = Samples(), Samples()
    for _ in range(repeats):
        ours.add(run_in_pty(argv, env, until=MARKER_FILLED).max_rss_bytes)
        base.add(run_in_pty(bare, env, until=MARKER_FILLED).max_rss_bytes)
    ok = clients == 10000
    return [
        Row(
            "Peak memory, whole table",
            clients,
            ours,
            base,
            "MiB",
            "≤ 2×" if ok else "",
            (lambda r: r <= 2.0) if ok else None,
        )
    ]


def month_change(db: Path, clients: int, repeats: int, home: Path) -> list[Row]:
    """`[` / `]` on the dashboard (run_test + Pilot) vs the raw sqlite3 aggregate."""
    data = _child_json(
        [sys.executable, str(BENCH / "month_change.py"), str(db), str(repeats)],
        _env(home),
        timeout=1800,
    )
    base = Samples(data["baseline"])
    ok = clients == 10000
    rows = [
        Row(
            "Month change to a month beside: key to figures drawn",
            clients,
            Samples(data["drawn"]),
            base,
            "ms",
            "≤ 50 ms" if ok else "",
            (lambda ours: ours <= 0.050) if ok else None,
            absolute=True,
        ),
        Row(
            "Month change, far jump: to figures drawn",
            clients,
            Samples(data["far_drawn"]),
            Samples(data["far_baseline"]),
            "ms",
            "≤ 2×" if ok else "",
            (lambda r: r <= 2.0) if ok else None,
        ),
    ]
    if any(f - d > 0.001 for f, d in zip(data["filled"], data["drawn"], strict=True)):
        # Only a table that fills in steps has a later moment worth showing.
        rows.append(
            Row("Month change: key to every row in the table", clients,
                Samples(data["filled"]), base, "ms")
        )  # fmt: skip
    return rows


def status_json(db: Path, clients: int, repeats: int, home: Path) -> list[Row]:
    """The whole `retainer status --json` process vs `python -c` running the aggregate."""
    from retainer_tui.domain.month import Month

    month, last = str(Month.of(AS_OF)), str(Month.of(AS_OF).previous())
    env = _env(home)
    ours_argv = [*_retainer(), "status", "--json", "--db", str(db), "--as-of", AS_OF.isoformat()]
    base_argv = [sys.executable, "-c", aggregate_script(db, month, last)]

    def run(argv: list[str]) -> Callable[[], None]:
        return lambda: subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, check=True)

    ours, base = Samples(), Samples()
    run(ours_argv)()
    run(base_argv)()
    for _ in range(repeats):
        ours.values += timed(run(ours_argv), 1, warmup=0).values
        base.values += timed(run(base_argv), 1, warmup=0).values
    target, check = ("≤ 1.5×", (lambda r: r <= 1.5)) if clients == 10000 else ("", None)
    return [Row("retainer status --json (process)", clients, ours, base, "ms", target, check)]


def save_result(db: Path, clients: int, repeats: int, home: Path) -> list[Row]:
    """One result cell written and committed by the write service, as the results grid does
    it (one kept connection) and as a one-off save does (a connection per save), vs a bare
    sqlite3 commit of the same row on a kept connection."""
    import sqlite3

    from retainer_tui.db.engine import Database, SqliteDatabase
    from retainer_tui.services.entries import set_result
    from retainer_tui.services.undo import UndoStack

    copy = scratch_copy(db, "save.db")
    month = AS_OF.strftime("%Y-%m")
    count = max(repeats * 20, 200)
    cells = [(1 + (i * 7919) % clients, "new_followers", month, 100 + i) for i in range(count)]
    stack = UndoStack()

    def service(target: Database) -> Callable[[tuple[int, str, str, int]], None]:
        def save(cell: tuple[int, str, str, int]) -> None:
            set_result(
                target, client_id=cell[0], metric=cell[1], month=cell[2], actual=cell[3],
                undo=stack,
            )  # fmt: skip

        return save

    # Open throughout, as the app's change watcher is: no save closes the last connection.
    conn = sqlite3.connect(copy, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")

    def bare(cell: tuple[int, str, str, int]) -> None:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT OR REPLACE INTO result VALUES (?, ?, ?, ?)", cell)
        conn.execute("COMMIT")

    try:
        from retainer_tui.services.kept_connection import KeptConnection

        kept: Database | None = KeptConnection(SqliteDatabase(copy))
    except ImportError:
        kept = None
    savers = [("one-off save, own connection", service(SqliteDatabase(copy)))]
    if kept is not None:
        savers.insert(0, ("results grid, kept connection", service(kept)))
    samples = {name: Samples() for name, _ in [*savers, ("bare", bare)]}
    for name, fn in [*savers, ("bare", bare)]:
        fn(cells[0])
        for cell in cells:
            start = time.perf_counter()
            fn(cell)
            samples[name].add(time.perf_counter() - start)
    conn.close()
    if kept is not None:
        kept.close()  # type: ignore[attr-defined]
    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    rows = []
    for i, (name, _) in enumerate(savers):
        target, check = ("median ≤ 2 ms", lambda v: v <= 0.002) if i == 0 else ("", None)
        rows.append(
            Row(f"Save a result cell: {name}", clients, samples[name], samples["bare"], "ms",
                target, check, True)
        )  # fmt: skip
    return rows


def data_file_io(db: Path, clients: int, repeats: int, home: Path, fmt: str) -> list[Row]:
    """Export and import of the whole file, rows per second, vs executemany of the rows."""
    work = db.parent / "scratch"
    data = _child_json(
        [sys.executable, str(BENCH / "data_file_io.py"), str(db), fmt, str(repeats), str(work)],
        _env(home),
        timeout=3600,
    )
    rows = data["rows"]
    base = Samples([rows / s for s in data["baseline"]])
    # Issue 12's gates at 10,000 clients: export at least executemany's throughput,
    # import at least half of it.
    ok = clients == 10000
    export = ("≥ 100%", (lambda r: r >= 1.0)) if ok else ("", None)
    import_ = ("≥ 50%", (lambda r: r >= 0.5)) if ok else ("", None)
    return [
        Row(f"Export {fmt.upper()} ({rows:,} rows)", clients,
            Samples([rows / s for s in data["export"]]), base, "rows/s", *export),
        Row(f"Import {fmt.upper()} ({rows:,} rows)", clients,
            Samples([rows / s for s in data["import_"]]), base, "rows/s", *import_),
    ]  # fmt: skip


# ---------------------------------------------------------------- the table


HEADER = ("Figure", "Clients", "Ours", "Baseline", "Ratio", "Ours min–max", "Base min–max",
          "1k→10k", "Target", "")  # fmt: skip


def render(rows: list[Row]) -> str:
    lines = [
        (
            r.figure + f" ({r.unit})",
            f"{r.clients:,}" if r.clients else "—",
            _fmt(r.ours.median, r.unit),
            _fmt(r.baseline.median, r.unit),
            f"{r.ratio:.2f}×" if r.ratio == r.ratio else "—",
            _span(r.ours, r.unit),
            _span(r.baseline, r.unit),
            f"{r.growth:.1f}×" if r.growth else "",
            r.target,
            r.verdict,
        )
        for r in rows
    ]
    widths = [max(len(x[i]) for x in [HEADER, *lines]) for i in range(len(HEADER))]
    right = {1, 2, 3, 4, 5, 6, 7}

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    out = [line(HEADER), "  ".join("-" * w for w in widths)]
    previous = None
    for row, cells in zip(rows, lines, strict=True):
        if previous is not None and row.figure != previous:
            out.append("")
        previous = row.figure
        out.append(line(cells))
    return "\n".join(out)


def _growth(rows: list[Row]) -> None:
    by_key = {(r.figure, r.clients): r for r in rows}
    for r in rows:
        small = by_key.get((r.figure, 1000))
        if r.clients == 10000 and small is not None and small.ours.median:
            r.growth = r.ours.median / small.ours.median


def _meta(args: argparse.Namespace) -> dict[str, Any]:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        commit = ""
    import textual

    return {
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "commit": commit,
        "python": platform.python_version(),
        "textual": textual.__version__,
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores",
        "load_average": os.getloadavg(),
        "as_of": AS_OF.isoformat(),
        "months": MONTHS,
        "args": vars(args),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few repeats, 100 and 1,000 only")
    parser.add_argument("--sizes", help="client counts, comma-separated (default 100,1000,10000)")
    parser.add_argument("--repeats", type=int, help="repeats per figure (default 7; quick 3)")
    parser.add_argument("--io-repeats", type=int, help="repeats of import/export (default 3)")
    parser.add_argument("--io-formats", default="toml,json", help="data file formats to time")
    parser.add_argument("--only", help=f"some of {','.join(FIGURES)}")
    parser.add_argument("--fresh", action="store_true", help="regenerate the cached databases")
    parser.add_argument("--json", default=str(BENCH / "results.json"), help="results file")
    args = parser.parse_args(argv)

    sizes = [
        int(s) for s in (args.sizes or ("100,1000" if args.quick else "100,1000,10000")).split(",")
    ]  # noqa: E501
    repeats = args.repeats or (3 if args.quick else 7)
    io_repeats = args.io_repeats or (1 if args.quick else 3)
    only = set(args.only.split(",")) if args.only else set(FIGURES)
    unknown = only - set(FIGURES)
    if unknown:
        parser.error(f"unknown figure(s): {', '.join(sorted(unknown))}")

    rows: list[Row] = []
    home = Path(tempfile.mkdtemp(prefix="retainer-bench-home-"))
    print(f"retainer-tui bench: {', '.join(f'{n:,}' for n in sizes)} clients × {MONTHS} months, "
          f"{repeats} repeats, as of {AS_OF}", flush=True)  # fmt: skip
    for clients in sizes:
        print(f"{clients:,} clients", flush=True)
        db = dataset(clients, fresh=args.fresh)
        steps: list[tuple[str, Callable[[], list[Row]]]] = [
            ("startup", partial(startup, db, clients, repeats, home)),
            ("memory", partial(memory, db, clients, max(1, repeats // 2), home)),
            ("month", partial(month_change, db, clients, repeats, home)),
            ("status", partial(status_json, db, clients, repeats, home)),
            ("save", partial(save_result, db, clients, repeats, home)),
        ]
        if clients == max(sizes):
            for fmt in args.io_formats.split(","):
                steps.append(("io", partial(data_file_io, db, clients, io_repeats, home, fmt)))
        for name, step in steps:
            if name not in only:
                continue
            start = time.perf_counter()
            try:
                got = step()
            except Exception as exc:  # one broken figure must not lose the others
                print(f"  {name}: FAILED: {str(exc).strip().splitlines()[-1]}", flush=True)
                continue
            rows += got
            print(f"  {name}: {time.perf_counter() - start:.0f} s", flush=True)

    if "imports" in only:
        rows += imports(repeats, home)
        print("  imports: done", flush=True)
    order = {f: i for i, f in enumerate(dict.fromkeys(r.figure for r in rows))}
    rows.sort(key=lambda r: (order[r.figure], r.clients))
    _growth(rows)
    print()
    print(render(rows))
    result = {
        "meta": _meta(args),
        "rows": [
            {
                "figure": r.figure,
                "clients": r.clients,
                "unit": r.unit,
                "ours_median": _scale(r.ours.median, r.unit),
                "baseline_median": _scale(r.baseline.median, r.unit),
                "ratio": r.ratio,
                "ours_min_max": [_scale(r.ours.low, r.unit), _scale(r.ours.high, r.unit)],
                "baseline_min_max": [
                    _scale(r.baseline.low, r.unit),
                    _scale(r.baseline.high, r.unit),
                ],
                "growth_1k_to_10k": r.growth,
                "target": r.target,
                "verdict": r.verdict,
                "ours": [_scale(v, r.unit) for v in r.ours.values],
                "baseline": [_scale(v, r.unit) for v in r.baseline.values],
            }
            for r in rows
        ],
    }
    Path(args.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten: {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
