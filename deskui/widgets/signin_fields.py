"""The sign-in's two controls, kept small: they are on the first frame, so their styles and widgets are part of
start-up (an Input and an OptionList cost more CSS than the whole rest of the screen).
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget


class OperatorPicker(Widget):
    """The operators, one per line, the chosen one highlighted; the screen moves the highlight with ↑/↓."""

    DEFAULT_CSS = """
    OperatorPicker {
        height: auto;
        min-height: 1;
    }
    """

    highlighted: reactive[int | None] = reactive(None)
    """Index of the chosen operator; None while the list is empty."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lines: list[Text] = []

    @property
    def option_count(self) -> int:
        return len(self.lines)

    def set_options(self, lines: list[Text], highlighted: int | None) -> None:
        self.lines = lines
        self.highlighted = highlighted if lines else None
        self.refresh(layout=True)

    def move(self, step: int) -> None:
        if self.lines:
            self.highlighted = ((self.highlighted or 0) + step) % len(self.lines)

    def render(self) -> Text:
        out = Text()
        for index, line in enumerate(self.lines):
            marker = "▶ " if index == self.highlighted else "  "
            row = Text(marker) + line
            if index == self.highlighted:
                row.stylize("reverse")
            if index:
                out.append("\n")
            out.append_text(row)
        return out


class PinField(Widget, can_focus=True):
    """Digits shown as dots. Enter is handled here, in the order the keys were typed, never ahead of them."""

    DEFAULT_CSS = """
    PinField {
        height: 1;
        width: 1fr;
        background: $boost;
        padding: 0 1;
    }
    PinField:focus {
        background: $surface-lighten-1;
    }
    """

    value: reactive[str] = reactive("")
    """The PIN typed so far."""

    class Submitted(Message):
        def __init__(self, field: PinField) -> None:
            super().__init__()
            self.field = field

        @property
        def control(self) -> PinField:
            return self.field

    def __init__(self, *, max_length: int = 12, id: str | None = None) -> None:
        super().__init__(id=id)
        self.max_length = max_length

    def render(self) -> Text:
        dots = Text("•" * len(self.value))
        if self.has_focus:
            dots.append("▏", style="blink")
        return dots

    def on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            self.post_message(self.Submitted(self))
        elif event.key == "backspace":
            self.value = self.value[:-1]
        elif event.key == "escape" and self.value:
            self.value = ""
        elif event.character and event.character.isdigit() and event.character.isascii():
            if len(self.value) < self.max_length:
                self.value += event.character
        else:
            return
        event.stop()
        event.prevent_default()

    def on_paste(self, event: events.Paste) -> None:
        digits = "".join(c for c in event.text if c.isascii() and c.isdigit())
        self.value = (self.value + digits)[: self.max_length]
        event.stop()
