"""validation: every reader, with good and bad input, and a message that says what is wrong."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from retainer_tui.domain import validation as v
from retainer_tui.domain.month import Month

TEN_THOUSAND = "x" * 10_000


def refused(func, *args, words: tuple[str, ...]) -> str:
    """Call func, expect InvalidValue, and check the message mentions every word."""
    with pytest.raises(v.InvalidValue) as info:
        func(*args)
    message = str(info.value)
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"
    return message


def test_invalid_value_is_a_value_error() -> None:
    assert issubclass(v.InvalidValue, ValueError)


# --- name ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("Rossi Bakery", "Rossi Bakery", id="plain"),
        pytest.param("  Rossi Bakery  ", "Rossi Bakery", id="trimmed"),
        pytest.param("Café Müller", "Café Müller", id="accents"),
        pytest.param("🍞 Bread & Co", "🍞 Bread & Co", id="emoji"),
        pytest.param("中文客户", "中文客户", id="cjk"),
        pytest.param("=SUM(A1)", "=SUM(A1)", id="formula-like-text-is-a-name"),
        pytest.param("x" * 200, "x" * 200, id="exactly-200"),
    ],
)
def test_name_accepts(value: str, expected: str) -> None:
    assert v.name(value) == expected


@pytest.mark.parametrize(
    ("value", "words"),
    [
        pytest.param("", ("name", "required"), id="empty"),
        pytest.param("   \t ", ("name", "required"), id="whitespace"),
        pytest.param("x" * 201, ("name", "too long", "200"), id="201-chars"),
        pytest.param(TEN_THOUSAND, ("name", "too long"), id="10000-chars"),
        pytest.param("Rossi\nBakery", ("name", "line breaks"), id="newline"),
        pytest.param("Rossi\r\nBakery", ("name", "line breaks"), id="crlf"),
        pytest.param("Rossi\tBakery", ("name", "control characters"), id="tab"),
        pytest.param("Rossi\x00Bakery", ("name", "control characters"), id="nul"),
        pytest.param("Rossi\x1b[31mBakery", ("name", "control characters"), id="escape"),
        pytest.param("Rossi\x7fBakery", ("name", "control characters"), id="delete"),
        pytest.param("Rossi\x85Bakery", ("name", "control characters"), id="c1-next-line"),
        pytest.param("Rossi\u2028Bakery", ("name", "line breaks"), id="unicode-line-separator"),
        pytest.param(None, ("name", "text"), id="none"),
        pytest.param(42, ("name", "text"), id="number"),
    ],
)
def test_name_refuses(value: object, words: tuple[str, ...]) -> None:
    refused(v.name, value, words=words)


def test_name_message_uses_the_field() -> None:
    refused(v.name, "", "company", words=("company is required",))
    refused(v.name, 5, "tier", words=("tier must be text",))


# --- optional_line ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(None, "", id="none-is-empty"),
        pytest.param("", "", id="empty"),
        pytest.param("   ", "", id="whitespace"),
        pytest.param(" anna@rossi.example ", "anna@rossi.example", id="trimmed"),
        pytest.param("+39 055 123 4567", "+39 055 123 4567", id="phone"),
    ],
)
def test_optional_line_accepts(value: object, expected: str) -> None:
    assert v.optional_line(value, "email") == expected


@pytest.mark.parametrize(
    ("value", "words"),
    [
        pytest.param("x" * 201, ("email", "too long"), id="201-chars"),
        pytest.param(TEN_THOUSAND, ("email", "too long"), id="10000-chars"),
        pytest.param("a\nb", ("email", "line breaks"), id="newline"),
        pytest.param("a\tb", ("email", "control characters"), id="tab"),
        pytest.param("a\x07b", ("email", "control characters"), id="bell"),
        pytest.param(3, ("email", "text"), id="number"),
    ],
)
def test_optional_line_refuses(value: object, words: tuple[str, ...]) -> None:
    refused(v.optional_line, value, "email", words=words)


# --- long_text ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(None, "", id="none"),
        pytest.param("", "", id="empty"),
        pytest.param("   \n\n", "", id="whitespace-only"),
        pytest.param("line 1\nline 2\n\n", "line 1\nline 2", id="lines-trailing-trimmed"),
        pytest.param("  indented\tcell", "  indented\tcell", id="leading-and-tab-kept"),
        pytest.param("windows\r\nline", "windows\nline", id="crlf-becomes-lf"),
        pytest.param("old mac\rline", "old mac\nline", id="cr-becomes-lf"),
        pytest.param("🍞" * 100, "🍞" * 100, id="emoji"),
        pytest.param(TEN_THOUSAND, TEN_THOUSAND, id="10000-chars"),
        pytest.param("y" * 20_000, "y" * 20_000, id="exactly-20000"),
    ],
)
def test_long_text_accepts(value: object, expected: str) -> None:
    assert v.long_text(value) == expected


@pytest.mark.parametrize(
    ("value", "words"),
    [
        pytest.param("y" * 20_001, ("notes", "too long", "20000"), id="20001-chars"),
        pytest.param("a\x00b", ("notes", "control characters"), id="nul"),
        pytest.param("a\x1b[2Jb", ("notes", "control characters"), id="escape"),
        pytest.param("a\x9bb", ("notes", "control characters"), id="c1-csi"),
        pytest.param(12, ("notes", "text"), id="number"),
    ],
)
def test_long_text_refuses(value: object, words: tuple[str, ...]) -> None:
    refused(v.long_text, value, words=words)


# --- count --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("120", 120, id="digits"),
        pytest.param(" 120 ", 120, id="spaces"),
        pytest.param("1,200", 1200, id="thousands-comma"),
        pytest.param("1_200", 1200, id="underscore"),
        pytest.param("+5", 5, id="plus-sign"),
        pytest.param("0", 0, id="zero"),
        pytest.param("-0", 0, id="minus-zero-is-zero"),
        pytest.param("007", 7, id="leading-zeros"),
        pytest.param("1.0", 1, id="integral-decimal"),
        pytest.param("1e3", 1000, id="integral-exponent"),
        pytest.param("1000000000", 1_000_000_000, id="the-maximum"),
        pytest.param(42, 42, id="int"),
        pytest.param(42.0, 42, id="integral-float"),
    ],
)
def test_count_accepts(value: object, expected: int) -> None:
    assert v.count(value) == expected


@pytest.mark.parametrize(
    ("value", "words"),
    [
        pytest.param("", ("followers", "required"), id="empty"),
        pytest.param("   ", ("followers", "required"), id="whitespace"),
        pytest.param("-1", ("followers", "negative"), id="negative"),
        pytest.param("-1.5", ("followers", "negative"), id="negative-fraction"),
        pytest.param(-3, ("followers", "negative"), id="negative-int"),
        pytest.param("2.5", ("followers", "whole number"), id="fraction"),
        pytest.param(2.5, ("followers", "whole number"), id="float-fraction"),
        pytest.param(float("nan"), ("followers", "whole number"), id="float-nan"),
        pytest.param(float("inf"), ("followers", "whole number"), id="float-inf"),
        pytest.param("abc", ("followers", "number", "'abc'"), id="letters"),
        pytest.param("12 followers", ("followers", "number"), id="with-unit"),
        pytest.param("NaN", ("followers", "finite", "'NaN'"), id="nan"),
        pytest.param("Infinity", ("followers", "finite"), id="infinity"),
        pytest.param("1e309", ("followers", "too large", "1,000,000,000"), id="1e309"),
        pytest.param("1e999999999", ("followers", "too large"), id="huge-exponent"),
        pytest.param("99999999999999999999", ("followers", "too large"), id="twenty-nines"),
        pytest.param("9" * 10_000, ("followers", "too large"), id="ten-thousand-digits"),
        pytest.param("1000000001", ("followers", "too large"), id="one-over-max"),
        pytest.param(10**12, ("followers", "too large"), id="huge-int"),
        pytest.param(True, ("followers", "whole number"), id="bool"),
        pytest.param(None, ("followers", "text"), id="none"),
        pytest.param(TEN_THOUSAND, ("followers", "number"), id="10000-letters"),
    ],
)
def test_count_refuses(value: object, words: tuple[str, ...]) -> None:
    message = refused(v.count, value, "followers", words=words)
    assert len(message) < 120  # a message, not an echo of the input


# --- hours --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("12.5", 1250, id="decimal"),
        pytest.param("12.25", 1225, id="two-decimals"),
        pytest.param(" 3 ", 300, id="spaces"),
        pytest.param("0", 0, id="zero"),
        pytest.param(12.5, 1250, id="float"),
        pytest.param(0.1, 10, id="float-tenth-read-as-written"),
        pytest.param(7, 700, id="int"),
        pytest.param(Decimal("1.50"), 150, id="decimal-object"),
        pytest.param("744", 74_400, id="every-hour-of-a-31-day-month"),
    ],
)
def test_hours_accepts(value: object, expected: int) -> None:
    assert v.hours_x100(value) == expected


@pytest.mark.parametrize(
    ("value", "words"),
    [
        pytest.param("", ("hours", "required"), id="empty"),
        pytest.param("   ", ("hours", "required"), id="whitespace"),
        pytest.param(None, ("hours", "required"), id="none"),
        pytest.param("-1", ("hours", "negative"), id="negative"),
        pytest.param("1.005", ("hours", "two decimals"), id="three-decimals"),
        pytest.param("744.01", ("hours", "744"), id="over-a-month"),
        pytest.param("1e309", ("hours", "744"), id="1e309"),
        pytest.param("1e999999999", ("hours", "744"), id="huge-exponent"),
        pytest.param("1e-999999999", ("hours", "two decimals"), id="tiny-exponent"),
        pytest.param("NaN", ("hours", "finite"), id="nan"),
        pytest.param("Infinity", ("hours", "finite"), id="infinity"),
        pytest.param("ten", ("hours", "number", "'ten'"), id="letters"),
        pytest.param(True, ("hours", "number"), id="bool"),
    ],
)
def test_hours_refuses(value: object, words: tuple[str, ...]) -> None:
    refused(v.hours_x100, value, words=words)


# --- money --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("3,000.50", 300_050, id="separators"),
        pytest.param("3000", 300_000, id="plain"),
        pytest.param("0", 0, id="zero-fee"),
        pytest.param(2000, 200_000, id="int"),
    ],
)
def test_money_accepts(value: object, expected: int) -> None:
    assert v.money(value) == expected


@pytest.mark.parametrize(
    ("value", "words"),
    [
        pytest.param("", ("fee", "required"), id="empty"),
        pytest.param("-5", ("fee", "negative"), id="negative"),
        pytest.param("1.234", ("fee", "two decimals"), id="three-decimals"),
        pytest.param("NaN", ("fee", "not an amount"), id="nan"),
        pytest.param("1e309", ("fee", "not an amount"), id="1e309"),
        pytest.param("$3000", ("fee", "type the number only"), id="symbol"),
        pytest.param("3.000,00", ("fee", "not an amount"), id="decimal-comma"),
        pytest.param("-0.00", ("fee", "negative"), id="negative-zero"),
        pytest.param("9" * 5000, ("fee", "too large"), id="five-thousand-digits"),
        pytest.param("lots", ("fee", "not an amount"), id="letters"),
        pytest.param(None, ("fee", "not an amount"), id="none"),
    ],
)
def test_money_refuses(value: object, words: tuple[str, ...]) -> None:
    message = refused(v.money, value, "fee", words=words)
    assert message.startswith("fee: ")


# --- day of month -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("1", 1, id="first"),
        pytest.param("28", 28, id="twenty-eighth"),
        pytest.param(5, 5, id="int"),
        pytest.param(" 15 ", 15, id="spaces"),
    ],
)
def test_day_of_month_accepts(value: object, expected: int) -> None:
    assert v.day_of_month(value, "billing day") == expected


@pytest.mark.parametrize(
    ("value", "words"),
    [
        pytest.param("0", ("billing day", "between 1 and 28"), id="zero"),
        pytest.param("29", ("billing day", "between 1 and 28"), id="twenty-ninth"),
        pytest.param("31", ("billing day", "between 1 and 28"), id="thirty-first"),
        pytest.param("-1", ("billing day", "negative"), id="negative"),
        pytest.param("", ("billing day", "required"), id="empty"),
        pytest.param("1st", ("billing day", "number"), id="ordinal"),
    ],
)
def test_day_of_month_refuses(value: object, words: tuple[str, ...]) -> None:
    refused(v.day_of_month, value, "billing day", words=words)


# --- months -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("2026-11", Month(2026, 11), id="text"),
        pytest.param(" 2026-11 ", Month(2026, 11), id="spaces"),
        pytest.param(Month(2026, 2), Month(2026, 2), id="month-object"),
    ],
)
def test_month_accepts(value: object, expected: Month) -> None:
    assert v.month(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("", id="empty"),
        pytest.param("2026-13", id="month-13"),
        pytest.param("2026-1", id="one-digit"),
        pytest.param("Nov 2026", id="words"),
        pytest.param("2026-11-01", id="a-date"),
        pytest.param(TEN_THOUSAND, id="10000-chars"),
    ],
)
def test_month_refuses(value: str) -> None:
    refused(v.month, value, "start", words=("start", "YYYY-MM"))


def test_month_refuses_a_non_text_value() -> None:
    refused(v.month, 202611, "start", words=("start", "text"))


def test_optional_month() -> None:
    assert v.optional_month(None) is None
    assert v.optional_month("") is None
    assert v.optional_month("   ") is None
    assert v.optional_month("2027-01") == Month(2027, 1)
    refused(v.optional_month, "2027-00", "end", words=("end", "YYYY-MM"))


# --- dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("2026-11-02", date(2026, 11, 2), id="iso"),
        pytest.param(" 2028-02-29 ", date(2028, 2, 29), id="leap-day"),
        pytest.param(date(2026, 1, 1), date(2026, 1, 1), id="date-object"),
        pytest.param(datetime(2026, 11, 2, 10, 30), date(2026, 11, 2), id="datetime-to-date"),
    ],
)
def test_a_date_accepts(value: object, expected: date) -> None:
    result = v.a_date(value)
    assert result == expected
    assert type(result) is date  # a datetime would not compare with dates later


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("2026-02-30", id="february-30th"),
        pytest.param("2027-02-29", id="not-a-leap-year"),
        pytest.param("2026-13-01", id="month-13"),
        pytest.param("2026-11-00", id="day-zero"),
        pytest.param("2026-11-2", id="one-digit-day"),
        pytest.param("02/11/2026", id="slashes"),
        pytest.param("20261102", id="compact-iso"),
        pytest.param("2026-W45-1", id="iso-week"),
        pytest.param("", id="empty"),
        pytest.param("tomorrow", id="words"),
    ],
)
def test_a_date_refuses(value: str) -> None:
    refused(v.a_date, value, "received", words=("received", "real date", "YYYY-MM-DD"))


def test_a_date_refuses_a_non_text_value() -> None:
    refused(v.a_date, 20261102, "received", words=("received", "text"))


def test_optional_date() -> None:
    assert v.optional_date(None) is None
    assert v.optional_date("  ") is None
    assert v.optional_date("2026-11-03") == date(2026, 11, 3)
    refused(v.optional_date, "2026-02-30", "sent", words=("sent", "real date"))


# --- metric keys and choices --------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("reels", id="word"),
        pytest.param("new_followers", id="underscore"),
        pytest.param("q4_leads2", id="digits"),
        pytest.param("r" + "x" * 39, id="forty-chars"),
        pytest.param("  reels  ", id="trimmed"),
    ],
)
def test_metric_key_accepts(value: str) -> None:
    assert v.metric_key(value) == value.strip()


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("", id="empty"),
        pytest.param("Reels", id="capital"),
        pytest.param("2reels", id="starts-with-digit"),
        pytest.param("_reels", id="starts-with-underscore"),
        pytest.param("new-followers", id="dash"),
        pytest.param("new followers", id="space"),
        pytest.param("r" + "x" * 40, id="forty-one-chars"),
        pytest.param("réels", id="accent"),
    ],
)
def test_metric_key_refuses(value: str) -> None:
    refused(v.metric_key, value, words=("key", "letter", "a-z", "40"))


def test_metric_key_refuses_a_non_text_value() -> None:
    refused(v.metric_key, 5, words=("key", "text"))


STATUSES = ["prospect", "trial", "active", "paused", "ended"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("active", "active", id="exact"),
        pytest.param(" Active ", "active", id="case-and-spaces"),
        pytest.param("TRIAL", "trial", id="upper"),
    ],
)
def test_choice_accepts(value: str, expected: str) -> None:
    assert v.choice(value, STATUSES, "status") == expected


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("", id="empty"),
        pytest.param("archived", id="unknown"),
        pytest.param("act", id="prefix"),
    ],
)
def test_choice_refuses_and_lists_the_options(value: str) -> None:
    refused(
        v.choice,
        value,
        STATUSES,
        "status",
        words=("status", "one of", "prospect, trial, active, paused, ended"),
    )


def test_choice_refuses_a_non_text_value() -> None:
    refused(v.choice, None, STATUSES, "status", words=("status", "text"))


def test_bidi_overrides_are_refused_in_names_but_right_to_left_text_is_kept() -> None:
    from retainer_tui.domain import validation

    assert validation.name("مخبز روسي") == "مخبز روسي"
    assert validation.optional_line("בית קפה", "company") == "בית קפה"
    for control in ("\u202e", "\u202d", "\u2066", "\u2069"):
        with pytest.raises(validation.InvalidValue, match="control characters"):
            validation.name(f"Rossi{control}Bakery")
