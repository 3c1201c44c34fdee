"""One call with every version: the original as it was taken and each correction after it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from deskui.core.i18n import t
from deskui.screens import stylesheet
from deskui.screens.timeline import TIMELINE_BINDING, open_timeline
from deskui.widgets.footer import DeskFooter
from deskui.widgets.plain import plain

if TYPE_CHECKING:
    from deskui.services.calls import CallInfo


class CallDetailScreen(ModalScreen[str | None]):
    """Dismisses with "correct" when the operator asks to correct the latest version, else None."""

    CSS_PATH = stylesheet("calls.tcss")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss(None)", "Close", id="call-detail-close"),
        Binding("ctrl+r", "dismiss('correct')", "Correct", id="call-detail-correct"),
        TIMELINE_BINDING,
    ]

    def __init__(self, versions: Sequence[CallInfo], describe: dict[str, str], when: Sequence[str]) -> None:
        super().__init__()
        self.versions = list(versions)
        self.describe = describe
        self.when = list(when)

    def version_table(self, call: CallInfo, when: str) -> Table:
        table = Table.grid(padding=(0, 1))
        table.add_column(style="dim", no_wrap=True)
        table.add_column()
        rows = (
            (t("Time"), when),
            (t("Channel"), self.describe.get(f"channel:{call.channel}", call.channel)),
            (t("Caller"), call.caller),
            (t("Unit"), call.unit),
            (t("Phone"), call.phone),
            (t("Category"), self.describe.get(f"category:{call.category}", call.category)),
            (t("Content"), call.content),
            (t("Visit time"), call.visit_time),
            (t("Taken by"), call.operator),
        )
        for label, value in rows:
            if value:
                table.add_row(Text(label), plain(value))
        if call.urgent:
            table.add_row(Text(t("Urgent")), Text("!", style="bold"))
        return table

    async def action_open_timeline(self) -> None:
        """F12: the story of the call's unit (as its latest version names it)."""
        await open_timeline(self.app, self.versions[-1].unit if self.versions else "")

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="call-detail-box"):
            for number, (call, when) in enumerate(zip(self.versions, self.when, strict=True)):
                if number == 0:
                    title = t("Call #{id} as taken", id=call.id)
                else:
                    title = t("Correction #{id} of #{amends}", id=call.id, amends=call.amends_id)
                style = "bold" if call.is_current else "dim"
                yield Static(Text(title, style=style), classes="call-version-title")
                yield Static(self.version_table(call, when), classes="call-version")
        yield DeskFooter()
