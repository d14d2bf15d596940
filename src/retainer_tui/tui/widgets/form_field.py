"""FormField: a label, the input widget, a hint, and the error message right under it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Input, Label, Select, TextArea


class FormField(Vertical):
    """One form field. `show_error(message)` puts the message under the input (class error)."""

    def __init__(
        self,
        label: str,
        control: Widget,
        *,
        field: str,
        hint: str = "",
        classes: str | None = None,
    ) -> None:
        super().__init__(id=f"field-{field}", classes=f"form-field {classes or ''}".strip())
        self.field = field
        self.label = label
        self.control = control
        self.hint = hint

    def compose(self) -> ComposeResult:
        if self.label:
            yield Label(self.label, classes="field-label", markup=False)
        yield self.control
        if self.hint:
            yield Label(self.hint, classes="field-hint", markup=False)
        error = Label("", classes="error", id=f"error-{self.field}", markup=False)
        error.display = False
        yield error

    @property
    def error_label(self) -> Label:
        return self.query_one(f"#error-{self.field}", Label)

    @property
    def error(self) -> str:
        """The message shown now ('' when none)."""
        label = self.error_label
        return str(label.content) if label.display else ""

    def show_error(self, message: str | None) -> None:
        """Show the message under the field, or clear it with None / ''."""
        label = self.error_label
        text = _sentence(message or "")
        label.update(text)
        label.display = bool(text)
        self.set_class(bool(text), "-invalid")

    @property
    def value(self) -> str:
        """What the field holds as text ('' for an empty choice)."""
        return widget_value(self.control)


def widget_value(control: Widget) -> str:
    """The text of an Input, TextArea or Select ('' when nothing is chosen)."""
    if isinstance(control, Input):
        return control.value
    if isinstance(control, TextArea):
        return control.text
    if isinstance(control, Select):
        value = control.value
        return "" if value is Select.NULL else str(value)
    value_text = getattr(control, "value_text", None)
    if callable(value_text):
        return str(value_text())
    raise TypeError(f"no value for {type(control).__name__}")


def _sentence(message: str) -> str:
    """'name is required' -> 'Name is required' (messages start lower-case in services)."""
    return message[:1].upper() + message[1:] if message else ""


def text_input(value: str, field: str, placeholder: str = "") -> Input:
    """The one-line input every form uses: compact, its id the service's field name."""
    return Input(value, placeholder=placeholder, id=field, compact=True)


def service_type_field(current: str) -> FormField:
    """The client's service type (social media, content writing, …) as a list to pick from."""
    from retainer_tui.domain.clients import ServiceType

    types = [s.value for s in ServiceType]
    return FormField(
        "Service type",
        Select(
            [(s.capitalize(), s) for s in types],
            value=current if current in types else "other",
            allow_blank=False,
            compact=True,
            id="service_type",
        ),
        field="service_type",
    )
