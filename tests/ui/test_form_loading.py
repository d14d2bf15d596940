"""Forms load what they show in a worker as they open (FormLoading): no form reads the
database on the event loop while it is built, composed or mounted; a form whose read
waits shows at once with "Loading…", keeps the keys typed meanwhile, fills the other
fields when the read comes, and then saves; a busy database is read again; a client
deleted meanwhile closes the form with a toast. Both engines.

What makes the read wait differs by engine. On PostgreSQL another process holding an
exclusive lock on the client table (a schema change) holds every read of it back. On
SQLite nothing another process does holds a read back (WAL: readers never wait for the
writer), so the read is held by the test itself, in the form's worker, until it lets go.
"""

from __future__ import annotations

import inspect
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from textual.screen import Screen
from textual.widgets import Button, Input

from retainer_tui.domain.month import Month
from retainer_tui.services.client_read import get_client
from retainer_tui.services.clients import ClientDraft, delete_client, save_client
from retainer_tui.services.database import Database, DatabaseBusy
from retainer_tui.services.entries import (
    mark_payment,
    mark_report_sent,
    payment_for,
    report_sent_on,
    set_goals,
)
from retainer_tui.services.tiers import list_tiers
from retainer_tui.tui.app import RetainerApp
from retainer_tui.tui.screens import form_base, form_load, payment_form
from retainer_tui.tui.screens.client_form import ClientFormScreen, DeleteClientScreen
from retainer_tui.tui.screens.goals import GoalsScreen, MetricFormScreen
from retainer_tui.tui.screens.payment_form import PaymentFormScreen
from retainer_tui.tui.screens.pipeline import form_base as pipeline_form_base
from retainer_tui.tui.screens.pipeline import objections, prospect_form, stage_forms
from retainer_tui.tui.screens.report_mark import ReportMarkScreen
from retainer_tui.tui.screens.tier_form import TierFormScreen
from tests.raw import db_arg
from tests.ui.conftest import SIZE, AppMaker, settle
from tests.ui.loop_guard import LoopGuard

pytestmark = pytest.mark.both_engines

NOV = Month(2026, 11)
LOCK_SECONDS = 3


# ---------------------------------------------------------------- every form, off the loop


class Ids:
    def __init__(self, db: Database) -> None:
        db.author = "anna"
        self.client = save_client(
            db, draft=ClientDraft(name="Rossi Bakery", tier="Tier 1", start_month="2026-01")
        ).id
        set_goals(db, client_id=self.client, month="2026-01", targets={"new_followers": "500"})
        self.prospect = save_client(
            db, draft=ClientDraft(name="Prospect Co", status="prospect", stage="first call")
        ).id


Opener = Callable[[Database, Ids, date], Screen[Any]]

# Each form, built as its opener builds it, with a name its title shows once loaded
# ("" for a new record: then what it read is checked another way).
FORMS: dict[str, tuple[Opener, str]] = {
    "new client": (lambda db, ids, today: ClientFormScreen(db, today=today), ""),
    "edit client": (
        lambda db, ids, today: ClientFormScreen(db, today=today, client_id=ids.client),
        "Rossi Bakery",
    ),
    "delete client": (
        lambda db, ids, today: DeleteClientScreen(
            db,
            record=get_client(db, client_id=ids.client),  # type: ignore[arg-type]
        ),
        "",
    ),
    "new tier": (lambda db, ids, today: TierFormScreen(db), ""),
    "edit tier": (lambda db, ids, today: TierFormScreen(db, tier=list_tiers(db)[0]), "Tier 1"),
    "goals": (
        lambda db, ids, today: GoalsScreen(db, client_id=ids.client, month=NOV),
        "Rossi Bakery",
    ),
    "new metric": (lambda db, ids, today: MetricFormScreen(db), ""),
    "payment": (
        lambda db, ids, today: PaymentFormScreen(db, client_id=ids.client, month=NOV, today=today),
        "Rossi Bakery",
    ),
    "report mark": (
        lambda db, ids, today: ReportMarkScreen(db, client_id=ids.client, month=NOV, today=today),
        "Rossi Bakery",
    ),
    "new prospect": (
        lambda db, ids, today: prospect_form.ProspectFormScreen(db, today=today),
        "",
    ),
    "edit prospect": (
        lambda db, ids, today: prospect_form.ProspectFormScreen(
            db, today=today, client_id=ids.prospect
        ),
        "Prospect Co",
    ),
    "discovery": (
        lambda db, ids, today: prospect_form.DiscoveryFormScreen(db, client_id=ids.prospect),
        "Prospect Co",
    ),
    "objections": (
        lambda db, ids, today: objections.ObjectionsScreen(db, client_id=ids.prospect),
        "Prospect Co",
    ),
    "paid trial": (
        lambda db, ids, today: stage_forms.TrialFormScreen(
            db, client_id=ids.prospect, today=today, currency="USD"
        ),
        "Prospect Co",
    ),
    "tier chosen": (
        lambda db, ids, today: stage_forms.ChooseTierScreen(
            db, client_id=ids.prospect, today=today
        ),
        "Prospect Co",
    ),
    "retain": (
        lambda db, ids, today: stage_forms.RetainFormScreen(
            db, client_id=ids.prospect, today=today
        ),
        "Prospect Co",
    ),
    "lost": (
        lambda db, ids, today: stage_forms.LostFormScreen(db, client_id=ids.prospect, today=today),
        "Prospect Co",
    ),
}

