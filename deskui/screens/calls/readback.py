"""Read-back: the call as one sentence to read to the caller before it is saved (000: 重述…以防错漏)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from deskui.core.i18n import t
from deskui.screens import stylesheet
from deskui.widgets.footer import DeskFooter
from deskui.widgets.plain import plain


class ReadBackScreen(ModalScreen[bool]):
    """Dismisses with True to save, False to go back to editing."""

    CSS_PATH = stylesheet("calls.tcss")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,y,ctrl+s", "confirm", "Confirm and save", id="readback-confirm"),
        Binding("escape,n", "back", "Back to editing", id="readback-back"),
    ]

    def __init__(self, sentence: str, warning: str | None = None, *, title: str = "Read back to the caller") -> None:
        super().__init__()
        self.sentence = sentence
        self.warning = warning
        self.title_id = title

    def compose(self) -> ComposeResult:
        with Vertical(id="readback-box"):
            yield Static(Text(t(self.title_id), style="bold"), id="readback-title")
            yield Static(plain(self.sentence), id="readback-sentence")
            if self.warning:
                yield Static(Text.assemble(("⚠ ", "bold"), plain(self.warning)), id="readback-warning")
            yield Static(Text(t("Enter: correct, save it · Esc: back to the form"), style="dim"), id="readback-keys")
        yield DeskFooter()

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_back(self) -> None:
        self.dismiss(False)
