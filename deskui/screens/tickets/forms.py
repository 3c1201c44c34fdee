"""The small forms behind a ticket's actions: a few fields, one key per choice, Enter to save.

One modal serves every action (deskui.screens.forms): the ticket screen describes the fields and passes the service
call as `submit`. Enter runs it and keeps the form open while the service refuses (the message goes next to the field
the service names in `ValidationError.field`), so nothing is written until the input is valid; the keys typed after
Enter wait for the answer, then go where it leads. When someone else changed the ticket since it was shown
(`TicketChanged`), the form closes with that outcome and the typed values, so the ticket screen can say who changed
it, reload, and offer the values again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from deskui.core.errors import DeskError
from deskui.core.i18n import t
from deskui.screens import stylesheet
from deskui.screens.forms import FormField, FormNames, FormScreen
from deskui.services.tickets import TicketChanged
from deskui.widgets.choice_bar import ChoiceBar, ChoiceOption, assign_hotkeys
from deskui.widgets.footer import DeskFooter

if TYPE_CHECKING:
    from deskui.services.tickets import TicketInfo

__all__ = ["FormField", "FormOutcome", "PickScreen", "TicketFormScreen", "choice", "options_from"]


def choice(name: str, label: str, options: tuple[ChoiceOption, ...], value: str = "", **more: Any) -> FormField:
    """A one-key choice field (its options from `options_from`); a line of text when there is nothing to choose."""
    return FormField(name, label, "choice" if options else "line", value, choices=options, **more)


@dataclass(frozen=True)
class FormOutcome:
    """How a form ended: the ticket as saved, or who changed it first (with what the operator had typed)."""

    saved: TicketInfo | None = None
    changed: TicketChanged | None = None
    values: Mapping[str, str] = field(default_factory=dict)


Submit = Callable[[dict[str, str]], Awaitable["TicketInfo"]]


class TicketFormScreen(FormScreen):
    """The one modal form (deskui.screens.forms) with the tickets' ways: Enter saves from any field, a choice's letter
    moves focus on in screen order, and a ticket someone else changed first closes the form.

    Dismisses with a FormOutcome once saved or overtaken by another terminal; None when the operator backs out.
    """

    CSS_PATH = stylesheet("tickets.tcss")
    # Priority, so the keys typed after Enter wait until the form is saved (or refused) and then go to the ticket
    # screen, in order (the form holds them while it saves).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", "Save", id="ticket-form-save-enter", show=False, priority=True),
        Binding("ctrl+s", "submit", "Save", id="ticket-form-save", priority=True),
        Binding("escape", "cancel", "Back", id="ticket-form-back", priority=True),
    ]
    NAMES: ClassVar[FormNames] = FormNames(
        prefix="tf", box="ticket-form-box", title="ticket-form-title", intro="ticket-form-intro",
        hint="ticket-form-keys", general_error="tf-error-general",
    )  # fmt: skip
    CLEAR_ON_SAVE: ClassVar[bool] = True

    def __init__(
        self,
        title: str,
        fields: Sequence[FormField],
        submit: Submit,
        *,
        intro: Text | None = None,
        values: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(title, fields, submit, intro=intro, values=values)

    def default_hint(self) -> str:
        return t("Enter: save · Esc: back, nothing is written")

    def choice_key(self, bar: ChoiceBar, event: events.Key) -> bool:
        return ChoiceBar.take_key(bar, event)

    def chosen(self, name: str, value: str) -> None:
        if value:
            self.show_errors({name: ""}, keep=True)

    def refused(self, exc: DeskError, values: dict[str, Any]) -> object | None:
        return FormOutcome(changed=exc, values=values) if isinstance(exc, TicketChanged) else None

    def outcome(self, result: object, values: dict[str, Any]) -> object:
        return FormOutcome(saved=cast("TicketInfo", result), values=values)


class PickScreen(ModalScreen[str | None]):
    """Pick one of a short list (a department for the By-department queue): arrows and Enter, or its number."""

    CSS_PATH = stylesheet("tickets.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority: the number is taken as it arrives, so the key typed after it acts on the list picked.
        Binding("escape", "dismiss(None)", "Back", id="pick-back", priority=True),
        *(Binding(str(n), f"pick({n - 1})", show=False, priority=True) for n in range(1, 10)),
    ]

    def __init__(self, title: str, choices: Sequence[tuple[str, Text]], current: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.choices = list(choices)
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="pick-box"):
            yield Static(Text(self.title_text, style="bold"), id="pick-title")
            options = []
            for n, (key, label) in enumerate(self.choices, start=1):
                options.append(Option(Text.assemble((f"{n} ", "bold"), label), id=key))
            yield OptionList(*options, id="pick-list")
        yield DeskFooter()

    def on_mount(self) -> None:
        options = self.query_one("#pick-list", OptionList)
        keys = [key for key, _ in self.choices]
        options.highlighted = keys.index(self.current) if self.current in keys else 0
        self.set_focus(options)

    @on(OptionList.OptionSelected, "#pick-list")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    async def action_pick(self, index: int) -> None:
        if index < len(self.choices):
            await self.dismiss(self.choices[index][0])


def options_from(pairs: Sequence[tuple[str, str, str, str]]) -> tuple[ChoiceOption, ...]:
    """(key, label, english label, preferred hotkey) → one-key choices (see widgets.choice_bar.assign_hotkeys)."""
    return tuple(assign_hotkeys(pairs))
