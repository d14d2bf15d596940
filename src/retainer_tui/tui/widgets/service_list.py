"""ServiceList: a tier's services as an ordered list you can add to, reorder and remove from."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Label, OptionList


class ServiceOptions(OptionList):
    """The list itself: ctrl+up / ctrl+down move the highlighted service, delete removes it,
    enter puts it in the box below to be edited."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+up", "move(-1)", "Move up", show=False),
        Binding("ctrl+down", "move(1)", "Move down", show=False),
        Binding("delete,backspace", "remove", "Remove", show=False),
        Binding("enter", "edit", "Edit", show=False),
    ]

    def action_move(self, step: int) -> None:
        owner = self.owner
        if owner is not None:
            owner.move(step)

    def action_remove(self) -> None:
        owner = self.owner
        if owner is not None:
            owner.remove_highlighted()

    def action_edit(self) -> None:
        owner = self.owner
        if owner is not None:
            owner.edit_highlighted()

    @property
    def owner(self) -> ServiceList | None:
        parent = self.parent
        return parent if isinstance(parent, ServiceList) else None


class ServiceList(Vertical):
    """`services` is the current list; `Changed` is posted whenever it changes."""

    class Changed(Message):
        def __init__(self, services: tuple[str, ...]) -> None:
            self.services = services
            super().__init__()

    def __init__(self, services: tuple[str, ...] = (), *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.services: list[str] = list(services)
        self._editing: int | None = None

    def compose(self) -> ComposeResult:
        yield ServiceOptions(*self.services, id="service-options", compact=True)
        yield Input(placeholder="Add a service and press enter", id="service-new", compact=True)
        yield Label(
            "enter in the list: edit · ctrl+↑/↓: move · delete: remove", classes="service-keys"
        )

    @property
    def options(self) -> ServiceOptions:
        return self.query_one(ServiceOptions)

    @property
    def entry(self) -> Input:
        return self.query_one("#service-new", Input)

    def value_text(self) -> str:
        return "\n".join(self.services)

    def _refill(self, highlight: int | None) -> None:
        options = self.options
        options.clear_options()
        options.add_options(self.services)
        if highlight is not None and self.services:
            options.highlighted = max(0, min(highlight, len(self.services) - 1))
        self.post_message(self.Changed(tuple(self.services)))

    def set_services(self, services: tuple[str, ...]) -> None:
        """Show these services instead (a form reloading what is stored)."""
        self.services = list(services)
        self._refill(0)

    def move(self, step: int) -> None:
        index = self.options.highlighted
        if index is None:
            return
        target = index + step
        if not 0 <= target < len(self.services):
            return
        self.services.insert(target, self.services.pop(index))
        self._refill(target)

    def remove_highlighted(self) -> None:
        index = self.options.highlighted
        if index is None or not self.services:
            return
        del self.services[index]
        self._editing = None
        self._refill(index)

    def edit_highlighted(self) -> None:
        index = self.options.highlighted
        if index is None:
            return
        self._editing = index
        entry = self.entry
        entry.value = self.services[index]
        entry.placeholder = "Edit the service and press enter"
        entry.focus()

    @on(Input.Submitted, "#service-new")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if not text:
            return
        if self._editing is not None and self._editing < len(self.services):
            self.services[self._editing] = text
            highlight = self._editing
        else:
            self.services.append(text)
            highlight = len(self.services) - 1
        self._editing = None
        self.entry.value = ""
        self.entry.placeholder = "Add a service and press enter"
        self._refill(highlight)
