"""Money: integer cents, read from text at the edges and written with symbol and separators."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retainer_tui.domain.money import (
    CURRENCY_SYMBOLS,
    MAX_CENTS,
    MoneyError,
    currency_symbol,
    decimal_string,
    format_money,
    parse_money,
    to_decimal,
)

PROPS = settings(max_examples=200, deadline=None)
cents_in_range = st.integers(0, MAX_CENTS)


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        pytest.param("3000", 300_000, id="whole"),
        pytest.param("3,000.50", 300_050, id="thousands-and-cents"),
        pytest.param("$3000", 300_000, id="dollar-sign"),
        pytest.param("$ 3,000", 300_000, id="dollar-space"),
        pytest.param("  2000.00  ", 200_000, id="spaces"),
        pytest.param("3000.5", 300_050, id="one-decimal"),
        pytest.param("0.01", 1, id="one-cent"),
        pytest.param("0", 0, id="zero"),
        pytest.param("-0", 0, id="negative-zero-is-zero"),
        pytest.param("1_000", 100_000, id="underscore"),
        pytest.param("€1,500", 150_000, id="euro"),
        pytest.param("CA$10", 1_000, id="canadian-not-read-as-dollar"),
        pytest.param("A$10", 1_000, id="australian"),
        pytest.param("R$10", 1_000, id="real"),
        pytest.param("CHF 12.40", 1_240, id="swiss-franc-with-space"),
        pytest.param("1e3", 100_000, id="exponent-is-a-number"),
        pytest.param("1000000000", MAX_CENTS, id="the-maximum"),
        pytest.param(5, 500, id="int"),
        pytest.param(Decimal("2.50"), 250, id="decimal"),
    ],
)
def test_parse_money_accepts(text: object, cents: int) -> None:
    assert parse_money(text) == cents  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        pytest.param("-1", "negative", id="negative"),
        pytest.param("-0.01", "negative", id="negative-cent"),
        pytest.param("$-5", "negative", id="negative-after-symbol"),
        pytest.param(-5, "negative", id="negative-int"),
        pytest.param(Decimal("-1"), "negative", id="negative-decimal"),
        pytest.param("-$5", "not an amount", id="sign-before-symbol"),
        pytest.param("1.001", "two decimals", id="three-decimals"),
        pytest.param("0.005", "two decimals", id="half-cent"),
        pytest.param(Decimal("0.001"), "two decimals", id="decimal-three-places"),
        pytest.param("1e-999999999", "two decimals", id="tiny-exponent-not-zero"),
        pytest.param("NaN", "finite", id="nan"),
        pytest.param("nan", "finite", id="nan-lower"),
        pytest.param("sNaN", "finite", id="signalling-nan"),
        pytest.param("Infinity", "finite", id="infinity"),
        pytest.param("-Infinity", "finite", id="minus-infinity"),
        pytest.param("inf", "finite", id="inf"),
        pytest.param("1e309", "too large", id="1e309"),
        pytest.param("1e999999999", "too large", id="exponent-overflows-decimal"),
        pytest.param("9" * 40, "too large", id="forty-nines"),
        pytest.param("1000000000.01", "too large", id="a-cent-over-max"),
        pytest.param("", "required", id="empty"),
        pytest.param("   ", "required", id="blank"),
        pytest.param("$", "required", id="symbol-alone"),
        pytest.param("abc", "not an amount", id="letters"),
        pytest.param("1.2.3", "not an amount", id="two-points"),
        pytest.param("EUR 5", "not an amount", id="currency-code"),
        pytest.param("0x10", "not an amount", id="hex"),
        pytest.param(True, "not an amount", id="bool"),
        pytest.param(None, "not an amount", id="none"),
        pytest.param(1.5, "not an amount", id="float-refused"),
    ],
)
def test_parse_money_rejects_with_a_clear_message(text: object, words: str) -> None:
    with pytest.raises(MoneyError, match=words):
        parse_money(text)  # type: ignore[arg-type]


def test_money_error_is_a_value_error() -> None:
    assert issubclass(MoneyError, ValueError)


@pytest.mark.parametrize(
    ("cents", "currency", "cents_shown", "text"),
    [
        pytest.param(1_000_000, "USD", True, "$10,000.00", id="ten-thousand"),
        pytest.param(1_000_000, "USD", False, "$10,000", id="ten-thousand-whole"),
        pytest.param(0, "USD", True, "$0.00", id="zero"),
        pytest.param(5, "USD", True, "$0.05", id="five-cents"),
        pytest.param(99_999, "USD", True, "$999.99", id="below-a-thousand"),
        pytest.param(123_456_789, "USD", True, "$1,234,567.89", id="millions"),
        pytest.param(MAX_CENTS, "USD", True, "$1,000,000,000.00", id="maximum"),
        pytest.param(1_000_000, "EUR", True, "€10,000.00", id="euro"),
        pytest.param(1_000_000, "eur", False, "€10,000", id="euro-lowercase-code"),
        pytest.param(1_000_000, "GBP", True, "£10,000.00", id="pound"),
        pytest.param(1_000_000, "CHF", True, "CHF 10,000.00", id="swiss-franc"),
        pytest.param(1_000_000, "XYZ", True, "XYZ 10,000.00", id="unknown-code"),
        pytest.param(1_000_000, "sek", False, "SEK 10,000", id="unknown-lowercase"),
        pytest.param(149, "USD", False, "$1", id="round-down-below-half"),
        pytest.param(150, "USD", False, "$2", id="round-half-up"),
        pytest.param(99, "USD", False, "$1", id="cents-round-up-to-a-dollar"),
        pytest.param(49, "USD", False, "$0", id="cents-round-down-to-zero"),
        pytest.param(99_999_950, "USD", False, "$1,000,000", id="round-into-a-new-group"),
        pytest.param(-150, "USD", True, "-$1.50", id="negative"),
        pytest.param(-150, "USD", False, "-$2", id="negative-rounded-away-from-zero"),
    ],
)
def test_format_money(cents: int, currency: str, cents_shown: bool, text: str) -> None:
    assert format_money(cents, currency, cents_shown=cents_shown) == text


def test_format_money_defaults_to_usd_with_cents() -> None:
    assert format_money(300_000) == "$3,000.00"


def test_currency_symbol() -> None:
    assert currency_symbol("USD") == "$"
    assert currency_symbol("usd") == "$"
    assert currency_symbol("JPY") == "¥"
    assert currency_symbol("NOK") == "NOK "


@pytest.mark.parametrize(
    ("cents", "text"),
    [
        pytest.param(1_000_000, "10000.00", id="ten-thousand"),
        pytest.param(5, "0.05", id="five-cents"),
        pytest.param(0, "0.00", id="zero"),
        pytest.param(MAX_CENTS, "1000000000.00", id="maximum-no-exponent"),
    ],
)
def test_decimal_string_and_to_decimal(cents: int, text: str) -> None:
    assert decimal_string(cents) == text
    assert to_decimal(cents) == Decimal(text)
    assert to_decimal(cents).as_tuple().exponent == -2


# --- properties ---------------------------------------------------------------------------------


@PROPS
@given(cents_in_range)
def test_decimal_string_round_trips(cents: int) -> None:
    text = decimal_string(cents)
    assert re.fullmatch(r"\d+\.\d{2}", text)
    assert parse_money(text) == cents


@PROPS
@given(cents_in_range, st.sampled_from(sorted(CURRENCY_SYMBOLS)))
def test_formatted_money_reads_back(cents: int, currency: str) -> None:
    assert parse_money(format_money(cents, currency)) == cents


@PROPS
@given(cents_in_range)
def test_format_money_groups_thousands_and_never_uses_exponents(cents: int) -> None:
    text = format_money(cents)
    whole = format_money(cents, cents_shown=False)
    for shown in (text, whole):
        assert "e" not in shown.lower()
        assert "E" not in shown
    assert re.fullmatch(r"\$\d{1,3}(,\d{3})*\.\d{2}", text)
    assert re.fullmatch(r"\$\d{1,3}(,\d{3})*", whole)
    if cents >= 100_000:  # at least $1,000
        assert "," in text
    assert int(whole[1:].replace(",", "")) == (cents + 50) // 100  # half up


@PROPS
@given(st.integers(-MAX_CENTS, MAX_CENTS))
def test_negative_amounts_mirror_positive_ones(cents: int) -> None:
    if cents < 0:
        assert format_money(cents) == "-" + format_money(-cents)
    else:
        assert not format_money(cents).startswith("-")
