"""`?`: every key of the screen underneath, grouped, with the user's remapped keys."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Grid, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from retainer_tui.tui.keys import (
    APP_KEYS,
    HELP_KEYS,
    KEYS_BY_SCREEN,
    KeySpec,
    bindings,
    effective_keys,
    key_label,
)
from retainer_tui.tui.legend import glyph_text, sections
from retainer_tui.tui.theme_colors import ThemeColors

if TYPE_CHECKING:
    from textual import getters

    from retainer_tui.tui.app import RetainerApp

# Keys Textual provides everywhere; listed so that the help is complete.
_BUILT_IN = (
    KeySpec(
        "command-palette",
        "ctrl+p",
        "command_palette",
        "Commands",
        "Search every command, client and month",
        "General",
    ),
    KeySpec(
        "focus-next", "tab", "focus_next", "Next", "Move to the next field or table", "General"
    ),
)


# The screens whose cells the legend explains.
LEGEND_SCOPES = frozenset({"dashboard", "client"})


def key_groups(scope: str) -> dict[str, list[KeySpec]]:
    """The screen's keys by group, then the app's keys under 'General'."""
    groups: dict[str, list[KeySpec]] = {}
    for spec in (*KEYS_BY_SCREEN.get(scope, ()), *APP_KEYS, *_BUILT_IN):
        groups.setdefault(spec.group, []).append(spec)
    return groups


class HelpScreen(ModalScreen[None]):
    if TYPE_CHECKING:  # the RetainerApp, typed only (see FormScreen.app)
        app = getters.app(RetainerApp)
    KEY_SCOPE = "help"
    BINDINGS: ClassVar[list[BindingType]] = bindings(HELP_KEYS)
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]

    def __init__(self, *, scope: str, title: str = "") -> None:
        super().__init__()
        self.scope = scope
        self.heading = title or scope.title()
        # (group, keys, what it does) and (section, glyph, meaning) as shown; tests read them.
        self.entries: list[tuple[str, str, str]] = []
        self.legend: list[tuple[str, str, str]] = []

    def compose(self) -> ComposeResult:
        keymap = self.app.settings.keymap
        with VerticalScroll(id="help-box") as box:
            box.border_title = f"Keys — {self.heading}"
            box.border_subtitle = "escape closes"
            with Grid(id="help-grid"):
                for group, specs in key_groups(self.scope).items():
                    table = Table.grid(padding=(0, 2))
                    table.add_column(min_width=6, style="bold", no_wrap=True)
                    table.add_column()
                    for spec in specs:
                        keys = " / ".join(key_label(k) for k in effective_keys(spec, keymap))
                        table.add_row(keys, spec.help)
                        self.entries.append((group, keys, spec.help))
                    yield Static(
                        Group(Text(group, style="bold underline"), table), classes="help-group"
                    )
                if self.scope in LEGEND_SCOPES:
                    yield from self._legend()

    def _legend(self) -> Iterator[Static]:
        """What the glyphs on the screen underneath mean, in the theme's colours."""
        colors = ThemeColors.from_app(self.app)
        for section in sections():
            table = Table.grid(padding=(0, 2))
            table.add_column(no_wrap=True)
            table.add_column()
            for entry in section.entries:
                table.add_row(glyph_text(entry, colors), entry.meaning)
                self.legend.append((section.title, entry.glyph, entry.meaning))
            title = Text(f"Legend: {section.title}", style="bold underline")
            yield Static(Group(title, table), classes="help-group help-legend")

    def action_close(self) -> None:
        self.dismiss(None)
