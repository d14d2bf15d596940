"""Money as integer minor units (cents); Decimal only at the edges, never float."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

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


class MoneyError(ValueError):
    """A money amount that cannot be read."""


def parse_money(text: str | int | Decimal) -> int:
    """Read '3000', '3,000.50' or '$3000' (or a Decimal/int) into cents; reject the rest."""
    if isinstance(text, bool):
        raise MoneyError("not an amount")
    if isinstance(text, int):
        value = Decimal(text)
    elif isinstance(text, Decimal):
        value = text
    elif isinstance(text, str):
        cleaned = text.strip().replace(",", "").replace("_", "")
        for symbol in sorted(set(CURRENCY_SYMBOLS.values()), key=len, reverse=True):
            if cleaned.startswith(symbol.strip()):
                cleaned = cleaned[len(symbol.strip()) :].strip()
                break
        if not cleaned:
            raise MoneyError("an amount is required")
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            raise MoneyError(f"{text.strip()!r} is not an amount") from None
    else:
        raise MoneyError(f"{text!r} is not an amount")
    if not value.is_finite():
        raise MoneyError("an amount must be a finite number")
    if value < 0:
        raise MoneyError("an amount cannot be negative")
    # Size first: scaling '1e999999999' would overflow the Decimal context.
    if value > Decimal(MAX_CENTS) / 100:
        raise MoneyError("that amount is too large")
    if value != value.quantize(Decimal("0.01")):
        raise MoneyError("an amount has at most two decimals")
    return int(value * 100)


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
