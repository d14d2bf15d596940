"""Entries: goals with carry-forward, results, hours, payments, report marks, custom metrics."""

from __future__ import annotations

from datetime import date

import pytest

from retainer_tui.db.engine import Database
from retainer_tui.domain.month import Month
from retainer_tui.domain.payments import PaymentState
from retainer_tui.domain.reports import ReportState
from retainer_tui.services import entries as e
from retainer_tui.services.clients import ClientDraft, save_client
from retainer_tui.services.errors import FormInvalid, NotFound
from retainer_tui.services.month_view import load_month
from retainer_tui.services.status_json import status_object
from retainer_tui.services.undo import UndoStack, undo_last
from tests.factories import one
from tests.raw import dump, raw_connect

pytestmark = pytest.mark.both_engines

TODAY = date(2026, 11, 20)
NOV = Month(2026, 11)


@pytest.fixture
def rossi(db: Database) -> int:
    draft = ClientDraft(
        name="Rossi Bakery", tier="Tier 1", fee_override="2000", start_month="2026-01"
    )
    return save_client(db, draft=draft).id


def client_json(db: Database, month: Month = NOV) -> dict:
    view = load_month(db, month=month, as_of=TODAY)
    return status_object(view)["clients"][0]


# --- goals -------------------------------------------------------------------------------


def test_targets_carry_forward_and_never_rewrite_earlier_months(db: Database, rossi: int) -> None:
    e.set_goal(db, client_id=rossi, metric="new_followers", month="2026-01", target="500")
    e.set_goal(db, client_id=rossi, metric="new_followers", month=Month(2026, 6), target="800")
    in_march = e.targets_in_force(db, client_id=rossi, month="2026-03")
    assert in_march["new_followers"].target == 500
    in_nov = e.targets_in_force(db, client_id=rossi, month=NOV)
    assert (in_nov["new_followers"].target, in_nov["new_followers"].set_in) == (800, Month(2026, 6))
    assert client_json(db, Month(2026, 3))["metrics"][0]["target"] == 500
    assert client_json(db)["metrics"][0]["target"] == 800


def test_goal_history(db: Database, rossi: int) -> None:
    e.set_goal(db, client_id=rossi, metric="conversions", month="2026-01", target=10)
    e.set_goal(db, client_id=rossi, metric="new_followers", month="2026-06", target=800)
    e.set_goal(db, client_id=rossi, metric="new_followers", month="2026-01", target=500)
    history = e.goal_history(db, client_id=rossi)
    assert [(s.metric, str(s.month), s.target, s.previous) for s in history] == [
        ("new_followers", "2026-01", 500, None),
        ("new_followers", "2026-06", 800, 500),
        ("conversions", "2026-01", 10, None),
    ]
    only = e.goal_history(db, client_id=rossi, metric="conversions")
    assert len(only) == 1


def test_zero_target_stops_tracking(db: Database, rossi: int) -> None:
    e.set_goal(db, client_id=rossi, metric="posts_shared", month="2026-01", target=40)
    e.set_goal(db, client_id=rossi, metric="posts_shared", month="2026-10", target=0)
    assert client_json(db)["metrics"] == []
    assert client_json(db, Month(2026, 9))["metrics"][0]["target"] == 40


def test_clear_goal_brings_back_the_earlier_target(db: Database, rossi: int) -> None:
    e.set_goal(db, client_id=rossi, metric="posts_shared", month="2026-01", target=40)
    e.set_goal(db, client_id=rossi, metric="posts_shared", month="2026-10", target=60)
    e.clear_goal(db, client_id=rossi, metric="posts_shared", month="2026-10")
    assert e.targets_in_force(db, client_id=rossi, month=NOV)["posts_shared"].target == 40


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "target is required"),
        ("-1", "cannot be negative"),
        ("ten", "must be a number"),
        ("2.5", "whole number"),
        ("99999999999", "too large"),
        ("1e400", "too large"),
    ],
)
def test_bad_target(db: Database, rossi: int, typed: str, message: str) -> None:
    before = dump(db)
    with pytest.raises(FormInvalid) as info:
        e.set_goal(db, client_id=rossi, metric="posts_shared", month=NOV, target=typed)
    assert message in info.value.errors["target"]
    assert dump(db) == before


