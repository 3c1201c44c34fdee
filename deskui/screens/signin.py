"""Sign-in and the idle lock: pick an operator, type the PIN.

The same screen serves both: at start it leads to the home screen; pushed by the idle lock over whatever was on
screen, it dismisses itself and leaves that screen exactly as it was.

Both show the urgent banner once the database is open (deskui.widgets.urgent_banner, signed out): a terminal left
locked at night still tells that an urgent call waits, live, without taking the focus or a key from the PIN.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static

from deskui.core.errors import DeskError
from deskui.core.i18n import t
from deskui.messages import ServicesFailed, ServicesOpened
from deskui.widgets.background import background, saving, still_running
from deskui.widgets.footer import DeskFooter
from deskui.widgets.signin_fields import OperatorPicker, PinField
from deskui.widgets.urgent_banner import UrgentBanner

if TYPE_CHECKING:
    from deskui.desk import Desk
    from deskui.services.operators import OperatorInfo


RELIST_SECONDS = 2.0
"""How often the sign-in asks again for the operators while none is listed (a busy database at start)."""


class SignInScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Previous operator", show=False),
        Binding("down", "move(1)", "Next operator", show=False),
        # Not a priority binding: Enter must reach the PIN input after the digits typed before it, or a fast
        # typist's Enter overtakes the PIN still queued for the input.
        Binding("enter", "sign_in", "Sign in"),
    ]

    def __init__(self, *, lock: bool = False) -> None:
        super().__init__(classes="-lock" if lock else "")
        # Not `self.lock`: that is Textual's own Widget.lock (the RLock recompose takes); shadowing it crashed F9.
        self.is_lock_screen = lock
        self.operators: list[OperatorInfo] = []
        self.pending = False

    @property
    def desk(self) -> Desk:
        return cast("Desk", self.app)

    def compose(self) -> ComposeResult:
        yield UrgentBanner(signed_out=True)  # docked at the top (signin.tcss); hidden while nothing waits
        with Vertical(id="signin-box"):
            yield Static(Text.assemble(("deskui", "bold"), "  ", self.desk.settings.site_name), id="signin-site")
            yield Static(self.title_text(), id="signin-title")
            yield Static(t("Operator"), classes="field-label", id="signin-operator-label")
            yield OperatorPicker(id="signin-operators")
            yield Static(t("PIN"), classes="field-label", id="signin-pin-label")
            yield PinField(id="signin-pin")
            yield Static("", id="signin-message")
        yield DeskFooter()

    def title_text(self) -> str:
        return t("Screen locked") if self.is_lock_screen else t("Sign in")

    async def language_changed(self) -> None:
        """F9: the same screen in the other language, redrawn in place. The chosen operator, the PIN typed so far
        and the focus stay, so a receptionist can press F9 half-way through signing in."""
        self.query_one("#signin-title", Static).update(self.title_text())
        self.query_one("#signin-operator-label", Static).update(t("Operator"))
        self.query_one("#signin-pin-label", Static).update(t("PIN"))
        self.query_one(UrgentBanner).refresh()
        if self.operators:
            self.show_operators()
        elif self.desk.services is None and not self.desk.open_error:
            self.show_message(t("Opening the database…"), error=False)

    def on_mount(self) -> None:
        self.query_one("#signin-pin", PinField).focus()
        self.set_interval(RELIST_SECONDS, self.relist_operators)
        if self.desk.services is not None:
            self.list_operators()
        elif self.desk.open_error:
            self.show_message(self.desk.open_error)
        else:
            self.show_message(t("Opening the database…"), error=False)

    def on_services_opened(self, _message: ServicesOpened) -> None:
        self.list_operators()
        self.query_one(UrgentBanner).fetch(force=True)

    def on_services_failed(self, message: ServicesFailed) -> None:
        self.show_message(message.reason)

    def list_operators(self) -> None:
        self.run_worker(self.load_operators(), exclusive=True, group="signin-operators")

    def relist_operators(self) -> None:
        """None listed yet (the database was busy, or nobody was added yet): ask again, one read at a time."""
        if self.desk.services is not None and not self.operators and not still_running(self, "signin-operators"):
            self.list_operators()

    @background
    async def load_operators(self) -> None:
        services = self.desk.services
        assert services is not None
        operators = await asyncio.to_thread(services.operators.list)
        self.show_operators(operators)
        if not self.operators:
            self.show_message(t("No operators yet: add one with `deskui operators add NAME --role supervisor`"))
            return
        self.show_message("", error=False)
        if self.pending and self.query_one("#signin-pin", PinField).value:
            self.pending = False
            await self.action_sign_in()

    def show_operators(self, operators: list[OperatorInfo] | None = None) -> None:
        """List the operators (role names in the current language), keeping the one already chosen, else the one
        signed in (the lock screen), else the first."""
        picker = self.query_one("#signin-operators", OperatorPicker)
        chosen = self.operators[picker.highlighted] if picker.highlighted is not None and self.operators else None
        current = chosen or self.desk.operator
        if operators is not None:
            self.operators = operators
        index = next((i for i, op in enumerate(self.operators) if current and op.id == current.id), 0)
        picker.set_options(
            [Text.assemble((op.name, "bold"), "  ", (op.role_label, "dim")) for op in self.operators], index
        )

    def show_message(self, text: str, *, error: bool = True) -> None:
        label = self.query_one("#signin-message", Static)
        label.update(Text(text))
        label.set_class(error, "-error")

    def action_move(self, step: int) -> None:
        self.query_one("#signin-operators", OperatorPicker).move(step)

    @on(PinField.Submitted, "#signin-pin")
    async def _pin_submitted(self) -> None:
        await self.action_sign_in()

    async def action_sign_in(self) -> None:
        picker = self.query_one("#signin-operators", OperatorPicker)
        pin_field = self.query_one("#signin-pin", PinField)
        if self.desk.services is None or picker.highlighted is None or not self.operators:
            # Typed ahead of the database opening: sign in as soon as the operators are listed.
            self.pending = True
            return
        operator = self.operators[picker.highlighted]
        pin = pin_field.value
        if not pin:
            self.show_message(t("Type the PIN"))
            return
        try:
            signed_in = await saving(
                self, asyncio.to_thread(self.desk.services.operators.authenticate, operator.id, pin)
            )
        except DeskError as exc:  # a wrong PIN, a lockout, the database busy or its disk full: said, the app goes on
            pin_field.value = ""
            self.show_message(exc.message)
            return
        pin_field.value = ""
        await self.desk.signed_in(signed_in, from_lock=self.is_lock_screen)
