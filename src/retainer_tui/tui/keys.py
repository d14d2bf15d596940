"""Every key of the app, declared once with an id: BINDINGS, the help screen, the command
palette and config.toml [keymap] (binding id -> keys) all read this registry.

KEYS_BY_SCREEN names every screen's scope here; the feature screens' keys are declared
beside them (entry_keys.py, pipeline_keys.py, report_keys.py) and listed here, so that
reading the registry never needs a screen imported.
"""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from textual.binding import Binding, BindingType
from textual.keys import (
    KEY_ALIASES,
    KEY_TO_UNICODE_NAME,
    REPLACED_KEYS,
    Keys,
    _character_to_key,
)

from retainer_tui.domain.terminal_text import visible
from retainer_tui.tui.entry_keys import (
    CLIENT_FORM_KEYS,
    CONFIRM_KEYS,
    GOALS_KEYS,
    GRID_KEYS,
    METRIC_FORM_KEYS,
    PAYMENT_KEYS,
    REPORT_MARK_KEYS,
    TIER_FORM_KEYS,
    TIERS_KEYS,
)
from retainer_tui.tui.key_spec import KeySpec
from retainer_tui.tui.pipeline_keys import FORM_KEYS, OBJECTION_KEYS, PIPELINE_KEYS, PROPOSAL_KEYS
from retainer_tui.tui.report_keys import (
    HIGHLIGHTS_KEYS,
    REPORT_DIALOG_KEYS,
    REPORT_KEYS,
    REPORTS_KEYS,
)

APP_KEYS: tuple[KeySpec, ...] = (
    KeySpec("help", "question_mark", "help", "Help", "Show the keys of this screen", "General"),
    KeySpec("refresh", "ctrl+r", "refresh", "Refresh", "Reload the data now", "General", False),
    KeySpec(
        "change-theme",
        "ctrl+t",
        "change_theme",
        "Theme",
        "Change the colour theme",
        "General",
        False,
    ),
    KeySpec(
        "undo",
        "ctrl+z",
        "undo",
        "Undo",
        "Undo the last change made in this session",
        "General",
        False,
    ),
    KeySpec("quit", "q", "quit", "Quit", "Quit the app", "General"),
)

DASHBOARD_KEYS: tuple[KeySpec, ...] = (
    KeySpec("open-client", "enter", "open_client", "Open", "Open the client's page", "Clients"),
    KeySpec("new-client", "n", "new_client", "New", "Add a new client", "Clients"),
    KeySpec("edit-client", "e", "edit_client", "Edit", "Edit the highlighted client", "Clients"),
    KeySpec(
        "enter-results", "r", "enter_results", "Results", "Enter results for the month", "Clients"
    ),
    KeySpec("edit-goals", "g", "edit_goals", "Goals", "Set the client's goals", "Clients"),
    KeySpec(
        "previous-month",
        "left_square_bracket",
        "previous_month",
        "Prev",
        "Go to the previous month",
        "Month",
    ),
    KeySpec(
        "next-month",
        "right_square_bracket",
        "next_month",
        "Next",
        "Go to the next month",
        "Month",
    ),
    KeySpec("this-month", "t", "this_month", "This month", "Back to this month", "Month", False),
    KeySpec(
        "cycle-filter",
        "f",
        "cycle_filter",
        "Filter",
        "Cycle the filter: all, needs attention, reports owed, payments owed",
        "View",
        False,  # the summary bar's counts name their own filter keys (a, o, l)
    ),
    KeySpec(
        "filter-attention",
        "a",
        "filter('attention')",
        "Attention",
        "Show the clients needing attention",
        "View",
        False,
    ),
    KeySpec(
        "filter-reports",
        "o",
        "filter('reports')",
        "Reports owed",
        "Show the clients owed a report",
        "View",
        False,
    ),
    KeySpec(
        "filter-late",
        "l",
        "filter('late')",
        "Payments owed",
        "Show the clients owing a payment (this month or earlier)",
        "View",
        False,
    ),
    KeySpec(
        "toggle-inactive",
        "x",
        "toggle_inactive",
        "Prospects & ended",
        "Show or hide the clients not in service this month (prospects, paused, ended)",
        "View",
        False,
    ),
    KeySpec("search", "slash", "search", "Search", "Search clients by name or company", "View"),
    # Less used than the keys around them: in the help (?) and the palette, not the footer,
    # so that the footer's keys fit at 120 columns without running into ^p palette.
    KeySpec("cycle-sort", "s", "cycle_sort", "Sort", "Cycle the sort column", "View", False),
    KeySpec(
        "reverse-sort", "S", "reverse_sort", "Reverse", "Reverse the sort order", "View", False
    ),
    KeySpec(
        "clear-view",
        "escape",
        "clear_view",
        "Clear",
        "Clear the search and filter",
        "View",
        False,
        False,
    ),
    KeySpec("reports", "R", "open_reports", "Reports", "Open the reports queue", "Go to"),
    KeySpec("pipeline", "P", "open_pipeline", "Pipeline", "Open the prospect pipeline", "Go to"),
    KeySpec("tiers", "T", "open_tiers", "Tiers", "Open the retainer tiers", "Go to", False),
    KeySpec(
        "mark-payment",
        "p",
        "mark_payment",
        "Payment",
        "Mark the month's retainer received (or not)",
        "Clients",
        False,
    ),
    KeySpec(
        "mark-report",
        "m",
        "mark_report",
        "Report sent",
        "Mark a month's report sent (or not)",
        "Clients",
        False,
    ),
)

