"""One small form in a box, for every entry of the Handover section: a count, a note, a reason, a PIN, a key loan.

The form does not save anything itself: the screen that opens it passes `submit`, a coroutine that calls the service
(in a thread) and raises the service's DeskError when it refuses. The refusal is shown next to the field it names
(`field`), or under the form, and the form stays open with everything typed; on success the form closes with what
`submit` returned. So a wrong PIN or a count that is not a number writes nothing and costs no retyping.

Type-ahead loses nothing. The app hands keys on one at a time, each once the one before has settled
(deskui.widgets.keyqueue), so a key typed after Enter reaches the field Enter moved to. Enter and Ctrl+S are taken by the
field itself, in its own turn, so the form reads exactly what was typed before them. While the form saves, keys are
held (`start_hold`) and go on, in order, to whatever has focus once it has closed or shown its refusal, so
"e 2 ⏎ ↓ e 2 ⏎" counts two rows in one go.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList, SelectionList, Static, TextArea
from textual.widgets.option_list import Option

from deskui.core.errors import DeskError, PinRejected
from deskui.core.i18n import t
from deskui.widgets.background import saving
from deskui.widgets.choice_bar import ChoiceBar, assign_hotkeys
from deskui.widgets.footer import DeskFooter
from deskui.widgets.keyqueue import KeyHold, start_hold
from deskui.widgets.plain import plain

FIELD_KINDS = ("line", "text", "pin", "choice", "pick", "multi")


@dataclass(frozen=True)
class FormField:
    """One field. `label` is a message id; `options` are (key, label shown) pairs for choice / pick / multi."""

    name: str
    label: str
    kind: str = "line"  # see FIELD_KINDS
    value: str = ""
    placeholder: str = ""
    options: tuple[tuple[str, str], ...] = ()
    selected: tuple[str, ...] = ()  # multi: the keys ticked at the start


Submit = Callable[[dict[str, Any]], Awaitable[object]]


def route_key(widget: Widget, event: events.Key) -> None:
    """Give a form's key to the form first (see the module docstring); the field handles what the form leaves."""
    screen = widget.screen
    if isinstance(screen, FormScreen) and screen.take_key(widget, event):
        event.stop()
        event.prevent_default()


class FormInput(Input):
    async def _on_key(self, event: events.Key) -> None:
        route_key(self, event)


class FormText(TextArea):
    async def _on_key(self, event: events.Key) -> None:
        route_key(self, event)


class FormPick(OptionList):
    async def _on_key(self, event: events.Key) -> None:
        route_key(self, event)


class FormChoice(ChoiceBar):
    """A ChoiceBar that goes on in its form's order; a choice in the last field saves."""

    def take_key(self, event: events.Key) -> bool:
        """As ChoiceBar, but on to the form's next field in the form's order, and a choice in the last field saves."""
        screen = self.screen
        if not isinstance(screen, FormScreen):
            return super().take_key(event)
        if screen.busy:
            return False
        char = (event.character or "").lower()
        for number, option in enumerate(self.options, start=1):
            if char and (char == option.hotkey or (char.isdigit() and int(char) == number)):
                self.value = option.key
                screen.advance((self.id or "").removeprefix("form-"))
                return True
        return False

    async def _on_key(self, event: events.Key) -> None:
        route_key(self, event)