def test_set_goals_all_or_nothing(db: Database, rossi: int) -> None:
    stack = UndoStack()
    before = dump(db)
    with pytest.raises(FormInvalid) as info:
        e.set_goals(
            db,
            client_id=rossi,
            month=NOV,
            targets={"new_followers": "500", "posts_shared": "-1", "conversions": "x"},
        )
    assert set(info.value.errors) == {"target:posts_shared", "target:conversions"}
    assert dump(db) == before
    done = e.set_goals(
        db,
        client_id=rossi,
        month=NOV,
        targets={"new_followers": "500", "posts_shared": " ", "conversions": 10},
        undo=stack,
    )
    assert done.targets == {"new_followers": 500, "conversions": 10}
    assert {k: t.target for k, t in e.targets_in_force(db, client_id=rossi, month=NOV).items()} == {
        "new_followers": 500,
        "conversions": 10,
    }
    assert len(stack) == 1
    undo_last(db, stack=stack)
    assert dump(db) == before


def test_set_goals_unknown_metric(db: Database, rossi: int) -> None:
    with pytest.raises(FormInvalid) as info:
        e.set_goals(db, client_id=rossi, month=NOV, targets={"likes": 3})
    assert "no metric" in info.value.errors["target:likes"]


def test_bad_month_and_unknown_metric(db: Database, rossi: int) -> None:
    with pytest.raises(FormInvalid) as info:
        e.set_goal(db, client_id=rossi, metric="posts_shared", month="2026-13", target=1)
    assert "YYYY-MM" in info.value.errors["month"]
    with pytest.raises(FormInvalid) as info:
        e.set_goal(db, client_id=rossi, metric="likes", month=NOV, target=1)
    assert "no metric 'likes'" in info.value.errors["metric"]
    with pytest.raises(NotFound):
        e.set_goal(db, client_id=99, metric="posts_shared", month=NOV, target=1)


# --- results and hours -------------------------------------------------------------------


def test_the_grids_kept_connection_saves_and_closing_it_leaves_the_database_open(
    db: Database, rossi: int
) -> None:
    """The results grid writes through one; on a server it is the app's own pool."""
    from retainer_tui.services.kept_connection import keep_connection

    writer, kept = keep_connection(db)
    e.set_result(writer, client_id=rossi, metric="new_followers", month=NOV, actual=7)
    e.set_hours(writer, client_id=rossi, month=NOV, hours="2.5")
    kept.close()
    assert one(db, "SELECT actual FROM result WHERE client_id = ?", rossi) == 7
    e.set_result(db, client_id=rossi, metric="new_followers", month=NOV, actual=8)
    assert one(db, "SELECT actual FROM result WHERE client_id = ?", rossi) == 8
    assert one(db, "SELECT hours_x100 FROM hours WHERE client_id = ?", rossi) == 250


def test_results_are_entered_and_corrected(db: Database, rossi: int) -> None:
    e.set_goal(db, client_id=rossi, metric="new_followers", month="2026-01", target=500)
    saved = e.set_result(db, client_id=rossi, metric="new_followers", month=NOV, actual="1,200")
    assert saved.actual == 1200
    assert saved.change.label == "Rossi Bakery: New followers 1,200 in Nov 2026"
    e.set_result(db, client_id=rossi, metric="new_followers", month=NOV, actual=340)
    metric = client_json(db)["metrics"][0]
    assert (metric["actual"], metric["status"]) == (340, "on_track")
    e.clear_result(db, client_id=rossi, metric="new_followers", month=NOV)
    assert client_json(db)["metrics"][0]["actual"] is None


@pytest.mark.parametrize("typed", ["", "-3", "abc", "1.5", "10000000000", "nan", "inf"])
def test_bad_results_write_nothing(db: Database, rossi: int, typed: str) -> None:
    before = dump(db)
    with pytest.raises(FormInvalid) as info:
        e.set_result(db, client_id=rossi, metric="new_followers", month=NOV, actual=typed)
    assert "actual" in info.value.errors
    assert dump(db) == before


