"""Income: the article's guaranteed monthly income, the annual run rate, fees and tiers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retainer_tui.domain.catalogue import BUILTIN_KEYS, BUILTIN_METRICS, DEFAULT_TIERS
from retainer_tui.domain.clients import ClientStatus
from retainer_tui.domain.income import (
    SIX_FIGURES_CENTS,
    annual_run_rate,
    effective_fee,
    guaranteed_monthly_income,
)
from retainer_tui.domain.money import format_money


def test_the_articles_three_clients_make_ten_thousand_a_month() -> None:
    clients = [("active", 2_000_00), ("active", 3_000_00), ("active", 5_000_00)]
    income = guaranteed_monthly_income(clients)
    assert income == 1_000_000
    assert format_money(income) == "$10,000.00"


def test_three_clients_at_three_thousand_make_a_six_figure_year() -> None:
    monthly = guaranteed_monthly_income([("active", 3_000_00)] * 3)
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
        pytest.param("ended", id="ended"),
    ],
)
def test_only_active_clients_count(status: str) -> None:
    clients = [("active", 2_000_00), (status, 7_000_00), ("active", 3_000_00)]
    assert guaranteed_monthly_income(clients) == 5_000_00


def test_enum_statuses_count_like_strings() -> None:
    clients = [(ClientStatus.ACTIVE, 1_00), (ClientStatus.PAUSED, 10_00)]
    assert guaranteed_monthly_income(clients) == 1_00


def test_no_clients_no_income() -> None:
    assert guaranteed_monthly_income([]) == 0
    assert guaranteed_monthly_income([("prospect", 3_000_00)]) == 0
    assert annual_run_rate(0) == 0


def test_an_unknown_status_is_refused_not_ignored() -> None:
    with pytest.raises(ValueError):
        guaranteed_monthly_income([("archived", 1_00)])


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


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from([s.value for s in ClientStatus]), st.integers(0, 10**11)),
        max_size=30,
    )
)
def test_income_is_the_sum_of_active_fees(clients: list[tuple[str, int]]) -> None:
    income = guaranteed_monthly_income(clients)
    assert income == sum(fee for status, fee in clients if status == "active")
    assert annual_run_rate(income) == 12 * income
    # Adding a non-active client never changes it; adding an active one adds its fee.
    assert guaranteed_monthly_income([*clients, ("paused", 99)]) == income
    assert guaranteed_monthly_income([*clients, ("active", 99)]) == income + 99


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
