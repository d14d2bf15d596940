"""The status rules of PRODUCT.md, branch by branch, boundary by boundary, plus properties."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retainer_tui.domain.month import Month
from retainer_tui.domain.status import (
    ATTENTION,
    DEFAULT_TOLERANCE,
    SEVERITY,
    MetricStatus,
    as_fraction,
    attainment,
    elapsed_fraction,
    expected_by_now,
    metric_status,
    month_has_ended,
    needs_attention,
    severity_rank,
    worst_status,
)

S = MetricStatus
NOV = Month(2026, 11)  # 30 days
OCT = Month(2026, 10)  # 31 days
DEC = Month(2026, 12)  # 31 days, the year ends with it
FEB_LEAP = Month(2028, 2)  # 29 days
FEB = Month(2027, 2)  # 28 days


def d(text: str) -> date:
    return date.fromisoformat(text)


# (target, actual, month, as_of, tolerance, expected)
STATUS_TABLE = [
    # --- no result entered: no_data while open, missing once ended
    pytest.param(30, None, NOV, d("2026-10-31"), 0.2, S.NO_DATA, id="none-before-start-no_data"),
    pytest.param(30, None, NOV, d("2026-11-01"), 0.2, S.NO_DATA, id="none-first-day-no_data"),
    pytest.param(30, None, NOV, d("2026-11-15"), 0.2, S.NO_DATA, id="none-mid-month-no_data"),
    pytest.param(30, None, NOV, d("2026-11-30"), 0.2, S.NO_DATA, id="none-last-day-no_data"),
    pytest.param(30, None, NOV, d("2026-12-01"), 0.2, S.MISSING, id="none-day-after-missing"),
    pytest.param(30, None, NOV, d("2027-06-01"), 0.2, S.MISSING, id="none-months-later-missing"),
    pytest.param(0, None, NOV, d("2026-12-01"), 0.2, S.MISSING, id="none-zero-target-missing"),
    pytest.param(0, None, NOV, d("2026-11-15"), 0.2, S.NO_DATA, id="none-zero-target-no_data"),
    # --- met: A >= T, open or ended
    pytest.param(30, 30, NOV, d("2026-11-02"), 0.2, S.MET, id="met-open-actual-equals-target"),
    pytest.param(30, 45, NOV, d("2026-11-15"), 0.2, S.MET, id="met-open-actual-above-target"),
    pytest.param(30, 30, NOV, d("2026-10-31"), 0.2, S.MET, id="met-before-month-starts"),
    pytest.param(30, 30, NOV, d("2026-11-30"), 0.2, S.MET, id="met-last-day"),
    pytest.param(30, 30, NOV, d("2026-12-01"), 0.2, S.MET, id="met-ended-actual-equals-target"),
    pytest.param(30, 31, NOV, d("2027-01-10"), 0.2, S.MET, id="met-ended-actual-above-target"),
    pytest.param(0, 0, NOV, d("2026-12-01"), 0.2, S.MET, id="met-zero-target-zero-actual"),
    # --- missed: A < T once ended (even one short, even with zero tolerance)
    pytest.param(30, 29, NOV, d("2026-12-01"), 0.2, S.MISSED, id="missed-one-short-day-after"),
    pytest.param(30, 0, NOV, d("2027-06-01"), 0.2, S.MISSED, id="missed-zero-long-after"),
    pytest.param(30, 29, NOV, d("2026-12-01"), 1, S.MISSED, id="missed-even-with-full-tolerance"),
    # --- open month, 30 days, T=30 on day 15: E=15, E*(1-0.2)=12
    pytest.param(30, 20, NOV, d("2026-11-15"), 0.2, S.ON_TRACK, id="on_track-above-expected"),
    pytest.param(30, 15, NOV, d("2026-11-15"), 0.2, S.ON_TRACK, id="on_track-actual-equals-E"),
    pytest.param(30, 14, NOV, d("2026-11-15"), 0.2, S.AT_RISK, id="at_risk-one-below-E"),
    pytest.param(30, 12, NOV, d("2026-11-15"), 0.2, S.AT_RISK, id="at_risk-exactly-E-times-0.8"),
    pytest.param(30, 11, NOV, d("2026-11-15"), 0.2, S.BEHIND, id="behind-one-below-boundary"),
    pytest.param(30, 0, NOV, d("2026-11-15"), 0.2, S.BEHIND, id="behind-zero-mid-month"),
    # --- before the month starts f=0, so E=0: any entered result is on track
    pytest.param(30, 0, NOV, d("2026-10-31"), 0.2, S.ON_TRACK, id="on_track-zero-before-start"),
    pytest.param(30, 0, NOV, d("2020-01-01"), 0, S.ON_TRACK, id="on_track-zero-years-before"),
    # --- first day: f=1/30, T=30 -> E=1, boundary 0.8
    pytest.param(30, 1, NOV, d("2026-11-01"), 0.2, S.ON_TRACK, id="first-day-on_track"),
    pytest.param(30, 0, NOV, d("2026-11-01"), 0.2, S.BEHIND, id="first-day-zero-behind"),
    pytest.param(300, 9, NOV, d("2026-11-01"), 0.2, S.AT_RISK, id="first-day-at_risk"),
    pytest.param(300, 8, NOV, d("2026-11-01"), 0.2, S.AT_RISK, id="first-day-at_risk-boundary"),
    pytest.param(300, 7, NOV, d("2026-11-01"), 0.2, S.BEHIND, id="first-day-behind"),
    # --- last day: f=1 but the month is still open, so never missed: E=T=30, boundary 24
    pytest.param(30, 29, NOV, d("2026-11-30"), 0.2, S.AT_RISK, id="last-day-one-short-at_risk"),
    pytest.param(30, 24, NOV, d("2026-11-30"), 0.2, S.AT_RISK, id="last-day-boundary-at_risk"),
    pytest.param(30, 23, NOV, d("2026-11-30"), 0.2, S.BEHIND, id="last-day-below-behind"),
    # --- 31-day month, T=31 on day 10: E=10, boundary 8
    pytest.param(31, 10, OCT, d("2026-10-10"), 0.2, S.ON_TRACK, id="31-days-on_track-at-E"),
    pytest.param(31, 8, OCT, d("2026-10-10"), 0.2, S.AT_RISK, id="31-days-at_risk-boundary"),
    pytest.param(31, 7, OCT, d("2026-10-10"), 0.2, S.BEHIND, id="31-days-behind"),
    pytest.param(31, 30, OCT, d("2026-10-31"), 0.2, S.AT_RISK, id="31-days-last-day-at_risk"),
    pytest.param(31, 30, OCT, d("2026-11-01"), 0.2, S.MISSED, id="31-days-day-after-missed"),
    # --- December: the day after is in the next year
    pytest.param(31, 30, DEC, d("2026-12-31"), 0.2, S.AT_RISK, id="december-last-day-at_risk"),
    pytest.param(31, 30, DEC, d("2027-01-01"), 0.2, S.MISSED, id="december-next-year-missed"),
    pytest.param(31, None, DEC, d("2027-01-01"), 0.2, S.MISSING, id="december-next-year-missing"),
    # --- February, leap year (29 days), T=29: day 15 -> E=15, boundary 12
    pytest.param(29, 15, FEB_LEAP, d("2028-02-15"), 0.2, S.ON_TRACK, id="leap-feb-on_track"),
    pytest.param(29, 12, FEB_LEAP, d("2028-02-15"), 0.2, S.AT_RISK, id="leap-feb-boundary"),
    pytest.param(29, 11, FEB_LEAP, d("2028-02-15"), 0.2, S.BEHIND, id="leap-feb-behind"),
    pytest.param(29, 28, FEB_LEAP, d("2028-02-28"), 0.2, S.ON_TRACK, id="leap-feb-28th-open"),
    pytest.param(29, 28, FEB_LEAP, d("2028-02-29"), 0.2, S.AT_RISK, id="leap-feb-29th-last-day"),
    pytest.param(29, None, FEB_LEAP, d("2028-02-29"), 0.2, S.NO_DATA, id="leap-feb-29th-no_data"),
    pytest.param(29, 28, FEB_LEAP, d("2028-03-01"), 0.2, S.MISSED, id="leap-feb-ended-missed"),
    pytest.param(29, None, FEB_LEAP, d("2028-03-01"), 0.2, S.MISSING, id="leap-feb-ended-missing"),
    # --- February, common year (28 days), T=28: day 14 -> E=14, boundary 11.2
    pytest.param(28, 14, FEB, d("2027-02-14"), 0.2, S.ON_TRACK, id="feb-on_track"),
    pytest.param(28, 12, FEB, d("2027-02-14"), 0.2, S.AT_RISK, id="feb-at_risk"),
    pytest.param(28, 11, FEB, d("2027-02-14"), 0.2, S.BEHIND, id="feb-behind-below-11.2"),
    pytest.param(28, 27, FEB, d("2027-02-28"), 0.2, S.AT_RISK, id="feb-28th-last-day-open"),
    pytest.param(28, 27, FEB, d("2027-03-01"), 0.2, S.MISSED, id="feb-march-1st-missed"),
    pytest.param(28, None, FEB, d("2027-03-01"), 0.2, S.MISSING, id="feb-march-1st-missing"),
    # --- tolerance as float, string, Fraction and zero (T=30, day 15: E=15)
    pytest.param(30, 12, NOV, d("2026-11-15"), "0.2", S.AT_RISK, id="tol-str-boundary"),
    pytest.param(30, 11, NOV, d("2026-11-15"), "0.2", S.BEHIND, id="tol-str-behind"),
    pytest.param(30, 12, NOV, d("2026-11-15"), Fraction(1, 5), S.AT_RISK, id="tol-fraction"),
    pytest.param(30, 14, NOV, d("2026-11-15"), 0, S.BEHIND, id="tol-zero-below-E-behind"),
    pytest.param(30, 14, NOV, d("2026-11-15"), "0", S.BEHIND, id="tol-str-zero-behind"),
    pytest.param(30, 15, NOV, d("2026-11-15"), 0, S.ON_TRACK, id="tol-zero-at-E-on_track"),
    pytest.param(30, 8, NOV, d("2026-11-15"), "0.5", S.AT_RISK, id="tol-half-at_risk"),
    pytest.param(30, 7, NOV, d("2026-11-15"), 0.5, S.BEHIND, id="tol-half-behind"),
    pytest.param(30, 0, NOV, d("2026-11-15"), 1, S.AT_RISK, id="tol-one-never-behind"),
    # --- exactness: float arithmetic would say 12.000000000000002 > 12 and flip to behind
    pytest.param(29, 12, FEB_LEAP, d("2028-02-15"), 0.2, S.AT_RISK, id="exact-leap-float-flip"),
    pytest.param(75, 46, NOV, d("2026-11-23"), 0.2, S.AT_RISK, id="exact-30-day-float-flip"),
    pytest.param(75, 45, NOV, d("2026-11-23"), 0.2, S.BEHIND, id="exact-30-day-below"),
    # 1 - 0.7 is 0.30000000000000004 in floats (and in Fraction(0.7)): the boundary 3 would move
    pytest.param(10, 3, NOV, d("2026-11-30"), 0.7, S.AT_RISK, id="exact-float-tolerance-0.7"),
    pytest.param(10, 2, NOV, d("2026-11-30"), 0.7, S.BEHIND, id="exact-tolerance-0.7-below"),
    # --- E < 1: less than one whole unit expected yet, an entered result is on track
    pytest.param(5, 0, NOV, d("2026-11-02"), 0.2, S.ON_TRACK, id="e-below-one-5-reels-2nd"),
    pytest.param(5, 0, NOV, d("2026-11-05"), 0.2, S.ON_TRACK, id="e-below-one-5-6ths"),
    pytest.param(5, 0, NOV, d("2026-11-06"), 0.2, S.BEHIND, id="e-exactly-one-behind"),
    pytest.param(5, 0, NOV, d("2026-11-06"), 1, S.AT_RISK, id="e-exactly-one-full-tol"),
    pytest.param(29, 0, NOV, d("2026-11-01"), 0.2, S.ON_TRACK, id="e-29-30ths-on_track"),
    pytest.param(30, 0, NOV, d("2026-11-01"), 0.2, S.BEHIND, id="e-one-first-day-behind"),
    pytest.param(14, 0, FEB, d("2027-02-01"), 0.2, S.ON_TRACK, id="e-half-feb-on_track"),
    pytest.param(14, 0, FEB, d("2027-02-02"), 0.2, S.BEHIND, id="e-one-feb-2nd-behind"),
    pytest.param(1, 0, NOV, d("2026-11-29"), 0, S.ON_TRACK, id="e-one-target-29th"),
    pytest.param(1, 0, NOV, d("2026-11-30"), 0, S.BEHIND, id="e-one-target-last-day"),
    pytest.param(5, None, NOV, d("2026-11-02"), 0.2, S.NO_DATA, id="e-below-one-no-result"),
    pytest.param(5, 0, NOV, d("2026-12-01"), 0.2, S.MISSED, id="e-rule-not-once-ended"),
    pytest.param(1, 1, NOV, d("2026-11-02"), 0.2, S.MET, id="e-below-one-met-is-met"),
]


@pytest.mark.parametrize(
    ("target", "actual", "month", "as_of", "tolerance", "expected"), STATUS_TABLE
)
def test_metric_status_table(
    target: int,
    actual: int | None,
    month: Month,
    as_of: date,
    tolerance: object,
    expected: MetricStatus,
) -> None:
    assert metric_status(target, actual, month, as_of, tolerance) is expected


def test_default_tolerance_is_exactly_one_fifth() -> None:
    assert Fraction(1, 5) == DEFAULT_TOLERANCE
    # The boundary case without passing a tolerance at all.
    assert metric_status(30, 12, NOV, d("2026-11-15")) is S.AT_RISK
    assert metric_status(30, 11, NOV, d("2026-11-15")) is S.BEHIND


def test_float_flip_cases_really_flip_in_floating_point() -> None:
    """The two exactness rows above would be 'behind' if the rule were computed in floats."""
    assert 12 < 29 * (15 / 29) * (1 - 0.2)
    assert 46 < 75 * (23 / 30) * (1 - 0.2)
    assert 3 < 10 * (1 - 0.7)
    assert 10 * (1 - Fraction(0.7)) > 3
    # ...whereas the exact values are exactly the actuals.
    assert expected_by_now(29, FEB_LEAP, d("2028-02-15")) * (1 - as_fraction(0.2)) == 12
    assert expected_by_now(75, NOV, d("2026-11-23")) * (1 - as_fraction(0.2)) == 46


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(0.2, Fraction(1, 5), id="float"),
        pytest.param("0.2", Fraction(1, 5), id="str"),
        pytest.param(Fraction(1, 5), Fraction(1, 5), id="fraction"),
        pytest.param(0, Fraction(0), id="int-zero"),
        pytest.param("0", Fraction(0), id="str-zero"),
        pytest.param(0.1, Fraction(1, 10), id="float-tenth"),
        pytest.param("1/3", Fraction(1, 3), id="str-ratio"),
    ],
)
def test_as_fraction_is_exact(value: object, expected: Fraction) -> None:
    result = as_fraction(value)  # type: ignore[arg-type]
    assert isinstance(result, Fraction)
    assert result == expected


def test_float_tolerance_is_read_as_written_not_as_its_binary_value() -> None:
    assert Fraction(0.2) != Fraction(1, 5)  # the binary double is slightly above 1/5
    assert as_fraction(0.2) == Fraction(1, 5)


@pytest.mark.parametrize(
    ("month", "as_of", "expected"),
    [
        pytest.param(NOV, d("2026-10-31"), Fraction(0), id="day-before-start"),
        pytest.param(NOV, d("2025-01-01"), Fraction(0), id="long-before-start"),
        pytest.param(NOV, d("2026-11-01"), Fraction(1, 30), id="first-day"),
        pytest.param(NOV, d("2026-11-15"), Fraction(1, 2), id="mid-month"),
        pytest.param(NOV, d("2026-11-30"), Fraction(1), id="last-day"),
        pytest.param(NOV, d("2026-12-01"), Fraction(1), id="day-after"),
        pytest.param(OCT, d("2026-10-01"), Fraction(1, 31), id="31-day-first"),
        pytest.param(FEB_LEAP, d("2028-02-28"), Fraction(28, 29), id="leap-28th"),
        pytest.param(FEB_LEAP, d("2028-02-29"), Fraction(1), id="leap-29th"),
        pytest.param(FEB, d("2027-02-14"), Fraction(1, 2), id="common-feb-14th"),
    ],
)
def test_elapsed_fraction(month: Month, as_of: date, expected: Fraction) -> None:
    assert elapsed_fraction(month, as_of) == expected


@pytest.mark.parametrize(
    ("month", "as_of", "ended"),
    [
        pytest.param(NOV, d("2026-11-01"), False, id="first-day"),
        pytest.param(NOV, d("2026-11-30"), False, id="last-day"),
        pytest.param(NOV, d("2026-12-01"), True, id="day-after"),
        pytest.param(NOV, d("2026-10-31"), False, id="before"),
        pytest.param(FEB_LEAP, d("2028-02-29"), False, id="leap-29th"),
        pytest.param(FEB, d("2027-03-01"), True, id="common-march-1st"),
        pytest.param(DEC, d("2027-01-01"), True, id="new-year"),
    ],
)
def test_month_has_ended(month: Month, as_of: date, ended: bool) -> None:
    assert month_has_ended(month, as_of) is ended


def test_expected_by_now_is_exact_target_times_fraction() -> None:
    assert expected_by_now(100, NOV, d("2026-11-10")) == Fraction(100, 3)
    assert expected_by_now(100, NOV, d("2026-10-10")) == 0
    assert expected_by_now(100, NOV, d("2027-10-10")) == 100
    assert isinstance(expected_by_now(100, NOV, d("2026-11-10")), Fraction)


@pytest.mark.parametrize(
    ("target", "actual", "expected"),
    [
        pytest.param(40, 30, Fraction(3, 4), id="three-quarters"),
        pytest.param(40, 60, Fraction(3, 2), id="above-target"),
        pytest.param(40, 0, Fraction(0), id="zero"),
        pytest.param(40, None, None, id="not-entered"),
        pytest.param(0, 5, None, id="no-target"),
    ],
)
def test_attainment(target: int, actual: int | None, expected: Fraction | None) -> None:
    assert attainment(target, actual) == expected


# --- client status ------------------------------------------------------------------------------


def test_severity_order_is_the_products() -> None:
    assert [s.value for s in SEVERITY] == [
        "missed",
        "behind",
        "missing",
        "at_risk",
        "no_data",
        "on_track",
        "met",
    ]
    assert [severity_rank(s) for s in SEVERITY] == list(range(7))
    assert severity_rank(S.NO_GOALS) == 7


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        pytest.param([], S.NO_GOALS, id="empty-no_goals"),
        pytest.param([S.MET], S.MET, id="single-met"),
        pytest.param([S.MET, S.ON_TRACK], S.ON_TRACK, id="on_track-over-met"),
        pytest.param([S.MET, S.NO_DATA, S.ON_TRACK], S.NO_DATA, id="no_data-over-on_track"),
        pytest.param([S.NO_DATA, S.AT_RISK], S.AT_RISK, id="at_risk-over-no_data"),
        pytest.param([S.AT_RISK, S.MISSING], S.MISSING, id="missing-over-at_risk"),
        pytest.param([S.MISSING, S.BEHIND], S.BEHIND, id="behind-over-missing"),
        pytest.param([S.BEHIND, S.MISSED], S.MISSED, id="missed-over-behind"),
        pytest.param([S.MET, S.MET, S.MISSED, S.MET], S.MISSED, id="one-missed-among-met"),
        pytest.param(list(reversed(SEVERITY)), S.MISSED, id="all-reversed"),
        pytest.param([S.MET, S.NO_GOALS], S.MET, id="no_goals-never-wins"),
        pytest.param(iter([S.ON_TRACK, S.AT_RISK]), S.AT_RISK, id="any-iterable"),
    ],
)
def test_worst_status(statuses: list[MetricStatus], expected: MetricStatus) -> None:
    assert worst_status(statuses) is expected


@pytest.mark.parametrize("status", list(MetricStatus), ids=str)
def test_needs_attention_is_exactly_missed_behind_missing(status: MetricStatus) -> None:
    assert needs_attention(status) is (status.value in {"missed", "behind", "missing"})


def test_attention_set() -> None:
    assert frozenset({S.MISSED, S.BEHIND, S.MISSING}) == ATTENTION


def test_status_labels_read_as_words() -> None:
    assert S.AT_RISK.label == "at risk"
    assert S.NO_GOALS.label == "no goals"
    assert S.MET.label == "met"


# --- properties ---------------------------------------------------------------------------------

months = st.builds(Month, st.integers(2000, 2100), st.integers(1, 12))
dates = st.dates(date(1999, 12, 1), date(2101, 2, 1))
targets = st.integers(0, 10**6)
actuals = st.integers(0, 2 * 10**6)
tolerances = st.sampled_from(
    [0, "0", 0.2, "0.2", Fraction(1, 5), 0.1, Fraction(1, 3), "0.5", 1, DEFAULT_TOLERANCE]
)
PROPS = settings(max_examples=200, deadline=None)


def reference_status(target: int, actual: int | None, month: Month, as_of: date, tol: object):
    """PRODUCT.md's rule restated independently of the code under test."""
    days = calendar.monthrange(month.year, month.month)[1]
    start, end = date(month.year, month.month, 1), date(month.year, month.month, days)
    ended = as_of > end
    f = Fraction(0) if as_of < start else Fraction(1) if ended else Fraction(as_of.day, days)
    if actual is None:
        return "missing" if ended else "no_data"
    if actual >= target:
        return "met"
    if ended:
        return "missed"
    e = target * f
    if actual >= e or e < 1:
        return "on_track"
    if actual >= e * (1 - Fraction(str(tol))):
        return "at_risk"
    return "behind"


