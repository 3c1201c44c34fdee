"""A ticket from a call (Ctrl+T on the call screen): open a new one, or attach the call to an open ticket of the same
unit (five neighbours reporting one burst pipe make one ticket with five calls).

The kind comes from the call's category; a complaint needs its severity chosen (one key), a repair may say leak or
safety. Enter and Ctrl+S always open a NEW ticket, as the dialog says. The unit's open tickets are listed below:
Tab to one (a choice letter never moves there) and A attaches the call to it; the line under the list names the
ticket it would join.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from deskui.core.errors import DeskError
from deskui.core.i18n import N_, get_language, t
from deskui.screens import stylesheet
from deskui.screens.tickets.complaint_fields import NAMES as COMPLAINT_NAMES
from deskui.screens.tickets.complaint_fields import ComplaintFields
from deskui.services.tickets import (
    CATEGORY_KINDS,
    HELP_KIND_LABELS,
    KIND_LABELS,
    REPAIR_TYPE_LABELS,
    SEVERITY_LABELS,
    TicketChanged,
)
from deskui.widgets.background import background, saving
from deskui.widgets.choice_bar import ChoiceBar, assign_hotkeys
from deskui.widgets.footer import DeskFooter
from deskui.widgets.plain import plain
from deskui.widgets.ticket_text import kind_text, nearest, phrase, state_style, when

if TYPE_CHECKING:
    from datetime import datetime

    from textual.app import App

    from deskui.core.config import Settings
    from deskui.services import Services
    from deskui.services.calls import CallInfo
    from deskui.services.operators import OperatorInfo
    from deskui.services.tickets import TicketInfo

# The call screen's one-key categories, so the same letter means the same kind here.
KIND_HOTKEYS = {"repair": "r", "complaint": "c", "help": "h", "inquiry": "i", "service": "v"}
SEVERITY_HOTKEYS = {"major": "m", "important": "i", "minor": "n"}
REPAIR_HOTKEYS = {"leak": "l", "safety": "s", "other": "o"}
HELP_HOTKEYS = {"medical": "m", "repair": "r", "complaint": "c", "inquiry": "i", "security": "s", "disaster": "d"}
FIELDS = ("kind", "severity", "repair_type", "help_kind")
OPEN_LIMIT = 20


class NewTicketChoice(ChoiceBar):
    """A one-key choice that moves on among the choices only: never into the list of the unit's open tickets, where
    the keys typed next (Enter) would be about an old ticket. Tab still goes there."""

    def take_key(self, event: events.Key) -> bool:
        options = self.screen.query_one("#nt-open", OptionList)
        focusable, options.can_focus = options.can_focus, False
        try:
            return super().take_key(event)
        finally:
            options.can_focus = focusable


class OpenTicketList(OptionList):
    """The unit's open tickets. Enter is the screen's (a new ticket); A attaches the call to the highlighted one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "attach", "Attach the call to this ticket", id="new-ticket-attach"),
    ]

    async def action_attach(self) -> None:
        screen = self.screen
        if isinstance(screen, NewTicketScreen):
            await screen.attach_highlighted()


def unit_tickets(app: App[object], settings: Settings, tickets: Sequence[TicketInfo], now: datetime) -> Text:
    """The open tickets of a unit, one line each, coloured by their nearest target (the call screen's side panel)."""
    text = Text()
    if not tickets:
        return text
    text.append(t("Open tickets at this unit"), style="bold")
    for x in tickets:
        target = nearest(x, now, settings)
        text.append("\n")
        text.append(x.number, state_style(app, target.state) if target else "")
        text.append(f" {kind_text(x)} {x.status_label} ")
        text.append_text(plain(x.description, one_line=True))
    text.no_wrap = True
    text.overflow = "ellipsis"
    return text


