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
        pytest.param("3,000.00", 300_000, id="thousands-and-zero-cents"),
        pytest.param("3,000", 300_000, id="thousands"),
        pytest.param("1,234,567.89", 123_456_789, id="millions"),
        pytest.param("999", 99_900, id="below-a-thousand"),
        pytest.param("  2000.00  ", 200_000, id="spaces-around"),
        pytest.param("3000.5", 300_050, id="one-decimal"),
        pytest.param("0.01", 1, id="one-cent"),
        pytest.param("0", 0, id="zero"),
        pytest.param("0007", 700, id="leading-zeros"),
        pytest.param("1000000000", MAX_CENTS, id="the-maximum"),
        pytest.param("1,000,000,000.00", MAX_CENTS, id="the-maximum-grouped"),
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
        pytest.param("-0", "negative", id="negative-zero"),
        pytest.param("-0.00", "negative", id="negative-zero-cents"),
        pytest.param(-5, "negative", id="negative-int"),
        pytest.param(Decimal("-1"), "negative", id="negative-decimal"),
        pytest.param(Decimal("-0.00"), "negative", id="negative-zero-decimal"),
        pytest.param("$-5", "currency", id="negative-after-symbol"),
        pytest.param("-$5", "currency", id="sign-before-symbol"),
        pytest.param("$3000", "type the number only", id="dollar-sign"),
        pytest.param("$ 3,000", "type the number only", id="dollar-space"),
        pytest.param("€1,500", "type the number only", id="euro"),
        pytest.param("500 USD", "type the number only", id="code-after"),
        pytest.param("EUR 5", "type the number only", id="code-before"),
        pytest.param("CA$10", "type the number only", id="canadian"),
        pytest.param("R$10", "type the number only", id="real"),
        pytest.param("CHF 12.40", "type the number only", id="swiss-franc-with-space"),
        pytest.param("$", "currency", id="symbol-alone"),
        pytest.param("1.001", "two decimals", id="three-decimals"),
        pytest.param("0.005", "two decimals", id="half-cent"),
        pytest.param("3,000.555", "two decimals", id="grouped-three-decimals"),
        pytest.param(Decimal("0.001"), "two decimals", id="decimal-three-places"),
        pytest.param("1e-999999999", "not an amount", id="tiny-exponent"),
        pytest.param("1e3", "not an amount", id="exponent"),
        pytest.param("1E3", "not an amount", id="exponent-upper"),
        pytest.param("NaN", "not an amount", id="nan"),
        pytest.param("nan", "not an amount", id="nan-lower"),
        pytest.param("sNaN", "not an amount", id="signalling-nan"),
        pytest.param("Infinity", "not an amount", id="infinity"),
        pytest.param("-Infinity", "negative", id="minus-infinity"),
        pytest.param("inf", "not an amount", id="inf"),
        pytest.param(Decimal("NaN"), "finite", id="nan-decimal"),
        pytest.param(Decimal("Infinity"), "finite", id="infinite-decimal"),
        pytest.param("1e309", "not an amount", id="1e309"),
        pytest.param("1e999999999", "not an amount", id="exponent-overflows-decimal"),
        pytest.param("9" * 40, "too large", id="forty-nines"),
        pytest.param("9" * 5000, "too large", id="five-thousand-nines"),
        pytest.param(10**5000, "too large", id="five-thousand-digit-int"),
        pytest.param("1000000000.01", "too large", id="a-cent-over-max"),
        pytest.param("", "required", id="empty"),
        pytest.param("   ", "required", id="blank"),
        pytest.param("abc", "not an amount", id="letters"),
        pytest.param("1.2.3", "not an amount", id="two-points"),
        pytest.param("3.000,00", "not an amount", id="decimal-comma"),
        pytest.param("3000,50", "not an amount", id="comma-as-decimal-point"),
        pytest.param("1,0,0", "not an amount", id="commas-out-of-place"),
        pytest.param("30,00", "not an amount", id="group-of-two"),
        pytest.param(",300", "not an amount", id="leading-comma"),
        pytest.param("300,", "not an amount", id="trailing-comma"),
        pytest.param("1000,000", "not an amount", id="first-group-too-long"),
        pytest.param("3 000", "not an amount", id="space-inside"),
        pytest.param("3\u00a0000", "not an amount", id="no-break-space-inside"),
        pytest.param("1_000", "not an amount", id="underscore"),
        pytest.param("+5", "not an amount", id="plus-sign"),
        pytest.param(".5", "not an amount", id="no-whole-part"),
        pytest.param("5.", "not an amount", id="point-without-decimals"),
        pytest.param("\uff13\uff10\uff10\uff10", "not an amount", id="full-width-digits"),
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
@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False))
def test_any_amount_written_plainly_or_grouped_reads_back(amount: Decimal) -> None:
    cents = int(amount * 100)
    assert parse_money(f"{amount:.2f}") == cents
    assert parse_money(f"{amount:,.2f}") == cents
    assert parse_money(amount) == cents
    assert parse_money(decimal_string(cents)) == cents
    assert to_decimal(cents) == amount


@PROPS
@given(cents_in_range, st.sampled_from([*sorted(CURRENCY_SYMBOLS), "SEK", "XYZ"]))
def test_formatted_money_with_its_symbol_is_refused(cents: int, currency: str) -> None:
    # The shown form carries the symbol; typed back, the symbol is refused, not guessed at.
    with pytest.raises(MoneyError, match="type the number only"):
        parse_money(format_money(cents, currency))
    plain = format_money(cents, currency).removeprefix(currency_symbol(currency))
    assert parse_money(plain) == cents


@PROPS
@given(st.text(alphabet="0123456789,.", min_size=1, max_size=16))
def test_commas_are_accepted_only_where_thousands_are_grouped(text: str) -> None:
    try:
        cents = parse_money(text)
    except MoneyError:
        return
    whole, _, decimals = text.partition(".")
    plain_whole = whole.replace(",", "")
    assert "," not in whole or whole == f"{int(plain_whole):,}"
    assert len(decimals) <= 2 and "," not in decimals
    assert cents == int(plain_whole) * 100 + int(decimals.ljust(2, "0") or 0)


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