# The files whose frames must never run a statement on the event loop's thread.
FORM_FILES = {
    inspect.getsourcefile(module)
    for module in (
        form_base,
        form_load,
        pipeline_form_base,
        objections,
        prospect_form,
        stage_forms,
        payment_form,
        inspect.getmodule(ClientFormScreen),
        inspect.getmodule(GoalsScreen),
        inspect.getmodule(ReportMarkScreen),
        inspect.getmodule(TierFormScreen),
    )
}


def _in_a_form() -> str | None:
    """The innermost form frame on this (main) thread's stack, if any."""
    if threading.current_thread() is not threading.main_thread():
        return None
    frames = [f for f in traceback.extract_stack() if f.filename in FORM_FILES]
    return f"{frames[-1].name} ({frames[-1].lineno})" if frames else None


@contextmanager
def reads_on_the_loop(db: Database) -> Iterator[list[str]]:
    """Every statement (and every unit of work opened) on the main thread from a form's
    frame while the block runs."""
    found: list[str] = []

    def statement(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        where = _in_a_form()
        if where:
            found.append(f"{where}: {sql.split(chr(10))[0][:70]}")

    names = [n for n in ("reading", "writing", "read", "write", "connect") if hasattr(db, n)]
    originals = {name: getattr(db, name) for name in names}

    def watched(name: str) -> Callable[..., Any]:
        def opened(*args: Any, **kwargs: Any) -> Any:
            where = _in_a_form()
            if where:
                found.append(f"{where}: db.{name}()")
            return originals[name](*args, **kwargs)

        return opened

    event.listen(Engine, "before_cursor_execute", statement)
    for name in originals:
        setattr(db, name, watched(name))
    try:
        yield found
    finally:
        event.remove(Engine, "before_cursor_execute", statement)
        for name in originals:
            delattr(db, name)


@pytest.mark.parametrize("form_name", list(FORMS))
async def test_no_form_reads_the_database_on_the_event_loop(
    db: Database, make_app: AppMaker, as_of: date, form_name: str
) -> None:
    ids = Ids(db)
    opener, shown_name = FORMS[form_name]
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        with reads_on_the_loop(db) as found:
            form = opener(db, ids, as_of)
            app.push_screen(form)
            await settle(app, pilot)
        assert app.screen is form, f"{form_name} did not stay open"
        assert found == [], f"{form_name} read the database on the event loop: {found}"
        assert isinstance(form, form_base.FormScreen)
        assert not form.loading_data
        if shown_name:
            assert shown_name in form.TITLE_TEXT, (form_name, form.TITLE_TEXT)
        elif form_name == "new client":
            assert isinstance(form, ClientFormScreen) and form.tiers  # the tiers were read
        elif form_name == "new tier":
            assert form.query(".tier-goal")  # a goal field per metric read
        elif form_name == "delete client":
            assert isinstance(form, DeleteClientScreen) and form.data is not None
            assert form.data.goals == 1
        else:
            assert form.load() is None, f"{form_name} shows nothing stored"


def test_the_check_sees_a_read_on_the_loop(
    db: Database, no_database_on_the_event_loop: LoopGuard
) -> None:
    """The listener above does catch a form frame reading on the main thread (and so does
    the suite's guard, whose finding is this test's plant, not a fault)."""
    ids = Ids(db)
    with reads_on_the_loop(db) as found:
        form = GoalsScreen(db, client_id=ids.client, month=NOV)
        read = form.load()
        assert read is not None
        read()  # run here, on the main thread, from the form's frame
    assert found, "a read from a form's frame on the main thread went unseen"
    planted = no_database_on_the_event_loop.violations
    assert {v.function for v in planted} == {"GoalsScreen.load.<locals>.<lambda>"}
    planted.clear()


# ---------------------------------------------------------------- a read that waits


def notes(app: RetainerApp) -> list[str]:
    return [n.message for n in app._notifications]


def titles(app: RetainerApp) -> list[str]:
    return [n.title for n in app._notifications]


async def open_payment(app: RetainerApp, pilot: Any) -> tuple[PaymentFormScreen, int]:
    """p on the dashboard's highlighted client, without waiting for the form's read."""
    await settle(app, pilot)
    client_id = app.dashboard.table.highlighted_client_id()
    assert client_id is not None
    await pilot.press("p")
    for _ in range(200):
        if isinstance(app.screen, PaymentFormScreen):
            break
        await pilot.pause(0.01)
    form = app.screen
    assert isinstance(form, PaymentFormScreen)
    return form, client_id


async def type_while_loading(app: RetainerApp, pilot: Any, form: PaymentFormScreen) -> None:
    """The form is drawn, says Loading…, and takes keys: the amount typed lands."""
    assert form.loading_data
    dialog = form.query_one("#payment-dialog")
    assert dialog.border_title == "November 2026 retainer"
    save = form.query_one("#save", Button)
    assert str(save.label) == "Loading…" and save.disabled
    await pilot.press("tab", *"1234.50")
    for _ in range(500):  # held for a moment (the read usually comes first), then typed
        if not app.keys_pending:
            break
        await pilot.pause(0.01)
    assert not app.keys_pending
    assert form.loading_data, "the read came before the keys were looked at"
    assert form.query_one("#amount", Input).value == "1234.50"
    assert form.query_one("#received_on", Input).value == ""
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert any("Still loading" in n for n in notes(app)), notes(app)
    assert app.screen is form


async def filled_then_saved(
    app: RetainerApp, pilot: Any, form: PaymentFormScreen, db: Database, client_id: int
) -> None:
    """Once read: the typed amount stays, the date is filled in (the day it was received,
    else today), and ctrl+s saves both."""
    before = payment_for(db, client_id=client_id, month=form.month)
    day = before[1] if before else app.today
    await settle(app, pilot)
    assert not form.loading_data
    assert form.query_one("#amount", Input).value == "1234.50"
    assert form.query_one("#received_on", Input).value == day.isoformat()
    assert form.record is not None and form.record.id == client_id
    assert str(form.query_one("#save", Button).label) == "Received"
    assert form.dirty  # the typed amount is not what is stored: escape would ask
    await pilot.press("ctrl+s")
    await settle(app, pilot)
    assert app.screen is not form
    stored = payment_for(db, client_id=client_id, month=form.month)
    already = before[0] if before else 0  # an instalment adds to what the month holds
    assert stored == (already + 123450, day)


async def test_a_held_read_shows_the_form_at_once_and_keeps_the_keys(
    sample_db: Database, make_app: AppMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = threading.Event()
    real = payment_form.payment_form

    def held(db: Database, **kwargs: Any) -> Any:
        assert gate.wait(20), "never let go"
        return real(db, **kwargs)

    monkeypatch.setattr(payment_form, "payment_form", held)
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        form, client_id = await open_payment(app, pilot)
        try:
            await type_while_loading(app, pilot, form)
        finally:
            gate.set()
        await filled_then_saved(app, pilot, form, sample_db, client_id)


PG_TABLE_LOCKER = """
import sys, time
import psycopg
with psycopg.connect(sys.argv[1]) as conn:
    conn.execute("LOCK TABLE client IN ACCESS EXCLUSIVE MODE")
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
    conn.rollback()
"""


async def test_a_form_opened_while_another_process_locks_the_table(
    engine: str, sample_db: Database, make_app: AppMaker
) -> None:
    if engine != "postgresql":
        pytest.skip("on SQLite no lock of another process holds a read back (WAL)")
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        locker = subprocess.Popen(
            [sys.executable, "-c", PG_TABLE_LOCKER, db_arg(sample_db), str(LOCK_SECONDS)],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert locker.stdout is not None
            assert locker.stdout.readline().strip() == "locked"
            form, client_id = await open_payment(app, pilot)
            await type_while_loading(app, pilot, form)
            assert locker.poll() is None, "the lock was let go before the keys were typed"
        finally:
            locker.wait(timeout=30)
        await filled_then_saved(app, pilot, form, sample_db, client_id)


async def test_a_busy_database_is_read_again(
    sample_db: Database, make_app: AppMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first read finds the database locked past the busy timeout: the form says it
    waits, stays open and Loading…, and fills in from the next read, 2 s later."""
    real = payment_form.payment_form
    calls: list[float] = []

    def busy_once(db: Database, **kwargs: Any) -> Any:
        calls.append(0)
        if len(calls) == 1:
            raise DatabaseBusy("The database is locked by another program.")
        return real(db, **kwargs)

    monkeypatch.setattr(payment_form, "payment_form", busy_once)
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        form, _client_id = await open_payment(app, pilot)
        for _ in range(300):
            if "Waiting for the database…" in titles(app):
                break
            await pilot.pause(0.01)
        assert "Waiting for the database…" in titles(app)
        assert app.screen is form and form.loading_data
        assert str(form.query_one("#save", Button).label) == "Loading…"
        for _ in range(600):
            if not form.loading_data:
                break
            await pilot.pause(0.01)
        await settle(app, pilot)
        assert len(calls) == 2
        assert not form.loading_data
        assert form.query_one("#received_on", Input).value  # the stored date, or today
        assert str(form.query_one("#save", Button).label) == "Received"


async def test_a_client_deleted_before_the_read_closes_the_form(
    db: Database, make_app: AppMaker, as_of: date
) -> None:
    ids = Ids(db)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        form = GoalsScreen(db, client_id=ids.client, month=NOV)
        delete_client(db, client_id=ids.client)  # elsewhere, as the form opens
        app.push_screen(form)
        await settle(app, pilot)
        assert app.screen is not form
        assert any("no longer exists" in n for n in notes(app)), notes(app)


async def test_the_forms_other_writes_run_in_the_worker_too(
    db: Database, make_app: AppMaker, as_of: date
) -> None:
    """Not received (payment), not sent (report) and archive write off the event loop,
    as ctrl+s does, and land."""
    ids = Ids(db)
    october = NOV.previous()
    mark_payment(db, client_id=ids.client, month=NOV, today=as_of, received_on="2026-11-03")
    mark_report_sent(db, client_id=ids.client, month=october, today=as_of, sent_on="2026-11-04")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        forms: list[tuple[Screen[Any], tuple[str, ...]]] = [
            (PaymentFormScreen(db, client_id=ids.client, month=NOV, today=as_of), ("f8",)),
            (ReportMarkScreen(db, client_id=ids.client, month=NOV, today=as_of), ("f8",)),
            (ClientFormScreen(db, today=as_of, client_id=ids.client), ("f7", "y")),
        ]
        for form, keys in forms:
            app.push_screen(form)
            await settle(app, pilot)
            with reads_on_the_loop(db) as found:
                await pilot.press(*keys)
                await settle(app, pilot)
            assert app.screen is not form, type(form).__name__
            assert found == [], f"{type(form).__name__} wrote on the event loop: {found}"
    assert payment_for(db, client_id=ids.client, month=NOV) is None
    assert report_sent_on(db, client_id=ids.client, month=october) is None
    record = get_client(db, client_id=ids.client)
    assert record is not None and record.status.value == "ended"