def test_result_for_missing_client_or_metric(db: Database, rossi: int) -> None:
    with pytest.raises(NotFound):
        e.set_result(db, client_id=42, metric="new_followers", month=NOV, actual=1)
    with pytest.raises(FormInvalid):
        e.set_result(db, client_id=rossi, metric="nope", month=NOV, actual=1)


def test_hours(db: Database, rossi: int) -> None:
    saved = e.set_hours(db, client_id=rossi, month=NOV, hours="12.5")
    assert saved.hours_x100 == 1250
    view = load_month(db, month=NOV, as_of=TODAY)
    assert view.clients[0].hours_x100 == 1250
    assert not view.clients[0].over_hours
    e.set_hours(db, client_id=rossi, month=NOV, hours="21")
    assert load_month(db, month=NOV, as_of=TODAY).clients[0].over_hours
    e.clear_hours(db, client_id=rossi, month=NOV)
    assert load_month(db, month=NOV, as_of=TODAY).clients[0].hours_x100 is None


@pytest.mark.parametrize(
    ("typed", "message"),
    [("-1", "negative"), ("12.345", "two decimals"), ("800", "at most 744"), ("x", "number")],
)
def test_bad_hours(db: Database, rossi: int, typed: str, message: str) -> None:
    with pytest.raises(FormInvalid) as info:
        e.set_hours(db, client_id=rossi, month=NOV, hours=typed)
    assert message in info.value.errors["hours"]


def test_format_hours() -> None:
    assert [e.format_hours(x) for x in (1250, 1200, 1225, 5)] == ["12.5", "12", "12.25", "0.05"]


# --- payments and reports ----------------------------------------------------------------


def test_payment_defaults_to_today_and_the_fee(db: Database, rossi: int) -> None:
    assert client_json(db)["payment"] == PaymentState.LATE
    saved = e.mark_payment(db, client_id=rossi, month=NOV, today=TODAY)
    assert (saved.amount_cents, saved.received_on) == (200_000, TODAY)
    assert client_json(db)["payment"] == PaymentState.RECEIVED
    assert e.payment_for(db, client_id=rossi, month=NOV) == (200_000, TODAY)
    e.unmark_payment(db, client_id=rossi, month=NOV)
    assert client_json(db)["payment"] == PaymentState.LATE
    assert e.payment_for(db, client_id=rossi, month=NOV) is None


def test_payment_with_typed_date_and_amount(db: Database, rossi: int) -> None:
    saved = e.mark_payment(
        db, client_id=rossi, month=NOV, today=TODAY, received_on="2026-11-02", amount="1,999.50"
    )
    assert (saved.amount_cents, saved.received_on) == (199_950, date(2026, 11, 2))


@pytest.mark.parametrize(
    ("field", "kwargs", "message"),
    [
        ("received_on", {"received_on": "2026-02-30"}, "real date"),
        ("received_on", {"received_on": "yesterday"}, "YYYY-MM-DD"),
        ("received_on", {"received_on": "2026-12-01"}, "cannot be after today"),
        ("amount", {"amount": "-5"}, "negative"),
        ("amount", {"amount": "0"}, "more than zero"),
        ("amount", {"amount": "1000000000000000"}, "too large"),
        ("amount", {"amount": "-0.00"}, "negative"),
        ("amount", {"amount": "$500"}, "type the number only"),
        ("amount", {"amount": "ten"}, "not an amount"),
    ],
)
def test_bad_payment(
    db: Database, rossi: int, field: str, kwargs: dict[str, str], message: str
) -> None:
    before = dump(db)
    with pytest.raises(FormInvalid) as info:
        e.mark_payment(db, client_id=rossi, month=NOV, today=TODAY, **kwargs)  # type: ignore[arg-type]
    assert message in info.value.errors[field]
    assert dump(db) == before


def test_payment_for_client_without_fee_needs_an_amount(db: Database) -> None:
    cid = save_client(db, draft=ClientDraft(name="Free")).id
    with pytest.raises(FormInvalid) as info:
        e.mark_payment(db, client_id=cid, month=NOV, today=TODAY)
    assert "type the amount" in info.value.errors["amount"]