DETAIL_KEYS: tuple[KeySpec, ...] = (
    KeySpec("back", "escape", "back", "Back", "Back to the dashboard", "Client", True, False),
    KeySpec("edit-client", "e", "edit_client", "Edit", "Edit this client", "Client"),
    KeySpec("edit-goals", "g", "edit_goals", "Goals", "Set this client's goals", "Client"),
    KeySpec(
        "mark-payment",
        "p",
        "mark_payment",
        "Payment",
        "Mark the month's retainer received (or not)",
        "Client",
    ),
    KeySpec(
        "mark-report",
        "m",
        "mark_report",
        "Report sent",
        "Mark a month's report sent (or not)",
        "Client",
    ),
    KeySpec(
        "enter-results", "r", "enter_results", "Results", "Enter results for the month", "Client"
    ),
    KeySpec(
        "previous-month",
        "left_square_bracket",
        "previous_month",
        "Prev month",
        "Show the history up to the previous month",
        "Month",
    ),
    KeySpec(
        "next-month",
        "right_square_bracket",
        "next_month",
        "Next month",
        "Show the history up to the next month",
        "Month",
    ),
    KeySpec(
        "page-down", "pagedown", "page_down", "Page down",
        "Scroll the page down: past the months to the trends and notes", "Client", False, False,
    ),
    KeySpec(
        "page-up", "pageup", "page_up", "Page up", "Scroll the page up", "Client", False, False,
    ),
    KeySpec(
        "page-end", "end", "page_end", "End", "To the end of the page: the notes",
        "Client", False, False,
    ),
    KeySpec(
        "page-home", "home", "page_home", "Home", "To the top of the page", "Client",
        False, False,
    ),
)  # fmt: skip

# The client page's scroll keys go to the page, not to the month table that has focus.
PAGE_SCROLL_IDS = frozenset({"page-down", "page-up", "page-end", "page-home"})

HELP_KEYS: tuple[KeySpec, ...] = (
    KeySpec("close", "escape", "close", "Close", "Close this window", "Help", True, False),
)

WELCOME_KEYS: tuple[KeySpec, ...] = (
    KeySpec(
        "start-fresh",
        "f",
        "start_fresh",
        "Start fresh",
        "Start with the three default tiers",
        "Welcome",
    ),
    KeySpec("load-sample", "s", "load_sample", "Sample data", "Load the sample clients", "Welcome"),
)

