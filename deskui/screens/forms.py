"""One modal form for every small entry of the app (a ticket's action, a handover count, a key loan, a PIN), and the
field row the call form is built of.

A form is a list of `FormField`s; the screen that opens it passes `submit`, a coroutine that calls the service (in
a thread) and raises the service's DeskError when it refuses. The refusal is shown next to the field it names
(`DeskError.field`, or a field's `also`), or under the form, and the form stays open with everything typed, so a
wrong PIN or a count that is not a number writes nothing and costs no retyping. On success the form closes with
`outcome(...)` of what `submit` returned.

Type-ahead loses nothing. The app hands keys on one at a time, each once the one before has settled
(deskui.widgets.keyqueue), and a form field takes the keys that are the form's (Enter, Ctrl+S, a choice's letter)
in its own turn, through its public `on_key` handler or the `take_key` hook the app calls, so the form reads exactly
what was typed before them. While the form saves, keys are held (`start_hold`) and go on, in order, to whatever has
focus once it has closed or shown its refusal: "e 2 ⏎ ↓ e 2 ⏎" counts two rows in one go.

Two kinds of form share this: `FormScreen` itself (Enter moves to the next field and saves after the last, a
choice's letter moves on in the form's order) and subclasses that change a policy through its hooks
(`take_key`, `choice_key`, `chosen`, `refused`, `outcome`; the ticket forms save on Enter from any field).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
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
from deskui.screens import stylesheet
from deskui.widgets.background import saving, while_shown
from deskui.widgets.choice_bar import ChoiceBar, ChoiceOption, assign_hotkeys
from deskui.widgets.footer import DeskFooter
from deskui.widgets.keyqueue import KeyHold, start_hold
from deskui.widgets.plain import plain
from deskui.widgets.wrapping import WrappedLabel

FIELD_KINDS = ("line", "text", "pin", "choice", "pick", "multi")
GENERAL = "general"
"""The name errors that belong to no field are shown under (below the last field)."""


@dataclass(frozen=True)
class FormField:
    """One field. `label` is a message id."""

    name: str
    """The key in the values passed to `submit`, and the service's `DeskError.field` shown next to it."""
    label: str
    kind: str = "line"  # see FIELD_KINDS
    value: str = ""
    placeholder: str = ""
    """Already translated."""
    options: tuple[tuple[str, str], ...] = ()
    """(key, label shown) for choice / pick / multi."""
    selected: tuple[str, ...] = ()
    """multi: the keys ticked at the start."""
    choices: tuple[ChoiceOption, ...] = ()
    """A choice's one-key options with their hotkeys chosen already; else made from `options`."""
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
        return self.kind == "choice"

    def one_key_options(self) -> tuple[ChoiceOption, ...]:
        return self.choices or tuple(assign_hotkeys([(key, label, key, "") for key, label in self.options]))


@dataclass(frozen=True)
class FormNames:
    """The ids and classes of a form's parts (each kind of form has its stylesheet, and tests find fields by id)."""

    prefix: str
    """Controls are `#<prefix>-<name>`, rows `#<prefix>-field-<name>`, messages `#<prefix>-error-<name>`."""
    box: str
    title: str
    intro: str
    hint: str
    general_error: str
    kind_class: bool = False
    """Rows also carry `-<kind>` (the handover forms style a text field's row)."""


Submit = Callable[[dict[str, Any]], Awaitable[Any]]


# --- the field row (modal forms and the call form) ------------------------------------------------------------


class FieldRow(Horizontal):
    """A label, the control, and the message that belongs next to it."""

    def __init__(
        self, label: str, control: Widget, *, prefix: str, row_id: str, error_id: str, classes: str = ""
    ) -> None:
        super().__init__(classes=f"{prefix}-field {classes}".strip(), id=row_id)
        self.label_id = label
        self.field_control = control
        self.prefix = prefix
        self.error_id = error_id

    def compose(self) -> ComposeResult:
        yield Label(t(self.label_id), classes=f"{self.prefix}-label")
        with Vertical(classes=f"{self.prefix}-control"):
            yield self.field_control
            yield WrappedLabel("", classes=f"{self.prefix}-error", id=self.error_id)


