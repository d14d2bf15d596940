"""A `retainer` process for test_concurrency: it waits for the go file, then works.

    python -m tests.trust.race_worker saves DB PREFIX N     N clients, targets, results
    python -m tests.trust.race_worker import DB FILE N      the same data file N times
    python -m tests.trust.race_worker read DB N             the month's figures N times
    python -m tests.trust.race_worker open DB NAME          open (create or upgrade) + a client
    python -m tests.trust.race_worker app DB PREFIX N OTHER  the app (Pilot): N clients typed
                                                            into its form, then waits until
                                                            its dashboard shows OTHER's

    python -m tests.trust.race_worker stale DB TIER FEE READY  the tier form of one person:
                                                            reads the tier, says READY (a
                                                            file), saves FEE once the go
                                                            file is there: CONFLICT or SAVED

DB is a file path or a postgresql:// URL (a database already made).

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


def app_session(db: Database, prefix: str, n: int, other: str) -> None:
    """A person at the app: types N new clients into the client form, then waits for
    another person's first client to appear on the dashboard by itself."""
    import asyncio

    from retainer_tui.config import Settings
    from retainer_tui.tui.app import build_app

    async def run() -> None:
        app = build_app(db, Settings(), today=date(2026, 11, 20), poll_seconds=0.2)
        app.animation_level = "none"
        async with app.run_test(size=(120, 36)) as pilot:
            from tests.ui.conftest import settle

            await settle(app, pilot)
            if app.screen is not app.dashboard:
                await pilot.press("f")  # the welcome screen of an empty database
            for i in range(n):
                await pilot.press("n")
                await pilot.pause()
                await pilot.press(*f"{prefix} {i:04d}")
                await pilot.press("ctrl+s")
                for _ in range(50):
                    await pilot.pause(0.05)
                    if app.screen is app.dashboard:
                        break
                else:
                    raise SystemExit(f"the form did not close after {prefix} {i:04d}")
            wanted = f"{other} 0000"
            for _ in range(600):
                names = {c[1] for c in app.client_directory}
                if wanted in names:
                    return
                await pilot.pause(0.05)
            raise SystemExit(f"{prefix}: never saw {wanted} on the dashboard")

    asyncio.run(run())


def _open(target: str) -> Database:
    from retainer_tui.db.pg_url import is_postgres_url

    if is_postgres_url(target):
        from retainer_tui.db.postgres import PostgresDatabase

        return PostgresDatabase(target)
    return SqliteDatabase(Path(target))


def stale_save(db: Database, tier: str, fee: str, ready: Path) -> str:
    """A tier form opened before someone else's save, saved after it."""
    from dataclasses import replace

    from retainer_tui.services.errors import EditConflict
    from retainer_tui.services.tiers import get_tier, list_tiers, save_tier, tier_version

    db.author = "anna"
    tier_id = next(t.id for t in list_tiers(db) if t.name == tier)
    version = tier_version(db, tier_id=tier_id)
    draft = replace(get_tier(db, tier_id=tier_id).draft(), monthly_fee=fee)
    ready.touch()
    wait_for_go()
    try:
        save_tier(db, draft=draft, tier_id=tier_id, expected=version, clients_follow=True)
    except EditConflict as exc:
        return f"CONFLICT {exc}"
    return "SAVED"


def main() -> None:
    mode, path = sys.argv[1], Path(sys.argv[2])
    db = _open(sys.argv[2])
    if mode == "stale":
        sys.stdout.write(stale_save(db, sys.argv[3], sys.argv[4], Path(sys.argv[5])) + "\n")
        return
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
    elif mode == "app":
        app_session(db, sys.argv[3], int(sys.argv[4]), sys.argv[5])
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
