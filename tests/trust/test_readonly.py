"""A read-only database (no write permission on the file or its folder) opens read-only:
everything can be viewed and exported, and each attempt to change something says why it
cannot, in one line or a toast, and changes nothing.

Tests run as root, which ignores file permissions: read-only is made by patching
os.access (what open_database asks) or by opening SqliteDatabase(path, readonly=True).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from retainer_tui import cli
from retainer_tui.db.engine import Database, SqliteDatabase
from retainer_tui.db.errors import ReadOnlyDatabase
from retainer_tui.db.migrate import open_database
from retainer_tui.domain.month import Month
from retainer_tui.services import client_read, clients, entries, pipeline, reports, tiers, undo
from retainer_tui.services.client_detail import load_client_detail
from retainer_tui.services.data_file import export_data, import_data
from retainer_tui.services.month_view import load_month
from retainer_tui.tui.app import RetainerApp
from retainer_tui.tui.screens.client_form import ClientFormScreen
from retainer_tui.tui.screens.confirm import ConfirmScreen
from retainer_tui.tui.screens.welcome import WelcomeScreen
from tests.trust import tally
from tests.trust.helpers import read_tables
from tests.ui.conftest import SIZE, AppMaker, settle

NOV = Month(2026, 11)


def no_write_permission(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    real = os.access

    def access(target: Any, mode: int, *args: Any, **kwargs: Any) -> bool:
        if mode & os.W_OK and Path(target).resolve() in (path.resolve(), path.parent.resolve()):
            return False
        return real(target, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)


def first_client(db: Database) -> client_read.ClientRecord:
    record = client_read.find_client(db, name="Rossi Bakery")
    assert record is not None
    return record


# ---------------------------------------------------------------- services and commands


def test_open_database_without_write_permission_opens_read_only(
    sample_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_write_permission(monkeypatch, sample_db.path)
    db = open_database(sample_db.path)
    assert db.readonly


def test_every_write_service_refuses_and_says_why(sample_db: Database, as_of: date) -> None:
    before = read_tables(sample_db.path)
    ro = SqliteDatabase(sample_db.path, readonly=True)
    rossi = first_client(ro)
    tier_id = tiers.list_tiers(ro)[0].id
    stack = undo.UndoStack()
    attempts: dict[str, Callable[[], object]] = {
        "new client": lambda: clients.save_client(ro, draft=clients.ClientDraft(name="New")),
        "edit client": lambda: clients.save_client(
            ro, draft=rossi.draft(), client_id=rossi.id, base=rossi.draft()
        ),
        "archive": lambda: clients.archive_client(ro, client_id=rossi.id, today=as_of),
        "delete": lambda: clients.delete_client(ro, client_id=rossi.id),
        "goal": lambda: entries.set_goals(
            ro, client_id=rossi.id, month=NOV, targets={"new_followers": "10"}
        ),
        "result": lambda: entries.set_result(
            ro, client_id=rossi.id, metric="new_followers", month=NOV, actual=5
        ),
        "hours": lambda: entries.set_hours(ro, client_id=rossi.id, month=NOV, hours="3"),
        "payment": lambda: entries.mark_payment(ro, client_id=rossi.id, month=NOV, today=as_of),
        "report sent": lambda: entries.mark_report_sent(
            ro, client_id=rossi.id, month=Month(2026, 10), today=as_of
        ),
        "metric": lambda: entries.add_metric(ro, key="reels", label="Reels", unit="reels"),
        "tier": lambda: tiers.move_tier(ro, tier_id=tier_id, offset=1),
        "highlights": lambda: reports.set_highlights(
            ro, client_id=rossi.id, month=Month(2026, 10), text="Good month"
        ),
        "pipeline": lambda: pipeline.move_prospect(ro, client_id=rossi.id, step=1, today=as_of),
        "import": lambda: import_data(
            ro, 'format = "retainer-tui/1"\ncurrency = "USD"\n', fmt="toml"
        ),
        "undo": lambda: undo.undo_last(ro, stack=stack),
    }
    for name, attempt in attempts.items():
        try:
            result = attempt()
        except ReadOnlyDatabase as exc:
            message = str(exc)
            assert len(message.splitlines()) == 1, name
            assert str(sample_db.path) in message and "read-only" in message, name
        else:
            # Only undo with nothing on the stack has nothing to refuse.
            assert name == "undo" and result is None, f"{name} wrote on a read-only database"
        tally.tried()
    assert read_tables(sample_db.path) == before


def test_everything_can_be_viewed_and_exported(sample_db: Database, as_of: date) -> None:
    ro = SqliteDatabase(sample_db.path, readonly=True)
    view = load_month(ro, month=NOV, as_of=as_of)
    assert view.clients
    rossi = first_client(ro)
    detail = load_client_detail(ro, client_id=rossi.id, as_of=as_of)
    assert detail is not None
    assert reports.report_queue(ro, as_of=as_of)
    text = reports.report_markdown(ro, client_id=rossi.id, month=Month(2026, 10), as_of=as_of)
    assert "Rossi Bakery" in text
    assert pipeline.load_pipeline(ro, as_of=as_of) is not None
    for fmt in ("toml", "json", "csv"):
        assert "Rossi Bakery" in export_data(ro, fmt)


def test_commands_view_and_export_but_refuse_to_change(
    sample_db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys
) -> None:
    path = sample_db.path
    before = read_tables(path)
    no_write_permission(monkeypatch, path)
    data = tmp_path / "in.toml"
    data.write_text('format = "retainer-tui/1"\ncurrency = "USD"\n', encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    fine = {
        "status": ["status", "--json"],
        "export": ["export", "-o", str(out / "all.json")],
        "report": ["report", "Rossi Bakery", "--month", "2026-10", "-o", str(out / "r.md")],
        "reports": ["reports"],
        "pipeline": ["pipeline", "--json"],
        "backup": ["backup", "-o", str(out / "copy.db")],
        "dry run": ["import", str(data), "--dry-run"],
    }
    for name, argv in fine.items():
        assert cli.main([*argv, "--db", str(path)]) == 0, name
        capsys.readouterr()
    assert json.loads((out / "all.json").read_text())["clients"]
    refused = {
        "import": ["import", str(data)],
        "restore": ["restore", str(out / "copy.db"), "--yes"],
    }
    for name, argv in refused.items():
        code = cli.main([*argv, "--db", str(path)])
        err = capsys.readouterr().err.strip().splitlines()
        tally.tried()
        assert code == 2 and len(err) == 1, (name, err)
        assert "read-only" in err[0] and str(path) in err[0], (name, err)
    assert read_tables(path) == before


def test_an_old_schema_that_is_read_only_says_it_needs_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    import shutil

    path = tmp_path / "retainer.db"
    shutil.copyfile(Path(__file__).parents[1] / "fixtures" / "schema_0001.db", path)
    content = path.read_bytes()
    no_write_permission(monkeypatch, path)
    assert cli.main(["status", "--db", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "read-only" in err[0] and "upgrade" in err[0]
    assert path.read_bytes() == content


# ---------------------------------------------------------------- the app


def read_only_toast(app: RetainerApp) -> bool:
    return any("read-only" in str(n.message) for n in app._notifications)


async def attempt(app: RetainerApp, pilot: Any, path: Path, steps: Any, what: str) -> None:
    """Run one change attempt: a toast (or, in the results grid, the line under the
    grid) says read-only, nothing changes, the app lives."""
    before = read_tables(path)
    app.clear_notifications()
    shown = await steps()
    await settle(app, pilot)
    if shown is not None:
        assert "read-only" in shown and str(path) in shown, f"{what}: {shown}"
    else:
        toasts = [str(n.message) for n in app._notifications]
        assert read_only_toast(app), f"{what}: {toasts}"
    assert read_tables(path) == before, what
    assert app.is_running
    tally.tried()
    app.show_dashboard()
    await settle(app, pilot)


async def answer_yes(app: RetainerApp, pilot: Any) -> None:
    await settle(app, pilot)
    assert isinstance(app.screen, ConfirmScreen), app.screen
    app.screen.dismiss(True)


async def test_the_app_on_a_read_only_database_refuses_each_change_in_a_toast(
    sample_db: Database, make_app: AppMaker
) -> None:
    path = sample_db.path
    ro = SqliteDatabase(path, readonly=True)
    rossi = first_client(ro)
    app = make_app(ro)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.dashboard.view is not None and app.dashboard.view.clients  # it shows

        async def new_client() -> None:
            app.open_new_client()
            await settle(app, pilot)
            await pilot.press(*"Brand New Client")
            await pilot.press("ctrl+s")

        async def edit_client() -> None:
            app.open_edit_client(rossi.id)
            await settle(app, pilot)
            app.screen.query_one("#company", Input).value = "Another company"
            await pilot.press("ctrl+s")

        async def archive() -> None:
            app.open_edit_client(rossi.id)
            await settle(app, pilot)
            form = app.screen
            assert isinstance(form, ClientFormScreen)
            form.action_archive()
            await answer_yes(app, pilot)

        async def delete() -> None:
            app.open_edit_client(rossi.id)
            await settle(app, pilot)
            form = app.screen
            assert isinstance(form, ClientFormScreen)
            form.action_delete()
            await settle(app, pilot)
            app.screen.query_one("#confirm", Input).value = rossi.name
            await pilot.press("enter")

        async def goals() -> None:
            app.open_goals(rossi.id)
            await settle(app, pilot)
            await pilot.press("tab", *"999", "ctrl+s")  # From month first, then a target

        async def results() -> str:
            app.open_results(rossi.id)
            await settle(app, pilot)
            await pilot.press(*"4321", "enter")
            await settle(app, pilot)
            return str(app.screen.query_one("#cell-info").render())

        async def payment() -> None:
            app.open_payment(rossi.id)
            await settle(app, pilot)
            await pilot.press("ctrl+s")

        async def report_mark() -> None:
            app.open_report_mark(rossi.id)
            await settle(app, pilot)
            month = app.screen.query_one("#month", Input)
            month.value = "2026-10"
            await pilot.press("ctrl+s")

        async def new_tier() -> None:
            app.open_tiers()
            await settle(app, pilot)
            app.screen.action_new_tier()  # type: ignore[attr-defined]
            await settle(app, pilot)
            await pilot.press(*"Tier 4")
            app.screen.query_one("#monthly_fee", Input).value = "12000"
            await pilot.press("ctrl+s")

        async def move_tier() -> None:
            app.open_tiers()
            await settle(app, pilot)
            app.screen.action_move_tier(1)  # type: ignore[attr-defined]

        async def undo_key() -> None:
            app.undo_stack = _stack_with_a_change(sample_db)
            await pilot.press("ctrl+z")

        for what, steps in {
            "new client": new_client,
            "edit client": edit_client,
            "archive": archive,
            "delete": delete,
            "goals": goals,
            "results": results,
            "payment": payment,
            "report mark": report_mark,
            "new tier": new_tier,
            "move tier": move_tier,
            "undo": undo_key,
        }.items():
            await attempt(app, pilot, path, steps, what)


def _stack_with_a_change(db: Database) -> undo.UndoStack:
    """An undo stack holding a change made (and taken back) on the writable database."""
    stack = undo.UndoStack()
    saved = clients.save_client(db, draft=clients.ClientDraft(name="Undo Me"), undo=stack)
    writable_copy = undo.UndoStack()
    clients.delete_client(db, client_id=saved.id, undo=writable_copy)
    return stack


async def test_welcome_sample_data_on_a_read_only_empty_database(
    db: Database, make_app: AppMaker
) -> None:
    ro = SqliteDatabase(db.path, readonly=True)
    before = read_tables(db.path)
    app = make_app(ro)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, WelcomeScreen)
        app.screen.action_load_sample()
        await settle(app, pilot)
        assert read_only_toast(app), [str(n.message) for n in app._notifications]
        assert isinstance(app.screen, WelcomeScreen)
    assert read_tables(db.path) == before
