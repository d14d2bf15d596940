"""How names are compared (NFC, full case folding), looked up by prefix, and what they may hold."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Sequence

from retainer_tui.domain.terminal_text import visible

# Joiners shape emoji and some scripts (Persian, Indic), so a name may hold them between
# two visible characters; they and variation selectors never make two names different.
_JOINERS = frozenset("\u200c\u200d")
_IGNORED_IN_KEY = _JOINERS | frozenset(chr(c) for c in range(0xFE00, 0xFE10))
# Blank letters that render as nothing but are not in the "format" category.
_BLANK_LETTERS = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0")


# Most names a user types: compared without the normalisation round trip.
_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyz0123456789 &'-.,")


class NameLookupError(LookupError):
    """No name, or more than one, answers what was typed; str() says which were meant."""

    def __init__(self, message: str, candidates: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.candidates = tuple(candidates)


def name_key(name: str) -> str:
    """The form two names are compared in: "Café" (either way of writing é), "CAFÉ" and
    "café" give one key; runs of white space count as one space; characters that show
    nothing (zero-width, bidi marks, variation selectors) are left out."""
    lowered = name.lower()
    if _PLAIN.issuperset(lowered):
        return " ".join(lowered.split())
    decomposed = unicodedata.normalize("NFD", name)
    folded = unicodedata.normalize("NFD", decomposed.casefold())
    kept = "".join(ch for ch in folded if not _shows_nothing(ch))
    return " ".join(unicodedata.normalize("NFC", kept).split())


def _shows_nothing(ch: str) -> bool:
    return ch in _IGNORED_IN_KEY or ch in _BLANK_LETTERS or unicodedata.category(ch) == "Cf"


def same_name(first: str, second: str) -> bool:
    """Whether two names are the same client's (or tier's) name."""
    return name_key(first) == name_key(second)


def resolve_name(typed: str, names: Sequence[str], *, what: str = "client") -> int:
    """The index in `names` of the one name `typed` means: the same name, else the only one
    it begins. NameLookupError lists the candidates, or suggests the closest names."""
    wanted = name_key(typed)
    shown = _quoted(typed)
    if not wanted:
        raise NameLookupError(f"give a {what}'s name")
    keys = [name_key(n) for n in names]
    exact = [i for i, key in enumerate(keys) if key == wanted]
    found = exact or [i for i, key in enumerate(keys) if key.startswith(wanted)]
    if len(found) == 1:
        return found[0]
    if found:
        candidates = [names[i] for i in found]
        listed = ", ".join(visible(n) for n in candidates[:10])
        more = f" and {len(found) - 10} more" if len(found) > 10 else ""
        raise NameLookupError(
            f"{shown} matches {len(found)} {what}s: {listed}{more}; type more of the name",
            candidates,
        )
    close = difflib.get_close_matches(wanted, keys, n=3, cutoff=0.6)
    if not close:
        raise NameLookupError(f"no {what} named {shown}")
    by_key = {key: names[i] for i, key in reversed(list(enumerate(keys)))}
    suggested = [by_key[key] for key in dict.fromkeys(close)]
    shown_names = [visible(n) for n in suggested]
    if len(shown_names) == 1:
        options = shown_names[0]
    else:
        options = ", ".join(shown_names[:-1]) + " or " + shown_names[-1]
    raise NameLookupError(f"no {what} named {shown}; did you mean {options}?", suggested)


def _quoted(text: str) -> str:
    written = " ".join(text.split())
    return repr(written if len(written) <= 40 else written[:40] + "…")


def invisible_character(name: str) -> str | None:
    """The first character that would make a name look like another one (zero-width
    spaces, bidi controls, soft hyphens…), written as its code point (U+200B); None when
    there is none."""
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
