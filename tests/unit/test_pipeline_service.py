"""The pipeline services against a real migrated database: every move, the figures, undo."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from retainer_tui.domain.month import Month
from retainer_tui.domain.pipeline import Stage
from retainer_tui.services import pipeline as pl
from retainer_tui.services.errors import FormInvalid, NotFound
from retainer_tui.services.month_view import load_month
from retainer_tui.services.undo import UndoStack, undo_last
from tests.factories import add_client
from tests.raw import raw

pytestmark = pytest.mark.both_engines

TODAY = date(2026, 11, 20)


def _tier_id(db, name: str) -> int:
    with raw(db) as conn:
        return conn.execute("SELECT id FROM tier WHERE name = ?", (name,)).fetchone()[0]


def _client(db, client_id: int) -> dict:
    """The client's row, dates as ISO text (as SQLite stores them; PostgreSQL gives dates)."""
    with raw(db) as conn:
        cur = conn.execute("SELECT * FROM client WHERE id = ?", (client_id,))
        names = [d[0] for d in cur.description]
        values = [v.isoformat() if isinstance(v, date) else v for v in cur.fetchone()]
        return dict(zip(names, values, strict=True))


def _goals(db, client_id: int) -> list[tuple]:
    with raw(db) as conn:
        return conn.execute(
            "SELECT metric_key, month, target FROM goal WHERE client_id = ? ORDER BY 1",
            (client_id,),
        ).fetchall()


def _new(db, name: str = "Rossi Bakery", **fields: str) -> int:
    draft = pl.ProspectDraft(name=name, decision_maker="Anna Rossi", **fields)
    return pl.save_prospect(db, draft=draft, today=TODAY).client_id


def _income(db) -> int:
    return load_month(db, month=Month(2026, 11), as_of=TODAY).guaranteed_monthly_income_cents


# ---------------------------------------------------------------- prospects


def test_new_prospect_starts_at_the_call_with_a_next_action(db) -> None:
    cid = _new(db, company="Rossi", email="anna@rossi.it")
    row = _client(db, cid)
    assert (row["status"], row["stage"]) == ("prospect", "call scheduled")
    assert row["next_action"] == "Call the decision maker"
    assert row["next_action_on"] == "2026-11-22"
    p = pl.get_prospect(db, client_id=cid)
    assert p.stage is Stage.CALL_SCHEDULED
    assert p.decision_maker == "Anna Rossi"
    assert p.value_cents == 0


def test_a_typed_call_date_and_action_are_kept(db) -> None:
    cid = _new(db, next_action="Call Anna at 10", next_action_on="2026-11-25")
    row = _client(db, cid)
    assert (row["next_action"], row["next_action_on"]) == ("Call Anna at 10", "2026-11-25")


def test_bad_prospects_are_refused_field_by_field_and_nothing_is_written(db) -> None:
    _new(db, "Rossi Bakery")
    with pytest.raises(FormInvalid) as caught:
        pl.save_prospect(
            db,
            draft=pl.ProspectDraft(
                name="ROSSI bakery",
                email="not-an-email",
                next_action_on="2026-02-30",
                service_type="plumbing",
            ),
            today=TODAY,
        )
    assert set(caught.value.errors) == {"name", "email", "next_action_on", "service_type"}
    assert "already exists" in caught.value.errors["name"]
    with raw(db) as conn:
        assert conn.execute("SELECT count(*) FROM client").fetchone() == (1,)
    assert pl.validate_prospect(db, pl.ProspectDraft(name="")) == {"name": "name is required"}


def test_editing_a_prospect_keeps_its_stage(db) -> None:
    cid = _new(db)
    pl.move_prospect(db, client_id=cid, step=1, today=TODAY)
    draft = pl.prospect_draft(pl.get_prospect(db, client_id=cid))
    changed = pl.save_prospect(
        db,
        draft=replace(draft, phone="+39 055 123"),
        client_id=cid,
        today=TODAY,
    )
    assert changed.stage is Stage.NEEDS_DISCOVERED
    assert _client(db, cid)["phone"] == "+39 055 123"
    with pytest.raises(NotFound):
        pl.save_prospect(db, draft=draft, client_id=999, today=TODAY)


