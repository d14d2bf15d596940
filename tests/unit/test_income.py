"""Income: the article's guaranteed monthly income, the annual run rate, fees and tiers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retainer_tui.domain.catalogue import BUILTIN_KEYS, BUILTIN_METRICS, DEFAULT_TIERS
from retainer_tui.domain.clients import ClientStatus, on_retainer
from retainer_tui.domain.income import (
    SIX_FIGURES_CENTS,
    annual_run_rate,
    effective_fee,
    goal_progress,
    guaranteed_monthly_income,
)
from retainer_tui.domain.money import format_money
from retainer_tui.domain.month import Month

NOV = Month(2026, 11)
JAN = Month(2026, 1)


def active(fee: int, start: Month | None = JAN, end: Month | None = None) -> tuple:
    return ("active", start, end, fee)


def test_the_articles_three_clients_make_ten_thousand_a_month() -> None:
    clients = [active(2_000_00), active(3_000_00), active(5_000_00)]
    income = guaranteed_monthly_income(clients, NOV)
    assert income == 1_000_000
    assert format_money(income) == "$10,000.00"


def test_three_clients_at_three_thousand_make_a_six_figure_year() -> None:
    monthly = guaranteed_monthly_income([active(3_000_00)] * 3, NOV)
    assert monthly == 9_000_00
    assert annual_run_rate(monthly) == 108_000_00
    assert annual_run_rate(monthly) >= SIX_FIGURES_CENTS
    assert format_money(annual_run_rate(monthly), cents_shown=False) == "$108,000"


@pytest.mark.parametrize(
    "status",
    [
        pytest.param("prospect", id="prospect"),
        pytest.param("trial", id="trial"),
        pytest.param("paused", id="paused"),
    ],
)
def test_trials_paused_clients_and_prospects_never_count(status: str) -> None:
    clients = [active(2_000_00), (status, JAN, None, 7_000_00), active(3_000_00)]
    assert guaranteed_monthly_income(clients, NOV) == 5_000_00


# (status, start, end, month, counts)
ON_RETAINER = [
    pytest.param("active", JAN, None, NOV, True, id="active-since-january"),
    pytest.param("active", NOV, None, NOV, True, id="active-from-this-month"),
    pytest.param("active", Month(2026, 12), None, NOV, False, id="retained-from-next-month"),
    pytest.param("active", Month(2027, 1), None, Month(2027, 1), True, id="counts-once-started"),
    pytest.param("active", JAN, Month(2026, 10), NOV, False, id="active-past-its-end"),
    pytest.param("active", JAN, NOV, NOV, True, id="active-in-its-end-month"),
    pytest.param("active", None, None, NOV, True, id="active-without-start"),
    pytest.param("active", None, Month(2026, 10), NOV, False, id="no-start-past-end"),
    pytest.param("ended", JAN, Month(2026, 10), Month(2026, 8), True, id="ended-within-span"),
    pytest.param("ended", JAN, Month(2026, 10), Month(2026, 10), True, id="ended-last-month"),
    pytest.param("ended", JAN, Month(2026, 10), NOV, False, id="ended-after-span"),
    pytest.param("ended", JAN, Month(2026, 10), Month(2025, 12), False, id="ended-before-span"),
    pytest.param("ended", None, Month(2026, 10), Month(2026, 8), False, id="ended-no-start"),
    pytest.param("ended", JAN, None, NOV, False, id="ended-no-end"),
    pytest.param("trial", JAN, None, NOV, False, id="trial-in-service-not-income"),
    pytest.param("paused", JAN, None, NOV, False, id="paused"),
    pytest.param("prospect", JAN, None, NOV, False, id="prospect"),
]


@pytest.mark.parametrize(("status", "start", "end", "month", "counts"), ON_RETAINER)
def test_on_retainer_in_a_month(
    status: str, start: Month | None, end: Month | None, month: Month, counts: bool
) -> None:
    assert on_retainer(status, start, end, month) is counts
    assert on_retainer(ClientStatus(status), start, end, month) is counts
    income = guaranteed_monthly_income([(status, start, end, 1_234_00)], month)
    assert income == (1_234_00 if counts else 0)


def test_a_past_month_counts_who_was_paying_then() -> None:
    clients = [
        ("ended", Month(2026, 1), Month(2026, 6), 2_000_00),  # paid January to June
        active(3_000_00, Month(2026, 4)),  # from April
        active(5_000_00, Month(2026, 12)),  # retained from December
    ]
    by_month = {m: guaranteed_monthly_income(clients, Month(2026, m)) for m in (2, 5, 8, 12)}
    assert by_month == {2: 2_000_00, 5: 5_000_00, 8: 3_000_00, 12: 8_000_00}


def test_enum_statuses_count_like_strings() -> None:
    clients = [(ClientStatus.ACTIVE, JAN, None, 1_00), (ClientStatus.PAUSED, JAN, None, 10_00)]
    assert guaranteed_monthly_income(clients, NOV) == 1_00


def test_no_clients_no_income() -> None:
    assert guaranteed_monthly_income([], NOV) == 0
    assert guaranteed_monthly_income([("prospect", JAN, None, 3_000_00)], NOV) == 0
    assert annual_run_rate(0) == 0


def test_an_unknown_status_is_refused_not_ignored() -> None:
    with pytest.raises(ValueError):
        guaranteed_monthly_income([("archived", JAN, None, 1_00)], NOV)


def test_annual_run_rate_is_twelve_months() -> None:
    assert annual_run_rate(1_000_000) == 12_000_000
    assert format_money(annual_run_rate(1_000_000), cents_shown=False) == "$120,000"


@pytest.mark.parametrize(
    ("tier_fee", "override", "expected"),
    [
        pytest.param(3_000_00, None, 3_000_00, id="tier-fee"),
        pytest.param(3_000_00, 2_000_00, 2_000_00, id="override-wins"),
        pytest.param(None, 2_500_00, 2_500_00, id="override-without-tier"),
        pytest.param(3_000_00, 0, 0, id="zero-override-is-honoured"),
        pytest.param(None, None, 0, id="neither"),
    ],
)
def test_effective_fee(tier_fee: int | None, override: int | None, expected: int) -> None:
    assert effective_fee(tier_fee, override) == expected


months = st.builds(Month.from_index, st.integers(Month(2024, 1).index, Month(2027, 12).index))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([s.value for s in ClientStatus]),
            st.none() | months,
            st.none() | months,
            st.integers(0, 10**11),
        ),
        max_size=30,
    ),
    months,
)
def test_income_is_the_sum_of_the_fees_on_retainer(clients: list[tuple], month: Month) -> None:
    income = guaranteed_monthly_income(clients, month)

    def counts(status: str, start: Month | None, end: Month | None) -> bool:
        # PRODUCT.md restated: active from the start month on (until the end, if any),
        # ended within start..end; nobody else.
        if status == "active":
            return (start is None or start <= month) and (end is None or month <= end)
        return status == "ended" and start is not None and end is not None and start <= month <= end

    assert income == sum(fee for status, start, end, fee in clients if counts(status, start, end))
    assert annual_run_rate(income) == 12 * income
    # Adding a paused client never changes it; adding one active since before adds its fee.
    assert guaranteed_monthly_income([*clients, ("paused", None, None, 99)], month) == income
    assert guaranteed_monthly_income([*clients, active(99, month)], month) == income + 99
    assert guaranteed_monthly_income([*clients, active(99, month.next())], month) == income


def test_a_new_database_offers_the_articles_three_tiers() -> None:
    assert [(t.name, t.monthly_fee_cents) for t in DEFAULT_TIERS] == [
        ("Tier 1", 3_000_00),
        ("Tier 2", 5_000_00),
        ("Tier 3", 10_000_00),
    ]
    tier1, tier2, tier3 = (set(t.services) for t in DEFAULT_TIERS)
    assert tier1 < tier2 < tier3  # each tier includes the one below
    assert "Influencer outreach" in tier3 - tier2
    assert "Daily community engagement" in tier2 - tier1


def test_builtin_metrics() -> None:
    assert [m.key for m in BUILTIN_METRICS] == [
        "new_followers",
        "posts_shared",
        "conversions",
        "blog_posts",
        "newsletters",
    ]
    assert frozenset(m.key for m in BUILTIN_METRICS) == BUILTIN_KEYS


def test_over_servicing_is_strictly_more_hours_than_included() -> None:
    from retainer_tui.domain.hours import over_included

    assert over_included(2001, 20) is True
    assert over_included(2000, 20) is False
    assert over_included(None, 20) is False
    assert over_included(2500, None) is False


@pytest.mark.parametrize(
    ("run_rate", "goal", "shown"),
    [
        (0, 100_000_00, "0%"),
        (62_400_00, 100_000_00, "62%"),
        (99_999_99, 100_000_00, "99%"),  # never rounded up to the goal
        (100_000_00, 100_000_00, "✓ ×1.0"),
        (276_000_00, 100_000_00, "✓ ×2.7"),  # 2.76: never more than earned
        (8_078_000_00, 100_000_00, "✓ ×80.7"),  # the agency that read 8078%
        (75_000_00, 150_000_00, "50%"),
    ],
)
def test_the_yearly_goal_gauge(run_rate: int, goal: int, shown: str) -> None:
    assert str(goal_progress(run_rate, goal)) == shown


@given(st.integers(0, 10**13), st.integers(1, 10**11))
def test_the_gauge_fills_up_to_the_goal_then_counts_the_times(run_rate: int, goal: int) -> None:
    progress = goal_progress(run_rate, goal)
    assert 0 <= progress.fraction <= 1
    assert progress.reached == (run_rate >= goal) == (progress.fraction == 1)
    text = str(progress)
    assert text.startswith("✓ ×") if progress.reached else text.endswith("%")
    if not progress.reached:
        assert int(text[:-1]) <= 99
