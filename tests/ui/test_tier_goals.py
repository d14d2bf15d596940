"""A tier's default goals by keys: typed in the tier form (checked at each field), then
applied on a client's goals screen (ctrl+g fills them in, ctrl+s saves) and undone."""

from __future__ import annotations

import pytest
from textual.widgets import Button, Input

from retainer_tui.db.engine import Database
from retainer_tui.services.clients import ClientDraft, save_client
from retainer_tui.services.entries import set_goals
from retainer_tui.services.tiers import TierDraft, save_tier
from retainer_tui.tui.screens.goals import GoalsScreen
from retainer_tui.tui.screens.tier_form import TierFormScreen
from retainer_tui.tui.screens.tiers import TiersScreen
from tests.raw import raw_connect
from tests.ui.conftest import SIZE, AppMaker, settle

pytestmark = pytest.mark.both_engines


def rows(db: Database, sql: str, *params: object) -> list[tuple]:
    conn = raw_connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def focused_id(app) -> str | None:
    return app.focused.id if app.focused is not None else None


def enabled_actions(screen) -> set[str]:
    """The actions the footer offers now (check_action said yes)."""
    return {b.binding.action for b in screen.active_bindings.values() if b.enabled}


def field_error(screen, field: str) -> str:
    return screen.form_fields[field].error


async def test_default_goals_typed_in_the_tier_form_then_applied_to_a_client(
    db: Database, make_app: AppMaker
) -> None:
    rossi = save_client(
        db, draft=ClientDraft(name="Rossi Bakery", tier="Tier 1", start_month="2026-01")
    ).id
    set_goals(
        db, client_id=rossi, month="2026-01", targets={"new_followers": "500", "blog_posts": "2"}
    )
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("T")
        await settle(app, pilot)
        assert isinstance(app.screen, TiersScreen)
        await pilot.press("e")  # Tier 1
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, TierFormScreen)
        # From the name to the first default goal: fee, hours, description, the service
        # list, the new-service box, then new followers.
        await pilot.press(*["tab"] * 6)
        assert focused_id(app) == "goal-new_followers"
        assert form.query_one("#goal-new_followers", Input).value == "300"
        await pilot.press("ctrl+a", "ctrl+k", *"450", "tab")
        await pilot.press("ctrl+a", "ctrl+k", *"-3", "tab")  # posts shared
        assert field_error(form, "goal-posts_shared") == "A default target cannot be negative"
        await pilot.press(*"12x", "tab")  # conversions
        assert "must be a number" in field_error(form, "goal-conversions")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form, "refused: the form stays open"
        assert focused_id(app) == "goal-posts_shared"
        assert rows(db, "SELECT count(*) FROM tier_goal WHERE tier_id = 1") == [(2,)]
        await pilot.press("ctrl+a", "ctrl+k", *"35")
        assert field_error(form, "goal-posts_shared") == ""  # gone once the value is good
        await pilot.press("tab", "ctrl+a", "ctrl+k", *"9")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, TiersScreen)
        assert rows(
            db, "SELECT metric_key, target FROM tier_goal WHERE tier_id = 1 ORDER BY metric_key"
        ) == [("conversions", 9), ("new_followers", 450), ("posts_shared", 35)]

        # Rossi's goals: ctrl+g types Tier 1's defaults in, ctrl+s saves them from Nov.
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is app.dashboard
        await pilot.press("g")
        await settle(app, pilot)
        goals = app.screen
        assert isinstance(goals, GoalsScreen)
        assert goals.query_one("#tier-defaults", Button)
        assert "apply_tier_defaults" in enabled_actions(goals)
        await pilot.press("ctrl+g")
        await pilot.pause()
        typed = {m.key: goals.query_one(f"#target-{m.key}", Input).value for m in goals.metrics}
        assert typed == {
            "new_followers": "450", "posts_shared": "35", "conversions": "9",
            "blog_posts": "", "newsletters": "",  # no default: left as they were
        }  # fmt: skip
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is app.dashboard
        assert rows(
            db, "SELECT metric_key, month, target FROM goal WHERE client_id = ? "
            "ORDER BY month, metric_key", rossi,
        ) == [
            ("blog_posts", "2026-01", 2),
            ("new_followers", "2026-01", 500),
            ("conversions", "2026-11", 9),
            ("new_followers", "2026-11", 450),
            ("posts_shared", "2026-11", 35),
        ]  # fmt: skip
        await pilot.press("ctrl+z")  # one change: all three targets go
        await settle(app, pilot)
        assert rows(db, "SELECT count(*) FROM goal WHERE client_id = ?", rossi) == [(2,)]


async def test_without_tier_defaults_the_key_is_not_offered(
    db: Database, make_app: AppMaker
) -> None:
    save_tier(db, draft=TierDraft(name="Plain", monthly_fee="100"))
    client = save_client(
        db, draft=ClientDraft(name="Bare Co", tier="Plain", start_month="2026-01")
    ).id
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("g")
        await settle(app, pilot)
        goals = app.screen
        assert isinstance(goals, GoalsScreen) and goals.client_id == client
        assert not goals.query("#tier-defaults")
        assert not goals.query(".goal-default")
        assert "apply_tier_defaults" not in enabled_actions(goals)
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert all(goals.query_one(f"#target-{m.key}", Input).value == "" for m in goals.metrics)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    assert rows(db, "SELECT count(*) FROM goal") == [(0,)]


async def test_new_metric_key_follows_the_label_until_typed(
    db: Database, make_app: AppMaker
) -> None:
    from retainer_tui.tui.screens.goals import MetricFormScreen

    save_client(db, draft=ClientDraft(name="Rossi Bakery", tier="Tier 1", start_month="2026-01"))
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("g")
        await settle(app, pilot)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, MetricFormScreen)
        await pilot.press(*"Reels published")
        await pilot.pause()
        assert form.query_one("#key", Input).value == "reels_published"
        await pilot.press("tab", "end", "backspace", *"_x", "shift+tab", *" now")
        await pilot.pause()
        assert form.query_one("#key", Input).value == "reels_publishe_x"
