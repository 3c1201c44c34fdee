"""Home: where the desk lands after sign-in. The sections, their keys, and who is on duty."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Vertical
from textual.widgets import Static

from deskui.core.i18n import N_, t
from deskui.screens.base import DeskScreen

if TYPE_CHECKING:
    from textual.app import App

TILES: tuple[tuple[str, str, str, str], ...] = (
    # (mode, key, section message id, description message id)
    ("calls", "F3", N_("Calls"), N_("Log a call or visit, search every call")),
    ("tickets", "F4", N_("Tickets"), N_("Work orders, complaints, help requests, callbacks")),
    ("handover", "F5", N_("Handover"), N_("Duty log, equipment count, open items, sign-off")),
    ("directory", "F6", N_("Directory"), N_("Units, residents and their phone numbers")),
    ("reports", "F7", N_("Reports"), N_("The month in figures: calls, targets, callbacks, recurring problems")),
)


class SectionTile(Static, can_focus=True):
    """One section on the home screen; Enter or its letter opens it."""

    def __init__(self, mode: str, key: str, section: str, description: str) -> None:
        super().__init__(classes="tile")
        self.mode = mode
        self.key = key
        self.section = section
        self.description = description

    def render(self) -> Text:
        return Text.assemble(
            (f" {self.key} ", "reverse bold"),
            "  ",
            (t(self.section), "bold"),
            "\n\n",
            (t(self.description), "dim"),
        )

    async def on_click(self) -> None:
        await self.open()

    async def open(self) -> None:
        app: App[object] = self.app
        await app.switch_mode(self.mode)


class HomeScreen(DeskScreen):
    CSS_PATH = "../styles/home.tcss"
    SECTION: ClassVar[str] = "Home"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_tile", "Open", id="open-tile"),
        Binding("right,l", "app.focus_next", "Next", show=False),
        Binding("left,h", "app.focus_previous", "Previous", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Vertical(id="home"):
            yield Static(self.greeting(), id="home-greeting")
            with Grid(id="home-tiles"):
                for tile in TILES:
                    yield SectionTile(*tile)
        yield from self.compose_footer()

    def greeting(self) -> Text:
        operator = self.desk.operator
        name = operator.name if operator else ""
        return Text(t("Hello, {name}. Choose a section with its key, or Ctrl+P for every command.", name=name))

    def on_mount(self) -> None:
        self.desk.desk_screens.add(self)
        self.query(SectionTile).first().focus()

    def on_screen_resume(self) -> None:
        # Whoever signed in last (the lock screen lets another operator take over): greet them, not the first one.
        self.query_one("#home-greeting", Static).update(self.greeting())

    async def action_open_tile(self) -> None:
        if isinstance(self.focused, SectionTile):
            await self.focused.open()