def test_report_marks(db: Database, rossi: int) -> None:
    oct_ = Month(2026, 10)
    assert client_json(db, oct_)["report"] == ReportState.OVERDUE
    saved = e.mark_report_sent(db, client_id=rossi, month=oct_, today=TODAY, sent_on="2026-11-03")
    assert saved.sent_on == date(2026, 11, 3)
    assert client_json(db, oct_)["report"] == ReportState.SENT
    assert e.report_sent_on(db, client_id=rossi, month=oct_) == date(2026, 11, 3)
    e.unmark_report(db, client_id=rossi, month=oct_)
    assert client_json(db, oct_)["report"] == ReportState.OVERDUE
    assert e.report_sent_on(db, client_id=rossi, month=oct_) is None


def test_unmark_report_keeps_highlights(db: Database, rossi: int) -> None:
    conn = raw_connect(db)
    conn.execute("INSERT INTO report VALUES (?, '2026-10', NULL, 'Great month')", (rossi,))
    conn.commit()
    conn.close()
    e.mark_report_sent(db, client_id=rossi, month="2026-10", today=TODAY)
    e.unmark_report(db, client_id=rossi, month="2026-10")
    conn = raw_connect(db)
    row = conn.execute("SELECT sent_on, highlights FROM report").fetchone()
    conn.close()
    assert row == (None, "Great month")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2026-11-31", "real date"),
        ("2026-12-24", "after today"),
        ("2026-09-30", "before the month starts"),
    ],
)
def test_bad_report_date(db: Database, rossi: int, typed: str, message: str) -> None:
    with pytest.raises(FormInvalid) as info:
        e.mark_report_sent(db, client_id=rossi, month="2026-10", today=TODAY, sent_on=typed)
    assert message in info.value.errors["sent_on"]


# --- metrics -----------------------------------------------------------------------------


def test_add_metric_and_use_it(db: Database, rossi: int) -> None:
    added = e.add_metric(db, key=" Reels ", label="Reels published", unit="reels")
    assert (added.key, added.label, added.unit) == ("reels", "Reels published", "reels")
    e.set_goal(db, client_id=rossi, metric="reels", month=NOV, target=8)
    e.set_result(db, client_id=rossi, metric="reels", month=NOV, actual=8)
    assert client_json(db)["metrics"] == [
        {"metric": "reels", "target": 8, "actual": 8, "expected_by_now": 5.33, "status": "met"}
    ]


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"key": "new_followers", "label": "Followers 2"}, "key", "already a metric"),
        ({"key": "9lives", "label": "Lives"}, "key", "start with a letter"),
        ({"key": "", "label": "Lives"}, "key", "start with a letter"),
        ({"key": "lives", "label": ""}, "label", "required"),
        ({"key": "lives", "label": "new FOLLOWERS"}, "label", "already a metric"),
    ],
)
def test_bad_metric(db: Database, kwargs: dict[str, str], field: str, message: str) -> None:
    before = dump(db)
    with pytest.raises(FormInvalid) as info:
        e.add_metric(db, **kwargs)
    assert message in info.value.errors[field]
    assert dump(db) == before


# --- undo of entries ---------------------------------------------------------------------


def test_each_entry_is_undone_one_by_one(db: Database, rossi: int) -> None:
    stack = UndoStack()
    snapshots = [dump(db)]
    steps = [
        lambda: e.set_goal(db, client_id=rossi, metric="conversions", month=NOV, target=5,
                           undo=stack),
        lambda: e.set_result(db, client_id=rossi, metric="conversions", month=NOV, actual=2,
                             undo=stack),
        lambda: e.set_result(db, client_id=rossi, metric="conversions", month=NOV, actual=3,
                             undo=stack),
        lambda: e.set_hours(db, client_id=rossi, month=NOV, hours="4", undo=stack),
        lambda: e.mark_payment(db, client_id=rossi, month=NOV, today=TODAY, undo=stack),
        lambda: e.mark_report_sent(db, client_id=rossi, month="2026-10", today=TODAY,
                                   undo=stack),
        lambda: e.clear_result(db, client_id=rossi, metric="conversions", month=NOV,
                               undo=stack),
        lambda: e.add_metric(db, key="reels", label="Reels", undo=stack),
    ]  # fmt: skip
    for step in steps:
        step()
        snapshots.append(dump(db))
    assert len(stack) == len(steps)
    for expected in reversed(snapshots[:-1]):
        undo_last(db, stack=stack)
        assert dump(db) == expected
    assert not stack