def show_message(label: Label, row: Widget | None, message: str) -> None:
    """A field's message (or none): shown under its control, the row marked invalid while there is one."""
    label.update(plain(message))
    label.set_class(bool(message), "-shown")
    if row is not None:
        row.set_class(bool(message), "-invalid")


# --- controls that give the form its keys ---------------------------------------------------------------------


def route_key(widget: Widget, event: events.Key) -> None:
    """Give a form's key to the form first (see the module docstring); the field handles what the form leaves."""
    screen = widget.screen
    if isinstance(screen, FormScreen) and screen.take_key(widget, event):
        event.stop()
        event.prevent_default()


class FormInput(Input):
    def on_key(self, event: events.Key) -> None:
        route_key(self, event)


class FormText(TextArea):
    def on_key(self, event: events.Key) -> None:
        route_key(self, event)


class FormPick(OptionList):
    def on_key(self, event: events.Key) -> None:
        route_key(self, event)


class FormChoice(ChoiceBar):
    """A ChoiceBar whose letters go on in its form's way (see `FormScreen.choice_key`)."""

    def take_key(self, event: events.Key) -> bool:
        screen = self.screen
        if not isinstance(screen, FormScreen):
            return super().take_key(event)
        return screen.choice_key(self, event)

    def on_key(self, event: events.Key) -> None:
        route_key(self, event)


# --- the form -------------------------------------------------------------------------------------------------


