"""Every key that works right now, for the screen underneath and for the whole app: deskui's actions in the UI
language, each once, with the key actually bound (after the user's keymap). Textual's own editing and scrolling keys
(a field's Ctrl+W, a table's cursor) are one line at the end rather than thirty in English."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from deskui.core.i18n import t
from deskui.widgets.keynames import textual_binding


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "../styles/help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q", "dismiss", "Close", id="close-help"),
    ]

    def __init__(self, underneath: Screen[object]) -> None:
        super().__init__()
        self.underneath = underneath

    def key_table(self) -> Table:
        table = Table(title=t("Keys"), expand=True, show_edge=False, title_justify="left")
        table.add_column(t("Key"), no_wrap=True, style="bold")
        table.add_column(t("Action"))
        seen: set[str] = set()
        for _key, (node, binding, _enabled, _tooltip) in self.underneath.active_bindings.items():
            if not binding.description or binding.action in seen or textual_binding(node, binding):
                continue
            seen.add(binding.action)
            table.add_row(Text(self.app.get_key_display(binding)), Text(t(binding.description)))
        palette = Binding(self.app.COMMAND_PALETTE_BINDING, "command_palette")
        table.add_row(Text(self.app.get_key_display(palette)), Text(t("Command palette")))
        return table

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(self.key_table())
            yield Static(
                Text(t("In a text field, the usual editing keys: arrows, Home, End, Ctrl+W and Ctrl+U."), style="dim")
            )
            yield Static(Text(t("Esc closes this help."), style="dim"))
