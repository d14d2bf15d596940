"""The dashboard's status says how bad: "✗ missed · 3/4 met" for a client that met three
of four goals, "· no data · 2/3 in" while one metric is empty; at 80 columns too."""

from __future__ import annotations

from datetime import date

import pytest

from retainer_tui.db.engine import Database
from tests.factories import add_client, set_goal, set_result
from tests.ui.conftest import AppMaker, settle

METRICS = ("new_followers", "posts_shared", "conversions", "blog_posts")


def _status_cell(app: object, name: str) -> str:
    table = app.dashboard.table  # type: ignore[attr-defined]
    column = table.column_keys.index("status")
    for row in range(table.row_count):
        cells = table.row_cells(row)
        if name in cells[0].plain:
            return cells[column].plain.strip()
    raise AssertionError(f"{name} is not on the dashboard")


@pytest.mark.parametrize("size", [(80, 24), (120, 36), (200, 50)])
async def test_the_status_counts_the_goals_met_and_the_results_in(
    db: Database, make_app: AppMaker, as_of: date, size: tuple[int, int]
) -> None:
    assert (as_of.year, as_of.month) == (2026, 11) and as_of.day > 1
    nearly = add_client(db, "Nearly Bakery", start="2026-10")
    for metric in METRICS:
        set_goal(db, nearly, metric, "2026-10", 10)
        set_result(db, nearly, metric, "2026-10", 10 if metric != "blog_posts" else 3)
    empty = add_client(db, "Empty Wines", start="2026-11")
    for metric in METRICS[:3]:
        set_goal(db, empty, metric, "2026-11", 1)
    for metric in METRICS[:2]:
        set_result(db, empty, metric, "2026-11", 1)
    app = make_app(db)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        assert _status_cell(app, "Empty Wines") == "· no data · 2/3 in"
        await pilot.press("left_square_bracket")  # October, ended
        await settle(app, pilot)
        assert _status_cell(app, "Nearly Bakery") == "✗ missed · 3/4 met"