class NewTicketScreen(ModalScreen[str | None]):
    """Dismisses with what was done ("Opened ticket …", "Call … attached to …"), or None when backed out of."""

    CSS_PATH = stylesheet("tickets.tcss")
    # Priority: the one-key choices before Enter are already taken (the app takes them as they arrive), there is no
    # text field, and the keys typed after Enter wait for the ticket and then go to the call screen.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_ticket", "Open a ticket", id="new-ticket-open", show=False, priority=True),
        Binding("ctrl+s", "open_ticket", "Open a ticket", id="new-ticket-save", priority=True),
        Binding("escape", "back", "Back", id="new-ticket-back", priority=True),
    ]

    def __init__(self, services: Services, call: CallInfo, operator: OperatorInfo | None) -> None:
        super().__init__()
        self.services = services
        self.call = call
        self.operator = operator
        self.open_tickets: list[TicketInfo] = []
        self.busy = False

    def compose(self) -> ComposeResult:
        language = get_language()
        settings = self.services.settings
        call = self.call
        category = next((c.label(language) for c in settings.categories if c.key == call.category), call.category)
        summary = Text()
        summary.append(f"#{call.root_id}  ", "bold")
        summary.append(when(settings, call.time, self.services.clock.now()) + "  ", "dim")
        summary.append_text(plain(call.caller, one_line=True))
        summary.append("  ")
        summary.append_text(plain(call.unit, one_line=True))
        summary.append("  ")
        summary.append_text(plain(call.phone, one_line=True))
        summary.append(f"  {category}\n", "bold")
        summary.append_text(plain(call.content))
        kinds = assign_hotkeys([(k, t(v), v, KIND_HOTKEYS.get(k, "")) for k, v in KIND_LABELS.items()])
        levels = assign_hotkeys([(k, t(v), v, SEVERITY_HOTKEYS[k]) for k, v in SEVERITY_LABELS.items()])
        repairs = assign_hotkeys([(k, t(v), v, REPAIR_HOTKEYS[k]) for k, v in REPAIR_TYPE_LABELS.items()])
        helps = assign_hotkeys([(k, t(v), v, HELP_HOTKEYS.get(k, "o")) for k, v in HELP_KIND_LABELS.items()])
        controls = (
            ("kind", N_("Kind"), NewTicketChoice(kinds, CATEGORY_KINDS.get(call.category, ""), id="nt-kind")),
            ("severity", N_("Severity"), NewTicketChoice(levels, "", id="nt-severity")),
            ("repair_type", N_("Repair type"), NewTicketChoice(repairs, "other", id="nt-repair_type")),
            # A help request's kind, 003 4.1.1 (issue 14): a medical emergency or a disaster opens its checklist.
            ("help_kind", N_("Help kind"), NewTicketChoice(helps, "other", id="nt-help_kind")),
        )
        with VerticalScroll(id="nt-box"):
            yield Static(Text(t("Ticket from call #{id}", id=call.root_id), style="bold"), id="nt-title")
            yield Static(summary, id="nt-call")
            for name, label, control in controls:
                with Horizontal(classes="tf-field", id=f"nt-field-{name}"):
                    yield Label(t(label), classes="tf-label")
                    with Vertical(classes="tf-control"):
                        yield control
                        yield Label("", classes="tf-error", id=f"nt-error-{name}")
            yield ComplaintFields(id="nt-complaint")  # a complaint's record (issue 14)
            yield Label("", classes="tf-error", id="nt-error-general")
            yield Static("", id="nt-open-title")
            yield OpenTicketList(id="nt-open")
            yield Static("", id="nt-attach")
            yield Static(Text(t("Enter: open the ticket · Esc: back, nothing is written"), style="dim"), id="nt-keys")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.update_active()
        kind = self.query_one("#nt-kind", ChoiceBar)
        # Synchronous, so the severity a complaint enables takes the very next key (see ticket_forms.FormField).
        self.watch(kind, "value", lambda _value: self.update_active(), init=False)
        # At once (set_focus): the keys typed right after Ctrl+T are this form's.
        self.set_focus(self.query_one("#nt-severity", ChoiceBar) if kind.value == "complaint" else kind)
        self.query_one("#nt-open", OptionList).can_focus = False  # until there is a ticket in it
        self.load_open()

    def update_active(self) -> None:
        """Severity for a complaint, repair type for a repair: the other is greyed out and skipped by Tab."""
        kind = self.query_one("#nt-kind", ChoiceBar).value
        fields = (("severity", kind == "complaint"), ("repair_type", kind == "repair"))
        for name, active in (*fields, ("help_kind", kind == "help")):  # a help request's kind (issue 14)
            self.query_one(f"#nt-{name}").disabled = not active
            self.query_one(f"#nt-field-{name}").set_class(not active, "-inactive")
        self.query_one(ComplaintFields).show_for(kind)

    @on(ChoiceBar.Changed)
    def _choice_changed(self, event: ChoiceBar.Changed) -> None:
        if event.value:
            self.show_error((event.bar.id or "").removeprefix("nt-"), "")

    def show_error(self, name: str, message: str) -> None:
        name = name if name in (*FIELDS, *COMPLAINT_NAMES) else "general"
        label = self.query_one(f"#nt-error-{name}", Label)
        label.update(plain(message))
        label.set_class(bool(message), "-shown")
        if name != "general":
            self.query_one(f"#nt-field-{name}").set_class(bool(message), "-invalid")

    # --- the unit's open tickets --------------------------------------------------------------------------------

    @work(exclusive=True, group="new-ticket-open")
    @background
    async def load_open(self) -> None:
        tickets = self.services.tickets
        if not self.call.unit_key:
            return
        page = await asyncio.to_thread(tickets.queue, "open", unit=self.call.unit, limit=OPEN_LIMIT)
        linked = {x.id for x in await asyncio.to_thread(tickets.tickets_of_call, self.call.id)}
        self.open_tickets = [x for x in page.rows if x.id not in linked]
        options = self.query_one("#nt-open", OptionList)
        options.clear_options()
        now = self.services.clock.now()
        settings = self.services.settings
        for x in self.open_tickets:
            target = nearest(x, now, settings)
            line = Text()
            line.append(x.number, state_style(self.app, target.state) if target else "")
            line.append(f"  {kind_text(x)}  {x.status_label}  ")
            if target is not None:
                line.append(phrase(target) + "  ", state_style(self.app, target.state))
            line.append_text(plain(x.description, one_line=True))
            options.add_option(Option(line, id=str(x.id)))
        title = self.query_one("#nt-open-title", Static)
        if self.open_tickets:
            title.update(
                Text.assemble(
                    (t("Open tickets at this unit"), "bold"),
                    "  ",
                    (t("Tab to one, A attaches this call to it; Enter opens a new ticket"), "dim"),
                )
            )
        elif linked:
            title.update(Text(t("This call is already on an open ticket"), style="dim"))
        # Always displayed (a list shown late has no place in the focus order until the next layout); Tab only
        # stops on it when there is a ticket to attach to.
        options.can_focus = bool(self.open_tickets)
        if self.open_tickets:
            options.highlighted = 0
        self.show_attach()

    def highlighted_ticket(self) -> TicketInfo | None:
        options = self.query_one("#nt-open", OptionList)
        index = options.highlighted
        if index is None or not 0 <= index < len(self.open_tickets):
            return None
        return self.open_tickets[index]

    def show_attach(self) -> None:
        """Under the list, while it has focus: the ticket A would attach the call to."""
        options = self.query_one("#nt-open", OptionList)
        ticket = self.highlighted_ticket() if self.focused is options else None
        line = Text()
        if ticket is not None:
            line.append("A", "bold reverse")
            line.append(" " + t("attach this call to {number}", number=ticket.number) + "  ", "bold")
            line.append(f"{kind_text(ticket)}  ")
            line.append_text(plain(ticket.description, one_line=True))
            line.no_wrap = True
            line.overflow = "ellipsis"
        self.query_one("#nt-attach", Static).update(line)

    @on(OptionList.OptionHighlighted, "#nt-open")
    def _highlighted(self, _event: OptionList.OptionHighlighted) -> None:
        self.show_attach()

    def on_descendant_focus(self, _event: events.DescendantFocus) -> None:
        self.show_attach()

    def on_descendant_blur(self, _event: events.DescendantBlur) -> None:
        self.call_after_refresh(self.show_attach)

    # --- saving -----------------------------------------------------------------------------------------------

    async def action_back(self) -> None:
        await self.dismiss(None)

    async def action_open_ticket(self) -> None:
        """Enter and Ctrl+S: a new ticket, wherever the focus is (attaching is A on the list of open tickets)."""
        if self.busy:
            return
        self.busy = True
        try:
            await self.create()
        finally:
            self.busy = False

    async def attach_highlighted(self) -> None:
        """A on the list of the unit's open tickets: attach the call to the highlighted one."""
        ticket = self.highlighted_ticket()
        if ticket is None or self.busy or self.focused is not self.query_one("#nt-open", OptionList):
            return
        self.busy = True
        try:
            await self.attach(ticket)
        finally:
            self.busy = False

    async def create(self) -> None:
        kind = self.query_one("#nt-kind", ChoiceBar).value
        severity = self.query_one("#nt-severity", ChoiceBar).value if kind == "complaint" else ""
        repair_type = self.query_one("#nt-repair_type", ChoiceBar).value if kind == "repair" else ""
        help_kind = self.query_one("#nt-help_kind", ChoiceBar).value if kind == "help" else ""
        for name in ("general", *FIELDS, *COMPLAINT_NAMES):
            self.show_error(name, "")
        if not kind:
            self.show_error("kind", t("Choose one of these"))
            self.query_one("#nt-kind").focus()
            return
        if kind == "complaint" and not severity:
            self.show_error("severity", t("A complaint needs a severity: major, important or minor"))
            self.query_one("#nt-severity").focus()
            return
        try:
            info = await saving(
                self,
                asyncio.to_thread(
                    self.services.tickets.open_from_call,
                    self.call.id,
                    kind=kind,
                    severity=severity or None,
                    repair_type=repair_type or None,
                    operator=self.operator,
                    help_kind=help_kind or None,
                    complaint=self.query_one(ComplaintFields).values() if kind == "complaint" else None,
                ),
            )
        except DeskError as exc:
            self.show_error(exc.field or "general", exc.message)
            return
        await self.dismiss(t("Opened ticket {number}", number=info.number))

    @on(OptionList.OptionSelected, "#nt-open")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        """A click on an open ticket only chooses it (the line under the list says A attaches); it writes nothing."""
        event.stop()
        self.query_one("#nt-open", OptionList).focus()
        self.show_attach()

    async def attach(self, ticket: TicketInfo) -> None:
        try:
            await saving(
                self,
                asyncio.to_thread(
                    self.services.tickets.attach_call, ticket.id, ticket.version, self.call.id, operator=self.operator
                ),
            )
        except TicketChanged as exc:
            self.show_error("general", t("{changed}; try again", changed=exc.message))
            self.load_open()
            return
        except DeskError as exc:
            self.show_error("general", exc.message)
            return
        await self.dismiss(t("Call #{id} attached to {number}", id=self.call.root_id, number=ticket.number))
