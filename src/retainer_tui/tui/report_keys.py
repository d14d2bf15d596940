"""The keys of the reports screens, declared once.

keys.KEYS_BY_SCREEN lists them under their screens' scopes, so the help screen (`?`),
the command palette and config.toml [keymap] see them like any other.
"""

from __future__ import annotations

from retainer_tui.tui.key_spec import KeySpec

OPEN_REPORT = KeySpec(
    "report-open",
    "enter",
    "open_report",
    "Open",
    "Open the highlighted report (preview)",
    "Reports",
)

REPORTS_KEYS: tuple[KeySpec, ...] = (
    KeySpec("reports-back", "escape", "back", "Back", "Back to the dashboard", "Reports",
            True, False),
    OPEN_REPORT,
    KeySpec("reports-mark-sent", "m", "mark_sent", "Mark sent",
            "Mark the highlighted report sent (date defaults to today)", "Reports"),
    KeySpec("reports-not-needed", "t", "not_needed", "Not needed before",
            "The highlighted client's reports and payments not needed before a month "
            "(its tracked-from month)", "Reports"),
)  # fmt: skip

REPORT_KEYS: tuple[KeySpec, ...] = (
    KeySpec("report-back", "escape", "back", "Back", "Back to the reports queue", "Report",
            True, False),
    KeySpec("report-highlights", "h", "edit_highlights", "Highlights",
            "Edit the highlights of the report (free text)", "Report"),
    KeySpec("report-export", "x", "export", "Export",
            "Export the report to a Markdown file (documents folder by default)", "Report"),
    KeySpec("report-copy", "c", "copy", "Copy", "Copy the report (Markdown) to the clipboard",
            "Report"),
    KeySpec("report-mark-sent", "s", "mark_sent", "Mark sent",
            "Mark the report sent (date defaults to today)", "Report"),
    KeySpec("report-unmark-sent", "u", "unmark_sent", "Un-mark",
            "Un-mark the report: it was not sent after all", "Report"),
    KeySpec("report-previous-month", "left_square_bracket", "previous_month", "Prev month",
            "The client's report for the previous month", "Report", False),
    KeySpec("report-next-month", "right_square_bracket", "next_month", "Next month",
            "The client's report for the next month", "Report", False),
)  # fmt: skip

HIGHLIGHTS_KEYS: tuple[KeySpec, ...] = (
    KeySpec("highlights-save", "ctrl+s", "save", "Save", "Save the highlights", "Highlights"),
    KeySpec("highlights-cancel", "escape", "cancel", "Cancel",
            "Close without saving", "Highlights", True, False),
)  # fmt: skip

REPORT_DIALOG_KEYS: tuple[KeySpec, ...] = (
    KeySpec("report-dialog-cancel", "escape", "cancel", "Cancel", "Close without doing it",
            "Report", True, False),
)  # fmt: skip