# ---------------------------------------------------------------- discovery and objections


def test_discovery_notes_are_stored_and_checked(db) -> None:
    cid = _new(db)
    pl.save_discovery(
        db,
        client_id=cid,
        draft=pl.DiscoveryDraft(
            workload="Daily posts, two campaigns",
            goals="Open a second shop",
            targets={"new_followers": "500", "conversions": "10", "blog_posts": ""},
            extra_services="SEO strategy\n- Media outreach\n\nseo strategy",
        ),
    )
    p = pl.get_prospect(db, client_id=cid)
    assert p.workload == "Daily posts, two campaigns"
    assert p.goals == "Open a second shop"
    assert p.targets == (("new_followers", 500), ("conversions", 10))
    assert p.extra_services == ("SEO strategy", "Media outreach")
    with pytest.raises(FormInvalid) as caught:
        pl.save_discovery(
            db,
            client_id=cid,
            draft=pl.DiscoveryDraft(targets={"new_followers": "-5", "nope": "3"}),
        )
    assert set(caught.value.errors) == {"target-new_followers", "target-nope"}
    assert pl.get_prospect(db, client_id=cid).targets == p.targets


def test_objections_are_replaced_in_order(db) -> None:
    cid = _new(db)
    pl.save_objections(
        db,
        client_id=cid,
        objections=[
            pl.ObjectionDraft("money", "Too expensive", "Added weekly reels, same fee"),
            pl.ObjectionDraft("results", "Not sure it works", "Paid trial for a month"),
            pl.ObjectionDraft("value", "", ""),  # an empty row is dropped
        ],
    )
    kinds = [(o.kind.value, o.text) for o in pl.get_prospect(db, client_id=cid).objections]
    assert kinds == [("money", "Too expensive"), ("results", "Not sure it works")]
    pl.save_objections(db, client_id=cid, objections=[pl.ObjectionDraft("value", "Why you?")])
    assert [o.text for o in pl.get_prospect(db, client_id=cid).objections] == ["Why you?"]
    with pytest.raises(FormInvalid) as caught:
        pl.save_objections(
            db,
            client_id=cid,
            objections=[pl.ObjectionDraft("price", "x"), pl.ObjectionDraft("money", "", "y")],
        )
    assert set(caught.value.errors) == {"objection-0-kind", "objection-1-text"}
    assert [o.text for o in pl.get_prospect(db, client_id=cid).objections] == ["Why you?"]


# ---------------------------------------------------------------- moving on and back


def test_the_whole_road_by_moving_on(db) -> None:
    """From the first call to an active client, one move at a time."""
    cid = _new(db)
    pl.save_discovery(db, client_id=cid, draft=pl.DiscoveryDraft(targets={"new_followers": "400"}))
    assert pl.move_prospect(db, client_id=cid, step=1, today=TODAY).stage is Stage.NEEDS_DISCOVERED
    moved = pl.move_prospect(db, client_id=cid, step=1, today=TODAY)
    assert moved.stage is Stage.PROPOSAL_SENT
    p = pl.get_prospect(db, client_id=cid)
    assert p.recommended_tier == "Tier 3"  # the top tier, as the article recommends
    assert p.proposal_sent_on == TODAY
    assert p.next_action == "Follow up: which tier do they choose?"
    assert pl.move_prospect(db, client_id=cid, step=1, today=TODAY).stage is Stage.TIER_CHOSEN
    assert pl.get_prospect(db, client_id=cid).chosen_tier == "Tier 3"
    assert pl.move_prospect(db, client_id=cid, step=1, today=TODAY).stage is Stage.CONTRACT_SENT
    with pytest.raises(pl.TrialDetailsNeeded, match="fee and dates"):
        pl.move_prospect(db, client_id=cid, step=1, today=TODAY)
    assert _income(db) == 0
    pl.save_trial(
        db,
        client_id=cid,
        draft=pl.TrialDraft(fee="1,500", start="2026-11-20", end="2026-12-19"),
        today=TODAY,
    )
    row = _client(db, cid)
    assert (row["status"], row["stage"], row["start_month"]) == ("trial", "paid trial", "2026-11")
    assert row["next_action_on"] == "2026-12-19"
    assert _goals(db, cid) == [("new_followers", "2026-11", 400)]
    assert _income(db) == 0  # a trial is paid once, apart: not guaranteed income
    retained = pl.move_prospect(db, client_id=cid, step=1, today=date(2026, 12, 19))
    assert retained.stage is Stage.RETAINED
    assert "retained on Tier 3 from 2027-01: $10,000 a month" in retained.message
    row = _client(db, cid)
    assert (row["status"], row["tier_id"], row["start_month"]) == (
        "active",
        _tier_id(db, "Tier 3"),
        "2027-01",
    )
    assert _goals(db, cid) == [("new_followers", "2026-11", 400)]  # carried forward
    # Retained from January: it counts in January's income, not in November's.
    assert _income(db) == 0
    january = load_month(db, month=Month(2027, 1), as_of=TODAY)
    assert january.guaranteed_monthly_income_cents == 1_000_000
    with pytest.raises(pl.PipelineError, match="already retained"):
        pl.move_prospect(db, client_id=cid, step=1, today=TODAY)


