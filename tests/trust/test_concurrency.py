"""Two copies at once: several `retainer` processes writing, importing and reading one
database at the same time never crash with "database is locked" and lose nothing; a
write that waits longer than the busy timeout is refused whole with one line (a toast in
the app), and works when tried again."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from textual.widgets import Input

from retainer_tui.db import engine
from retainer_tui.db.engine import Database, SqliteDatabase
from retainer_tui.db.errors import DatabaseBusy
from retainer_tui.db.migrate import SCHEMA_HEAD, current_revision, open_database
from retainer_tui.services.client_read import find_client
from retainer_tui.services.clients import ClientDraft, save_client
from retainer_tui.services.data_file import export_data
from retainer_tui.services.entries import set_result
from retainer_tui.services.errors import UndoConflict
from retainer_tui.services.sample_scaled import generate_scaled
from retainer_tui.services.undo import UndoStack, undo_last
from retainer_tui.tui.screens.client_form import ClientFormScreen
from tests.trust import tally
from tests.trust.helpers import as_before, checks, read_tables, row_count
from tests.ui.conftest import SIZE, AppMaker, settle

REPO = Path(__file__).resolve().parents[2]
FIXTURE_0001 = REPO / "tests" / "fixtures" / "schema_0001.db"


def start(go: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.trust.race_worker", *args],
        cwd=REPO,
        env={**os.environ, "RACE_GO": str(go)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_together(go: Path, *commands: tuple[str, ...]) -> None:
    """Start every worker, let them go at the same instant, and expect each to finish."""
    procs = [start(go, *command) for command in commands]
    go.touch()
    failures = []
    for proc, command in zip(procs, commands, strict=True):
        out, err = proc.communicate(timeout=180)
        if proc.returncode != 0 or out.strip() != "DONE":
            failures.append(f"{command[0]}: exit {proc.returncode}: {err.strip()[-600:]}")
    assert not failures, "\n".join(failures)


def names(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM client")}
    finally:
        conn.close()


def test_writers_an_importer_and_a_reader_at_once(db: Database, db_path: Path, tmp_path) -> None:
    source = open_database(tmp_path / "source.db")
    generate_scaled(source, clients=300, months=12, as_of=date(2026, 11, 20))
    data = tmp_path / "clients.toml"
    data.write_text(export_data(source, "toml"), encoding="utf-8")
    imported = read_tables(source.path)

    n = 40
    run_together(
        tmp_path / "go",
        ("saves", str(db_path), "Alpha", str(n)),
        ("saves", str(db_path), "Beta", str(n)),
        ("import", str(db_path), str(data), "4"),
        ("read", str(db_path), "30"),
    )

    assert checks(db_path) == ("ok", [])
    tables = read_tables(db_path)
    columns, clients = tables["client"]
    by_name = {row[columns.index("name")]: row[columns.index("id")] for row in clients}
    for prefix in ("Alpha", "Beta"):
        for i in range(n):
            assert f"{prefix} {i:04d}" in by_name, f"{prefix} {i} was lost"
    goal_rows = [r for r in tables["goal"][1] if r[0] in set(by_name.values())]
    result_rows = tables["result"][1]
    saved_ids = {by_name[f"{p} {i:04d}"] for p in ("Alpha", "Beta") for i in range(n)}
    saved_goals = [r for r in goal_rows if r[0] in saved_ids]
    saved_results = [r for r in result_rows if r[0] in saved_ids]
    assert len(saved_goals) == 2 * n * 3
    assert len(saved_results) == 2 * n
    # Every imported client is there with every row the file holds.
    for table in ("goal", "result", "hours", "payment", "report"):
        want = len(imported[table][1])
        imported_ids = {by_name[name] for name in by_name if name.startswith("Client ")}
        got = sum(1 for row in tables[table][1] if row[0] in imported_ids)
        tally.rows_checked(want, got)
        assert got == want, f"{table}: {got} of {want} imported rows"
    tally.rows_checked(2 * n * 5, len(saved_goals) + len(saved_results) + 2 * n)


def test_first_start_of_several_copies_at_once_creates_one_database(tmp_path: Path) -> None:
    """Four copies started together on a path with no database yet: one file is made,
    and every copy's first client is in it (none wrote into a file that was replaced)."""
    path = tmp_path / "new" / "retainer.db"
    path.parent.mkdir()  # the folder exists (open_database never makes one); the file not
    run_together(tmp_path / "go", *(("open", str(path), f"Copy {i}") for i in range(4)))
    assert names(path) == {f"Copy {i}" for i in range(4)}
    assert checks(path) == ("ok", [])
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".")] == []


