"""The guard of tests/ui/loop_guard.py catches a read planted on the event loop, on both
engines, and lets pass what runs in a worker and what a test itself calls."""

from __future__ import annotations

import pytest
from textual import work
from textual.app import App

from retainer_tui.services.catalog import startup_facts
from retainer_tui.services.database import Database
from tests.ui.loop_guard import FORMS_LOADING_ON_LOOP, LoopGuard

pytestmark = pytest.mark.both_engines

HERE = __name__


class ReadsOnTheLoop(App[None]):
    """A screen's mistake: its on_mount reads the database on the event loop."""

    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db

    def on_mount(self) -> None:
        self.facts = startup_facts(self.db)


class ReadsInAWorker(App[None]):
    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db

    def on_mount(self) -> None:
        self._read()

    @work(thread=True)
    def _read(self) -> None:
        self.facts = startup_facts(self.db)


async def test_a_read_in_on_mount_is_caught(sample_db: Database) -> None:
    # This module stands in for retainer_tui.tui: its frames are the app's here.
    with LoopGuard(packages=(HERE,)) as guard:
        app = ReadsOnTheLoop(sample_db)
        async with app.run_test() as pilot:
            await pilot.pause()
        assert app.facts.has_clients
    assert guard.violations, "the planted read was not seen"
    places = {(v.module, v.function) for v in guard.violations}
    assert places == {(HERE, "ReadsOnTheLoop.on_mount")}
    with pytest.raises(AssertionError) as failed:
        guard.check()
    line = ReadsOnTheLoop.on_mount.__code__.co_firstlineno + 1
    assert f"{HERE}:ReadsOnTheLoop.on_mount:{line}" in str(failed.value)


async def test_a_read_in_a_worker_and_the_tests_own_calls_pass(sample_db: Database) -> None:
    with LoopGuard(packages=(HERE,)) as guard:
        app = ReadsInAWorker(sample_db)
        async with app.run_test() as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
        assert app.facts.has_clients
    assert startup_facts(sample_db).has_clients  # no frame of HERE's app code: a test's call
    assert guard.violations == []
    guard.check()


async def test_the_forms_allowance_excuses_only_its_classes(sample_db: Database) -> None:
    owner = f"{HERE}:ReadsOnTheLoop"
    with LoopGuard(packages=(HERE,), allowed=frozenset({owner})) as guard:
        app = ReadsOnTheLoop(sample_db)
        async with app.run_test() as pilot:
            await pilot.pause()
    assert guard.violations == []
    assert {v.owner for v in guard.allowed_hits} == {owner}
    # The app's own classes: none is excused any more.
    assert not FORMS_LOADING_ON_LOOP


def test_the_guard_is_on_in_every_ui_test(
    sample_db: Database, no_database_on_the_event_loop: LoopGuard
) -> None:
    """The autouse fixture listens: a read from a function of a retainer_tui.tui module on
    the main thread is recorded (and then taken back, so that this test passes)."""
    planted: dict[str, object] = {"__name__": "retainer_tui.tui.planted"}
    exec("def read(db, facts):\n    return facts(db)\n", planted)
    read = planted["read"]
    assert callable(read)
    read(sample_db, startup_facts)
    guard = no_database_on_the_event_loop
    assert [(v.module, v.function, v.line) for v in guard.violations] == [
        ("retainer_tui.tui.planted", "read", 2)
    ] * len(guard.violations)
    assert guard.violations
    guard.violations.clear()
