"""A footer that shows the keys that fit, whole, in the order they are declared (most used
first), instead of letting the last ones run into each other or be cut mid-word."""

from __future__ import annotations

from collections.abc import Iterable

from textual import events
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

# The cells a key takes beside its text: a space each side (compact: none), and the one
# between the key and its description.
PADDING, COMPACT_PADDING = 2, 0


class FittingFooter(Footer):
    """Footer dropping, from the end, the keys the width cannot hold (the palette key,
    docked at the right, always stays). Every key keeps working; `?` lists them all."""

    _composed_width = -1

    def compose(self) -> ComposeResult:
        self._composed_width = self.size.width
        if self.size.width <= 0:
            # Not laid out yet: the first resize composes the keys that fit. Mounting
            # every key now, only to replace them all a frame later, was most of the
            # first frame's cost in styles.
            return
        yield from self.fitting(super().compose(), self.size.width)

    def fitting(self, widgets: Iterable[Widget], width: int) -> list[Widget]:
        widgets = list(widgets)
        if width <= 0:
            return widgets
        palette = [w for w in widgets if w.has_class("-command-palette")]
        room = width - sum(self._width(w) for w in palette)
        kept: list[Widget] = []
        for widget in widgets:
            if widget in palette:
                continue
            needed = self._width(widget)
            if needed > room:
                break  # the rest in order: never a later key in place of an earlier one
            room -= needed
            kept.append(widget)
        return kept + palette

    def _width(self, widget: Widget) -> int:
        if isinstance(widget, FooterKey):
            text = f"{widget.key_display} {widget.description}".strip()
            border = 1 if widget.has_class("-command-palette") else 0
            return len(text) + border + (COMPACT_PADDING if self.compact else PADDING)
        return len(str(getattr(widget, "renderable", ""))) + PADDING

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._composed_width:
            self.call_after_refresh(self.recompose)
