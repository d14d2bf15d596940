"""visible(): control characters shown as escapes, plain text unchanged, no two texts alike."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retainer_tui.domain.terminal_text import has_control, visible

# What must never reach a terminal from stored text.
_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_FORBIDDEN_MULTILINE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
# Text as other tools write it: anything, with the troublemakers made frequent.
_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(["\\", "x", "u", "\x1b", "\x07", "\n", "\t", "\r", "\x9b", "\u202e"]),
    ),
    max_size=40,
)


def _read_back(shown: str) -> str:
    """The inverse of visible(): that one exists proves the shown form is unambiguous."""
    out: list[str] = []
    i = 0
    while i < len(shown):
        if shown[i] != "\\":
            out.append(shown[i])
            i += 1
            continue
        j = i
        while j < len(shown) and shown[j] == "\\":
            j += 1
        run, after = j - i, shown[j : j + 1]
        if after in ("x", "u"):
            out.append("\\" * (run // 2))
            if run % 2:
                width = 2 if after == "x" else 4
                out.append(chr(int(shown[j + 1 : j + 1 + width], 16)))
                j += 1 + width
        else:
            out.append("\\" * run)
        i = j
    return "".join(out)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Rossi Bakery", "Rossi Bakery"),
        ("Café ✓ 🍷 مطعم", "Café ✓ 🍷 مطعم"),
        ("\x1b]0;pwned\x07Rossi", "\\x1b]0;pwned\\x07Rossi"),
        ("\x1b[2J", "\\x1b[2J"),
        ("a\x9bb", "a\\x9bb"),
        ("del\x7f", "del\\x7f"),
        ("\u202eevil", "\\u202eevil"),
        ("one\ntwo\tthree\r", "one\\x0atwo\\x09three\\x0d"),
        ("typed \\x1b", "typed \\\\x1b"),  # a literal backslash-x is told apart from ESC
        ("C:\\Users\\me", "C:\\Users\\me"),
        ("[bold red]x[/]", "[bold red]x[/]"),  # markup is the widgets' business
    ],
)
def test_examples(text: str, shown: str) -> None:
    assert visible(text) == shown


def test_multiline_keeps_newline_and_tab_only() -> None:
    assert visible("one\ntwo\tthree\r\x1b[2J", multiline=True) == "one\ntwo\tthree\\x0d\\x1b[2J"


@given(_TEXT)
def test_nothing_a_terminal_obeys_is_left(text: str) -> None:
    assert not _FORBIDDEN.search(visible(text))
    assert not _FORBIDDEN_MULTILINE.search(visible(text, multiline=True))
    assert not has_control(visible(text))


@given(_TEXT)
def test_the_shown_form_reads_back_to_the_text(text: str) -> None:
    assert _read_back(visible(text)) == text
    assert _read_back(visible(text, multiline=True)) == text


@given(_TEXT)
def test_plain_text_is_unchanged_and_escaping_is_stable(text: str) -> None:
    plain = _FORBIDDEN.sub("", text).replace("\\", "")
    assert visible(plain) == plain
    assert visible(text) == visible(text)
    assert has_control(text) == bool(_FORBIDDEN.search(text))
    # Shown once, a text without backslashes is plain: showing it again changes nothing.
    if "\\" not in visible(text):
        assert visible(visible(text)) == visible(text)
