"""Team use under load: one PostgreSQL database, several writers at once (not a test).

Builds the scaled sample data (N clients x 60 months) on PostgreSQL and on SQLite, then:
- the month view (`load_month`) on each engine, median of repeated runs;
- W writer processes saving results as fast as a person never would, for S seconds,
  while a reader process reloads the month view, as a dashboard does: every save's
  latency, the errors each process saw, and afterwards every writer's last value read
  back (a lost write shows as a value that is not its last).
Prints one table; the target (month view on PostgreSQL <= 2x SQLite; zero lost writes,
zero errors) is shown beside it, never asserted.

    python bench/team.py [--clients 10000] [--writers 5] [--seconds 30]
        [--server postgresql://postgres@/postgres?host=/var/run/postgresql]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import AS_OF, MONTHS, timed

DEFAULT_SERVER = "postgresql://postgres@/postgres?host=/var/run/postgresql"
BENCH_DB = "retainer_bench_team"


def _admin(server: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(server, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def _url(server: str, dbname: str) -> str:
    head, _, rest = server.partition("://")
    authority, _, tail = rest.partition("/")
    query = tail.partition("?")[2]
    return f"{head}://{authority}/{dbname}" + (f"?{query}" if query else "")


def build(server: str, clients: int, folder: Path) -> tuple[str, Path]:
    from retainer_tui.db.migrate import open_database
    from retainer_tui.services.sample_scaled import generate_scaled

    _admin(
        server, f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)", f"CREATE DATABASE {BENCH_DB}"
    )
    url = _url(server, BENCH_DB)
    file = folder / "team.db"
    for target in (url, file):
        db = open_database(target)
        generate_scaled(db, clients=clients, months=MONTHS, as_of=AS_OF)
        db.dispose()
    return url, file


def month_view(target: str | Path, repeats: int) -> float:
    from retainer_tui.db.migrate import open_database
    from retainer_tui.domain.month import Month
    from retainer_tui.services.month_view import load_month

    db = open_database(target)
    samples = timed(lambda: load_month(db, month=Month.of(AS_OF), as_of=AS_OF), repeats)
    db.dispose()
    return samples.median


def _writer(url: str, index: int, clients: int, seconds: float, out: Any) -> None:
    from retainer_tui.db.postgres import PostgresDatabase
    from retainer_tui.services.entries import set_result

    db = PostgresDatabase(url)
    latencies: list[float] = []
    errors: list[str] = []
    last: dict[int, int] = {}
    value = 0
    deadline = time.monotonic() + seconds
    # Each writer its own clients (index, index + W, …): its last value is known exactly.
    mine = list(range(index + 1, clients + 1, 97))[:200]
    while time.monotonic() < deadline:
        client = mine[value % len(mine)]
        value += 1
        start = time.perf_counter()
        try:
            set_result(db, client_id=client, metric="posts_shared", month="2026-11", actual=value)
        except Exception as exc:  # noqa: BLE001 - counted, shown in the table
            errors.append(f"{type(exc).__name__}: {exc}")
            continue
        latencies.append(time.perf_counter() - start)
        last[client] = value
    db.dispose()
    out.put({"latencies": latencies, "errors": errors, "last": last})


def _reader(url: str, seconds: float, out: Any) -> None:
    from retainer_tui.db.postgres import PostgresDatabase
    from retainer_tui.domain.month import Month
    from retainer_tui.services.month_view import load_month

    db = PostgresDatabase(url)
    times: list[float] = []
    errors: list[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        start = time.perf_counter()
        try:
            load_month(db, month=Month.of(AS_OF), as_of=AS_OF)
        except Exception as exc:  # noqa: BLE001
            errors.append(f"{type(exc).__name__}: {exc}")
            continue
        times.append(time.perf_counter() - start)
    db.dispose()
    out.put({"reads": times, "errors": errors})


def load(url: str, clients: int, writers: int, seconds: float) -> dict[str, Any]:
    # A disjoint set of clients per writer: ids step by 97 from each writer's start.
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    procs = [
        ctx.Process(target=_writer, args=(url, i, clients, seconds, out)) for i in range(writers)
    ]
    procs.append(ctx.Process(target=_reader, args=(url, seconds, out)))
    for p in procs:
        p.start()
    results = [out.get(timeout=seconds + 120) for _ in procs]
    for p in procs:
        p.join()
    saves = [x for r in results for x in r.get("latencies", [])]
    reads = [x for r in results for x in r.get("reads", [])]
    errors = [e for r in results for e in r["errors"]]
    last: dict[int, int] = {}
    for r in results:
        last.update(r.get("last", {}))
    lost = _lost(url, last)
    return {"saves": saves, "reads": reads, "errors": errors, "lost": lost, "checked": len(last)}


def _lost(url: str, last: dict[int, int]) -> int:
    from sqlalchemy import select

    from retainer_tui.db.models import Result
    from retainer_tui.db.postgres import PostgresDatabase

    db = PostgresDatabase(url)
    with db.reading() as session:
        stored = dict(
            session.execute(
                select(Result.client_id, Result.actual).where(
                    Result.metric_key == "posts_shared", Result.month == "2026-11"
                )
            ).all()
        )
    db.dispose()
    return sum(1 for client, value in last.items() if stored.get(client) != value)


def _ms(values: list[float], q: float) -> str:
    if not values:
        return "–"
    ordered = sorted(values)
    return f"{ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000:,.1f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--writers", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--server", default=DEFAULT_SERVER)
    parser.add_argument("--json", default=str(Path(__file__).with_name("team.json")))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="retainer-team-") as folder:
        url, file = build(args.server, args.clients, Path(folder))
        pg_view = month_view(url, args.repeats)
        sqlite_view = month_view(file, args.repeats)
        run = load(url, args.clients, args.writers, args.seconds)
    _admin(args.server, f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    ratio = pg_view / sqlite_view
    rows = [
        (
            "month view, PostgreSQL",
            f"{pg_view * 1000:,.0f} ms",
            f"{ratio:.2f}x SQLite",
            "<= 2x",
            ratio <= 2,
        ),
        ("month view, SQLite", f"{sqlite_view * 1000:,.0f} ms", "", "", None),
        (
            f"saves by {args.writers} writers in {args.seconds:.0f} s",
            f"{len(run['saves']):,}",
            "",
            "",
            None,
        ),
        ("save latency p50", _ms(run["saves"], 0.5), "", "", None),
        ("save latency p95", _ms(run["saves"], 0.95), "", "", None),
        (
            "month view under load p50",
            _ms(run["reads"], 0.5),
            f"{len(run['reads'])} reads",
            "",
            None,
        ),
        ("errors shown", f"{len(run['errors'])}", "", "0", not run["errors"]),
        ("lost writes", f"{run['lost']} of {run['checked']} checked", "", "0", run["lost"] == 0),
    ]
    print(f"Team use: {args.clients:,} clients x {MONTHS} months, one PostgreSQL database")
    print()
    print(f"{'figure':<34} {'value':>22} {'':>16} {'target':>7}  met")
    for name, value, extra, target, met in rows:
        mark = "" if met is None else ("yes" if met else "MISS")
        print(f"{name:<34} {value:>22} {extra:>16} {target:>7}  {mark}")
    if run["errors"]:
        print("first error:", run["errors"][0], file=sys.stderr)
    Path(args.json).write_text(
        json.dumps(
            {
                "clients": args.clients,
                "writers": args.writers,
                "seconds": args.seconds,
                "month_view_pg_ms": pg_view * 1000,
                "month_view_sqlite_ms": sqlite_view * 1000,
                "saves": len(run["saves"]),
                "save_p50_ms": statistics.median(run["saves"]) * 1000 if run["saves"] else None,
                "errors": len(run["errors"]),
                "lost": run["lost"],
            },
            indent=2,
        )
        + "\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
