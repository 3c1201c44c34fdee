"""The small forms behind a ticket's actions: a few fields, one key per choice, Enter to save.

One modal serves every action: the ticket screen describes the fields and passes the service call as `submit`.
Enter runs it (after the field has taken the characters typed before it) and keeps the form open while the service
refuses (the message goes next to the field the service names in `ValidationError.field`), so nothing is written until
the input is valid; the keys typed after Enter wait for the answer, then go where it leads. When someone else changed
the ticket since it was shown (`TicketChanged`), the form closes with that outcome and the typed values, so the
ticket screen can say who changed it, reload, and offer the values again.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from deskui.core.errors import DeskError
from deskui.core.i18n import t
from deskui.services.tickets import TicketChanged
from deskui.widgets.background import saving
from deskui.widgets.choice_bar import ChoiceBar, ChoiceOption, assign_hotkeys
from deskui.widgets.footer import DeskFooter
from deskui.widgets.plain import plain

if TYPE_CHECKING:
    from deskui.services.tickets import TicketInfo


@dataclass(frozen=True)
class FormField:
    """One field: a line of text or a one-key choice."""

    name: str
    """The key in the values passed to `submit`, and the service's `ValidationError.field` shown next to it."""
    label: str
    """Message id of the label."""
    options: tuple[ChoiceOption, ...] = ()
    """One-key choices; empty for a text field."""
    value: str = ""
    placeholder: str = ""
    """Already translated."""
    required: bool = False
    """A choice that must be made (text fields are checked by the service, which knows its rules)."""
    also: tuple[str, ...] = ()
    """Other service field names whose messages belong next to this field."""
    active_when: tuple[str, tuple[str, ...]] | None = None
    """(choice field, values): usable only while that choice is one of these values, greyed out otherwise (and
    sending ""). Greyed out rather than hidden: a hidden field shown again has no place in the focus order until
    the next layout, and the key typed right after the choice would skip it."""

    @property
    def is_choice(self) -> bool:
        return bool(self.options)


@dataclass(frozen=True)
class FormOutcome:
    """How a form ended: the ticket as saved, or who changed it first (with what the operator had typed)."""

    saved: TicketInfo | None = None
    changed: TicketChanged | None = None
    values: Mapping[str, str] = field(default_factory=dict)


Submit = Callable[[dict[str, str]], Awaitable["TicketInfo"]]
DRAIN_SECONDS = 2.0


