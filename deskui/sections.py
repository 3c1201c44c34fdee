"""The desk's sections, listed once: each one's mode, key, name and screen.

Everything that names the sections reads this list: the app's modes and their key bindings (and so the footer, the
help and the command palette, which list the bindings), the header's tab bar and the home screen's tiles. Changing a
section's key, name or screen is an edit here and nowhere else.

The screens sit above this module (deskui.screens imports it, not the other way round), so a section names its
screen by where it is, "module:Class", and the class is imported when the section is first opened: the section
screens' widgets (DataTable…) stay off the start-up path.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from deskui.core.i18n import N_

if TYPE_CHECKING:
    from textual.screen import Screen


@dataclass(frozen=True)
class Section:
    mode: str
    """The app's mode for it (Textual's MODES), and its name in code."""
    key: str
    """Its key, as Textual names it ("f3")."""
    label: str
    """Message id of its name: the header's tab, the home tile, the binding's description (help, palette)."""
    screen: str
    """Where its screen class is, "module:Class"."""
    description: str = ""
    """Message id of the line under its name on the home screen; empty: no tile (Home itself)."""

    @property
    def key_label(self) -> str:
        """The key as the header and the home tiles print it ("F3")."""
        return self.key.upper()

    def make_screen(self) -> Screen[None]:
        """A new screen for the section, its module imported on first use."""
        module, _, name = self.screen.partition(":")
        screen_type: type[Screen[None]] = getattr(importlib.import_module(module), name)
        return screen_type()


SECTIONS: tuple[Section, ...] = (
    Section("home", "f2", N_("Home"), "deskui.screens.home:HomeScreen"),
    Section(
        "calls", "f3", N_("Calls"), "deskui.screens.calls:CallsScreen", N_("Log a call or visit, search every call")
    ),
    Section(
        "tickets",
        "f4",
        N_("Tickets"),
        "deskui.screens.tickets:TicketsScreen",
        N_("Work orders, complaints, help requests, callbacks"),
    ),
    Section(
        "handover",
        "f5",
        N_("Handover"),
        "deskui.screens.handover:HandoverScreen",
        N_("Duty log, equipment count, open items, sign-off"),
    ),
    Section(
        "directory",
        "f6",
        N_("Directory"),
        "deskui.screens.directory:DirectoryScreen",
        N_("Units, residents and their phone numbers"),
    ),
    Section(
        "reports",
        "f7",
        N_("Reports"),
        "deskui.screens.reports:ReportsScreen",
        N_("The month in figures: calls, targets, callbacks, recurring problems"),
    ),
    # F10: the first free F-key (F8 urgent, F9 language). xterm, VTE, kitty, Windows Terminal and tmux pass it on;
    # GNOME Terminal's menu takes it only while its "menu accelerator" setting is on. Ctrl+P reaches it as well.
    Section(
        "registers",
        "f10",
        N_("Registers"),
        "deskui.screens.registers:RegistersScreen",
        N_("Visitors, parcels, passes, patrols, renovations, keys"),
    ),
)
"""In the order of their keys: the header's tab bar and the home tiles show them in this order."""
