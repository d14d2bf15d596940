"""The keys of the data-entry screens (forms, tiers, goals, results grid), declared once.

keys.KEYS_BY_SCREEN lists them under their screens' scopes, so the help screen (`?`),
the command palette and config.toml [keymap] see them like any other.
"""

from __future__ import annotations

from retainer_tui.tui.key_spec import KeySpec

SAVE = KeySpec("form-save", "ctrl+s", "save", "Save", "Save the form", "Form")
CANCEL = KeySpec(
    "form-cancel", "escape", "cancel", "Cancel", "Close the form (asks first if you typed)",
    "Form", True, False,
)  # fmt: skip

CLIENT_FORM_KEYS: tuple[KeySpec, ...] = (
    SAVE,
    CANCEL,
    KeySpec(
        "client-archive", "f7", "archive", "Archive",
        "End the client (status ended) and keep its history", "Client",
    ),
    KeySpec(
        "client-delete", "f8", "delete", "Delete…",
        "Delete the client and everything recorded for it (asks for its name)", "Client",
    ),
)  # fmt: skip

TIER_FORM_KEYS: tuple[KeySpec, ...] = (
    SAVE,
    CANCEL,
    KeySpec(
        "service-up", "ctrl+up", "move_service(-1)", "Move up",
        "Move the highlighted service up", "Services", False,
    ),
    KeySpec(
        "service-down", "ctrl+down", "move_service(1)", "Move down",
        "Move the highlighted service down", "Services", False,
    ),
    KeySpec(
        "service-remove", "delete", "remove_service", "Remove",
        "Remove the highlighted service", "Services", False,
    ),
)  # fmt: skip

TIERS_KEYS: tuple[KeySpec, ...] = (
    KeySpec("tiers-back", "escape", "back", "Back", "Back to the dashboard", "Tiers", True, False),
    KeySpec("tier-new", "n", "new_tier", "New", "Add a tier", "Tiers"),
    KeySpec("tier-edit", "e", "edit_tier", "Edit", "Edit the highlighted tier", "Tiers"),
    KeySpec("tier-delete", "d,delete", "delete_tier", "Delete", "Delete an unused tier", "Tiers"),
    KeySpec(
        "tier-up", "ctrl+up", "move_tier(-1)", "Move up", "Move the tier up the list", "Tiers",
        False,
    ),
    KeySpec(
        "tier-down", "ctrl+down", "move_tier(1)", "Move down", "Move the tier down the list",
        "Tiers", False,
    ),
)  # fmt: skip

GOALS_KEYS: tuple[KeySpec, ...] = (
    SAVE,
    CANCEL,
    KeySpec(
        "metric-new", "ctrl+n", "new_metric", "New metric",
        "Add a metric of your own (key, label, unit)", "Goals",
    ),
    KeySpec(
        "goals-tier-defaults", "ctrl+g", "apply_tier_defaults", "Tier defaults",
        "Fill in the targets from the client's tier's default goals (ctrl+s saves them)",
        "Goals",
    ),
)  # fmt: skip

METRIC_FORM_KEYS: tuple[KeySpec, ...] = (SAVE, CANCEL)
PAYMENT_KEYS: tuple[KeySpec, ...] = (
    KeySpec("payment-save", "ctrl+s", "save", "Received", "Mark the retainer received", "Payment"),
    CANCEL,
    KeySpec(
        "payment-unmark", "f8", "unmark", "Not received",
        "Mark the month's retainer not received", "Payment",
    ),
)  # fmt: skip
REPORT_MARK_KEYS: tuple[KeySpec, ...] = (
    KeySpec("report-save", "ctrl+s", "save", "Sent", "Mark the report sent", "Report"),
    CANCEL,
    KeySpec("report-unmark", "f8", "unmark", "Not sent", "Mark the report not sent", "Report"),
)  # fmt: skip

GRID_KEYS: tuple[KeySpec, ...] = (
    KeySpec("grid-back", "escape", "back", "Back", "Cancel the typing, or go back", "Results"),
    KeySpec(
        "grid-save", "enter", "save_cell", "Save", "Save the typed number at once", "Results",
    ),
    KeySpec("grid-clear", "delete", "clear_cell", "Clear", "Clear the cell", "Results"),
    KeySpec(
        "grid-next-cell", "tab", "next_cell", "Next cell",
        "Save the typing and move right (shift+tab: left; arrows move too)", "Results", False,
    ),
    KeySpec(
        "grid-edit", "f2", "edit_cell", "Edit", "Edit the cell's saved value (backspace too)",
        "Results", False,
    ),
    KeySpec(
        "grid-search", "slash", "search", "Search",
        "Jump to a client by name (enter or escape: back to the grid)", "Results",
    ),
    KeySpec(
        "grid-previous-month", "left_square_bracket", "previous_month", "Prev month",
        "Results of the previous month", "Month",
    ),
    KeySpec(
        "grid-next-month", "right_square_bracket", "next_month", "Next month",
        "Results of the next month", "Month",
    ),
)  # fmt: skip

CONFIRM_KEYS: tuple[KeySpec, ...] = ()