def test_moving_back_undoes_what_the_stage_means(db) -> None:
    cid = _new(db)
    with pytest.raises(pl.PipelineError, match="first stage"):
        pl.move_prospect(db, client_id=cid, step=-1, today=TODAY)
    for _ in range(4):
        pl.move_prospect(db, client_id=cid, step=1, today=TODAY)
    pl.save_trial(
        db,
        client_id=cid,
        draft=pl.TrialDraft(fee="900", start="2026-11-01", end="2026-11-30"),
        today=TODAY,
    )
    pl.move_prospect(db, client_id=cid, step=1, today=TODAY)
    assert _client(db, cid)["status"] == "active"
    back = pl.move_prospect(db, client_id=cid, step=-1, today=TODAY)
    assert back.stage is Stage.PAID_TRIAL
    row = _client(db, cid)
    assert (row["status"], row["start_month"]) == ("trial", "2026-11")
    assert pl.get_prospect(db, client_id=cid).trial_outcome is None
    assert _income(db) == 0
    back = pl.move_prospect(db, client_id=cid, step=-1, today=TODAY)
    assert back.stage is Stage.CONTRACT_SENT
    row = _client(db, cid)
    assert (row["status"], row["start_month"]) == ("prospect", None)
    assert pl.move_prospect(db, client_id=cid, step=-1, today=TODAY).stage is Stage.TIER_CHOSEN


def test_retaining_without_a_trial_sets_goals_from_the_start_month(db) -> None:
    cid = _new(db)
    pl.save_discovery(
        db,
        client_id=cid,
        draft=pl.DiscoveryDraft(targets={"conversions": "10", "posts_shared": "40"}),
    )
    before = _income(db)
    done = pl.retain(
        db, client_id=cid, tier_id=_tier_id(db, "Tier 1"), start_month="2026-11", today=TODAY
    )
    assert done.stage is Stage.RETAINED
    assert _goals(db, cid) == [("conversions", "2026-11", 10), ("posts_shared", "2026-11", 40)]
    assert _income(db) == before + 300_000
    view = load_month(db, month=Month(2026, 11), as_of=TODAY)
    client = next(c for c in view.clients if c.id == cid)
    assert client.in_service and {m.metric for m in client.metrics} == {
        "conversions",
        "posts_shared",
    }
    p = pl.get_prospect(db, client_id=cid)
    assert (p.trial_outcome, p.retained_on, p.chosen_tier) == (None, TODAY, "Tier 1")
    with pytest.raises(FormInvalid):
        pl.retain(db, client_id=cid, tier_id=1, start_month="11/2026", today=TODAY)


