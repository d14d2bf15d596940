"""Text bound for a terminal, made harmless: control characters shown as escapes.

A name written into the database by another tool may hold ESC]0;…BEL (sets the
terminal's title) or ESC[2J (clears it). Every text from the database or a data file
passes through `visible` before it is printed or drawn, so the user sees the characters
instead of the terminal obeying them.

The escaped form is Python's: ESC is shown as the four characters `\\x1b`, a bidi
override as `\\u202e`. It is unambiguous: a run of backslashes that would otherwise read
as the start of an escape is doubled, so no two texts are shown alike.
"""

from __future__ import annotations

import re

# C0 controls, DEL and C1 controls; bidi embeddings, overrides and isolates, which
# reorder what the terminal shows (the "Trojan Source" characters); line and paragraph
# separators, which some terminals break lines on.
_CONTROL = "\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_SINGLE_LINE = re.compile(rf"[{_CONTROL}]|\\+(?=[xu{_CONTROL}])")
# Newline and tab stay in multi-line text (notes, highlights, a report).
_MULTILINE_CONTROL = "\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_MULTILINE = re.compile(rf"[{_MULTILINE_CONTROL}]|\\+(?=[xu{_MULTILINE_CONTROL}])")


def _replace(match: re.Match[str]) -> str:
    found = match.group()
    if found[0] == "\\":
        return found * 2
    code = ord(found)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str, *, multiline: bool = False) -> str:
    """`text` with every control character shown as an escape (`\\x1b`); newline and tab
    are kept when `multiline`. Text without control characters or backslashes comes back
    unchanged."""
    pattern = _MULTILINE if multiline else _SINGLE_LINE
    return pattern.sub(_replace, text)


def has_control(text: str, *, multiline: bool = False) -> bool:
    """Whether `text` holds a character that `visible` escapes."""
    pattern = _MULTILINE if multiline else _SINGLE_LINE
    return any(m.group()[0] != "\\" for m in pattern.finditer(text))
