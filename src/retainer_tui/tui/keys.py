"""Every key of the app, declared once with an id: BINDINGS, the help screen, the command
palette and config.toml [keymap] (binding id -> keys) all read this registry."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True, slots=True)
class KeySpec:
    id: str  # the name users remap in config.toml [keymap]
    key: str  # Textual key name(s), comma-separated
    action: str  # action on the screen (or the app, for APP_KEYS)
    description: str  # short, for the footer
    help: str  # a sentence, for the help screen and the command palette
    group: str  # heading in the help screen
    show: bool = True  # in the footer
    palette: bool = True  # offered in the command palette


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
        "Prev month",
        "Go to the previous month",
        "Month",
    ),
    KeySpec(
        "next-month",
        "right_square_bracket",
        "next_month",
        "Next month",
        "Go to the next month",
        "Month",
    ),
    KeySpec("this-month", "t", "this_month", "This month", "Back to this month", "Month", False),
    KeySpec(
        "cycle-filter",
        "f",
        "cycle_filter",
        "Filter",
        "Cycle the filter: all, needs attention, reports owed, late payments",
        "View",
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
        "Late payments",
        "Show the clients with a late payment",
        "View",
        False,
    ),
    KeySpec(
        "toggle-inactive",
        "x",
        "toggle_inactive",
        "Prospects & ended",
        "Show or hide prospects and ended clients",
        "View",
        False,
    ),
    KeySpec("search", "slash", "search", "Search", "Search clients by name or company", "View"),
    KeySpec("cycle-sort", "s", "cycle_sort", "Sort", "Cycle the sort column", "View"),
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
    KeySpec("tiers", "T", "open_tiers", "Tiers", "Open the retainer tiers", "Go to"),
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
)

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

KEYS_BY_SCREEN: dict[str, tuple[KeySpec, ...]] = {
    "dashboard": DASHBOARD_KEYS,
    "client": DETAIL_KEYS,
    "help": HELP_KEYS,
    "welcome": WELCOME_KEYS,
}

# Keys whose Textual names read badly in the footer and help.
_KEY_DISPLAY = {
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "question_mark": "?",
    "slash": "/",
}


def bindings(specs: tuple[KeySpec, ...]) -> list[Binding]:
    """Textual Bindings for a screen (or the app), each carrying its id for the keymap."""
    return [
        Binding(
            spec.key,
            spec.action,
            spec.description,
            show=spec.show,
            key_display=_KEY_DISPLAY.get(spec.key),
            tooltip=spec.help,
            id=spec.id,
        )
        for spec in specs
    ]


def effective_keys(spec: KeySpec, keymap: dict[str, str]) -> list[str]:
    """The keys the user presses for a binding: the keymap's when remapped, else the default."""
    return [key.strip() for key in keymap.get(spec.id, spec.key).split(",") if key.strip()]


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