def test_trial_must_be_paid_and_make_sense(db) -> None:
    cid = _new(db)
    with pytest.raises(FormInvalid) as caught:
        pl.save_trial(
            db,
            client_id=cid,
            draft=pl.TrialDraft(fee="0", start="2026-12-01", end="2026-11-01"),
            today=TODAY,
        )
    assert caught.value.errors == {
        "fee": "a trial is paid, never free: the fee must be above zero",
        "end": "the last day cannot be before the first",
    }
    with pytest.raises(FormInvalid) as caught:
        pl.save_trial(db, client_id=cid, draft=pl.TrialDraft(), today=TODAY)
    assert set(caught.value.errors) == {"fee", "start", "end"}
    assert _client(db, cid)["status"] == "prospect"


def test_trial_form_defaults_take_criteria_from_the_goals(db) -> None:
    cid = _new(db)
    pl.save_discovery(
        db,
        client_id=cid,
        draft=pl.DiscoveryDraft(targets={"new_followers": "500", "conversions": "10"}),
    )
    labels = {"new_followers": "New followers", "conversions": "Conversions"}
    draft = pl.trial_draft(pl.get_prospect(db, client_id=cid), TODAY, labels)
    assert draft == pl.TrialDraft(
        fee="",
        start="2026-11-20",
        end="2026-12-19",
        criteria="- At least 500 new followers a month\n- At least 10 conversions a month",
    )


def test_lost_with_a_reason_and_reopened_where_it_was(db) -> None:
    cid = _new(db)
    pl.move_prospect(db, client_id=cid, step=1, today=TODAY)
    pl.move_prospect(db, client_id=cid, step=1, today=TODAY)
    with pytest.raises(FormInvalid):
        pl.mark_lost(db, client_id=cid, reason="  ", today=TODAY)
    lost = pl.mark_lost(db, client_id=cid, reason="Went with an agency", today=TODAY)
    assert lost.stage is Stage.LOST
    p = pl.get_prospect(db, client_id=cid)
    assert (p.lost_reason, p.lost_from, p.lost_on, p.next_action) == (
        "Went with an agency",
        Stage.PROPOSAL_SENT,
        TODAY,
        "",
    )
    with pytest.raises(pl.PipelineError, match="move it back"):
        pl.move_prospect(db, client_id=cid, step=1, today=TODAY)
    reopened = pl.move_prospect(db, client_id=cid, step=-1, today=TODAY)
    assert reopened.stage is Stage.PROPOSAL_SENT
    assert pl.get_prospect(db, client_id=cid).lost_reason == ""


def test_a_lost_trial_counts_against_the_conversion_rate(db) -> None:
    cid = _new(db)
    pl.save_trial(
        db,
        client_id=cid,
        draft=pl.TrialDraft(fee="500", start="2026-11-01", end="2026-11-15"),
        today=TODAY,
    )
    pl.mark_lost(db, client_id=cid, reason="Trial results too low", today=TODAY)
    row = _client(db, cid)
    assert row["status"] == "prospect"  # not a client: nothing owed for it
    figures = pl.load_pipeline(db, as_of=TODAY).figures
    assert (figures.trials_retained, figures.trials_lost) == (0, 1)
    assert pl.move_prospect(db, client_id=cid, step=-1, today=TODAY).stage is Stage.PAID_TRIAL
    assert _client(db, cid)["status"] == "trial"
    assert pl.load_pipeline(db, as_of=TODAY).figures.trials_lost == 0


def test_a_retained_client_cannot_be_marked_lost(db) -> None:
    cid = _new(db)
    pl.retain(db, client_id=cid, tier_id=_tier_id(db, "Tier 1"), start_month="2026-12", today=TODAY)
    with pytest.raises(pl.PipelineError, match="active client"):
        pl.mark_lost(db, client_id=cid, reason="x", today=TODAY)


# ---------------------------------------------------------------- proposal


