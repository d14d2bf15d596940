"""A process for test_kill9 to kill: a large import, or form saves in a loop.

    python -m tests.trust.kill_worker import DB DATA_FILE
    python -m tests.trust.kill_worker saves DB
    python -m tests.trust.kill_worker migrate DB

It prints START when the work begins, SAVED after the first whole client of the saves,
WRITING when an import's write transaction begins, and DONE when it is over. With PAUSE_AT="K:N" in
the environment, the K-th write transaction that has changed at least N rows stops
there (a tiny page cache makes SQLite spill its pages into the WAL first), prints
PAUSED, and waits to be killed: a kill in the middle of a write, by construction.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from pathlib import Path

from retainer_tui.db import engine
from retainer_tui.db.engine import Database, SqliteDatabase

METRICS = ("new_followers", "posts_shared", "conversions", "blog_posts", "newsletters")


def say(word: str) -> None:
    sys.stdout.write(word + "\n")
    sys.stdout.flush()


def install_pause(spec: str) -> None:
    """Make the K-th write transaction with N changed rows stop half-way."""
    nth, rows = (int(x) for x in spec.split(":"))
    reached = [0]
    real_open = SqliteDatabase._open

    def opened(self: SqliteDatabase) -> sqlite3.Connection:
        conn = real_open(self)
        conn.execute("PRAGMA cache_size = 4")  # pages: spill to the WAL early
        counted = [False]

        def check() -> int:
            if conn.in_transaction and conn.total_changes >= rows and not counted[0]:
                counted[0] = True
                reached[0] += 1
                if reached[0] == nth:
                    say("PAUSED")
                    time.sleep(120)
            return 0

        conn.set_progress_handler(check, 20)
        return conn

    SqliteDatabase._open = opened  # type: ignore[method-assign]


def run_import(db: Database, data: Path) -> None:
    from retainer_tui.services.data_file import import_data

    text = data.read_text(encoding="utf-8")
    real_writing = SqliteDatabase.writing

    def writing(self: SqliteDatabase):  # type: ignore[no-untyped-def]
        say("WRITING")  # the file is checked: its one write transaction begins
        return real_writing(self)

    SqliteDatabase.writing = writing  # type: ignore[method-assign]
    say("START")
    import_data(db, text, fmt="toml")


def run_saves(db: Database) -> None:
    """Save a new client, then its five targets (one transaction each), forever; the
    numbering goes on from the clients a killed run left."""
    from retainer_tui.services.clients import ClientDraft, save_client
    from retainer_tui.services.entries import set_goals

    with db.read() as conn:
        (i,) = conn.execute("SELECT count(*) FROM client WHERE name LIKE 'Kill %'").fetchone()
    say("START")
    first = True
    while True:
        saved = save_client(
            db,
            draft=ClientDraft(
                name=f"Kill {i:05d}",
                company=f"Company {i}",
                tier="Tier 2",
                fee_override=f"{1000 + i}.50",
                start_month="2026-01",
                notes=f"Notes for client {i}",
            ),
        )
        set_goals(
            db,
            client_id=saved.id,
            month="2026-01",
            targets={key: str(i * 10 + n) for n, key in enumerate(METRICS)},
        )
        if first:
            say("SAVED")  # one whole client stored: the kills land among the saves
            first = False
        i += 1


def main() -> None:
    mode, path = sys.argv[1], Path(sys.argv[2])
    if os.environ.get("PAUSE_AT"):
        install_pause(os.environ["PAUSE_AT"])
    engine.BUSY_TIMEOUT_MS = 20_000
    db = SqliteDatabase(path)
    started = time.monotonic()
    if mode == "import":
        run_import(db, Path(sys.argv[3]))
    elif mode == "migrate":
        from retainer_tui.db.migrate import open_database

        say("START")
        open_database(path, backup_dir=path.parent / "backups")
    else:
        run_saves(db)
    say(f"DONE {time.monotonic() - started:.2f}")


if __name__ == "__main__":
    main()