class FormScreen(ModalScreen[object]):
    """Dismisses with what `submit` returned (never None on success), or None when cancelled with Esc."""

    CSS_PATH = "../styles/handover_forms.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Save", id="form-save"),
        Binding("escape", "cancel", "Cancel", id="form-cancel"),
    ]

    def __init__(
        self,
        title: str,
        fields: Sequence[FormField],
        submit: Submit,
        *,
        intro: Text | str | None = None,
        hint: str = "",
        focus: str = "",
    ) -> None:
        super().__init__()
        self.form_title = title
        self.fields = list(fields)
        self.submit = submit
        self.intro = intro
        self.hint = hint
        self.focus_first = focus or (self.fields[0].name if self.fields else "")
        self.busy = False
        self.saving: KeyHold | None = None
        """Holds the keys typed while saving, until the form has closed or shown its refusal."""

    # --- layout ---------------------------------------------------------------------------------------------

    def control(self, field: FormField) -> Widget:
        widget_id = f"form-{field.name}"
        if field.kind == "text":
            area = FormText(field.value, id=widget_id, compact=True, soft_wrap=True)
            area.show_line_numbers = False
            return area
        if field.kind == "pin":
            return FormInput(password=True, id=widget_id, max_length=12, restrict=r"[0-9]*", compact=True)
        if field.kind == "choice":
            options = assign_hotkeys([(key, label, key, "") for key, label in field.options])
            return FormChoice(options, field.value, id=widget_id)
        if field.kind == "pick":
            options = (Option(plain(label, one_line=True), id=key) for key, label in field.options)
            return FormPick(*options, id=widget_id)
        if field.kind == "multi":
            return SelectionList[str](
                *((plain(label, one_line=True), key, key in field.selected) for key, label in field.options),
                id=widget_id,
            )
        return FormInput(field.value, placeholder=field.placeholder, id=widget_id, compact=True)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="form-box"):
            yield Static(Text(self.form_title, style="bold"), id="form-title")
            if self.intro:
                intro = self.intro if isinstance(self.intro, Text) else plain(self.intro)
                yield Static(intro, id="form-intro")
            for field in self.fields:
                with Horizontal(classes=f"form-field -{field.kind}", id=f"form-field-{field.name}"):
                    yield Label(t(field.label), classes="form-label")
                    with Vertical(classes="form-control"):
                        yield self.control(field)
                        yield Label("", classes="form-error", id=f"form-error-{field.name}")
            yield Label("", classes="form-error", id="form-error")
            hint = self.hint or t("Ctrl+S: save · Esc: cancel")
            yield Static(Text(hint, style="dim"), id="form-hint")
        yield DeskFooter()

    def on_mount(self) -> None:
        for field in self.fields:
            if field.kind == "text" and field.value:
                area = self.query_one(f"#form-{field.name}", TextArea)
                area.move_cursor(area.document.end)  # a correction usually adds to what was written
            if field.kind == "pick" and field.options:
                picker = self.query_one(f"#form-{field.name}", OptionList)
                keys = [key for key, _ in field.options]
                picker.highlighted = keys.index(field.value) if field.value in keys else 0
        # Focus the first field at once, so keys typed right after the key that opened the form land in it.
        if self.focus_first:
            self.set_focus(self.query_one(f"#form-{self.focus_first}"))

    # --- values ---------------------------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for field in self.fields:
            widget = self.query_one(f"#form-{field.name}")
            if isinstance(widget, TextArea):
                out[field.name] = widget.text
            elif isinstance(widget, Input | ChoiceBar):
                out[field.name] = widget.value
            elif isinstance(widget, SelectionList):  # before OptionList, which it is a kind of
                out[field.name] = list(widget.selected)
            elif isinstance(widget, OptionList):
                index = widget.highlighted
                out[field.name] = field.options[index][0] if index is not None and field.options else ""
        return out

    def show_error(self, message: str, field: str | None = None) -> None:
        """The message next to its field (or under the form); every other message cleared."""
        names = {f.name for f in self.fields}
        target = field if field in names else None
        for name in [*names, None]:
            label = self.query_one(f"#form-error-{name}" if name else "#form-error", Label)
            text = message if name == target else ""
            label.update(plain(text))
            label.set_class(bool(text), "-shown")
            if name:
                self.query_one(f"#form-field-{name}").set_class(bool(text), "-invalid")
        if target:
            self.set_focus(self.query_one(f"#form-{target}"))

    # --- keys -----------------------------------------------------------------------------------------------

    def take_key(self, widget: Widget, event: events.Key) -> bool:
        """A key in a field's own turn; True when the form took it (the field must not).

        Enter in a one-line field moves to the next field; in the last one (or a PIN) it saves, as Ctrl+S does.
        """
        if event.key == "ctrl+s":
            self.action_submit()
            return True
        if event.key == "enter" and not isinstance(widget, TextArea):
            name = (widget.id or "").removeprefix("form-")
            self.advance(name, submit=any(f.name == name and f.kind == "pin" for f in self.fields))
            return True
        return False

    @on(Input.Submitted)
    def _line_submitted(self, event: Input.Submitted) -> None:
        event.stop()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.advance((event.option_list.id or "").removeprefix("form-"))

    @on(ChoiceBar.Changed)
    def _chosen(self, event: ChoiceBar.Changed) -> None:
        """A form that is one choice (a complaint's severity) is saved by that one key."""
        if len(self.fields) == 1 and event.value:
            self.action_submit()

    def advance(self, name: str, *, submit: bool = False) -> None:
        """On to the field after `name`; after the last one, save."""
        names = [f.name for f in self.fields]
        index = names.index(name) if name in names else len(names) - 1
        if submit or index == len(names) - 1:
            self.action_submit()
            return
        self.set_focus(self.query_one(f"#form-{names[index + 1]}"))

    def action_submit(self) -> None:
        """Save what the fields hold now; nothing typed from here on goes into them until the answer is back.

        An empty PIN is not sent: checking it would cost the operator one of their PIN attempts for nothing."""
        if self.busy:
            return
        values = self.values()
        empty_pin = next((f.name for f in self.fields if f.kind == "pin" and not str(values[f.name]).strip()), None)
        if empty_pin is not None:
            self.show_error(t("Type the PIN"), empty_pin)
            return
        self.busy = True
        self.saving = start_hold(self)  # taken now, before the next key: the save runs in a worker
        self.run_submit(values)

    @work(exclusive=True, group="form-submit")
    async def run_submit(self, values: dict[str, Any]) -> None:
        try:
            result = await saving(self, self.submit(values))  # "waiting for another terminal…" past a second
        except DeskError as exc:
            if isinstance(exc, PinRejected):
                for field in self.fields:
                    if field.kind == "pin":
                        self.query_one(f"#form-{field.name}", Input).value = ""
            self.busy = False
            self.show_error(exc.message, exc.field)
            self.release_keys()
            return
        except BaseException:
            self.release_keys()
            raise
        self.dismiss(True if result is None else result)
        self.release_keys()

    def release_keys(self) -> None:
        """The keys typed while saving go on to whatever has focus now (the form, or the screen under it)."""
        if self.saving is not None:
            self.saving.release()
            self.saving = None

    def action_cancel(self) -> None:
        self.dismiss(None)


class InfoScreen(ModalScreen[None]):
    """Read-only text in a box (a duty-log entry with its corrections, a night call): Esc closes it."""

    CSS_PATH = "../styles/handover_forms.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,enter", "dismiss(None)", "Close", id="info-close"),
    ]

    def __init__(self, title: str, body: Text) -> None:
        super().__init__()
        self.info_title = title
        self.body = body

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="form-box"):
            yield Static(Text(self.info_title, style="bold"), id="form-title")
            yield Static(self.body, id="info-body")
        yield DeskFooter()