def test_saving_the_proposal_keeps_the_edits_and_marks_it_sent(db) -> None:
    cid = _new(db)
    context = pl.proposal_context(db, client_id=cid)
    tier2 = _tier_id(db, "Tier 2")
    email = context.email(tier2)
    edited = email.body.replace("Hi Anna,", "Dear Anna,")
    saved = pl.save_proposal(
        db,
        client_id=cid,
        recommended_tier_id=tier2,
        subject=email.subject,
        body=edited,
        markdown=False,
        today=TODAY,
    )
    assert saved.stage is Stage.CALL_SCHEDULED  # saved, not sent
    p = pl.get_prospect(db, client_id=cid)
    assert (p.recommended_tier, p.proposal_sent_on) == ("Tier 2", None)
    context = pl.proposal_context(db, client_id=cid)
    assert context.stored_or_generated().body.startswith("Dear Anna,")
    assert context.stored_or_generated(markdown=True).body.startswith("Hi Anna,")
    sent = pl.save_proposal(
        db,
        client_id=cid,
        recommended_tier_id=tier2,
        subject=email.subject,
        body=edited,
        markdown=False,
        today=TODAY,
        sent_on=TODAY,
    )
    assert sent.stage is Stage.PROPOSAL_SENT
    p = pl.get_prospect(db, client_id=cid)
    assert (p.proposal_sent_on, p.stage, p.value_cents) == (TODAY, Stage.PROPOSAL_SENT, 500_000)
    with pytest.raises(FormInvalid):
        pl.save_proposal(
            db,
            client_id=cid,
            recommended_tier_id=tier2,
            subject="",
            body=" ",
            markdown=False,
            today=TODAY,
        )


def test_choosing_a_tier_moves_on_and_sets_the_value(db) -> None:
    cid = _new(db)
    pl.move_prospect(db, client_id=cid, step=1, today=TODAY)
    pl.move_prospect(db, client_id=cid, step=1, today=TODAY)
    chosen = pl.choose_tier(db, client_id=cid, tier_id=_tier_id(db, "Tier 1"), today=TODAY)
    assert chosen.stage is Stage.TIER_CHOSEN
    p = pl.get_prospect(db, client_id=cid)
    assert (p.recommended_tier, p.chosen_tier, p.value_cents) == ("Tier 3", "Tier 1", 300_000)


def test_export_writes_the_subject_and_body(tmp_path) -> None:
    path = pl.export_proposal(
        tmp_path / "p.md", subject="Three options", body="Hi\n", markdown=True
    )
    assert path.read_text() == "**Subject:** Three options\n\nHi\n"
    with pytest.raises(pl.PipelineError, match="folder"):
        pl.export_proposal(tmp_path, subject="s", body="b", markdown=False)


# ---------------------------------------------------------------- the pipeline view


def _raw_prospect(db, name: str, stage: str, status: str = "prospect", **p: object) -> int:
    cid = add_client(db, name, tier=None, status=status, start=None)
    with raw(db, write=True) as conn:
        conn.execute("UPDATE client SET stage = ? WHERE id = ?", (stage, cid))
        if p:
            cols = ", ".join(["client_id", *p])
            marks = ", ".join("?" * (len(p) + 1))
            conn.execute(f"INSERT INTO prospect ({cols}) VALUES ({marks})", (cid, *p.values()))
    return cid


