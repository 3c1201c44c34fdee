"""Home: where the desk lands after sign-in. The sections, their keys, and who is on duty."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Vertical
from textual.widgets import Static

from deskui.core.i18n import t
from deskui.screens.base import DeskScreen
from deskui.sections import SECTIONS, Section

if TYPE_CHECKING:
    from textual.app import App


class SectionTile(Static, can_focus=True):
    """One section on the home screen; Enter or its letter opens it."""

    def __init__(self, section: Section) -> None:
        super().__init__(classes="tile")
        self.section = section

    def render(self) -> Text:
        return Text.assemble(
            (f" {self.section.key_label} ", "reverse bold"),
            "  ",
            (t(self.section.label), "bold"),
            "\n\n",
            (t(self.section.description), "dim"),
        )

    async def on_click(self) -> None:
        await self.open()

    async def open(self) -> None:
        app: App[object] = self.app
        await app.switch_mode(self.section.mode)


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
                for section in SECTIONS:
                    if section.description:  # every section but Home itself
                        yield SectionTile(section)
        yield from self.compose_footer()

    def greeting(self) -> Text:
        operator = self.desk.operator
        name = operator.name if operator else ""
        return Text(t("Hello, {name}. Choose a section with its key, or Ctrl+P for every command.", name=name))

    def on_mount(self) -> None:
        self.desk.desk_screens.add(self)
        self.query(SectionTile).first().focus()

    async def on_screen_resume(self) -> None:
        # Whoever signed in last (the lock screen lets another operator take over): greet them, not the first one.
        self.query_one("#home-greeting", Static).update(self.greeting())

    async def action_open_tile(self) -> None:
        if isinstance(self.focused, SectionTile):
            await self.focused.open()
