"""Tier write services: list, validate, save, fee changes that clients follow or not, delete."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from retainer_tui.db.engine import Database
from retainer_tui.domain.month import Month
from retainer_tui.services.client_read import get_client
from retainer_tui.services.clients import ClientDraft, save_client
from retainer_tui.services.errors import FormInvalid, InUse, NotFound
from retainer_tui.services.reports import load_report_data
from retainer_tui.services.tiers import (
    TierDraft,
    delete_tier,
    followers,
    get_tier,
    list_tiers,
    move_tier,
    save_tier,
    tier_goals,
    validate_tier,
)
from retainer_tui.services.undo import UndoStack, undo_last
from tests.raw import dump, raw

pytestmark = pytest.mark.both_engines


def tier_id(db: Database, name: str) -> int:
    return next(t.id for t in list_tiers(db) if t.name == name)


def test_new_database_offers_three_tiers(db: Database) -> None:
    tiers = list_tiers(db)
    assert [(t.name, t.monthly_fee_cents, t.included_hours) for t in tiers] == [
        ("Tier 1", 300_000, 20),
        ("Tier 2", 500_000, 35),
        ("Tier 3", 1_000_000, 60),
    ]
    assert tiers[0].services[0] == "Content creation"
    assert all(t.clients == 0 for t in tiers)


def test_add_tier_at_the_end(db: Database) -> None:
    saved = save_tier(
        db,
        draft=TierDraft(
            name="Starter",
            monthly_fee="1,500",
            included_hours="8",
            services=("Posts", " Stories "),
            description="Small.",
        ),
    )
    assert saved.created
    tier = get_tier(db, tier_id=saved.id)
    assert tier is not None
    assert (tier.name, tier.monthly_fee_cents, tier.included_hours) == ("Starter", 150_000, 8)
    assert tier.services == ("Posts", "Stories")
    assert tier.description == "Small."
    assert list_tiers(db)[-1].name == "Starter"


@pytest.mark.parametrize(
    ("field", "changes", "message"),
    [
        ("name", {"name": ""}, "name is required"),
        ("name", {"name": "tier 2"}, "already exists"),
        ("monthly_fee", {"monthly_fee": ""}, "required"),
        ("monthly_fee", {"monthly_fee": "-1"}, "cannot be negative"),
        ("monthly_fee", {"monthly_fee": "lots"}, "not an amount"),
        ("monthly_fee", {"monthly_fee": "99999999999"}, "too large"),
        ("included_hours", {"included_hours": "2.5"}, "whole number"),
        ("included_hours", {"included_hours": "-2"}, "cannot be negative"),
        ("included_hours", {"included_hours": "many"}, "must be a number"),
        ("included_hours", {"included_hours": "800"}, "at most 744"),
        ("services", {"services": ("Posts", "")}, "service 2 is required"),
        ("services", {"services": ("Posts", "posts")}, "listed twice"),
        ("services", {"services": ("x",) * 51}, "at most 50"),
    ],
)
def test_bad_tier_input_is_refused(
    db: Database, field: str, changes: dict[str, object], message: str
) -> None:
    draft = TierDraft(**{**{"name": "Starter", "monthly_fee": "100", "included_hours": "5"},
                         **changes})  # type: ignore[arg-type]  # fmt: skip
    errors = validate_tier(db, draft)
    assert list(errors) == [field]
    assert message in errors[field]
    before = dump(db)
    with pytest.raises(FormInvalid):
        save_tier(db, draft=draft)
    assert dump(db) == before


def test_editing_keeps_own_name(db: Database) -> None:
    t1 = tier_id(db, "Tier 1")
    tier = get_tier(db, tier_id=t1)
    assert tier is not None
    assert validate_tier(db, tier.draft(), tier_id=t1) == {}


def _clients_on_tier1(db: Database) -> tuple[int, int, int]:
    a = save_client(db, draft=ClientDraft(name="A", tier="Tier 1")).id
    b = save_client(db, draft=ClientDraft(name="B", tier="Tier 1")).id
    c = save_client(db, draft=ClientDraft(name="C", tier="Tier 1", fee_override="2000")).id
    return a, b, c


def fee(db: Database, client_id: int) -> int:
    rec = get_client(db, client_id=client_id)
    assert rec is not None
    return rec.monthly_fee_cents


def test_fee_change_clients_follow(db: Database) -> None:
    a, b, c = _clients_on_tier1(db)
    t1 = tier_id(db, "Tier 1")
    assert followers(db, tier_id=t1) == 2
    tier = get_tier(db, tier_id=t1)
    assert tier is not None and (tier.clients, tier.following) == (3, 2)
    saved = save_tier(db, draft=TierDraft(**{**_draft_dict(db, t1), "monthly_fee": "3500"}),
                      tier_id=t1, clients_follow=True)  # fmt: skip
    assert saved.fee_changed and saved.followed == 2 and saved.pinned == 0
    assert (fee(db, a), fee(db, b), fee(db, c)) == (350_000, 350_000, 200_000)


def test_fee_change_clients_do_not_follow(db: Database) -> None:
    a, b, c = _clients_on_tier1(db)
    t1 = tier_id(db, "Tier 1")
    stack = UndoStack()
    before = dump(db)
    saved = save_tier(db, draft=TierDraft(**{**_draft_dict(db, t1), "monthly_fee": "3500"}),
                      tier_id=t1, clients_follow=False, undo=stack)  # fmt: skip
    assert saved.pinned == 2
    assert (fee(db, a), fee(db, b), fee(db, c)) == (300_000, 300_000, 200_000)
    rec = get_client(db, client_id=a)
    assert rec is not None and rec.fee_override_cents == 300_000
    tier = get_tier(db, tier_id=t1)
    assert tier is not None and tier.monthly_fee_cents == 350_000
    undo_last(db, stack=stack)
    assert dump(db) == before


def _draft_dict(db: Database, tid: int) -> dict[str, object]:
    tier = get_tier(db, tier_id=tid)
    assert tier is not None
    d = tier.draft()
    return {f: getattr(d, f) for f in d.__slots__}


def test_same_fee_is_no_fee_change(db: Database) -> None:
    _clients_on_tier1(db)
    t1 = tier_id(db, "Tier 1")
    saved = save_tier(db, draft=TierDraft(**{**_draft_dict(db, t1), "name": "Basic"}),
                      tier_id=t1, clients_follow=False)  # fmt: skip
    assert not saved.fee_changed and saved.pinned == 0
    assert get_client(db, client_id=1).tier == "Basic"  # type: ignore[union-attr]


def test_services_can_be_reordered_and_removed(db: Database) -> None:
    t1 = tier_id(db, "Tier 1")
    services = list(_draft_dict(db, t1)["services"])  # type: ignore[call-overload]
    services.reverse()
    services.pop()
    save_tier(db, draft=TierDraft(**{**_draft_dict(db, t1), "services": tuple(services)}),
              tier_id=t1)  # fmt: skip
    tier = get_tier(db, tier_id=t1)
    assert tier is not None
    assert tier.services == ("Strategic promotion", "Scheduled daily posts", "Graphic design")


def test_tier_in_use_cannot_be_deleted(db: Database) -> None:
    save_client(
        db, draft=ClientDraft(name="Old", tier="Tier 2", status="ended", end_month="2025-01")
    )
    before = dump(db)
    with pytest.raises(InUse, match="used by 1 client"):
        delete_tier(db, tier_id=tier_id(db, "Tier 2"))
    assert dump(db) == before


def test_delete_unused_tier_and_undo(db: Database) -> None:
    stack = UndoStack()
    before = dump(db)
    delete_tier(db, tier_id=tier_id(db, "Tier 3"), undo=stack)
    assert [t.name for t in list_tiers(db)] == ["Tier 1", "Tier 2"]
    undo_last(db, stack=stack)
    assert dump(db) == before


def test_delete_missing_tier(db: Database) -> None:
    with pytest.raises(NotFound):
        delete_tier(db, tier_id=999)


def test_move_tier(db: Database) -> None:
    stack = UndoStack()
    before = dump(db)
    move_tier(db, tier_id=tier_id(db, "Tier 3"), offset=-1, undo=stack)
    assert [t.name for t in list_tiers(db)] == ["Tier 1", "Tier 3", "Tier 2"]
    assert not move_tier(db, tier_id=tier_id(db, "Tier 1"), offset=-1)
    undo_last(db, stack=stack)
    assert dump(db) == before


def test_a_rename_follows_in_the_descriptions_that_name_the_tier(db: Database) -> None:
    """The defaults say "Tier 1 plus …": renamed, Tier 1 is named anew there too, and
    undo takes both back."""
    stack = UndoStack()
    before = dump(db)
    one = get_tier(db, tier_id=tier_id(db, "Tier 1"))
    save_tier(db, draft=replace(one.draft(), name="Starter"), tier_id=one.id, undo=stack)
    descriptions = {t.name: t.description for t in list_tiers(db)}
    assert descriptions["Tier 2"] == "Starter plus engagement and growth strategy."
    assert descriptions["Tier 3"] == "Tier 2 plus outreach, partnerships and video."
    undo_last(db, stack=stack)
    assert dump(db) == before


def test_undo_new_tier(db: Database) -> None:
    stack = UndoStack()
    before = dump(db)
    save_tier(db, draft=TierDraft(name="X", monthly_fee="1"), undo=stack)
    undo_last(db, stack=stack)
    assert dump(db) == before


# --- default goals ---------------------------------------------------------------------------


def test_new_database_tiers_carry_default_goals(db: Database) -> None:
    tiers = {t.name: t for t in list_tiers(db)}
    assert tiers["Tier 1"].goals == (("new_followers", 300), ("posts_shared", 30))
    assert tiers["Tier 3"].goals == (
        ("new_followers", 1200), ("posts_shared", 60), ("conversions", 30),
    )  # fmt: skip
    assert tiers["Tier 2"].draft().goals == {
        "new_followers": "600", "posts_shared": "45", "conversions": "10",
    }  # fmt: skip
    assert tier_goals(db, tier_id=tier_id(db, "Tier 2")) == dict(tiers["Tier 2"].goals)


def test_default_goals_are_saved_in_catalogue_order_and_blank_is_none(db: Database) -> None:
    saved = save_tier(
        db,
        draft=TierDraft(
            name="Blog plan",
            monthly_fee="900",
            goals={
                "newsletters": " 2 ",
                "blog_posts": "1,000",
                "conversions": "",
                "new_followers": " ",
            },
        ),
    )
    tier = get_tier(db, tier_id=saved.id)
    assert tier is not None
    assert tier.goals == (("blog_posts", 1000), ("newsletters", 2))


def test_editing_replaces_default_goals_and_none_keeps_them(db: Database) -> None:
    t1 = tier_id(db, "Tier 1")
    save_tier(db, draft=TierDraft(**{**_draft_dict(db, t1), "goals": {"conversions": "5"}}),
              tier_id=t1)  # fmt: skip
    assert tier_goals(db, tier_id=t1) == {"conversions": 5}
    save_tier(db, draft=TierDraft(**{**_draft_dict(db, t1), "goals": None, "name": "Basic"}),
              tier_id=t1)  # fmt: skip
    assert tier_goals(db, tier_id=t1) == {"conversions": 5}
    save_tier(db, draft=TierDraft(**{**_draft_dict(db, t1), "goals": {}}), tier_id=t1)
    assert tier_goals(db, tier_id=t1) == {}


@pytest.mark.parametrize(
    ("goals", "field", "message"),
    [
        ({"new_followers": "-5"}, "goal-new_followers", "cannot be negative"),
        ({"new_followers": "2.5"}, "goal-new_followers", "whole number"),
        ({"posts_shared": "lots"}, "goal-posts_shared", "must be a number"),
        ({"posts_shared": "0"}, "goal-posts_shared", "more than 0"),
        ({"conversions": "9" * 12}, "goal-conversions", "too large"),
        ({"reels": "4"}, "goal-reels", "no metric 'reels'"),
    ],
)
def test_bad_default_goals_are_refused_at_their_field(
    db: Database, goals: dict[str, str], field: str, message: str
) -> None:
    t1 = tier_id(db, "Tier 1")
    draft = TierDraft(**{**_draft_dict(db, t1), "goals": {"blog_posts": "3", **goals}})
    errors = validate_tier(db, draft, tier_id=t1)
    assert list(errors) == [field]
    assert message in errors[field]
    before = dump(db)
    with pytest.raises(FormInvalid) as refused:
        save_tier(db, draft=draft, tier_id=t1)
    assert list(refused.value.errors) == [field]
    assert dump(db) == before


def test_default_goal_changes_undo_with_the_tier(db: Database) -> None:
    stack = UndoStack()
    before = dump(db)
    t2 = tier_id(db, "Tier 2")
    save_tier(db, draft=TierDraft(**{**_draft_dict(db, t2), "goals": {"new_followers": "650",
              "blog_posts": "2"}}), tier_id=t2, undo=stack)  # fmt: skip
    assert tier_goals(db, tier_id=t2) == {"new_followers": 650, "blog_posts": 2}
    saved = save_tier(
        db, draft=TierDraft(name="Gold", monthly_fee="8000", goals={"conversions": "40"}),
        undo=stack,
    )  # fmt: skip
    assert tier_goals(db, tier_id=saved.id) == {"conversions": 40}
    undo_last(db, stack=stack)  # the new tier goes, its goals first
    undo_last(db, stack=stack)
    assert dump(db) == before


def test_deleting_a_tier_takes_its_goals_and_undo_brings_them_back(db: Database) -> None:
    stack = UndoStack()
    before = dump(db)
    t3 = tier_id(db, "Tier 3")
    delete_tier(db, tier_id=t3, undo=stack)
    with raw(db) as conn:
        assert (
            conn.execute("SELECT count(*) FROM tier_goal WHERE tier_id = ?", (t3,)).fetchone()[0]
            == 0
        )
    undo_last(db, stack=stack)
    assert dump(db) == before
    assert len(tier_goals(db, tier_id=t3)) == 3


@pytest.mark.parametrize("stored", ["not json", "", "null", "[]"])
def test_services_edited_by_hand_read_as_none(db: Database, engine: str, stored: str) -> None:
    """A services value that is no JSON list (the file edited by hand) lists no services
    and does not stop the tier screen or a report from opening."""
    if engine == "postgresql" and stored in ("not json", ""):
        pytest.skip(
            "PostgreSQL's json column refuses text that is not JSON "
            "(only an SQLite file edited by hand can hold it)"
        )
    client = save_client(db, draft=ClientDraft(name="Rossi", tier="Tier 1", start_month="2026-01"))
    with raw(db, write=True) as conn:
        conn.execute("UPDATE tier SET services = ? WHERE name = 'Tier 1'", (stored,))
    assert get_tier(db, tier_id=tier_id(db, "Tier 1")).services == ()  # type: ignore[union-attr]
    data = load_report_data(
        db, client_id=client.id, month=Month(2026, 10), as_of=date(2026, 11, 20)
    )
    assert data.services == ()


def test_tiers_sharing_a_position_keep_each_screens_order(db: Database) -> None:
    """The tiers screen breaks a tie by id; a prospect is offered the cheaper first, so the
    tier recommended by default (the last) is the dearest."""
    from retainer_tui.services import pipeline as pl

    with raw(db, write=True) as conn:
        conn.execute("UPDATE tier SET position = 0")
        conn.execute("UPDATE tier SET monthly_fee_cents = 9000000 WHERE name = 'Tier 1'")
    assert [t.name for t in list_tiers(db)] == ["Tier 1", "Tier 2", "Tier 3"]
    assert [t.name for t in pl.list_tiers(db)] == ["Tier 2", "Tier 3", "Tier 1"]
    assert [t.id for t in pl.load_pipeline(db, as_of=date(2026, 3, 2)).tiers] == [
        t.id for t in pl.list_tiers(db)
    ]