def test_figures_on_hand_computed_data(db) -> None:
    t1, t2, t3 = (_tier_id(db, n) for n in ("Tier 1", "Tier 2", "Tier 3"))
    add_client(db, "Active A", tier="Tier 1")  # $3,000
    add_client(db, "Active B", tier="Tier 2", fee_cents=200_000)  # $2,000 override
    add_client(db, "Paused", tier="Tier 3", status="paused")  # not guaranteed
    _raw_prospect(db, "Call", "call scheduled")
    _raw_prospect(db, "Needs", "needs discovered", recommended_tier_id=t1)
    _raw_prospect(db, "Prop A", "proposal sent", recommended_tier_id=t3)
    _raw_prospect(db, "Prop B", "proposal sent", recommended_tier_id=t2)
    _raw_prospect(db, "Chosen", "tier chosen", recommended_tier_id=t3, chosen_tier_id=t1)
    _raw_prospect(db, "Contract", "contract sent", chosen_tier_id=t2)
    _raw_prospect(
        db, "Trial", "paid trial", status="trial", chosen_tier_id=t1, trial_fee_cents=100_000
    )
    won = _raw_prospect(db, "Won", "retained", status="active", trial_outcome="retained")
    with raw(db, write=True) as conn:
        conn.execute("UPDATE client SET tier_id = ? WHERE id = ?", (t2, won))  # $5,000
    _raw_prospect(db, "Gone", "lost", recommended_tier_id=t1, trial_outcome="lost")
    _raw_prospect(db, "Gone 2", "lost", trial_outcome="lost")
    _raw_prospect(db, "Gone 3", "lost")

    view = pl.load_pipeline(db, as_of=TODAY)
    f = view.figures
    got = {s.stage.value: (s.count, s.value_cents) for s in f.by_stage}
    assert got == {
        "call scheduled": (1, 0),
        "needs discovered": (1, 300_000),
        "proposal sent": (2, 1_500_000),
        "tier chosen": (1, 300_000),
        "contract sent": (1, 500_000),
        "paid trial": (1, 300_000),
        "retained": (1, 500_000),
        "lost": (3, 300_000),
    }
    # Active A 3,000 + Active B 2,000 + Won 5,000
    assert f.guaranteed_cents == 1_000_000
    assert f.open_proposals == 5
    assert f.open_proposals_value_cents == 1_500_000 + 300_000 + 500_000 + 300_000
    assert f.guaranteed_if_all_sign_cents == 1_000_000 + 2_600_000
    assert (f.trials_retained, f.trials_lost) == (1, 2)
    assert {p.name for p in view.prospects} >= {"Call", "Won", "Gone 3"}
    assert "Active A" not in {p.name for p in view.prospects}
    # The dashboard's figure is the same.
    assert load_month(db, month=Month(2026, 11), as_of=TODAY).guaranteed_monthly_income_cents == (
        f.guaranteed_cents
    )


def test_prospects_are_in_stage_order_overdue_first(db) -> None:
    for name, stage, on in [
        ("Later", "proposal sent", "2026-12-01"),
        ("Overdue", "proposal sent", "2026-11-10"),
        ("Undated", "proposal sent", None),
        ("First", "call scheduled", "2026-12-24"),
        ("Old call", "call scheduled", "2026-11-02"),
    ]:
        cid = _raw_prospect(db, name, stage)
        with raw(db, write=True) as conn:
            conn.execute("UPDATE client SET next_action_on = ? WHERE id = ?", (on, cid))
    view = pl.load_pipeline(db, as_of=TODAY)
    assert [p.name for p in view.prospects] == ["Old call", "First", "Overdue", "Later", "Undated"]
    assert [p.overdue(TODAY) for p in view.prospects] == [True, False, True, False, False]


def test_older_rows_without_a_prospect_row_are_read(db) -> None:
    """A trial client typed in the client form, and a prospect with a free-text stage."""
    trial = add_client(db, "Trial client", tier="Tier 1", status="trial", start="2026-10")
    odd = _raw_prospect(db, "Odd", "Negotiating")
    view = pl.load_pipeline(db, as_of=TODAY)
    assert view.find(trial).stage is Stage.PAID_TRIAL
    assert view.find(trial).value_cents == 300_000  # its own tier's fee
    assert view.find(odd).stage is Stage.CALL_SCHEDULED
    assert pl.move_prospect(db, client_id=odd, step=1, today=TODAY).stage is (
        Stage.NEEDS_DISCOVERED
    )


def test_every_action_can_be_undone(db) -> None:
    stack = UndoStack()
    made = pl.save_prospect(db, draft=pl.ProspectDraft(name="Undo Me"), today=TODAY, undo=stack)
    cid = made.client_id
    pl.save_discovery(
        db, client_id=cid, draft=pl.DiscoveryDraft(targets={"conversions": "5"}), undo=stack
    )
    pl.retain(
        db,
        client_id=cid,
        tier_id=_tier_id(db, "Tier 2"),
        start_month="2026-11",
        today=TODAY,
        undo=stack,
    )
    assert _income(db) == 500_000
    undo_last(db, stack=stack)
    assert _client(db, cid)["status"] == "prospect"
    assert _goals(db, cid) == []
    assert _income(db) == 0
    undo_last(db, stack=stack)
    assert pl.get_prospect(db, client_id=cid).targets == ()
    undo_last(db, stack=stack)
    with raw(db) as conn:
        assert conn.execute("SELECT count(*) FROM client").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM prospect").fetchone() == (0,)
