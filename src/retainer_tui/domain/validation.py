"""Reading typed values (forms, the importer) into clean ones, or a message saying why not."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from retainer_tui.domain.money import MoneyError, parse_money
from retainer_tui.domain.month import RANGE_TEXT, Month, MonthError, MonthOutOfRange, accepted_date
from retainer_tui.domain.names import invisible_character

MAX_COUNT = 1_000_000_000
MAX_NAME = 200
MAX_TEXT = 20_000
MAX_HOURS_X100 = 744 * 100  # every hour of a 31-day month
_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# More digits than any accepted number has: refused before Python's own int() limit answers
# with advice about sys.set_int_max_str_digits().
_MAX_DIGITS = 30
# Single-line fields: C0/C1 controls (tab and line feed included), Unicode line separators,
# and bidi overrides/isolates, which would reorder the columns of every table showing a name
# (right-to-left letters themselves are fine).
_LINE_BREAKING_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# Multi-line text: the same controls, but tabs and line feeds are fine.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class InvalidValue(ValueError):
    """A value that was refused; str() is the message shown at the field or line."""


def _text(value: object, what: str) -> str:
    if isinstance(value, str):
        return value.strip()
    raise InvalidValue(f"{what} must be text")


def shown(text: str, limit: int = 30) -> str:
    """Typed text quoted for a message, cut short when it is long."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


def name(value: object, what: str = "name") -> str:
    """A required single-line name."""
    text = _text(value, what)
    if not text:
        raise InvalidValue(f"{what} is required")
    if len(text) > MAX_NAME:
        raise InvalidValue(f"{what} is too long (at most {MAX_NAME} characters)")
    if _LINE_BREAKING_RE.search(text):
        raise InvalidValue(f"{what} cannot contain control characters or line breaks")
    hidden = invisible_character(text)
    if hidden is not None:
        raise InvalidValue(f"{what} contains an invisible character ({hidden}); remove it")
    if all(unicodedata.category(ch).startswith(("M", "Z")) for ch in text):
        # Only accents with nothing under them: a name that shows as blank.
        raise InvalidValue(f"{what} needs a letter, digit or sign, not only accents")
    return text


def optional_line(value: object, what: str) -> str:
    """An optional single-line field (company, email, phone…)."""
    if value is None:
        return ""
    text = _text(value, what)
    if len(text) > MAX_NAME:
        raise InvalidValue(f"{what} is too long (at most {MAX_NAME} characters)")
    if _LINE_BREAKING_RE.search(text):
        raise InvalidValue(f"{what} cannot contain control characters or line breaks")
    return text


def long_text(value: object, what: str = "notes") -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidValue(f"{what} must be text")
    # Windows and old-Mac line endings are line breaks, not stray control characters.
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if len(value) > MAX_TEXT:
        raise InvalidValue(f"{what} is too long (at most {MAX_TEXT} characters)")
    if _CONTROL_RE.search(value):
        raise InvalidValue(f"{what} cannot contain control characters")
    return value.rstrip()


def count(value: object, what: str = "value") -> int:
    """A whole number ≥ 0 of things (followers, posts…)."""
    if isinstance(value, bool):
        raise InvalidValue(f"{what} must be a whole number")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise InvalidValue(f"{what} must be a whole number")
        number = int(value)
    else:
        text = _text(value, what).replace(",", "").replace("_", "")
        if not text:
            raise InvalidValue(f"{what} is required")
        if not text.isascii():
            # Decimal() reads '１２' and '١٢' as 12: digits are written 0-9, one way.
            raise InvalidValue(f"{what} must be a whole number written with 0-9")
        if re.fullmatch(r"[+-]?[0-9]+", text):
            if len(text.lstrip("+-0")) > len(str(MAX_COUNT)):
                raise InvalidValue(f"{what} is too large (at most {MAX_COUNT:,})")
            number = int(text)
        elif len(text) > 2 * _MAX_DIGITS:
            raise InvalidValue(f"{what} must be a whole number, not {shown(text, 20)}")
        else:
            try:
                as_dec = Decimal(text)
            except InvalidOperation:
                raise InvalidValue(f"{what} must be a number, not {text[:20]!r}") from None
            if not as_dec.is_finite():
                raise InvalidValue(f"{what} must be a finite number, not {text[:20]!r}")
            # Compare before int(): '1e999999999' would otherwise build a billion-digit int.
            if as_dec > MAX_COUNT:
                raise InvalidValue(f"{what} is too large (at most {MAX_COUNT:,})")
            if as_dec < 0:
                raise InvalidValue(f"{what} cannot be negative")
            if as_dec != as_dec.to_integral_value():
                raise InvalidValue(f"{what} must be a whole number")
            number = int(as_dec)
    if number < 0:
        raise InvalidValue(f"{what} cannot be negative")
    if number > MAX_COUNT:
        raise InvalidValue(f"{what} is too large (at most {MAX_COUNT:,})")
    return number


