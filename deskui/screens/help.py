"""Every key that works right now, for the screen underneath and for the whole app."""

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
        seen: set[tuple[str, str]] = set()
        for _key, (_node, binding, _enabled, _tooltip) in self.underneath.active_bindings.items():
            if not binding.description:
                continue
            row = (self.app.get_key_display(binding), t(binding.description))
            if row not in seen:
                seen.add(row)
                table.add_row(Text(row[0]), Text(row[1]))
        table.add_row(Text(self.app.get_key_display(Binding("ctrl+p", ""))), Text(t("Command palette")))
        return table

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(self.key_table())
            yield Static(Text(t("Esc closes this help."), style="dim"))
