"""What the Handover section's views share: one key to each view, and small display helpers.

The section (F5) is the handover checklist with four views reachable from it by one key each — the duty log, the
roster, the key log and the supervisor's review. The checklist is the base of the section's screen stack; a view
is pushed on top of it and replaced by the next view, so Esc or C always leads back to the checklist.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import ScrollableContainer
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, OptionList

from deskui.core.i18n import N_, t
from deskui.screens.base import DeskScreen
from deskui.services.common.shifts import SHIFT_LABELS, local_time
from deskui.widgets.colours import text_style
from deskui.widgets.footer import DeskFooter

# (view, key, message id, module, class): the checklist first, the base of the section's stack.
VIEWS: tuple[tuple[str, str, str, str, str], ...] = (
    ("checklist", "c", N_("Checklist"), "handover.screen", "HandoverScreen"),
    ("dutylog", "l", N_("Duty log"), "handover.dutylog", "DutyLogScreen"),
    ("roster", "r", N_("Roster"), "handover.roster", "RosterScreen"),
    ("keys", "k", N_("Key log"), "handover.keylog", "KeyLogScreen"),
    ("review", "v", N_("Review"), "handover.review", "ReviewScreen"),
)
MOVE_KEYS = ("up", "down", "left", "right", "pageup", "pagedown", "home", "end")
# The action each cursor key runs on the focused widget (the widgets' own bindings, taken at once).
MOVES: tuple[tuple[type[Widget], dict[str, str]], ...] = (
    (
        DataTable,
        {
            "up": "cursor_up",
            "down": "cursor_down",
            "left": "cursor_left",
            "right": "cursor_right",
            "pageup": "page_up",
            "pagedown": "page_down",
            "home": "scroll_home",
            "end": "scroll_end",
        },
    ),
    (
        OptionList,
        {
            "up": "cursor_up",
            "down": "cursor_down",
            "pageup": "page_up",
            "pagedown": "page_down",
            "home": "first",
            "end": "last",
        },
    ),
    (
        ScrollableContainer,
        {
            "up": "scroll_up",
            "down": "scroll_down",
            "pageup": "page_up",
            "pagedown": "page_down",
            "home": "scroll_home",
            "end": "scroll_end",
        },
    ),
)


def shift_name(key: str) -> str:
    return t(SHIFT_LABELS.get(key, key))


def theme_style(app: App[object], variable: str, *, bold: bool = False) -> Style:
    """A Rich style for words in a theme colour ("error" is `$text-error`: widgets.colours), for table cells that
    CSS cannot reach."""
    return text_style(app, variable, bold=bold)


def clip(text: Text, width: int) -> Text:
    """One table cell at most `width` cells wide, so a long title cannot push the next columns off screen."""
    text.truncate(width, overflow="ellipsis")
    return text


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

    async def open_modal(
        self, screen: Screen[Any], callback: Callable[[Any], None] | Callable[[Any], Awaitable[None]]
    ) -> None:
        """Push a form and wait until it is mounted with its first field focused.

        The keys that open forms are priority bindings, taken as the key arrives rather than after it has bubbled up
        from the table; together with this wait, what is typed right after the key lands in the form, not in the
        table underneath (these screens have no text field of their own for such a key to belong to).
        """
        await self.app.push_screen(screen, callback)

    async def action_move(self, key: str) -> None:
        """A cursor key for the focused table, list or scroll area, taken as it arrives (see `view_bindings`)."""
        widget = self.focused
        for kind, actions in MOVES:
            if isinstance(widget, kind):
                if key in actions:
                    await self.app.run_action(actions[key], widget)
                return

    def action_back(self) -> None:
        """Esc in a view: back to the checklist."""
        self.run_worker(self.action_view("checklist"))


BACK = Binding("escape", "back", "Back to the checklist", id="handover-back", show=False)


def view_bindings(current: str) -> list[BindingType]:
    """One key to each other view of the section (after the screen's own keys in the footer), and the cursor keys.

    Every key of these screens is a priority binding, taken in the order the keys arrive: a key that opens a form
    (or acts on the row under the cursor) must not overtake a cursor key typed before it, which an ordinary
    binding would only see after it has bubbled up from the table. The screens hold no text field of their own.
    """
    return [
        *(Binding(key, f"move('{key}')", show=False, priority=True) for key in MOVE_KEYS),
        *(
            Binding(key, f"view('{view}')", label, id=f"handover-view-{view}", priority=True)
            for view, key, label, _, _ in VIEWS
            if view != current
        ),
    ]