@PROPS
@given(targets, st.none() | actuals, months, dates, tolerances)
def test_matches_an_independent_restatement_of_the_rule(
    target: int, actual: int | None, month: Month, as_of: date, tol: object
) -> None:
    got = metric_status(target, actual, month, as_of, tol)  # type: ignore[arg-type]
    assert got.value == reference_status(target, actual, month, as_of, tol)


@PROPS
@given(targets, actuals, actuals, months, dates, tolerances)
def test_raising_an_actual_never_worsens_the_status(
    target: int, a: int, b: int, month: Month, as_of: date, tol: object
) -> None:
    low, high = sorted((a, b))
    before = metric_status(target, low, month, as_of, tol)  # type: ignore[arg-type]
    after = metric_status(target, high, month, as_of, tol)  # type: ignore[arg-type]
    assert severity_rank(after) >= severity_rank(before)


@PROPS
@given(targets, st.none() | actuals, months, st.integers(1, 4000), tolerances)
def test_an_ended_month_is_settled(
    target: int, actual: int | None, month: Month, days_after: int, tol: object
) -> None:
    as_of = month.last_day + timedelta(days=days_after)
    status = metric_status(target, actual, month, as_of, tol)  # type: ignore[arg-type]
    assert status in {S.MET, S.MISSED, S.MISSING}
    assert status not in {S.ON_TRACK, S.AT_RISK, S.BEHIND, S.NO_DATA}


