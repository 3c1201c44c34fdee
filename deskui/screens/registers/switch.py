"""The registers of the Registers section and the keys that switch between them: one line per register.

A register is a screen: the visitors, parcels and passes views of `RegistersScreen` (deskui.screens.registers.table)
or a screen of its own (patrols, renovations, keys), named "module:Class" and imported when first opened, like the
sections (deskui.sections). A register whose module is not there is left out: its key does nothing and is not
listed. Every register's screen gets the digit keys (`RegisterKeys`) and shows the Registers tab in the header.
The section's own screen (the table) stays at the bottom of its stack, as it was left; another register's screen
goes on top of it, replacing the one there, and a digit of the table's takes it off again.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget

from deskui.core.i18n import N_, t
from deskui.widgets.header import DeskHeader

if TYPE_CHECKING:
    from textual.app import App, ComposeResult

TABLE = "deskui.screens.registers.table:RegistersScreen"
"""The screen of the registers kept in one table, opened with the register's name as its view."""


@dataclass(frozen=True)
class Register:
    key: str
    """Its digit inside the section."""
    name: str
    """Its name in code: the view of TABLE, or any name for a screen of its own."""
    label: str
    """Message id of its name (the section's strip, help, palette)."""
    screen: str = TABLE
    """Where its screen class is, "module:Class"."""

    @property
    def module(self) -> str:
        return self.screen.partition(":")[0]


REGISTERS: tuple[Register, ...] = (
    Register("1", "visitors", N_("Visitors")),
    Register("2", "parcels", N_("Parcels")),
    Register("3", "passes", N_("Passes")),
    Register("4", "patrols", N_("Patrols"), "deskui.screens.patrols:PatrolsScreen"),
    Register("5", "renovations", N_("Renovations"), "deskui.screens.renovations:RenovationsScreen"),
    Register("6", "keys", N_("Key inventory"), "deskui.screens.keys:KeysScreen"),
)
"""In the order of their keys."""

BY_NAME = {r.name: r for r in REGISTERS}


@functools.cache
def available(register: Register) -> bool:
    """Its screen's module is installed (a register still being built is left out)."""
    try:
        return importlib.util.find_spec(register.module) is not None
    except ImportError:
        return False


def registers() -> list[Register]:
    """The registers this deskui has, in the order of their keys."""
    return [r for r in REGISTERS if available(r)]


class RegisterStrip(Widget):
    """The section's registers and their digits under the header, the one shown highlighted."""

    DEFAULT_CSS = """
    RegisterStrip {
        height: 1;
        padding: 0 1;
        margin-bottom: 1;
    }
    """

    current: reactive[str] = reactive("")
    """The name of the register shown."""

    def __init__(self, current: str) -> None:
        super().__init__(id="rg-registers")
        self.set_reactive(RegisterStrip.current, current)

    def render(self) -> Text:
        line = Text()
        for register in registers():
            line.append(f" {register.key} ", "bold")
            line.append(t(register.label), "bold reverse" if register.name == self.current else "")
            line.append(" ")
        return line


class RegisterKeys(Screen[None]):
    """What every register's screen has: the digits that switch register, and the Registers tab in the header.

    A Screen, not a DeskScreen: it goes first in the bases of a register's screen (`screen_type`), and a DeskScreen
    there would put DeskScreen's methods before the register screen's own."""

    SECTION: ClassVar[str] = N_("Registers")
    REGISTER: ClassVar[str] = ""
    """The register this screen shows (a screen of its own); RegistersScreen says it per view."""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(r.key, f"register('{r.name}')", r.label, id=f"register-{r.name}", show=False) for r in REGISTERS
    ]

    def compose(self) -> ComposeResult:
        """A register's own screen as it composes itself, with the section's strip of registers under the header
        (the registers' screens all start with the header: deskui.screens.base.DeskScreen.compose_header)."""
        for widget in super().compose():
            yield widget
            if isinstance(widget, DeskHeader):
                yield RegisterStrip(self.showing())

    def showing(self) -> str:
        """The register shown now."""
        return self.REGISTER

    def shows_in_place(self, name: str) -> bool:
        """This screen can show register `name` itself (another view of one table)."""
        return name == self.showing()

    def show_in_place(self, name: str, entry: Any = None) -> None:
        """Show register `name` (one `shows_in_place` accepts), the cursor on `entry` if given."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "register":
            register = BY_NAME.get(str(parameters[0])) if parameters else None
            return register is not None and available(register)
        return super().check_action(action, parameters)

    async def action_register(self, name: str) -> None:
        await open_register(self.app, name)


async def open_register(app: App[Any], name: str, entry: Any = None) -> Screen[Any] | None:
    """Register `name` in the Registers section, shown now (the cursor on `entry` if given), or None if it cannot
    open. Called on the section's screens: its stack is the one shown."""
    register, stack = BY_NAME[name], app.screen_stack
    in_place = entry is None or register.screen == TABLE  # a screen of its own is made anew to go to an entry
    hosts = [s for s in (stack[-1], stack[0]) if in_place and isinstance(s, RegisterKeys) and s.shows_in_place(name)]
    if hosts:
        while app.screen is not hosts[0] and len(app.screen_stack) > 1 and isinstance(app.screen, RegisterKeys):
            await app.pop_screen()
        hosts[0].show_in_place(name, entry)
        return hosts[0]
    try:
        screen = make_screen(register, entry)
    except (ImportError, AttributeError) as exc:  # a register's module being written while this runs
        from deskui.core.i18n import t

        app.notify(t("{name} cannot open: {error}", name=t(register.label), error=str(exc)), severity="error")
        return None
    if len(stack) > 1 and isinstance(app.screen, RegisterKeys):
        await app.switch_screen(screen)
    else:
        await app.push_screen(screen)
    return screen


def make_screen(register: Register, entry: Any = None) -> Screen[Any]:
    """A new screen for `register`: the table's at its view (the cursor to go on `entry`), or the register's own."""
    found: Any = screen_type(register.screen)
    if register.screen != TABLE:
        return found(entry=entry) if entry is not None else found()
    screen = found(view=register.name)
    screen.entry = entry
    return screen


@functools.cache
def screen_type(path: str) -> type[Screen[Any]]:
    """The screen class at "module:Class", given the register keys if it has not got them (another helper's
    screen: the same class, with `RegisterKeys` first among its bases, named and placed like the original so its
    relative CSS_PATH and its CSS type selectors still apply)."""
    module, _, name = path.partition(":")
    found: type[Screen[Any]] = getattr(importlib.import_module(module), name)
    if issubclass(found, RegisterKeys):
        return found
    register = next(r.name for r in REGISTERS if r.screen == path)
    wrapped: type[Screen[Any]] = type(
        found.__name__,
        (RegisterKeys, found),
        {"__module__": found.__module__, "__qualname__": found.__qualname__, "REGISTER": register},
    )
    return wrapped
