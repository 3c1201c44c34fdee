"""A row of choices picked with one key each (channel, category): the fastest way to fill a closed field.

Typing an option's hotkey (or its number) selects it and moves on to the next field; left and right step
through the options. The hotkeys are shown in the bar, so nobody has to remember them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.geometry import Size


@dataclass(frozen=True)
class ChoiceOption:
    key: str
    label: str
    hotkey: str


def assign_hotkeys(options: Sequence[tuple[str, str, str, str]]) -> list[ChoiceOption]:
    """(key, label, english label, preferred hotkey) → options with distinct hotkeys.

    The preferred hotkey wins; otherwise the first free letter of the English label, so "Repair" is r.
    """
    used: set[str] = set()
    out: list[ChoiceOption] = []
    for key, label, english, preferred in options:
        candidates = [preferred.lower()] if preferred else []
        candidates += [c.lower() for c in english if c.isascii() and c.isalpha()]
        hotkey = next((c for c in candidates if c and c not in used), "")
        used.add(hotkey)
        out.append(ChoiceOption(key, label, hotkey))
    return out


class ChoiceBar(Widget, can_focus=True):
    DEFAULT_CSS = """
    ChoiceBar {
        height: auto;
        width: 1fr;
        padding: 0 1;
        background: $surface;
    }
    ChoiceBar:focus {
        background: $boost;
    }
    ChoiceBar.-invalid {
        background: $error 20%;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "step(-1)", "Previous choice", show=False),
        Binding("right", "step(1)", "Next choice", show=False),
    ]

    value: reactive[str] = reactive("")
    """The key of the chosen option; "" before a choice is made."""

    class Changed(Message):
        def __init__(self, bar: ChoiceBar, value: str) -> None:
            super().__init__()
            self.bar = bar
            self.value = value

        @property
        def control(self) -> ChoiceBar:
            return self.bar

    def __init__(self, options: Sequence[ChoiceOption], value: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.options = list(options)
        self.set_reactive(ChoiceBar.value, value)

    def lines(self, width: int) -> Text:
        """The options in lines no wider than `width`, each option whole on one line: a key is never parted from
        its label ("M" at the end of a line, "放行/装修" on the next: issue 12)."""
        out = Text(no_wrap=True, overflow="ellipsis")
        used = 0
        for number, option in enumerate(self.options, start=1):
            chosen = option.key == self.value
            hint = option.hotkey.upper() if option.hotkey else str(number)
            piece = Text.assemble(
                (hint, "bold underline" if not chosen else "bold reverse"),
                (f" {option.label} ", "reverse bold" if chosen else ""),
            )
            if used and used + piece.cell_len > width:
                out.rstrip()
                out.append("\n")
                used = 0
            out.append_text(piece)
            out.append(" ")
            used += piece.cell_len + 1
        out.rstrip()
        return out

    def render(self) -> Text:
        return self.lines(max(1, self.content_region.width))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines(max(1, width)).plain.split("\n"))

    def watch_value(self, value: str) -> None:
        self.post_message(self.Changed(self, value))

    def choose(self, key: str) -> None:
        self.value = key

    def action_step(self, step: int) -> None:
        keys = [o.key for o in self.options]
        index = keys.index(self.value) if self.value in keys else (-1 if step > 0 else 0)
        self.value = keys[(index + step) % len(keys)]

    def take_key(self, event: events.Key) -> bool:
        """Choose the option this key names and move on; True when the key was used.

        The app calls this as the key arrives, before routing the next one, so whatever is typed right after
        the hotkey already lands in the next field (a key routed here and handled later would be lost).
        """
        char = (event.character or "").lower()
        if not char:
            return False
        for number, option in enumerate(self.options, start=1):
            if char == option.hotkey or (char.isdigit() and int(char) == number):
                self.value = option.key
                self.screen.focus_next()
                return True
        return False
