"""The Handover section's read-only box (a duty-log entry, a night call); its forms are the app's one modal form
(deskui.screens.forms)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from deskui.screens import stylesheet
from deskui.widgets.footer import DeskFooter


class InfoScreen(ModalScreen[None]):
    """Read-only text in a box (a duty-log entry with its corrections, a night call): Esc closes it."""

    CSS_PATH = stylesheet("handover_forms.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,enter", "dismiss(None)", "Close", id="info-close"),
    ]

    def __init__(self, title: str, body: Text) -> None:
        super().__init__()
        self.info_title = title
        self.body = body

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="form-box"):
            yield Static(Text(self.info_title, style="bold"), id="form-title")
            yield Static(self.body, id="info-body")
        yield DeskFooter()
