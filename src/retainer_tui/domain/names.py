"""How names are compared (NFC, full case folding) and which characters a name may not hold."""

from __future__ import annotations

import unicodedata

# Joiners shape emoji and some scripts (Persian, Indic), so a name may hold them between
# two visible characters; they and variation selectors never make two names different.
_JOINERS = frozenset("\u200c\u200d")
_IGNORED_IN_KEY = _JOINERS | frozenset(chr(c) for c in range(0xFE00, 0xFE10))
# Blank letters that render as nothing but are not in the "format" category.
_BLANK_LETTERS = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0")


def name_key(name: str) -> str:
    """The form two names are compared in: "Café" (either way of writing é), "CAFÉ" and
    "café" give one key; runs of white space count as one space."""
    decomposed = unicodedata.normalize("NFD", name)
    folded = unicodedata.normalize("NFD", decomposed.casefold())
    kept = "".join(ch for ch in folded if ch not in _IGNORED_IN_KEY)
    return " ".join(unicodedata.normalize("NFC", kept).split())


def invisible_character(name: str) -> str | None:
    """The first character that would make a name look like another one (zero-width
    spaces, bidi controls, soft hyphens…), written U+XXXX; None when there is none."""
    for index, ch in enumerate(name):
        if ch in _JOINERS:
            before = name[index - 1] if index else ""
            after = name[index + 1] if index + 1 < len(name) else ""
            if before.strip() and after.strip() and before not in _JOINERS:
                continue
            return f"U+{ord(ch):04X}"
        if unicodedata.category(ch) == "Cf" or ch in _BLANK_LETTERS:
            return f"U+{ord(ch):04X}"
    return None
