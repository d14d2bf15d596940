"""Month: parsing, writing, arithmetic, calendar facts."""

from __future__ import annotations

import calendar
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retainer_tui.domain.month import Month, MonthError, months_between

PROPS = settings(max_examples=200, deadline=None)
months = st.builds(Month, st.integers(1, 9999), st.integers(1, 12))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("2026-11", Month(2026, 11), id="plain"),
        pytest.param("2026-01", Month(2026, 1), id="january"),
        pytest.param("2026-12", Month(2026, 12), id="december"),
        pytest.param("  2026-11  ", Month(2026, 11), id="surrounding-spaces"),
        pytest.param("2026-11\n", Month(2026, 11), id="trailing-newline"),
        pytest.param("0001-01", Month(1, 1), id="first-representable"),
        pytest.param("9999-12", Month(9999, 12), id="last-representable"),
    ],
)
def test_parse_accepts(text: str, expected: Month) -> None:
    assert Month.parse(text) == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        pytest.param("", "YYYY-MM", id="empty"),
        pytest.param("   ", "YYYY-MM", id="blank"),
        pytest.param("2026-13", "01-12", id="month-13"),
        pytest.param("2026-00", "01-12", id="month-00"),
        pytest.param("0000-05", "0001-9999", id="year-zero"),
        pytest.param("2026-1", "YYYY-MM", id="one-digit-month"),
        pytest.param("26-11", "YYYY-MM", id="two-digit-year"),
        pytest.param("2026/11", "YYYY-MM", id="slash"),
        pytest.param("2026-11-01", "YYYY-MM", id="a-date"),
        pytest.param("11-2026", "YYYY-MM", id="reversed"),
        pytest.param("Nov 2026", "YYYY-MM", id="words"),
        pytest.param("-2026-11", "YYYY-MM", id="negative-year"),
        pytest.param("20261", "YYYY-MM", id="no-dash"),
    ],
)
def test_parse_rejects_with_a_clear_message(text: str, words: str) -> None:
    with pytest.raises(MonthError, match=words) as info:
        Month.parse(text)
    assert "is not a month" in str(info.value)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("year", "month"),
    [
        pytest.param(2026, 0, id="month-0"),
        pytest.param(2026, 13, id="month-13"),
        pytest.param(0, 5, id="year-0"),
        pytest.param(10000, 1, id="year-10000"),
        pytest.param(-1, 5, id="negative-year"),
    ],
)
def test_constructor_rejects_impossible_months(year: int, month: int) -> None:
    with pytest.raises(MonthError):
        Month(year, month)


def test_str_pads_to_yyyy_mm() -> None:
    assert str(Month(2026, 3)) == "2026-03"
    assert str(Month(987, 11)) == "0987-11"


def test_of_a_date() -> None:
    assert Month.of(date(2028, 2, 29)) == Month(2028, 2)
    assert Month.of(date(2026, 12, 31)) == Month(2026, 12)


def test_ordering_and_hashing() -> None:
    assert Month(2026, 12) < Month(2027, 1) < Month(2027, 2)
    assert Month(2025, 12) > Month(2025, 11)
    assert sorted([Month(2027, 1), Month(2026, 2), Month(2026, 12)]) == [
        Month(2026, 2),
        Month(2026, 12),
        Month(2027, 1),
    ]
    assert len({Month(2026, 1), Month.parse("2026-01"), Month(2026, 2)}) == 2


def test_month_is_immutable() -> None:
    m = Month(2026, 1)
    with pytest.raises(AttributeError):
        m.month = 2  # type: ignore[misc]


@pytest.mark.parametrize(
    ("start", "step", "expected"),
    [
        pytest.param(Month(2026, 12), 1, Month(2027, 1), id="december-to-january"),
        pytest.param(Month(2027, 1), -1, Month(2026, 12), id="january-back-to-december"),
        pytest.param(Month(2026, 11), 14, Month(2028, 1), id="over-a-year"),
        pytest.param(Month(2026, 11), -23, Month(2024, 12), id="back-two-years"),
        pytest.param(Month(2026, 11), 0, Month(2026, 11), id="zero"),
        pytest.param(Month(2026, 1), 12, Month(2027, 1), id="exactly-a-year"),
    ],
)
def test_plus(start: Month, step: int, expected: Month) -> None:
    assert start.plus(step) == expected


def test_next_and_previous_cross_year_boundaries() -> None:
    assert Month(2026, 12).next() == Month(2027, 1)
    assert Month(2027, 1).previous() == Month(2026, 12)
    assert Month(2026, 6).next() == Month(2026, 7)


