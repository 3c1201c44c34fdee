"""What the Handover section's views share: one key to each view, and small display helpers.

The section (F5) is the handover checklist with four views reachable from it by one key each — the duty log, the
roster, the key log and the supervisor's review. The checklist is the base of the section's screen stack; a view
is pushed on top of it and replaced by the next view, so Esc or C always leads back to the checklist.
"""

from __future__ import annotations

import importlib
from datetime import datetime
from typing import ClassVar

from rich.style import Style
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen

from deskui.i18n import N_, t
from deskui.screens.base import DeskScreen
from deskui.services.shifts import local_time
from deskui.widgets.footer import DeskFooter

# (view, key, message id, module, class): the checklist first, the base of the section's stack.
VIEWS: tuple[tuple[str, str, str, str, str], ...] = (
    ("checklist", "c", N_("Checklist"), "handover", "HandoverScreen"),
    ("dutylog", "l", N_("Duty log"), "dutylog", "DutyLogScreen"),
    ("roster", "r", N_("Roster"), "roster", "RosterScreen"),
    ("keys", "k", N_("Key log"), "keys", "KeyLogScreen"),
    ("review", "v", N_("Review"), "review", "ReviewScreen"),
)
SHIFT_NAMES = {"day": N_("Day shift"), "night": N_("Night shift"), "midday": N_("Midday cover")}


def shift_name(key: str) -> str:
    return t(SHIFT_NAMES.get(key, key))


def theme_style(app: App[object], variable: str, *, bold: bool = False) -> Style:
    """A Rich style in a theme colour ($error, $warning, $success…), for table cells that CSS cannot reach."""
    colour = app.theme_variables.get(variable)
    return Style(color=colour, bold=bold) if colour else Style(bold=bold)


class HandoverSection(DeskScreen):
    """A view of the Handover section: the section's header, and a key to every other view of it."""

    SECTION: ClassVar[str] = "Handover"
    VIEW: ClassVar[str] = ""
    BINDINGS: ClassVar[list[BindingType]] = []

    def compose_footer(self) -> ComposeResult:
        """Compact: the section's views and the screen's own keys share one line, even at 80 columns."""
        yield DeskFooter(compact=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "view":
            return parameters[0] != self.VIEW
        return True

    def hm(self, moment: datetime | None, fmt: str = "%H:%M") -> str:
        """A stored (UTC) time in the site's zone."""
        return local_time(self.desk.settings, moment).strftime(fmt) if moment is not None else ""

    async def action_view(self, view: str) -> None:
        """Open a view: back down to the checklist, or the view on top of it (replacing another view)."""
        if view == self.VIEW:
            return
        app = self.app
        if view == "checklist":
            while len(app.screen_stack) > 1 and isinstance(app.screen, HandoverSection):
                if view == app.screen.VIEW:
                    break
                app.pop_screen()
            return
        _, _, _, module, name = next(v for v in VIEWS if v[0] == view)
        screen: Screen[None] = getattr(importlib.import_module(f"deskui.screens.{module}"), name)()
        if self.VIEW == "checklist":
            await app.push_screen(screen)
        else:
            await app.switch_screen(screen)

    def action_back(self) -> None:
        """Esc in a view: back to the checklist."""
        self.run_worker(self.action_view("checklist"))


BACK = Binding("escape", "back", "Back to the checklist", id="handover-back", show=False)


def view_bindings(current: str) -> list[BindingType]:
    """One key to each other view of the section, after the screen's own keys in the footer."""
    return [
        Binding(key, f"view('{view}')", label, id=f"handover-view-{view}")
        for view, key, label, _, _ in VIEWS
        if view != current
    ]