class FormScreen(ModalScreen[Any]):
    """Dismisses with `outcome(...)` of what `submit` returned (never None on success), or None on Esc."""

    CSS_PATH = stylesheet("handover_forms.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Save", id="form-save"),
        Binding("escape", "cancel", "Cancel", id="form-cancel"),
    ]
    NAMES: ClassVar[FormNames] = FormNames(
        prefix="form", box="form-box", title="form-title", intro="form-intro", hint="form-hint",
        general_error="form-error", kind_class=True,
    )  # fmt: skip
    CLEAR_ON_SAVE: ClassVar[bool] = False
    """Clear the messages shown when a save starts (rather than when its answer comes)."""

    def __init__(
        self,
        title: str,
        fields: Sequence[FormField],
        submit: Submit,
        *,
        intro: Text | str | None = None,
        hint: str = "",
        focus: str = "",
        values: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.form_title = title
        self.fields = list(fields)
        self.submit = submit
        self.intro = intro
        self.hint = hint
        self.focus_first = focus
        self.initial = dict(values or {})
        """Values to start from instead of the fields' own (what was typed before someone else's change)."""
        self.busy = False
        self.saving: KeyHold | None = None
        """Holds the keys typed while saving, until the form has closed or shown its refusal."""

    # --- layout ---------------------------------------------------------------------------------------------

    def default_hint(self) -> str:
        return t("Ctrl+S: save · Esc: cancel")

    def control_id(self, name: str) -> str:
        return f"{self.NAMES.prefix}-{name}"

    def control(self, field: FormField) -> Widget:
        widget_id = self.control_id(field.name)
        value = self.initial.get(field.name, field.value)
        if field.kind == "text":
            area = FormText(value, id=widget_id, compact=True, soft_wrap=True)
            area.show_line_numbers = False
            return area
        if field.kind == "pin":
            return FormInput(password=True, id=widget_id, max_length=12, restrict=r"[0-9]*", compact=True)
        if field.kind == "choice":
            return FormChoice(field.one_key_options(), value, id=widget_id)
        if field.kind == "pick":
            options = (Option(plain(label, one_line=True), id=key) for key, label in field.options)
            return FormPick(*options, id=widget_id)
        if field.kind == "multi":
            return SelectionList[str](
                *((plain(label, one_line=True), key, key in field.selected) for key, label in field.options),
                id=widget_id,
            )
        return FormInput(value, placeholder=field.placeholder, id=widget_id, compact=True)

    def compose(self) -> ComposeResult:
        names = self.NAMES
        with VerticalScroll(id=names.box):
            yield Static(Text(self.form_title, style="bold"), id=names.title)
            if self.intro:
                intro = self.intro if isinstance(self.intro, Text) else plain(self.intro)
                yield Static(intro, id=names.intro)
            for field in self.fields:
                yield FieldRow(
                    field.label,
                    self.control(field),
                    prefix=names.prefix,
                    row_id=f"{names.prefix}-field-{field.name}",
                    error_id=f"{names.prefix}-error-{field.name}",
                    classes=f"-{field.kind}" if names.kind_class else "",
                )
            yield WrappedLabel("", classes=f"{names.prefix}-error", id=names.general_error)
            yield Static(Text(self.hint or self.default_hint(), style="dim"), id=names.hint)
        yield DeskFooter()

    def on_mount(self) -> None:
        for field in self.fields:
            if field.kind == "text" and self.initial.get(field.name, field.value):
                area = self.query_one(f"#{self.control_id(field.name)}", TextArea)
                area.move_cursor(area.document.end)  # a correction usually adds to what was written
            if field.kind == "pick" and field.options:
                picker = self.query_one(f"#{self.control_id(field.name)}", OptionList)
                keys = [key for key, _ in field.options]
                picker.highlighted = keys.index(field.value) if field.value in keys else 0
        self.update_active()
        for bar in self.query(ChoiceBar):
            # A watcher runs as the value changes, before the bar moves focus on: a field a choice enables (the
            # satisfaction after "reached") is already there to take the next key typed.
            self.watch(bar, "value", lambda _value: self.update_active(), init=False)
        first = self.focus_first or next((f.name for f in self.fields if self.active(f)), "")
        if first:
            # set_focus, not focus(): at once, so the key typed right after the one that opened the form is the
            # form's (focus() would wait behind the keys already queued).
            self.set_focus(self.query_one(f"#{self.control_id(first)}"))

    # --- values and what is usable ---------------------------------------------------------------------------

    def value(self, name: str) -> Any:
        widget = self.query_one(f"#{self.control_id(name)}")
        if isinstance(widget, TextArea):
            return widget.text
        if isinstance(widget, Input | ChoiceBar):
            return widget.value
        if isinstance(widget, SelectionList):  # before OptionList, which it is a kind of
            return list(widget.selected)
        if isinstance(widget, OptionList):
            field = next(f for f in self.fields if f.name == name)
            index = widget.highlighted
            return field.options[index][0] if index is not None and field.options else ""
        return ""

    def active(self, field: FormField) -> bool:
        if field.active_when is None:
            return True
        other, values = field.active_when
        return self.value(other) in values

    def values(self) -> dict[str, Any]:
        return {f.name: (self.value(f.name) if self.active(f) else "") for f in self.fields}

    def update_active(self) -> None:
        for field in self.fields:
            if field.active_when is not None:
                active = self.active(field)
                self.query_one(f"#{self.control_id(field.name)}").disabled = not active
                self.query_one(f"#{self.NAMES.prefix}-field-{field.name}").set_class(not active, "-inactive")

    # --- messages -------------------------------------------------------------------------------------------

    def field_for(self, service_field: str | None) -> str:
        """The form field a service message belongs to (GENERAL when none matches)."""
        for field in self.fields:
            if service_field in (field.name, *field.also) and self.active(field):
                return field.name
        return GENERAL

    def show_errors(self, problems: Mapping[str, str], *, keep: bool = False) -> None:
        """Each message next to its field (GENERAL: under the form); the others cleared, unless `keep`."""
        prefix = self.NAMES.prefix
        for name in [f.name for f in self.fields] + [GENERAL]:
            if keep and name not in problems:
                continue
            if name == GENERAL:
                show_message(self.query_one(f"#{self.NAMES.general_error}", Label), None, problems.get(name, ""))
            else:
                row = self.query_one(f"#{prefix}-field-{name}")
                show_message(self.query_one(f"#{prefix}-error-{name}", Label), row, problems.get(name, ""))

    def show_error(self, message: str, field: str | None = None) -> None:
        """The message next to the field it names (or under the form), and that field focused."""
        name = self.field_for(field)
        self.show_errors({name: message})
        if name != GENERAL:
            self.set_focus(self.query_one(f"#{self.control_id(name)}"))

    # --- keys -----------------------------------------------------------------------------------------------

    def take_key(self, widget: Widget, event: events.Key) -> bool:
        """A key in a field's own turn; True when the form took it (the field must not).

        Enter in a one-line field moves to the next field; in the last one (or a PIN) it saves, as Ctrl+S does.
        """
        if event.key == "ctrl+s":
            self.action_submit()
            return True
        if event.key == "enter" and not isinstance(widget, TextArea):
            name = (widget.id or "").removeprefix(f"{self.NAMES.prefix}-")
            self.advance(name, submit=any(f.name == name and f.kind == "pin" for f in self.fields))
            return True
        return False

    def choice_key(self, bar: ChoiceBar, event: events.Key) -> bool:
        """A letter (or number) typed on a choice, as the app takes it: chosen, and on to the form's next field (a
        choice in the last field saves). True when the key was used."""
        if self.busy:
            return False
        char = (event.character or "").lower()
        for number, option in enumerate(bar.options, start=1):
            if char and (char == option.hotkey or (char.isdigit() and int(char) == number)):
                bar.value = option.key
                self.advance((bar.id or "").removeprefix(f"{self.NAMES.prefix}-"))
                return True
        return False

    @on(Input.Submitted)
    def _line_submitted(self, event: Input.Submitted) -> None:
        event.stop()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.advance((event.option_list.id or "").removeprefix(f"{self.NAMES.prefix}-"))

    @on(ChoiceBar.Changed)
    def _chosen(self, event: ChoiceBar.Changed) -> None:
        self.chosen((event.bar.id or "").removeprefix(f"{self.NAMES.prefix}-"), event.value)

    def chosen(self, name: str, value: str) -> None:
        """A form that is one choice (a complaint's severity) is saved by that one key."""
        if len(self.fields) == 1 and value:
            self.action_submit()

    def advance(self, name: str, *, submit: bool = False) -> None:
        """On to the field after `name`; after the last one, save."""
        names = [f.name for f in self.fields]
        index = names.index(name) if name in names else len(names) - 1
        if submit or index == len(names) - 1:
            self.action_submit()
            return
        self.set_focus(self.query_one(f"#{self.control_id(names[index + 1])}"))

    # --- saving ---------------------------------------------------------------------------------------------

    def problems(self, values: Mapping[str, Any]) -> dict[str, str]:
        """What is refused before asking the service: a required choice not made, an empty PIN (checking it would
        cost the operator one of their PIN attempts for nothing)."""
        found = {
            f.name: t("Choose one of these")
            for f in self.fields
            if f.is_choice and f.required and self.active(f) and not values[f.name]
        }
        empty_pin = next((f.name for f in self.fields if f.kind == "pin" and not str(values[f.name]).strip()), None)
        if empty_pin is not None:
            found[empty_pin] = t("Type the PIN")
        return found

    def action_submit(self) -> None:
        """Save what the fields hold now; nothing typed from here on goes into them until the answer is back."""
        if self.busy:
            return
        values = self.values()
        problems = self.problems(values)
        if problems or self.CLEAR_ON_SAVE:
            self.show_errors(problems)
        if problems:
            self.set_focus(self.query_one(f"#{self.control_id(next(iter(problems)))}"))
            return
        self.busy = True
        self.saving = start_hold(self)  # taken now, before the next key: the save runs in a worker
        self.run_submit(values)

    @work(exclusive=True, group="form-submit")
    @while_shown
    async def run_submit(self, values: dict[str, Any]) -> None:
        try:
            result = await saving(self, self.submit(values))  # "waiting for another terminal…" past a second
        except DeskError as exc:
            closing = self.refused(exc, values)
            if closing is not None:
                self.dismiss(closing)
                self.release_keys()
                return
            if isinstance(exc, PinRejected):
                for field in self.fields:
                    if field.kind == "pin":
                        self.query_one(f"#{self.control_id(field.name)}", Input).value = ""
            self.busy = False
            self.show_error(exc.message, exc.field)
            self.release_keys()
            return
        except BaseException:
            self.release_keys()
            raise
        self.dismiss(self.outcome(result, values))
        self.release_keys()

    def refused(self, exc: DeskError, values: dict[str, Any]) -> object | None:
        """What to close with when this refusal ends the form; None: it is shown and the form stays open."""
        return None

    def outcome(self, result: object, values: dict[str, Any]) -> object:
        """What the form closes with once saved."""
        return True if result is None else result

    def release_keys(self) -> None:
        """The keys typed while saving go on to whatever has focus now (the form, or the screen under it)."""
        if self.saving is not None:
            self.saving.release()
            self.saving = None

    def action_cancel(self) -> None:
        self.dismiss(None)
