"""KeySpec: one key binding as the registry (tui/keys.py) declares it, with its id."""

from __future__ import annotations

from dataclasses import dataclass


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