# --- tier defaults -------------------------------------------------------------------------


def test_apply_tier_goals_sets_the_defaults_from_a_month_on(db: Database, rossi: int) -> None:
    e.set_goal(db, client_id=rossi, metric="new_followers", month="2026-01", target=500)
    e.set_goal(db, client_id=rossi, metric="blog_posts", month="2026-01", target=2)
    stack = UndoStack()
    before = dump(db)
    applied = e.apply_tier_goals(db, client_id=rossi, month="2026-06", undo=stack)
    assert applied.targets == {"new_followers": 300, "posts_shared": 30}
    assert len(stack) == 1 and "Tier 1's defaults" in stack.labels[0]
    june = e.targets_in_force(db, client_id=rossi, month="2026-06")
    assert {k: t.target for k, t in june.items()} == {
        "new_followers": 300, "posts_shared": 30, "blog_posts": 2,  # no default: left alone
    }  # fmt: skip
    march = e.targets_in_force(db, client_id=rossi, month="2026-03")
    assert {k: t.target for k, t in march.items()} == {"new_followers": 500, "blog_posts": 2}
    undo_last(db, stack=stack)
    assert dump(db) == before


def test_apply_tier_goals_overwrites_targets_set_in_that_month(db: Database, rossi: int) -> None:
    e.set_goal(db, client_id=rossi, metric="posts_shared", month=NOV, target=12)
    e.apply_tier_goals(db, client_id=rossi, month=NOV)
    assert e.targets_in_force(db, client_id=rossi, month=NOV)["posts_shared"].target == 30
    defaults = e.tier_defaults(db, client_id=rossi)
    assert defaults is not None and defaults.tier == "Tier 1"
    assert defaults.targets == {"new_followers": 300, "posts_shared": 30}


def test_apply_tier_goals_refuses_without_defaults(db: Database, rossi: int) -> None:
    from retainer_tui.services.errors import ServiceError
    from retainer_tui.services.tiers import TierDraft, save_tier

    loose = save_client(db, draft=ClientDraft(name="No tier", start_month="2026-01")).id
    assert e.tier_defaults(db, client_id=loose) is None
    plain = save_tier(db, draft=TierDraft(name="Plain", monthly_fee="100")).id
    bare = save_client(db, draft=ClientDraft(name="Bare", tier="Plain", start_month="2026-01")).id
    assert e.tier_defaults(db, client_id=bare) == e.TierDefaults(plain, "Plain", {})
    before = dump(db)
    with pytest.raises(ServiceError, match="has no tier"):
        e.apply_tier_goals(db, client_id=loose, month=NOV)
    with pytest.raises(ServiceError, match="Plain has no default goals"):
        e.apply_tier_goals(db, client_id=bare, month=NOV)
    with pytest.raises(NotFound):
        e.apply_tier_goals(db, client_id=999, month=NOV)
    with pytest.raises(FormInvalid) as bad:
        e.apply_tier_goals(db, client_id=rossi, month="2026-13")
    assert list(bad.value.errors) == ["month"]
    assert dump(db) == before


def test_apply_tier_goals_skips_targets_already_at_the_default(db: Database, rossi: int) -> None:
    e.set_goal(db, client_id=rossi, metric="new_followers", month="2026-01", target=300)
    e.set_goal(db, client_id=rossi, metric="posts_shared", month="2026-01", target=20)
    stack = UndoStack()
    applied = e.apply_tier_goals(db, client_id=rossi, month="2026-06", undo=stack)
    assert applied.targets == {"posts_shared": 30}
    assert [(s.metric, str(s.month)) for s in e.goal_history(db, client_id=rossi)] == [
        ("new_followers", "2026-01"), ("posts_shared", "2026-01"), ("posts_shared", "2026-06"),
    ]  # fmt: skip
    again = e.apply_tier_goals(db, client_id=rossi, month="2026-08", undo=stack)
    assert again.targets == {} and not again.change
    assert len(stack) == 1
