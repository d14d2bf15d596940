"""The keys of the pipeline screens, declared once.

keys.KEYS_BY_SCREEN lists them under their screens' scopes, so the help screen (`?`),
the command palette and config.toml [keymap] see them like any other.
"""

from __future__ import annotations

from retainer_tui.tui.key_spec import KeySpec

PIPELINE_KEYS: tuple[KeySpec, ...] = (
    KeySpec(
        "pipeline-back", "escape", "back", "Back", "Back to the dashboard", "Pipeline", True, False
    ),
    KeySpec("prospect-new", "n", "new_prospect", "New", "Add a prospect (call scheduled)",
            "Prospect"),
    KeySpec("prospect-edit", "e", "edit_prospect", "Edit",
            "Edit the prospect's contact and next action", "Prospect"),
    KeySpec(
        "stage-next", "right_square_bracket", "move(1)", "Next",
        "Move the prospect on to the next stage", "Stage",
    ),
    KeySpec(
        "stage-previous", "left_square_bracket", "move(-1)", "Prev",
        "Move the prospect back a stage (reopens a lost one)", "Stage",
    ),
    KeySpec("prospect-discovery", "d", "discovery", "Discovery",
            "Workload, goals for the next 3–6 months, extra services", "Prospect"),
    KeySpec("prospect-objections", "o", "objections", "Objections",
            "Objections raised (money, value, results) and the answers given", "Prospect"),
    KeySpec("prospect-proposal", "p", "proposal", "Proposal",
            "Write the proposal email: three tiers, one recommended", "Stage"),
    KeySpec("prospect-choose-tier", "c", "choose_tier", "Tier chosen",
            "Record the tier the client confirmed", "Stage", False),
    KeySpec("prospect-trial", "t", "trial", "Trial",
            "Set up the paid trial: fee, dates, success criteria", "Stage"),
    KeySpec("prospect-retain", "r", "retain", "Retain",
            "Make the prospect an active client on a tier from a month", "Stage"),
    KeySpec("prospect-lost", "x", "lost", "Lost", "Mark the prospect lost, with the reason",
            "Stage"),
)  # fmt: skip

PROPOSAL_KEYS: tuple[KeySpec, ...] = (
    KeySpec("proposal-back", "escape", "back", "Back", "Back to the pipeline (asks if edited)",
            "Proposal", True, False),
    KeySpec("proposal-save", "ctrl+s", "save", "Save", "Keep the edited proposal", "Proposal"),
    KeySpec("proposal-markdown", "f2", "toggle_markdown", "Plain/Markdown",
            "Switch between plain text and Markdown", "Proposal"),
    KeySpec("proposal-regenerate", "f3", "regenerate", "Regenerate",
            "Write the email again from the prospect's notes (drops edits)", "Proposal"),
    KeySpec("proposal-copy", "f4", "copy", "Copy", "Copy the subject and body to the clipboard",
            "Proposal"),
    KeySpec("proposal-export", "f8", "export", "Export", "Write the proposal to a file",
            "Proposal"),
    KeySpec("proposal-sent", "f9", "mark_sent", "Mark sent",
            "Record the proposal as sent today (moves the prospect to proposal sent)",
            "Proposal"),
)  # fmt: skip

SAVE = KeySpec("pipeline-form-save", "ctrl+s", "save", "Save", "Save the form", "Form")
CANCEL = KeySpec(
    "pipeline-form-cancel", "escape", "cancel", "Cancel",
    "Close the form (asks first if you typed)", "Form", True, False,
)  # fmt: skip
FORM_KEYS: tuple[KeySpec, ...] = (SAVE, CANCEL)
OBJECTION_KEYS: tuple[KeySpec, ...] = (
    SAVE,
    CANCEL,
    KeySpec("objection-add", "ctrl+n", "add_row", "Add", "Add an objection", "Objections"),
    KeySpec("objection-remove", "ctrl+d", "remove_row", "Remove",
            "Remove the objection being edited", "Objections"),
)  # fmt: skip