def test_several_copies_upgrading_an_old_database_at_once(tmp_path: Path) -> None:
    path = tmp_path / "retainer.db"
    shutil.copyfile(FIXTURE_0001, path)
    before = read_tables(path)
    run_together(tmp_path / "go", *(("open", str(path), f"Copy {i}") for i in range(3)))
    conn = sqlite3.connect(path)
    assert current_revision(conn) == SCHEMA_HEAD
    conn.close()
    after = as_before(read_tables(path), before)  # in the old columns: name_key is new
    for table, (_, rows) in before.items():
        if table == "client":
            rows_after = [r for r in after[table][1] if not str(r[1]).startswith("Copy ")]
            assert rows_after == rows
        else:
            assert after[table][1] == rows, table
    tally.rows_checked(row_count(before), row_count(before))
    assert names(path) >= {f"Copy {i}" for i in range(3)}


# ---------------------------------------------------------------- no lost update


def test_undo_never_overwrites_what_another_copy_saved_since(db: Database) -> None:
    mine = UndoStack()
    saved = save_client(db, draft=ClientDraft(name="Rossi Bakery", phone="111"), undo=mine)
    other = SqliteDatabase(db.path)  # the second window
    record = find_client(other, name="Rossi Bakery")
    assert record is not None
    save_client(other, draft=record.draft().__class__(**{**_fields(record), "phone": "222"}),
                client_id=saved.id)  # fmt: skip
    with pytest.raises(UndoConflict):
        undo_last(db, stack=mine)
    again = find_client(db, name="Rossi Bakery")
    assert again is not None and again.phone == "222"


def _fields(record) -> dict[str, str]:  # type: ignore[no-untyped-def]
    draft = record.draft()
    return {name: getattr(draft, name) for name in draft.__slots__}


def test_two_edit_forms_on_one_client_keep_both_changes(db: Database) -> None:
    """Window 1 and window 2 open the same client; 2 saves a new phone, then 1 saves a
    new company: both changes are kept (1's form held the old phone)."""
    saved = save_client(db, draft=ClientDraft(name="Rossi Bakery", phone="111", company="Old"))
    record = find_client(db, name="Rossi Bakery")
    assert record is not None
    opened_1 = record.draft()
    opened_2 = record.draft()
    save_client(
        db,
        draft=ClientDraft(**{**_fields(record), "phone": "222"}),
        client_id=saved.id,
        base=opened_2,
    )
    save_client(
        db,
        draft=ClientDraft(**{**_fields(record), "company": "New"}),
        client_id=saved.id,
        base=opened_1,
    )
    final = find_client(db, name="Rossi Bakery")
    assert final is not None
    assert (final.phone, final.company) == ("222", "New")


def test_two_edit_forms_changing_the_same_field_refuse_the_second(db: Database) -> None:
    from retainer_tui.services.errors import FormInvalid

    saved = save_client(db, draft=ClientDraft(name="Rossi Bakery", phone="111"))
    record = find_client(db, name="Rossi Bakery")
    assert record is not None
    opened = record.draft()
    save_client(
        db, draft=ClientDraft(**{**_fields(record), "phone": "222"}), client_id=saved.id,
        base=opened,
    )  # fmt: skip
    with pytest.raises(FormInvalid) as refused:
        save_client(
            db, draft=ClientDraft(**{**_fields(record), "phone": "333"}), client_id=saved.id,
            base=opened,
        )  # fmt: skip
    assert "222" in refused.value.errors["phone"]
    final = find_client(db, name="Rossi Bakery")
    assert final is not None and final.phone == "222"


