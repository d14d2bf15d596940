"""The pipeline's pure rules: stage order and moves, next actions, figures, criteria."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retainer_tui.domain.month import Month
from retainer_tui.domain.pipeline import (
    ALL_STAGES,
    OPEN_PROPOSAL_STAGES,
    STAGES,
    PipelineEntry,
    Stage,
    StageError,
    action_sort_key,
    conversion_text,
    default_next_action,
    default_start_month,
    is_overdue,
    mentions_discount,
    next_stage,
    parse_stage,
    pipeline_figures,
    previous_stage,
    stored_stage,
    success_criteria,
    targets_in_order,
)

TODAY = date(2026, 11, 20)


def test_stages_follow_the_articles_order() -> None:
    assert [s.value for s in STAGES] == [
        "call scheduled",
        "needs discovered",
        "proposal sent",
        "tier chosen",
        "contract sent",
        "paid trial",
        "retained",
    ]
    assert ALL_STAGES[-1] is Stage.LOST
    assert Stage.PROPOSAL_SENT.label == "Proposal sent"
    assert "3–6 months" in Stage.NEEDS_DISCOVERED.description


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        ("proposal sent", Stage.PROPOSAL_SENT),
        ("Proposal_Sent", Stage.PROPOSAL_SENT),
        ("  paid-trial ", Stage.PAID_TRIAL),
        ("LOST", Stage.LOST),
    ],
)
def test_parse_stage_is_lenient_about_case_and_separators(text: str, stage: Stage) -> None:
    assert parse_stage(text) is stage


def test_parse_stage_names_the_stages_when_refusing() -> None:
    with pytest.raises(StageError, match="call scheduled, needs discovered"):
        parse_stage("negotiating")


@pytest.mark.parametrize(
    ("text", "status", "stage"),
    [
        ("", "prospect", Stage.CALL_SCHEDULED),
        ("", "trial", Stage.PAID_TRIAL),
        ("", "active", Stage.RETAINED),
        ("weird", "prospect", Stage.CALL_SCHEDULED),
        ("proposal sent", "prospect", Stage.PROPOSAL_SENT),
        ("lost", "prospect", Stage.LOST),
    ],
)
def test_stored_stage_falls_back_on_the_status(text: str, status: str, stage: Stage) -> None:
    assert stored_stage(text, status) is stage


def test_moving_on_and_back_walks_the_order() -> None:
    for before, after in zip(STAGES, STAGES[1:], strict=False):
        assert next_stage(before) is after
        assert previous_stage(after) is before


def test_moves_off_the_ends_are_refused() -> None:
    with pytest.raises(StageError, match="first stage"):
        previous_stage(Stage.CALL_SCHEDULED)
    with pytest.raises(StageError, match="already retained"):
        next_stage(Stage.RETAINED)
    with pytest.raises(StageError, match="reopened"):
        next_stage(Stage.LOST)


def test_a_lost_prospect_goes_back_to_where_it_was_lost() -> None:
    assert previous_stage(Stage.LOST, lost_from=Stage.CONTRACT_SENT) is Stage.CONTRACT_SENT
    assert previous_stage(Stage.LOST) is Stage.CALL_SCHEDULED
    assert previous_stage(Stage.LOST, lost_from=Stage.LOST) is Stage.CALL_SCHEDULED


def test_default_next_actions() -> None:
    assert default_next_action(Stage.PROPOSAL_SENT, TODAY) == (
        "Follow up: which tier do they choose?",
        date(2026, 11, 23),
    )
    assert default_next_action(Stage.PAID_TRIAL, TODAY, trial_end=date(2026, 12, 19)) == (
        "Trial ends: retain or mark lost",
        date(2026, 12, 19),
    )
    assert default_next_action(Stage.RETAINED, TODAY) == ("", None)


def test_overdue_first_then_by_date_then_undated() -> None:
    assert is_overdue(date(2026, 11, 19), TODAY)
    assert not is_overdue(TODAY, TODAY)
    assert not is_overdue(None, TODAY)
    rows = [
        ("undated", None),
        ("later", date(2026, 12, 1)),
        ("overdue-new", date(2026, 11, 19)),
        ("today", TODAY),
        ("overdue-old", date(2026, 11, 1)),
    ]
    ordered = sorted(rows, key=lambda r: action_sort_key(r[1], TODAY, r[0]))
    assert [r[0] for r in ordered] == ["overdue-old", "overdue-new", "today", "later", "undated"]


@pytest.mark.parametrize(
    ("today", "trial_end", "month"),
    [
        (date(2026, 11, 20), None, Month(2026, 12)),
        (date(2026, 12, 1), None, Month(2026, 12)),
        (date(2026, 11, 20), date(2026, 12, 31), Month(2027, 1)),
        (date(2026, 11, 20), date(2026, 12, 19), Month(2027, 1)),
        (date(2027, 2, 3), date(2026, 12, 31), Month(2027, 3)),
    ],
)
def test_default_start_month_is_the_first_whole_month(
    today: date, trial_end: date | None, month: Month
) -> None:
    assert default_start_month(today, trial_end) == month


def test_success_criteria_come_from_the_targets_else_the_goals() -> None:
    assert success_criteria([("New followers", 500), ("SEO articles", 4)]) == (
        "- At least 500 new followers a month\n- At least 4 SEO articles a month"
    )
    assert success_criteria([], "Open a second shop\n\n- Double reach") == (
        "- Open a second shop\n- Double reach"
    )
    assert success_criteria([("Conversions", 0)]) == ""


def test_discount_is_spotted_in_answers() -> None:
    assert mentions_discount("A 10% Discount for six months")
    assert mentions_discount("uno sconto")
    assert not mentions_discount("An extra reel a week for the same fee")


def test_targets_follow_the_catalogue_order() -> None:
    order = ["new_followers", "posts_shared", "conversions"]
    got = targets_in_order({"zeta": 1, "conversions": 10, "new_followers": 500}, order)
    assert got == [("new_followers", 500), ("conversions", 10), ("zeta", 1)]


def test_figures_on_hand_computed_data() -> None:
    entries = [
        PipelineEntry(Stage.CALL_SCHEDULED, 0),
        PipelineEntry(Stage.PROPOSAL_SENT, 1_000_000),
        PipelineEntry(Stage.PROPOSAL_SENT, 500_000),
        PipelineEntry(Stage.TIER_CHOSEN, 300_000),
        PipelineEntry(Stage.PAID_TRIAL, 500_000),
        PipelineEntry(Stage.RETAINED, 300_000, "retained"),
        PipelineEntry(Stage.RETAINED, 500_000, "retained"),
        PipelineEntry(Stage.RETAINED, 1_000_000, None),  # retained without a trial
        PipelineEntry(Stage.LOST, 300_000, "lost"),
        PipelineEntry(Stage.LOST, 0, None),
    ]
    figures = pipeline_figures(entries, guaranteed_cents=1_000_000)
    assert figures.stage(Stage.PROPOSAL_SENT).count == 2
    assert figures.stage(Stage.PROPOSAL_SENT).value_cents == 1_500_000
    assert figures.stage(Stage.RETAINED).value_cents == 1_800_000
    assert figures.stage(Stage.NEEDS_DISCOVERED).count == 0
    assert figures.open_proposals == 4
    # 10,000 + 15,000 + 3,000 + 5,000 (the paid trial is not yet guaranteed income)
    assert figures.open_proposals_value_cents == 2_300_000
    assert figures.guaranteed_if_all_sign_cents == 3_300_000
    assert figures.trial_conversion == Fraction(2, 3)
    assert conversion_text(figures) == "2 of 3 trials retained (67%)"


def test_no_trial_ended_means_no_rate() -> None:
    figures = pipeline_figures([PipelineEntry(Stage.PAID_TRIAL, 1)], guaranteed_cents=0)
    assert figures.trial_conversion is None
    assert conversion_text(figures) == "no trial has ended yet"


@given(
    st.lists(
        st.tuples(
            st.sampled_from(ALL_STAGES),
            st.integers(min_value=0, max_value=10**9),
            st.sampled_from([None, "retained", "lost"]),
        ),
        max_size=40,
    ),
    st.integers(min_value=0, max_value=10**10),
)
def test_figures_add_up(rows: list, guaranteed: int) -> None:
    figures = pipeline_figures(
        (PipelineEntry(s, value, outcome) for s, value, outcome in rows),
        guaranteed_cents=guaranteed,
    )
    assert sum(f.count for f in figures.by_stage) == len(rows)
    assert sum(f.value_cents for f in figures.by_stage) == sum(r[1] for r in rows)
    open_value = sum(value for s, value, _ in rows if s in OPEN_PROPOSAL_STAGES)
    assert figures.guaranteed_if_all_sign_cents == guaranteed + open_value
    rate = figures.trial_conversion
    if rate is not None:
        assert 0 <= rate <= 1
