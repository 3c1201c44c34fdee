"""The desk's header: site, section, signed-in operator, the current shift and a clock in the site's zone."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from deskui.i18n import N_, t
from deskui.services.shifts import local_time, shift_at

if TYPE_CHECKING:
    from deskui.app import DeskApp

SHIFT_NAMES = {"day": N_("Day shift"), "night": N_("Night shift"), "midday": N_("Midday cover")}
TABS: tuple[tuple[str, str], ...] = (
    ("F2", N_("Home")),
    ("F3", N_("Calls")),
    ("F4", N_("Tickets")),
    ("F5", N_("Handover")),
    ("F6", N_("Directory")),
)


class DeskHeader(Widget):
    DEFAULT_CSS = """
    DeskHeader {
        dock: top;
        height: 2;
        background: $panel;
        color: $foreground;
    }
    """

    section: reactive[str] = reactive("", layout=False)
    """Message id of the section shown (translated when rendered)."""

    def __init__(self, section: str = "") -> None:
        super().__init__()
        self.set_reactive(DeskHeader.section, section)

    def on_mount(self) -> None:
        self.set_interval(1, self.refresh)

    def render(self) -> Text:
        app = cast("DeskApp", self.app)
        now = app.clock.now()
        local = local_time(app.settings, now)
        slot = shift_at(app.settings, now)
        left = Text.assemble((" deskui ", "bold reverse"), " ", (app.settings.site_name, "bold"))
        right = Text()
        if app.operator is not None:
            right.append(f"{app.operator.name} · {app.operator.role_label}   ")
        right.append(t(SHIFT_NAMES.get(slot.key, slot.key)) + "   ")
        right.append(local.strftime("%Y-%m-%d %H:%M"), "bold")
        right.append(" ")
        width = self.size.width
        gap = max(1, width - left.cell_len - right.cell_len)
        line = left + Text(" " * gap) + right
        line.truncate(width)
        return Text("\n").join([line, self.tabs(width)])

    def tabs(self, width: int) -> Text:
        """The sections and their keys, the current one highlighted: the way around without a mouse."""
        bar = Text(" ")
        for key, section in TABS:
            style = "bold reverse" if section == self.section else ""
            bar.append(f" {key} ", "bold")
            bar.append(f"{t(section)} ", style)
            bar.append(" ")
        bar.truncate(width)
        return bar
