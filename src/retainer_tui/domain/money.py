"""Money as integer minor units (cents); Decimal only at the edges, never float."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

CURRENCY_SYMBOLS = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "JPY": "¥",
    "CHF": "CHF ",
    "CAD": "CA$",
    "AUD": "A$",
    "INR": "₹",
    "BRL": "R$",
}

# A retainer above a billion a month is a typo, not a client.
MAX_CENTS = 100_000_000_000
MAX_AMOUNT = Decimal(MAX_CENTS) / 100

# Digits, thousands grouped by commas in threes (or not at all), then up to two decimals.
# A grouped number starts with 1-9: "0,500" reads as half a unit in half the world.
_WHOLE = r"(?:[1-9][0-9]{0,2}(?:,[0-9]{3})+|[0-9]+)"
_AMOUNT_RE = re.compile(rf"{_WHOLE}(?:\.[0-9]{{1,2}})?")
_TOO_PRECISE_RE = re.compile(rf"{_WHOLE}\.[0-9]{{3,}}")
# A currency code before or after the number ("500 USD", "CHF 500", "eur500").
_CODE_RE = re.compile(r"^[A-Za-z]{3}\s*[0-9.,]|[0-9.,]\s*[A-Za-z]{3}$")


class MoneyError(ValueError):
    """A money amount that cannot be read."""


def parse_money(text: str | int | Decimal) -> int:
    """Read '3000', '3000.5', '3,000.00' (or a Decimal/int) into cents; reject the rest.

    Only plain decimals: a comma groups thousands in the right places, a dot starts at most
    two decimals. '3.000,00', '1,0,0', '€500', '1e3' and '-0.00' are refused rather than
    guessed at (each guess has stored the wrong amount)."""
    if isinstance(text, bool):
        raise MoneyError("not an amount")
    if isinstance(text, int):
        value = Decimal(text)
    elif isinstance(text, Decimal):
        value = text
    elif isinstance(text, str):
        value = _read_text(text)
    else:
        raise MoneyError("not an amount; type a number such as 3000.00")
    if not value.is_finite():
        raise MoneyError("an amount must be a finite number")
    # is_signed() also catches -0, which compares equal to 0.
    if value.is_signed():
        raise MoneyError("an amount cannot be negative")
    # Size first: scaling '1e999999999' would overflow the Decimal context.
    if value > MAX_AMOUNT:
        raise MoneyError(f"that amount is too large (at most {MAX_AMOUNT:,})")
    if value != value.quantize(Decimal("0.01")):
        raise MoneyError("an amount has at most two decimals")
    return int(value * 100)


def _read_text(text: str) -> Decimal:
    cleaned = text.strip()
    if not cleaned:
        raise MoneyError("an amount is required")
    shown = repr(cleaned if len(cleaned) <= 30 else cleaned[:30] + "…")
    if any(unicodedata.category(ch) == "Sc" for ch in cleaned) or _CODE_RE.search(cleaned):
        raise MoneyError(f"{shown} holds a currency; type the number only (such as 3000.00)")
    if cleaned.startswith("-"):
        raise MoneyError("an amount cannot be negative")
    if _TOO_PRECISE_RE.fullmatch(cleaned):
        raise MoneyError("an amount has at most two decimals")
    if not _AMOUNT_RE.fullmatch(cleaned):
        raise MoneyError(f"{shown} is not an amount; write it like 3000, 3000.50 or 3,000.00")
    return Decimal(cleaned.replace(",", ""))


def to_decimal(cents: int) -> Decimal:
    """Cents as a Decimal with two places."""
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def decimal_string(cents: int) -> str:
    """Cents as the data file's decimal string: '10000.00'."""
    return f"{to_decimal(cents):.2f}"


def currency_symbol(currency: str) -> str:
    """The symbol shown before amounts, or the code and a space when unknown."""
    return CURRENCY_SYMBOLS.get(currency.upper(), f"{currency.upper()} ")


def format_money(cents: int, currency: str = "USD", *, cents_shown: bool = True) -> str:
    """'$10,000.00', or '$10,000' with cents_shown=False (rounded half up)."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    symbol = currency_symbol(currency)
    if cents_shown:
        return f"{sign}{symbol}{cents // 100:,}.{cents % 100:02d}"
    whole = (cents + 50) // 100
    return f"{sign}{symbol}{whole:,}"