# Every screen's KEY_SCOPE, with the keys its BINDINGS are made from (a test holds this
# to the screens): what help, the palette and the README table show for it.
KEYS_BY_SCREEN: dict[str, tuple[KeySpec, ...]] = {
    "dashboard": DASHBOARD_KEYS,
    "client": DETAIL_KEYS,
    "help": HELP_KEYS,
    "welcome": WELCOME_KEYS,
    "client-form": CLIENT_FORM_KEYS,
    "client-delete": (),  # its own escape (the Back button) and a blocked ctrl+z only
    "tier-form": TIER_FORM_KEYS,
    "tiers": TIERS_KEYS,
    "goals": GOALS_KEYS,
    "metric-form": METRIC_FORM_KEYS,
    "payment": PAYMENT_KEYS,
    "report-mark": REPORT_MARK_KEYS,
    "results": GRID_KEYS,
    "form": (),  # FormScreen's own, before a form names its scope
    "confirm": CONFIRM_KEYS,  # the answers' keys are on the dialog's buttons
    "pipeline": PIPELINE_KEYS,
    "proposal": PROPOSAL_KEYS,
    "prospect-form": FORM_KEYS,
    "objections": OBJECTION_KEYS,
    "reports": REPORTS_KEYS,
    "report": REPORT_KEYS,
    "highlights": HIGHLIGHTS_KEYS,
    "report-dialog": REPORT_DIALOG_KEYS,
}

# Keys whose Textual names read badly in the footer and help.
_KEY_DISPLAY = {
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "question_mark": "?",
    "slash": "/",
}


def bindings(
    specs: tuple[KeySpec, ...], *, priority: frozenset[str] = frozenset()
) -> list[BindingType]:
    """Textual Bindings for a screen (or the app), each carrying its id for the keymap;
    the ids in `priority` run before the focused widget sees the key."""
    return [
        Binding(
            spec.key,
            spec.action,
            spec.description,
            show=spec.show,
            key_display=_KEY_DISPLAY.get(spec.key),
            priority=spec.id in priority,
            tooltip=spec.help,
            id=spec.id,
        )
        for spec in specs
    ]


def effective_keys(spec: KeySpec, keymap: dict[str, str]) -> list[str]:
    """The keys the user presses for a binding: the keymap's when remapped (and accepted by
    check_keymap), else the default."""
    accepted = check_keymap(keymap).accepted if keymap else keymap
    return _split(accepted.get(spec.id, spec.key))


def _split(keys: str) -> list[str]:
    return [key.strip() for key in keys.split(",") if key.strip()]


# ---------------------------------------------------------------- checking [keymap]

_MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
# Key names Textual gives to keys that are not characters: up, f5, pageup, escape...
_NAMED_KEYS = frozenset(key.value.rsplit("+", 1)[-1] for key in Keys) | {"space"}
# Keys Textual reports under another name (ctrl+i is tab): compared under one name.
_ALIAS_OF = {alias: key for key, aliases in KEY_ALIASES.items() for alias in aliases}
# Keys Textual itself binds on every screen.
_TEXTUAL_KEYS: tuple[KeySpec, ...] = (
    KeySpec("command-palette", "ctrl+p", "command_palette", "the command palette", "", ""),
    KeySpec("focus-next", "tab", "focus_next", "the next field", "", ""),
    KeySpec("focus-previous", "shift+tab", "focus_previous", "the previous field", "", ""),
)


@dataclass(frozen=True, slots=True)
class KeymapCheck:
    """config.toml [keymap], checked: what is used, and one line for each entry refused."""

    accepted: dict[str, str]
    problems: tuple[str, ...]

    def message(self) -> str:
        """The toast shown at start when entries were refused."""
        return "\n".join((*self.problems, "The default keys are used for these."))


def _names_a_character(base: str) -> bool:
    """'question_mark', 'slash', 'left_square_bracket': a character's key name in Textual."""
    original = REPLACED_KEYS.get(base, base)
    try:
        char = unicodedata.lookup(KEY_TO_UNICODE_NAME.get(original, original.replace("_", " ")))
    except KeyError:
        return False
    return char.isprintable() and _character_to_key(char) == base


def known_key(key: str) -> bool:
    """Whether Textual can ever report this key ('ctrl+n', 'f5', '?', 'question_mark')."""
    if len(key) == 1:
        return key.isprintable() and not key.isspace()
    *modifiers, base = key.split("+")
    if not set(modifiers) <= _MODIFIERS or len(set(modifiers)) != len(modifiers):
        return False
    if len(base) == 1:
        return base.isprintable() and not base.isspace()
    return base in _NAMED_KEYS or _names_a_character(base)


