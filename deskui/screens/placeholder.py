"""A section whose screens are still to come: says so, keeps the header, footer and keys working."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.widgets import Static

from deskui.core.i18n import t
from deskui.screens.base import DeskScreen


class PlaceholderScreen(DeskScreen):
    NOTE = "This section is not built yet."

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Middle(), Center():
            yield Static(Text(t(self.SECTION), style="bold"), classes="placeholder-title")
            yield Static(Text(t(self.NOTE)), classes="placeholder-note")
        yield from self.compose_footer()
