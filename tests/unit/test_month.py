"""Month: parsing, writing, arithmetic, calendar facts."""

from __future__ import annotations

import calendar
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retainer_tui.domain.month import (
    Month,
    MonthError,
    MonthOutOfRange,
    accepted_date,
    months_between,
)

PROPS = settings(max_examples=200, deadline=None)
months = st.builds(Month, st.integers(1, 9999), st.integers(1, 12))
accepted_months = st.builds(Month, st.integers(1990, 2099), st.integers(1, 12))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("2026-11", Month(2026, 11), id="plain"),
        pytest.param("2026-01", Month(2026, 1), id="january"),
        pytest.param("2026-12", Month(2026, 12), id="december"),
        pytest.param("  2026-11  ", Month(2026, 11), id="surrounding-spaces"),
        pytest.param("2026-11\n", Month(2026, 11), id="trailing-newline"),
        pytest.param("1990-01", Month(1990, 1), id="first-accepted"),
        pytest.param("2099-12", Month(2099, 12), id="last-accepted"),
    ],
)
def test_parse_accepts(text: str, expected: Month) -> None:
    assert Month.parse(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("0001-01", id="first-representable"),
        pytest.param("9999-12", id="last-representable"),
        pytest.param("1989-12", id="a-month-before-the-range"),
        pytest.param("2100-01", id="a-month-after-the-range"),
        pytest.param("0000-05", id="year-zero"),
        pytest.param("0226-01", id="typo-for-2026"),
    ],
)
def test_parse_refuses_months_outside_1990_to_2099(text: str) -> None:
    with pytest.raises(MonthOutOfRange, match="must be a month from 1990-01 to 2099-12"):
        Month.parse(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("0001-01", Month(1990, 1), id="long-ago-clamped-up"),
        pytest.param("1989-12", Month(1990, 1), id="just-before-clamped-up"),
        pytest.param("9999-12", Month(2099, 12), id="far-future-clamped-down"),
        pytest.param("2026-11", Month(2026, 11), id="in-range-kept"),
    ],
)
def test_stored_months_from_other_tools_are_brought_into_range(text: str, expected: Month) -> None:
    assert Month.stored(text) == expected


@pytest.mark.parametrize("text", ["2026-13", "0000-00", "abc", ""])
def test_stored_still_refuses_what_is_not_a_month(text: str) -> None:
    with pytest.raises(MonthError):
        Month.stored(text)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        pytest.param("", "YYYY-MM", id="empty"),
        pytest.param("   ", "YYYY-MM", id="blank"),
        pytest.param("2026-13", "01-12", id="month-13"),
        pytest.param("2026-00", "01-12", id="month-00"),
        pytest.param("2026-1", "YYYY-MM", id="one-digit-month"),
        pytest.param("26-11", "YYYY-MM", id="two-digit-year"),
        pytest.param("2026/11", "YYYY-MM", id="slash"),
        pytest.param("2026-11-01", "YYYY-MM", id="a-date"),
        pytest.param("11-2026", "YYYY-MM", id="reversed"),
        pytest.param("Nov 2026", "YYYY-MM", id="words"),
        pytest.param("-2026-11", "YYYY-MM", id="negative-year"),
        pytest.param("20261", "YYYY-MM", id="no-dash"),
        pytest.param("\u0662\u0660\u0662\u0666-\u0661\u0661", "YYYY-MM", id="arabic-digits"),
        pytest.param("x" * 5000, "YYYY-MM", id="a-pasted-novel"),
    ],
)
def test_parse_rejects_with_a_clear_message(text: str, words: str) -> None:
    with pytest.raises(MonthError, match=words) as info:
        Month.parse(text)
    assert "is not a month" in str(info.value)
    assert isinstance(info.value, ValueError)
    assert len(str(info.value)) < 80


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
@given(accepted_months)
def test_str_parse_round_trip(month: Month) -> None:
    text = str(month)
    assert len(text) == 7
    assert month.accepted
    assert Month.parse(text) == month
    assert Month.stored(text) == month


def test_every_accepted_month_parses_and_round_trips() -> None:
    seen = [
        Month.parse(f"{year:04d}-{number:02d}")
        for year in range(1990, 2100)
        for number in range(1, 13)
    ]
    assert len(seen) == 110 * 12
    assert seen == sorted(seen) and seen[0] == Month.MIN and seen[-1] == Month.MAX
    assert all(str(m) == f"{m.year:04d}-{m.month:02d}" and m.accepted for m in seen)


@PROPS
@given(months)
def test_parse_accepts_exactly_the_accepted_range(month: Month) -> None:
    if Month.MIN <= month <= Month.MAX:
        assert Month.parse(str(month)) == month
    else:
        with pytest.raises(MonthOutOfRange):
            Month.parse(str(month))
        assert Month.MIN <= Month.stored(str(month)) <= Month.MAX


@PROPS
@given(accepted_months, st.integers(-2000, 2000))
def test_step_stays_in_range_or_says_where_it_ends(month: Month, step: int) -> None:
    target = month.index + step
    if Month.MIN.index <= target <= Month.MAX.index:
        moved = month.step(step)
        assert moved == month.plus(step) and moved.accepted
    else:
        edge = "December 2099 is the last" if step > 0 else "January 1990 is the first"
        with pytest.raises(MonthError, match=edge):
            month.step(step)


def test_step_at_the_edges() -> None:
    assert Month.MAX.step(-1) == Month(2099, 11)
    assert Month.MIN.step(1) == Month(1990, 2)
    with pytest.raises(MonthError, match="December 2099 is the last month"):
        Month.MAX.step(1)
    with pytest.raises(MonthError, match="January 1990 is the first month"):
        Month.MIN.step(-1)
    # Arithmetic for due dates and labels may still reach past the range.
    assert Month.MAX.next() == Month(2100, 1)


@PROPS
@given(st.dates())
def test_accepted_dates_are_those_in_accepted_months(day: date) -> None:
    assert accepted_date(day) is (date(1990, 1, 1) <= day <= date(2099, 12, 31))


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