def hours_x100(value: object, what: str = "hours") -> int:
    """Hours as hundredths (12.5 → 1250): non-negative, at most two decimals."""
    if isinstance(value, bool):
        raise InvalidValue(f"{what} must be a number")
    if isinstance(value, int):
        # Decimal(int), not str(int): a 5,000-digit int would raise Python's own advice.
        number = Decimal(value)
    else:
        text = "" if value is None else str(value).strip().replace(",", "")
        if not text:
            raise InvalidValue(f"{what} is required")
        if not text.isascii():
            raise InvalidValue(f"{what} must be a number written with 0-9")
        if len(text) > 2 * _MAX_DIGITS:
            raise InvalidValue(f"{what} must be a number, not {shown(text, 20)}")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise InvalidValue(f"{what} must be a number, not {shown(text, 20)}") from None
    if not number.is_finite():
        raise InvalidValue(f"{what} must be a finite number")
    if number < 0:
        raise InvalidValue(f"{what} cannot be negative")
    # Size first: scaling '1e999999999' would overflow the Decimal context.
    if number > Decimal(MAX_HOURS_X100) / 100:
        raise InvalidValue(f"{what} is more than a month has (at most 744)")
    if number != number.quantize(Decimal("0.01")):
        raise InvalidValue(f"{what} has at most two decimals")
    return int(number * 100)


def money(value: object, what: str = "amount") -> int:
    """An amount in cents, 0 or more: plain decimals, optional thousands commas."""
    try:
        return parse_money(value)  # type: ignore[arg-type]
    except MoneyError as exc:
        raise InvalidValue(f"{what}: {exc}") from None


def payment(value: object, what: str = "amount") -> int:
    """A payment received, in cents: more than zero ("0" or "-0.00" marks nothing paid)."""
    cents = money(value, what)
    if cents <= 0:
        raise InvalidValue(f"{what} must be more than zero")
    return cents


def day_of_month(value: object, what: str = "day") -> int:
    """A billing or report day: 1–28, so that it exists in every month."""
    number = count(value, what)
    if not 1 <= number <= 28:
        raise InvalidValue(f"{what} must be between 1 and 28")
    return number


def month(value: object, what: str = "month") -> Month:
    """A month written YYYY-MM, from 1990-01 to 2099-12."""
    if isinstance(value, Month):
        if not value.accepted:
            raise InvalidValue(f"{what} must be a month {RANGE_TEXT}, not '{value}'")
        return value
    text = _text(value, what)
    try:
        return Month.parse(text)
    except MonthOutOfRange:
        raise InvalidValue(f"{what} must be a month {RANGE_TEXT}, not {shown(text)}") from None
    except MonthError:
        raise InvalidValue(f"{what} must be a month written YYYY-MM, not {shown(text)}") from None


def optional_month(value: object, what: str = "month") -> Month | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return month(value, what)


def a_date(value: object, what: str = "date") -> date:
    """A real date written YYYY-MM-DD, from 1990-01-01 to 2099-12-31."""
    if isinstance(value, datetime):  # TOML reads 2026-11-02T10:00 as a datetime
        day = value.date()
    elif isinstance(value, date):
        day = value
    else:
        text = _text(value, what)
        try:
            if not _DATE_RE.fullmatch(text):
                raise ValueError("not YYYY-MM-DD")
            day = date.fromisoformat(text)
        except ValueError:
            raise InvalidValue(
                f"{what} must be a real date written YYYY-MM-DD, not {shown(text)}"
            ) from None
    if not accepted_date(day):
        raise InvalidValue(
            f"{what} must be a date from 1990-01-01 to 2099-12-31, not '{day.isoformat()}'"
        )
    return day


def optional_date(value: object, what: str = "date") -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return a_date(value, what)


def metric_key(value: object) -> str:
    text = _text(value, "key")
    if not _KEY_RE.fullmatch(text):
        raise InvalidValue(
            "key must start with a letter and use only a-z, 0-9 and _ (at most 40 characters)"
        )
    return text


def choice(value: object, options: list[str], what: str) -> str:
    text = _text(value, what).lower()
    if text not in options:
        raise InvalidValue(f"{what} must be one of: {', '.join(options)}")
    return text
