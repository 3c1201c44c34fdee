"""The queue's table: a DataTable whose Enter is shown in the footer as "Open", with j/k beside the arrows."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import DataTable


class TicketTable(DataTable[object]):
    BINDINGS: ClassVar[list[BindingType]] = [
        # DataTable's own Enter is hidden; at the desk it is the key that opens a ticket, so it is shown.
        Binding("enter", "select_cursor", "Open", id="ticket-open"),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]
