"""Hostile input for the fuzz tests: what people paste, what breaks parsers, what breaks
terminals. Strings first (forms and data files), then other JSON/TOML values."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

LONG = "x" * 10_000

SAMPLES: list[str] = [
    # empty and blank
    "", " ", "   ", "\t", "\n", "\r\n", "\u00a0", "\u200b", "\u3000",
    # sizes
    LONG, "9" * 400, "Rossi " * 2_000,
    # control characters and terminal escapes
    "\x00", "a\x00b", "\x07", "\x08\x08", "\x1b[31mred\x1b[0m", "\x1b]52;c;aGk=\x07", "\x7f",
    "line one\nline two", "tab\tinside",
    # emoji, combining marks, right-to-left, look-alikes
    "👩‍👩‍👧‍👦", "🍷" * 40, "e\u0301\u0301\u0301", "Z\u0336a\u0336l\u0336g\u0336o\u0336",
    "مطعم الشرق", "שלום", "\u202eevil\u202c.txt", "\u2066isolate\u2069", "ＲＯＳＳＩ", "ǅ",
    # numbers that are not what they seem
    "1e309", "-1e309", "1e-400", "-0", "+0", "0", "-1", "-0.01", "NaN", "nan", "inf", "-inf",
    "Infinity", "99999999999999999999", "18446744073709551616", "0x10", "0b101", "1_000",
    "1,000", "3,000.00", "3.000,00", "$5", "€5", "5€", "1.005", "0.001", "12.345", "1/2",
    "١٢٣", "½", "Ⅻ", "⁵", " 42 ", "4 2", "42abc", ".5", "5.", "--5", "+-5",
    # dates and months that do not exist or are not written the one way
    "2026-02-30", "2026-02-29", "2024-02-29", "2026-13", "2026-00", "2026-13-01",
    "2026-04-31", "0000-01", "0000-01-01", "9999-12", "9999-12-31", "10000-01-01",
    "2026-1", "26-01", "2026/01", "01/02/2026", "2026-01-01T00:00", "2026-W05", "today",
    # things that are code somewhere
    "null", "None", "true", "[]", "{}", "'; DROP TABLE client; --", "Robert'); --",
    "=HYPERLINK(\"http://x\")", "@SUM(A1)", "+cmd|' /C calc'!A0", "<script>x</script>",
    "[bold red]markup[/]", "[/]", "%s%n%x", "{0}{1}", "${HOME}", "\\", "\"", "'''",
    "../../etc/passwd", "~/x", "C:\\con\\aux",
]  # fmt: skip

_CONTROLS = st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me"])
_NUMBERS = st.from_regex(r"[-+]?\d{1,25}([.,]\d{0,6})?([eE][-+]?\d{1,4})?", fullmatch=True)
_DATES = st.from_regex(r"\d{1,5}-\d{1,2}(-\d{1,2})?", fullmatch=True)


def hostile_text() -> st.SearchStrategy[str]:
    """One hostile string: a known troublemaker, random text, controls, numbers, dates."""
    return st.one_of(
        st.sampled_from(SAMPLES),
        st.text(max_size=60),
        st.text(alphabet=_CONTROLS, min_size=1, max_size=8),
        _NUMBERS,
        _DATES,
        st.builds(lambda a, b: a + b, st.sampled_from(SAMPLES), st.text(max_size=10)),
    )


def hostile_value(*, json: bool) -> st.SearchStrategy[object]:
    """Any value a data file can hold where a string, number or date was expected."""
    numbers = st.one_of(
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=True, allow_infinity=True),
        st.sampled_from([0, -1, 2**63, -(2**63) - 1, 1e309, -0.0, 0.1 + 0.2]),
    )
    scalars: list[st.SearchStrategy[object]] = [hostile_text(), numbers, st.booleans()]
    if json:
        scalars.append(st.none())
    else:
        scalars.append(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
        scalars.append(st.datetimes())
    scalar = st.one_of(*scalars)
    return st.one_of(
        scalar,
        st.lists(scalar, max_size=3),
        st.dictionaries(hostile_text(), scalar, max_size=3),
    )
