"""The `make bench` hook: with its variable set the app reports its first frame, then its
first data frame, and exits."""

from __future__ import annotations

import asyncio

import pytest

from retainer_tui.db.engine import Database
from retainer_tui.tui import bench_hook
from tests.ui.conftest import SIZE, AppMaker, settle


@pytest.mark.parametrize("mode", ["1", "filled"])
async def test_the_app_prints_its_markers_and_exits(
    sample_db: Database,
    make_app: AppMaker,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    mode: str,
) -> None:
    monkeypatch.setenv(bench_hook.ENV, mode)
    app = make_app(sample_db)
    await asyncio.wait_for(app.run_async(headless=True, size=SIZE), timeout=30)
    out = capfd.readouterr().out.splitlines()
    expected = [bench_hook.FRAME, bench_hook.FIRST_FRAME]
    expected += [bench_hook.FILLED] if mode == "filled" else []
    assert [line for line in out if line.startswith("RETAINER_BENCH")] == expected
    assert app.dashboard.view is not None and app.dashboard.view.clients


async def test_without_the_variable_nothing_is_printed(
    sample_db: Database,
    make_app: AppMaker,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv(bench_hook.ENV, raising=False)
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.dashboard.view is not None
    assert "RETAINER_BENCH" not in capfd.readouterr().out