# ---------------------------------------------------------------- longer than the busy timeout


@contextmanager
def write_lock_held(path: Path) -> Iterator[None]:
    """Another process in the middle of a long write."""
    holder = sqlite3.connect(path)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO meta (key, value) VALUES ('holder', 'uncommitted')")
    try:
        yield
    finally:
        holder.rollback()
        holder.close()


@pytest.fixture
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 150)


def test_a_write_that_waits_too_long_is_refused_whole_and_can_be_retried(
    db: Database, short_busy_timeout: None
) -> None:
    saved = save_client(db, draft=ClientDraft(name="Rossi Bakery"))
    before = read_tables(db.path)
    with write_lock_held(db.path), pytest.raises(DatabaseBusy) as busy:
        set_result(db, client_id=saved.id, metric="new_followers", month="2026-11", actual=5)
    message = str(busy.value)
    assert len(message.splitlines()) == 1
    assert str(db.path) in message and "try again" in message
    assert read_tables(db.path) == before
    set_result(db, client_id=saved.id, metric="new_followers", month="2026-11", actual=5)
    assert len(read_tables(db.path)["result"][1]) == 1


async def test_the_app_says_busy_in_a_toast_keeps_the_form_and_saves_on_retry(
    db: Database, make_app: AppMaker, short_busy_timeout: None
) -> None:
    save_client(db, draft=ClientDraft(name="Existing Client"))
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, ClientFormScreen)
        await pilot.press(*"Greco Dental")
        before = read_tables(db.path)
        with write_lock_held(db.path):
            await pilot.press("ctrl+s")
            await settle(app, pilot)
        assert app.screen is form, "the form stays open with what was typed"
        assert form.query_one("#name", Input).value == "Greco Dental"
        toasts = [str(n.message) for n in app._notifications]
        assert any("busy" in t and "try again" in t for t in toasts), toasts
        assert read_tables(db.path) == before
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is app.dashboard
    assert names(db.path) == {"Existing Client", "Greco Dental"}


async def test_the_edit_form_keeps_what_another_window_saved_meanwhile(
    db: Database, make_app: AppMaker
) -> None:
    saved = save_client(db, draft=ClientDraft(name="Rossi Bakery", phone="111", company="Old"))
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.open_edit_client(saved.id)
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, ClientFormScreen)
        # The other window saves a new phone while this form is open.
        other = SqliteDatabase(db.path)
        record = find_client(other, name="Rossi Bakery")
        assert record is not None
        save_client(
            other,
            draft=ClientDraft(**{**_fields(record), "phone": "222"}),
            client_id=saved.id,
            base=record.draft(),
        )
        form.query_one("#company", Input).value = "New"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is app.dashboard
        final = find_client(db, name="Rossi Bakery")
        assert final is not None and (final.phone, final.company) == ("222", "New")

        # Both windows change the phone: this one is told, and keeps its value on saving again.
        app.open_edit_client(saved.id)
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, ClientFormScreen)
        record = find_client(other, name="Rossi Bakery")
        assert record is not None
        save_client(
            other,
            draft=ClientDraft(**{**_fields(record), "phone": "333"}),
            client_id=saved.id,
        )
        form.query_one("#phone", Input).value = "444"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form
        assert "'333'" in form.form_fields["phone"].error
        assert find_client(db, name="Rossi Bakery").phone == "333"  # type: ignore[union-attr]
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is app.dashboard
    assert find_client(db, name="Rossi Bakery").phone == "444"  # type: ignore[union-attr]