@PROPS
@given(targets, actuals, months, st.integers(1, 4000), tolerances)
def test_before_the_month_starts_an_entered_result_is_met_or_on_track(
    target: int, actual: int, month: Month, days_before: int, tol: object
) -> None:
    as_of = month.first_day - timedelta(days=days_before)
    status = metric_status(target, actual, month, as_of, tol)  # type: ignore[arg-type]
    assert status in {S.MET, S.ON_TRACK}
    assert (status is S.MET) is (actual >= target)


@PROPS
@given(targets, months, dates, tolerances)
def test_no_result_is_no_data_or_missing(
    target: int, month: Month, as_of: date, tol: object
) -> None:
    status = metric_status(target, None, month, as_of, tol)  # type: ignore[arg-type]
    assert status is (S.MISSING if as_of > month.last_day else S.NO_DATA)


@PROPS
@given(targets, actuals, months, st.integers(1, 31), tolerances)
def test_below_one_expected_unit_an_open_month_is_never_behind(
    target: int, actual: int, month: Month, day: int, tol: object
) -> None:
    as_of = month.day(day)
    status = metric_status(target, actual, month, as_of, tol)  # type: ignore[arg-type]
    if expected_by_now(target, month, as_of) < 1:
        assert status in {S.MET, S.ON_TRACK}
    elif actual < expected_by_now(target, month, as_of) * (1 - as_fraction(tol)):  # type: ignore[arg-type]
        assert status is S.BEHIND


@PROPS
@given(months, dates, dates)
def test_elapsed_fraction_is_bounded_and_monotone(month: Month, a: date, b: date) -> None:
    early, late = sorted((a, b))
    f_early, f_late = elapsed_fraction(month, early), elapsed_fraction(month, late)
    assert 0 <= f_early <= 1
    assert 0 <= f_late <= 1
    assert f_early <= f_late


@PROPS
@given(months, st.integers(1, 31))
def test_elapsed_fraction_within_the_month_is_day_over_days(month: Month, day: int) -> None:
    days = calendar.monthrange(month.year, month.month)[1]
    as_of = date(month.year, month.month, min(day, days))
    assert elapsed_fraction(month, as_of) == Fraction(as_of.day, days)
    assert not month_has_ended(month, as_of)


@PROPS
@given(st.lists(st.sampled_from(list(SEVERITY)), min_size=1, max_size=8), st.randoms())
def test_worst_status_is_the_minimum_rank_in_any_order(statuses, rnd) -> None:
    shuffled = list(statuses)
    rnd.shuffle(shuffled)
    worst = worst_status(statuses)
    assert worst in statuses
    assert worst_status(shuffled) is worst
    assert all(severity_rank(worst) <= severity_rank(s) for s in statuses)