def test_arithmetic_past_the_representable_range_raises() -> None:
    with pytest.raises(MonthError):
        Month(9999, 12).next()
    with pytest.raises(MonthError):
        Month(1, 1).previous()


def test_index_differences_count_months() -> None:
    assert Month(2027, 2).index - Month(2026, 11).index == 3
    assert Month.from_index(Month(2026, 11).index) == Month(2026, 11)


@pytest.mark.parametrize(
    ("month", "days"),
    [
        pytest.param(Month(2028, 2), 29, id="feb-leap"),
        pytest.param(Month(2027, 2), 28, id="feb-common"),
        pytest.param(Month(2000, 2), 29, id="feb-2000-leap-by-400"),
        pytest.param(Month(2100, 2), 28, id="feb-2100-not-leap"),
        pytest.param(Month(2026, 11), 30, id="november-30"),
        pytest.param(Month(2026, 4), 30, id="april-30"),
        pytest.param(Month(2026, 10), 31, id="october-31"),
        pytest.param(Month(2026, 12), 31, id="december-31"),
    ],
)
def test_days_first_and_last_day(month: Month, days: int) -> None:
    assert month.days == days
    assert month.first_day == date(month.year, month.month, 1)
    assert month.last_day == date(month.year, month.month, days)


@pytest.mark.parametrize(
    ("month", "day", "expected"),
    [
        pytest.param(Month(2026, 11), 5, date(2026, 11, 5), id="plain"),
        pytest.param(Month(2027, 2), 31, date(2027, 2, 28), id="clamped-feb-common"),
        pytest.param(Month(2028, 2), 31, date(2028, 2, 29), id="clamped-feb-leap"),
        pytest.param(Month(2026, 11), 31, date(2026, 11, 30), id="clamped-30-day"),
        pytest.param(Month(2026, 11), 0, date(2026, 11, 1), id="zero-clamped-up"),
        pytest.param(Month(2026, 11), -3, date(2026, 11, 1), id="negative-clamped-up"),
    ],
)
def test_day_clamps_into_the_month(month: Month, day: int, expected: date) -> None:
    assert month.day(day) == expected


def test_labels() -> None:
    assert Month(2026, 11).label() == "November 2026"
    assert Month(2026, 11).short_label() == "Nov 2026"
    assert Month(2027, 1).short_label() == "Jan 2027"


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        pytest.param("2026-11", "2027-02", ["2026-11", "2026-12", "2027-01", "2027-02"], id="span"),
        pytest.param("2026-11", "2026-11", ["2026-11"], id="single"),
        pytest.param("2026-11", "2026-10", [], id="reversed-is-empty"),
    ],
)
def test_months_between(first: str, last: str, expected: list[str]) -> None:
    result = months_between(Month.parse(first), Month.parse(last))
    assert [str(m) for m in result] == expected


# --- properties ---------------------------------------------------------------------------------


@PROPS
@given(months)
def test_str_parse_round_trip(month: Month) -> None:
    text = str(month)
    assert len(text) == 7
    assert Month.parse(text) == month


@PROPS
@given(months, st.integers(-2000, 2000))
def test_plus_is_inverted_by_minus(month: Month, step: int) -> None:
    try:
        moved = month.plus(step)
    except MonthError:
        return  # outside 0001-9999
    assert moved.index - month.index == step
    assert moved.plus(-step) == month
    assert (moved > month) is (step > 0)


@PROPS
@given(months)
def test_index_round_trip(month: Month) -> None:
    assert Month.from_index(month.index) == month


@PROPS
@given(st.builds(Month, st.integers(2, 9998), st.integers(1, 12)))
def test_next_previous_identity(month: Month) -> None:
    assert month.next().previous() == month
    assert month.previous().next() == month
    assert month.previous() < month < month.next()


@PROPS
@given(months)
def test_days_matches_the_calendar(month: Month) -> None:
    assert month.days == calendar.monthrange(month.year, month.month)[1]
    assert month.last_day.month == month.month
    if month < Month(9999, 12):
        assert month.next().first_day.toordinal() - month.last_day.toordinal() == 1


@PROPS
@given(months, months)
def test_order_agrees_with_index(a: Month, b: Month) -> None:
    assert (a < b) is (a.index < b.index)
    assert (a == b) is (a.index == b.index)


@PROPS
@given(st.dates())
def test_of_contains_the_date(day: date) -> None:
    month = Month.of(day)
    assert month.first_day <= day <= month.last_day