class TicketFormScreen(ModalScreen[FormOutcome | None]):
    """Dismisses with a FormOutcome once saved or overtaken by another terminal; None when the operator backs out."""

    CSS_PATH = "../styles/tickets.tcss"
    # Priority, so the keys typed after Enter wait until the form is saved (or refused) and then go to the ticket
    # screen, in order. Enter does not read the fields at once: the characters typed before it may still be
    # queued for the field, so it reads them after the field has taken them (see `drain`).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", "Save", id="ticket-form-save-enter", show=False, priority=True),
        Binding("ctrl+s", "submit", "Save", id="ticket-form-save", priority=True),
        Binding("escape", "cancel", "Back", id="ticket-form-back", priority=True),
    ]

    def __init__(
        self,
        title: str,
        fields: Sequence[FormField],
        submit: Submit,
        *,
        intro: Text | None = None,
        values: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.fields = list(fields)
        self.submit = submit
        self.intro = intro
        self.initial = dict(values or {})
        self.busy = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="ticket-form-box"):
            yield Static(Text(self.title_text, style="bold"), id="ticket-form-title")
            if self.intro is not None:
                yield Static(self.intro, id="ticket-form-intro")
            for spec in self.fields:
                value = self.initial.get(spec.name, spec.value)
                control: ChoiceBar | Input
                if spec.is_choice:
                    control = ChoiceBar(spec.options, value, id=f"tf-{spec.name}")
                else:
                    control = Input(value, placeholder=spec.placeholder, id=f"tf-{spec.name}", compact=True)
                with Horizontal(classes="tf-field", id=f"tf-field-{spec.name}"):
                    yield Label(t(spec.label), classes="tf-label")
                    with Vertical(classes="tf-control"):
                        yield control
                        yield Label("", classes="tf-error", id=f"tf-error-{spec.name}")
            yield Label("", classes="tf-error", id="tf-error-general")
            yield Static(Text(t("Enter: save · Esc: back, nothing is written"), style="dim"), id="ticket-form-keys")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.update_active()
        for bar in self.query(ChoiceBar):
            # A watcher runs as the value changes, before the bar moves focus on: a field a choice enables (the
            # satisfaction after "reached") is already there to take the next key typed.
            self.watch(bar, "value", lambda _value: self.update_active(), init=False)
        first = next((f for f in self.fields if self.active(f)), None)
        if first is not None:
            # set_focus, not focus(): at once, so the key typed right after the one that opened the form is the
            # form's (focus() would wait behind the keys already queued).
            self.set_focus(self.query_one(f"#tf-{first.name}"))

    # --- values and visibility ------------------------------------------------------------------------------

    def value(self, name: str) -> str:
        control = self.query_one(f"#tf-{name}")
        return str(control.value) if isinstance(control, ChoiceBar | Input) else ""

    def active(self, spec: FormField) -> bool:
        if spec.active_when is None:
            return True
        other, values = spec.active_when
        return self.value(other) in values

    def values(self) -> dict[str, str]:
        return {f.name: (self.value(f.name) if self.active(f) else "") for f in self.fields}

    def update_active(self) -> None:
        for spec in self.fields:
            if spec.active_when is not None:
                active = self.active(spec)
                self.query_one(f"#tf-{spec.name}").disabled = not active
                self.query_one(f"#tf-field-{spec.name}").set_class(not active, "-inactive")

    @on(ChoiceBar.Changed)
    def _choice_changed(self, event: ChoiceBar.Changed) -> None:
        name = (event.bar.id or "").removeprefix("tf-")
        if event.value:
            self.show_errors({name: ""}, keep=True)

    # --- errors ---------------------------------------------------------------------------------------------

    def field_for(self, service_field: str | None) -> str:
        """The form field a service message belongs to ("general" when none matches)."""
        for spec in self.fields:
            if service_field in (spec.name, *spec.also) and self.active(spec):
                return spec.name
        return "general"

    def show_errors(self, problems: Mapping[str, str], *, keep: bool = False) -> None:
        for name in [f.name for f in self.fields] + ["general"]:
            if keep and name not in problems:
                continue
            message = problems.get(name, "")
            label = self.query_one(f"#tf-error-{name}", Label)
            label.update(plain(message))
            label.set_class(bool(message), "-shown")
            if name != "general":
                self.query_one(f"#tf-field-{name}").set_class(bool(message), "-invalid")

    # --- saving -----------------------------------------------------------------------------------------------

    async def drain(self) -> None:
        """Wait until the focused field has taken every key already sent to it (its queue runs in order)."""
        focused = self.focused
        if focused is None:
            return
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        focused.call_later(lambda: done.done() or done.set_result(None))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done, DRAIN_SECONDS)

    async def action_submit(self) -> None:
        if self.busy:
            return
        self.busy = True
        try:
            await self.drain()
            await self.save()
        finally:
            self.busy = False

    async def save(self) -> None:
        """Check, call the service, and close, or show its refusal next to the field it names."""
        values = self.values()
        missing = {
            f.name: t("Choose one of these")
            for f in self.fields
            if f.is_choice and f.required and self.active(f) and not values[f.name]
        }
        self.show_errors(missing)
        if missing:
            self.set_focus(self.query_one(f"#tf-{next(iter(missing))}"))
            return
        try:
            saved = await saving(self, self.submit(values))  # "waiting for another terminal…" past a second
        except TicketChanged as exc:
            await self.dismiss(FormOutcome(changed=exc, values=values))
            return
        except DeskError as exc:
            name = self.field_for(exc.field)
            self.show_errors({name: exc.message})
            if name != "general":
                self.set_focus(self.query_one(f"#tf-{name}"))
            return
        await self.dismiss(FormOutcome(saved=saved, values=values))

    async def action_cancel(self) -> None:
        await self.dismiss(None)


class PickScreen(ModalScreen[str | None]):
    """Pick one of a short list (a department for the By-department queue): arrows and Enter, or its number."""

    CSS_PATH = "../styles/tickets.tcss"
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
