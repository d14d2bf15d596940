"""A `retainer` process for test_concurrency: it waits for the go file, then works.

    python -m tests.trust.race_worker saves DB PREFIX N     N clients, targets, results
    python -m tests.trust.race_worker import DB FILE N      the same data file N times
    python -m tests.trust.race_worker read DB N             the month's figures N times
    python -m tests.trust.race_worker open DB NAME          open (create or upgrade) + a client

Any exception ends the process with its traceback on stderr and exit code 1.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import date
from pathlib import Path

from retainer_tui.db.engine import Database, SqliteDatabase

METRICS = ("new_followers", "posts_shared", "conversions")


def wait_for_go() -> None:
    go = Path(os.environ["RACE_GO"])
    deadline = time.monotonic() + 60
    while not go.exists():
        if time.monotonic() > deadline:
            raise SystemExit("no go file")
        time.sleep(0.001)


def saves(db: Database, prefix: str, n: int) -> None:
    from retainer_tui.services.clients import ClientDraft, save_client
    from retainer_tui.services.entries import set_goals, set_result

    for i in range(n):
        saved = save_client(
            db, draft=ClientDraft(name=f"{prefix} {i:04d}", tier="Tier 1", start_month="2026-01")
        )
        set_goals(
            db,
            client_id=saved.id,
            month="2026-01",
            targets={key: str(i + n) for n, key in enumerate(METRICS)},
        )
        set_result(db, client_id=saved.id, metric="new_followers", month="2026-11", actual=i)


def main() -> None:
    mode, path = sys.argv[1], Path(sys.argv[2])
    db = SqliteDatabase(path)
    wait_for_go()
    if mode == "saves":
        saves(db, sys.argv[3], int(sys.argv[4]))
    elif mode == "import":
        from retainer_tui.services.data_file import import_data

        text = Path(sys.argv[3]).read_text(encoding="utf-8")
        for _ in range(int(sys.argv[4])):
            import_data(db, text, fmt="toml")
    elif mode == "read":
        from retainer_tui.domain.month import Month
        from retainer_tui.services.month_view import load_month

        for _ in range(int(sys.argv[3])):
            load_month(db, month=Month(2026, 11), as_of=date(2026, 11, 20))
    elif mode == "open":
        from retainer_tui.db.migrate import open_database
        from retainer_tui.services.clients import ClientDraft, save_client

        opened = open_database(path, backup_dir=path.parent / "backups")
        save_client(opened, draft=ClientDraft(name=sys.argv[3]))
    else:
        raise SystemExit(f"unknown mode {mode}")
    sys.stdout.write("DONE\n")


if __name__ == "__main__":
    main()