def _canonical(key: str) -> str:
    """The name Textual matches a key under: '?' is 'question_mark', 'ctrl+i' is 'tab'."""
    key = _character_to_key(key) if len(key) == 1 else key
    return _ALIAS_OF.get(key, key)


def _quoted(text: str) -> str:
    """A TOML string as the user wrote it, with control characters shown escaped."""
    return '"' + visible(text).replace('"', '\\"') + '"'


def _all_scopes() -> dict[str, tuple[KeySpec, ...]]:
    """Every screen's keys with the app's and Textual's, which work on every screen too."""
    return {scope: (*specs, *APP_KEYS, *_TEXTUAL_KEYS) for scope, specs in KEYS_BY_SCREEN.items()}


def _first_clash(
    scopes: dict[str, tuple[KeySpec, ...]], accepted: dict[str, str]
) -> tuple[str, str, KeySpec, str] | None:
    """(refused id, key, the binding it collides with, scope) for a remapped key that two
    bindings of one screen share; the entry written later in config.toml gives way."""
    order = list(accepted)
    for scope, specs in scopes.items():
        holders: dict[str, tuple[KeySpec, str]] = {}
        for spec in specs:
            for key in _split(accepted.get(spec.id, spec.key)):
                other, other_key = holders.setdefault(_canonical(key), (spec, key))
                if other.id == spec.id or (other.id not in accepted and spec.id not in accepted):
                    continue
                if other.id in accepted and (
                    spec.id not in accepted or order.index(other.id) > order.index(spec.id)
                ):
                    return other.id, other_key, spec, scope
                return spec.id, key, other, scope
    return None


def _screen_name(scope: str) -> str:
    from retainer_tui.tui.keymap_doc import TITLES

    return f"{TITLES.get(scope, scope.replace('-', ' ').capitalize())} screen"


@lru_cache(maxsize=8)
def _check(entries: tuple[tuple[str, str], ...], source: str) -> KeymapCheck:
    scopes = _all_scopes()
    ids = {spec.id for specs in scopes.values() for spec in specs} - {
        spec.id for spec in _TEXTUAL_KEYS
    }
    accepted: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, keys in entries:
        entry = f"{source}: [keymap] {visible(binding_id)} = {_quoted(keys)}"
        if binding_id not in ids:
            close = difflib.get_close_matches(binding_id, sorted(ids), n=1)
            hint = f" (did you mean {close[0]}?)" if close else " (see the key map in the README)"
            problems.append(f"{entry}: no binding has this id{hint}")
            continue
        unknown = [key for key in _split(keys) if not known_key(key)]
        if unknown and _split(keys) == unknown[:1]:
            problems.append(f"{entry}: not a key Textual knows")
            continue
        if unknown or not _split(keys):
            why = f"{_quoted(unknown[0])} is not a key Textual knows" if unknown else "no key"
            problems.append(f"{entry}: {why}")
            continue
        accepted[binding_id] = keys
    while clash := _first_clash(scopes, accepted):
        refused, key, other, scope = clash
        entry = f"{source}: [keymap] {refused} = {_quoted(accepted.pop(refused))}"
        problems.append(
            f"{entry}: {_quoted(key)} is already {other.id} ({other.description}) "
            f"on the {_screen_name(scope)}"
        )
    return KeymapCheck(accepted, tuple(problems))


def check_keymap(keymap: dict[str, str], *, source: str = "config.toml") -> KeymapCheck:
    """The [keymap] entries Textual can use, and one line naming each entry refused: an
    unknown binding id, a key Textual does not know, or a key another binding of the same
    screen already has."""
    if not keymap:
        return KeymapCheck({}, ())
    return _check(tuple(keymap.items()), source)


def key_label(key: str) -> str:
    """A key as people write it: '[' not 'left_square_bracket', '^r' not 'ctrl+r'."""
    if key in _KEY_DISPLAY:
        return _KEY_DISPLAY[key]
    parts = key.split("+")
    *modifiers, base = parts
    label = {"escape": "esc", "enter": "enter", "space": "space"}.get(base, base)
    if "ctrl" in modifiers:
        modifiers.remove("ctrl")
        label = f"^{label}"
    return "+".join([*modifiers, label])
