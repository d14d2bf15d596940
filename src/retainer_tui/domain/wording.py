"""Generated English: articles, plurals and sentences from the user's short texts.

Small rules, not a grammar: a noun phrase's head is its last word before a preposition
("kiosk listing on Google Maps" -> "listing"); a head ending in a plain -s is plural;
mass nouns (content, support, -ing words) take no article.
"""

from __future__ import annotations

from collections.abc import Iterable

_PREPOSITIONS = frozenset(
    {"on", "for", "of", "in", "with", "to", "at", "by", "from", "about", "per", "across"}
)
_DETERMINERS = frozenset(
    {"a", "an", "the", "one", "some", "any", "my", "your", "our", "every", "each", "all"}
)
_MASS = frozenset(
    {
        "content",
        "support",
        "management",
        "advice",
        "research",
        "design",
        "strategy",
        "photography",
        "videography",
        "seo",
        "ppc",
        "pr",
        "outreach",
        "copy",
        "analytics",
        "coaching",
        "consulting",
        "maintenance",
        "moderation",
        "engagement",
        "training",
        "development",
        "optimisation",
        "optimization",
        "editing",
        "marketing",
        "help",
    }
)
# Countable nouns ending in -ing: 'a kiosk listing', 'a strategy meeting'.
_COUNT_ING = frozenset(
    {
        "listing",
        "meeting",
        "posting",
        "recording",
        "painting",
        "building",
        "booking",
        "opening",
        "offering",
        "landing",
        "briefing",
        "mailing",
        "screening",
        "wedding",
    }
)
_NOT_PLURAL_ENDINGS = ("ss", "us", "is", "ics")
# Words starting with a vowel letter that sound like a consonant, and the reverse.
_YOU_SOUND = ("uni", "use", "usu", "eu", "one", "once")
_SILENT_H = ("hour", "honest", "honour", "honor", "heir")


def _head(phrase: str) -> str:
    words = phrase.split()
    for i, word in enumerate(words):
        if i and word.casefold() in _PREPOSITIONS:
            return words[i - 1]
    return words[-1] if words else ""


def is_plural(phrase: str) -> bool:
    """'SEO blog posts' and 'Weekly reels' are plural; 'Media outreach' and 'Email
    newsletter' are not."""
    head = _head(phrase).strip(".,;:!?").casefold()
    if len(head) < 3 or not head.isalpha() or head.endswith(_NOT_PLURAL_ENDINGS):
        return False
    return head.endswith("s")


def _is_mass(phrase: str) -> bool:
    head = _head(phrase).strip(".,;:!?").casefold()
    if head in _COUNT_ING:
        return False
    return head in _MASS or (head.endswith("ing") and len(head) > 5)


def indefinite_article(word: str) -> str:
    """'a' or 'an' for the word that follows: 'an email', 'a newsletter', 'an hour',
    'a unique', 'an SEO audit'."""
    w = word.strip("\"'(“").casefold()
    if not w:
        return "a"
    first = word.strip("\"'(“")[:1]
    if word.strip("\"'(“")[:2].isupper() and len(word.strip("\"'(“")) > 1:
        # An abbreviation is read letter by letter: 'an SEO audit', 'a PDF', 'an FAQ'.
        return "an" if first.upper() in "AEFHILMNORSX" else "a"
    if w.startswith(_SILENT_H):
        return "an"
    if w.startswith(_YOU_SOUND):
        return "a"
    return "an" if w[0] in "aeiou" else "a"


def with_article(phrase: str) -> str:
    """A service in a sentence: 'an email newsletter', 'a catering landing page', but
    'SEO blog posts', 'media outreach' and 'the monthly audit' as they are."""
    text = " ".join(phrase.split())
    if not text:
        return text
    first = text.split()[0]
    if first.casefold() in _DETERMINERS or first[0].isdigit():
        return text
    if is_plural(text) or _is_mass(text):
        return text
    return f"{indefinite_article(first)} {text}"


def _plural_word(word: str) -> bool:
    w = word.strip(".,;:!?").casefold()
    return len(w) >= 3 and w.isalpha() and w.endswith("s") and not w.endswith(_NOT_PLURAL_ENDINGS)


def singular(phrase: str) -> str:
    """The phrase with its plural noun made singular: 'new followers' -> 'new follower',
    'Posts shared' -> 'Post shared', 'SEO articles on food' -> 'SEO article on food'."""
    words = phrase.split()
    stop = next((i for i, w in enumerate(words) if i and w.casefold() in _PREPOSITIONS), len(words))
    found = [i for i in range(stop) if _plural_word(words[i])]
    if not found:
        return phrase
    index = found[-1]
    word = words[index]
    low = word.casefold()
    if low.endswith("ies") and len(low) > 4:
        word = word[:-3] + ("Y" if word.isupper() else "y")
    elif low.endswith(("ches", "shes", "sses", "xes", "zes")):
        word = word[:-2]
    else:
        word = word[:-1]
    words[index] = word
    return " ".join(words)


def count_of(count: int, phrase: str) -> str:
    """'1 blog post', '2 blog posts', '1,000 new followers' (the phrase given in plural)."""
    return f"{count:,} {singular(phrase) if count == 1 else phrase}"


def join_list(items: Iterable[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    parts = [i for i in items if i]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def sentence(text: str) -> str:
    """One sentence: blanks folded, a capital first letter and a full stop at the end."""
    text = " ".join(text.split()).strip()
    text = text.rstrip(";,: ")
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?…)\"”'" else text + "."


def sentences(*texts: str) -> str:
    """Notes joined as sentences: 'A campaign. Grow sales.', not 'A campaign.; Grow sales'."""
    return " ".join(s for s in (sentence(t) for t in texts) if s)
