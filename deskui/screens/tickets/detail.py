"""One ticket: its facts, its targets counting down, the calls it came from, its whole history, and one key per
action the operator may take now.

The footer offers only what the ticket's status and the operator's role allow (the service's `allowed_actions`,
through `check_action`). Every action is taken over the version on screen: when another terminal got there first the
service refuses with `TicketChanged`, and the screen says who, reloads, and keeps what was typed for another try.
Another terminal's changes appear within a second or two (the change marker is polled).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Static

from deskui.core.errors import DeskError
from deskui.core.i18n import N_, t
from deskui.screens import stylesheet
from deskui.screens.base import DeskScreen
from deskui.screens.tickets import complaint_fields, repair_fields
from deskui.screens.tickets.actions import action_form
from deskui.screens.tickets.checklist import HELP_ACTIONS, checklist_text, help_form
from deskui.screens.tickets.forms import FormOutcome, TicketFormScreen
from deskui.screens.timeline import TIMELINE_BINDING, open_timeline
from deskui.services.tickets import REPAIR_TYPE_LABELS, RULES, due_soon_seconds
from deskui.widgets.background import saving, while_shown
from deskui.widgets.plain import plain
from deskui.widgets.settling import settles
from deskui.widgets.ticket_text import (
    OUTCOME_LABELS,
    STATE_MARKS,
    WAITING_LABELS,
    department_label,
    event_line,
    kind_text,
    live,
    phrase,
    state_style,
    when,
)

if TYPE_CHECKING:
    from deskui.services.directory import WorkerInfo
    from deskui.services.operators import OperatorInfo
    from deskui.services.tickets import TicketDetail, TicketInfo, TicketService

POLL_SECONDS = 1.0
LOAD_SECONDS = 3.0  # the longest an action key waits for the ticket to be read
# Actions that need nothing typed: one key does them.
AT_ONCE = ("take", "start", "resume")


def _act(key: str, action: str, label: str, *, show: bool = True) -> Binding:
    # Priority: taken as the key arrives, and the form is mounted and focused before the next key is, so what is
    # typed straight after the key lands in the form. This screen has no text field such a key could belong to.
    return Binding(key, f"act('{action}')", label, id=f"ticket-{action}", show=show, priority=True)


class TicketDetailScreen(DeskScreen):
    CSS_PATH = stylesheet("tickets.tcss")
    SECTION: ClassVar[str] = "Tickets"
    AUTO_FOCUS = "#td-timeline"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="ticket-back", priority=True),
        # An emergency's next step first, so the footer shows it at 80 columns too (issue 14, screens.tickets.checklist).
        _act("k", "step", N_("Next step")),
        # Two bindings on one key: only the one the status allows is active (dispatch a new ticket, else reassign).
        _act("d", "dispatch", N_("Dispatch")),
        _act("d", "reassign", N_("Reassign")),
        _act("t", "take", N_("Take")),
        _act("s", "start", N_("Start")),
        _act("f", "done", N_("Done")),
        _act("c", "callback", N_("Callback")),
        _act("x", "close", N_("Close ticket")),
        _act("n", "note", N_("Note")),
        _act("w", "wait", N_("Wait")),
        _act("r", "resume", N_("Resume")),
        _act("a", "appointment", N_("Appointment")),
        _act("o", "reopen", N_("Reopen")),
        _act("m", "merge", N_("Merge")),
        _act("e", "escalate", N_("Escalate")),
        _act("i", "inform", N_("Informed"), show=False),
        _act("y", "reply", N_("Reply")),  # a major complaint's clear answer is this reply (issue 14)
        _act("l", "deadline", N_("Deadline"), show=False),  # a minor complaint's agreed deadline (issue 14)
        _act("u", "follow_up", N_("Follow-up"), show=False),
        _act("z", "cancel", N_("Cancel ticket"), show=False),
        _act("h", "help_kind", N_("Help kind"), show=False),  # a help request's kind (issue 14)
        Binding("g", "goto_survivor", "Open survivor", id="ticket-survivor", priority=True),
        Binding("p", "print", N_("Print"), id="ticket-print", priority=True),
        TIMELINE_BINDING,
    ]

    def __init__(self, ticket_id: int) -> None:
        super().__init__()
        self.ticket_id = ticket_id
        self.detail: TicketDetail | None = None
        self.allowed: frozenset[str] = frozenset()
        self.marker = -1
        self.watched: frozenset[int] = frozenset({ticket_id})
        """This ticket and those merged into it: a change to any of them reloads the screen."""
        self.stash: dict[str, Mapping[str, str]] = {}
        """What was typed into a form that another terminal overtook, offered again on the next try."""
        self.message = Text()
        self.current = asyncio.Event()
        """Set while the ticket on screen is as the last action left it: an action key waits for it."""
        self.people: list[OperatorInfo] = []
        """Who a ticket can be assigned to, maintenance first (read once, with the first load)."""
        self.crew: list[WorkerInfo] = []
        """The departments' workers a dispatch can name (issue 14), read with every load: duty changes."""

    @property
    def tickets(self) -> TicketService:
        return self.services.tickets

    @property
    def ticket(self) -> TicketInfo | None:
        return self.detail.ticket if self.detail is not None else None

    # --- layout -----------------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Vertical(id="td"):
            yield Static("", id="td-title")
            with Horizontal(id="td-top"):
                yield Static("", id="td-facts")
                with Vertical(id="td-side"):
                    yield Static("", id="td-targets")
                    checklist = Static("", id="td-checklist")
                    checklist.display = False  # a help request's kind and checklist (issue 14)
                    yield checklist
                    yield Static("", id="td-calls")
            yield Static("", id="td-message")
            yield Static("", id="td-more")
            with VerticalScroll(id="td-timeline"):
                yield Static("", id="td-events")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.desk.desk_screens.add(self)
        timeline = self.query_one("#td-timeline")
        timeline.border_title = t("History")
        self.set_focus(timeline)
        self.set_interval(1, self.show_targets)
        self.set_interval(POLL_SECONDS, self.poll)
        self.reload()

    async def language_changed(self) -> None:
        await self.recompose()
        self.query_one("#td-timeline").border_title = t("History")
        self.show()

    async def on_screen_resume(self) -> None:
        # Back from a form, or from the lock with perhaps another operator: their allowed actions differ.
        if self.detail is not None:
            self.current.clear()
            self.reload()

    # --- loading ----------------------------------------------------------------------------------------------

    @settles
    @work(exclusive=True, group="ticket-load", exit_on_error=False)
    @while_shown
    async def reload(self) -> None:
        try:
            if not self.people:
                people = await asyncio.to_thread(self.services.operators.list)
                self.people = sorted(people, key=lambda o: (o.role != "maintenance", o.name))
            self.crew = await asyncio.to_thread(self.services.directory.workers.list)
            marker = await asyncio.to_thread(self.tickets.last_change_marker)
            detail = await asyncio.to_thread(self.tickets.detail, self.ticket_id, operator=self.desk.operator)
        except Exception as exc:  # a refusal, or the database busy or gone
            self.say(exc.message if isinstance(exc, DeskError) else str(exc), error=True)
            self.current.set()  # nothing more will come; the keys waiting go on
            return
        self.marker = max(self.marker, marker)
        ids = {self.ticket_id} | {e.ticket_id for e in detail.events}
        self.watched = frozenset(ids)
        self.detail = detail
        self.allowed = detail.allowed
        self.show()
        self.refresh_bindings()
        self.current.set()

    async def poll(self) -> None:
        """Another terminal's change to this ticket (or one merged into it) shows within a second or two.
        A timer's own callback, awaited by the timer: never two at once, so a long lock does not pile them up; a
        DeskError is told quietly (DeskScreen.set_interval)."""
        if self.marker < 0:
            return
        marker, changed = await asyncio.to_thread(self.tickets.changes_since, self.marker)
        if marker == self.marker:
            return
        self.marker = marker
        if changed & self.watched:
            self.reload()

    # --- showing ----------------------------------------------------------------------------------------------

    def show(self) -> None:
        if self.detail is None:
            return
        x = self.detail.ticket
        settings = self.desk.settings
        now = self.desk.clock.now()
        title = Text()
        title.append(f" {x.number} ", "bold reverse")
        title.append("  ")
        title.append(kind_text(x), "bold")
        if x.kind == "repair" and x.repair_type:
            title.append(f" · {t(REPAIR_TYPE_LABELS[x.repair_type])}")
        title.append("   ")
        title.append(f"[{x.status_label}]", "bold")
        if self.detail.merged_into:
            title.append("  ")
            title.append(t("merged into {number}", number=self.detail.merged_into), "italic")
        self.query_one("#td-title", Static).update(title)

        facts = Table.grid(padding=(0, 1), expand=True)
        facts.add_column(style="dim", no_wrap=True)
        facts.add_column(ratio=1)
        person = Text.assemble(plain(x.caller, one_line=True), "  ", plain(x.phone, one_line=True))
        assignee = Text.assemble(department_label(settings, x.department), "  ", plain(x.assignee or "", one_line=True))
        if x.worker:  # the department's worker the dispatch named (issue 14)
            assignee.append_text(Text.assemble("  ", plain(x.worker, one_line=True)))
        rows: list[tuple[str, Text]] = [
            (t("Unit"), plain(x.unit or "-", one_line=True)),
            (t("Caller"), person),
            (t("Department"), assignee),
            (t("Appointment"), Text(when(settings, x.appointment_at, now) if x.appointment_at else "-")),
            (t("Created"), Text.assemble(when(settings, x.created_at, now), "  ", plain(x.created_by, one_line=True))),
        ]
        if x.waiting_on:
            rows.append((t("Waiting on"), Text(t(WAITING_LABELS.get(x.waiting_on, x.waiting_on)))))
        if x.callback_result:
            result = t(OUTCOME_LABELS.get(x.callback_result, x.callback_result))
            if x.satisfaction:
                result += "  " + t("satisfaction {n}/5", n=x.satisfaction)
            words = repair_fields.callback_words(x)  # phone or visit, a repair's sign-off (issue 14)
            rows.append((t("Callback"), Text.assemble(result, words, "  ", plain(x.callback_comment, one_line=True))))
        rows += repair_fields.fact_rows(x)  # a paid repair and its fee (issue 14)
        rows += complaint_fields.fact_rows(x, settings, now)  # a complaint's record, deadline, reply (issue 14)
        if self.detail.merged_from:
            rows.append((t("Merged in"), Text(", ".join(self.detail.merged_from))))
        rows.append((t("Description"), plain(x.description)))
        for label, value in rows:
            facts.add_row(Text(label), value)
        self.query_one("#td-facts", Static).update(facts)
        self.show_targets()

        calls = Text.assemble((t("Originating calls"), "bold"))
        for call in self.detail.calls:
            calls.append("\n")
            calls.append(f"#{call.root_id} ", "bold")
            calls.append(when(settings, call.time, now) + " ", "dim")
            calls.append_text(plain(call.caller, one_line=True))
            calls.append(" ")
            calls.append_text(plain(call.content, one_line=True))
        if not self.detail.calls:
            calls.append("\n")
            calls.append(t("No calls"), "dim")
        self.query_one("#td-calls", Static).update(calls)
        steps = checklist_text(self.detail, settings, now)
        self.query_one("#td-checklist", Static).update(steps or "")
        self.query_one("#td-checklist", Static).display = steps is not None

        events = Text()
        for n, event in enumerate(reversed(self.detail.events)):
            if n:
                events.append("\n")
            events.append_text(event_line(event, settings, now, number=x.number))
        self.query_one("#td-events", Static).update(events)
        self.show_more_keys()
        self.query_one("#td-message", Static).update(self.message)
        self.query_one("#td-message", Static).set_class(bool(self.message.plain), "-shown")

    def show_targets(self) -> None:
        """Each target with its time left or how late, moving with the clock every second."""
        if self.detail is None:
            return
        x = self.detail.ticket
        settings = self.desk.settings
        now = self.desk.clock.now()
        soon = due_soon_seconds(settings)
        grid = Table.grid(padding=(0, 1))
        # The time left is what matters: on a narrow screen the target's name gives way first.
        grid.add_column(no_wrap=True, min_width=1)
        grid.add_column(no_wrap=True, overflow="ellipsis", ratio=1)
        grid.add_column(no_wrap=True, style="dim", min_width=11)
        grid.add_column(no_wrap=True, min_width=12)
        for target in self.detail.targets:
            g = live(target, now, soon, running=x.is_open)
            style = state_style(self.app, g.state)
            grid.add_row(
                Text(STATE_MARKS.get(g.state, " "), style=style),
                Text(g.label),
                Text(when(settings, g.due_at, now)),
                Text(phrase(g), style=style),
            )
        if not self.detail.targets:
            grid.add_row(Text(t("No targets"), style="dim"))
        self.query_one("#td-targets", Static).update(Group(Text(t("Targets"), style="bold"), grid))

    def show_more_keys(self) -> None:
        """The allowed actions the footer has no room for, with their keys, so every action can be found."""
        more = Text()
        for binding in self.BINDINGS:
            assert isinstance(binding, Binding)
            name = binding.action.removeprefix("act('").removesuffix("')")
            if binding.show or not binding.action.startswith("act(") or name not in self.allowed:
                continue
            if more:
                more.append("  ")
            more.append(binding.key, "bold")
            more.append(" " + t(binding.description))
        if more:
            more = Text.assemble((t("More") + ": ", "dim"), more)
        self.query_one("#td-more", Static).update(more)

    def say(self, message: str, *, error: bool = False) -> None:
        """The line above the history: what just happened (or who changed the ticket first)."""
        self.message = Text(message, style="bold" if error else "")
        widget = self.query_one("#td-message", Static)
        widget.update(self.message)
        widget.set_class(bool(message), "-shown")
        widget.set_class(error, "-error")

    # --- keys -------------------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Only what the status and the operator's role allow shows in the footer and runs.

        Until the ticket is read (or read again after an action), every action key is taken and waits for it: a key
        typed that early is meant for the ticket as it will be, and must not fall through to the next screen."""
        if action == "act":
            return parameters[0] in self.allowed or not self.current.is_set()
        if action == "goto_survivor":
            return self.detail is not None and self.detail.ticket.merged_into_id is not None
        return True

    async def action_back(self) -> None:
        await self.app.pop_screen()

    async def action_open_timeline(self) -> None:
        """F12: the story of the ticket's unit."""
        await open_timeline(self.app, self.ticket.unit if self.ticket is not None else "")

    async def action_goto_survivor(self) -> None:
        if self.detail is not None and self.detail.ticket.merged_into_id is not None:
            await self.app.switch_screen(TicketDetailScreen(self.detail.ticket.merged_into_id))

    async def action_print(self) -> None:
        """P: the ticket's work order (维修工作单) as a PDF in the exports folder, its path on the message line.

        Like an action key it waits for the ticket to be read, so it prints what the last action left; the PDF is
        made by a worker in a thread, and the keys typed meanwhile are handled in their order."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.current.wait(), LOAD_SECONDS)
        if self.ticket is not None:
            self.print_work_order(self.ticket)

    @settles
    @work(group="ticket-print", exit_on_error=False)
    @while_shown
    async def print_work_order(self, ticket: TicketInfo) -> None:
        from deskui.core.config import exports_dir
        from deskui.services.paper import save_work_order

        now = self.desk.clock.now()
        try:
            path = await asyncio.to_thread(save_work_order, ticket, self.desk.settings, now, exports_dir())
        except (DeskError, OSError) as exc:
            why = exc.message if isinstance(exc, DeskError) else (exc.strerror or str(exc))
            self.say(t("Could not write the work order: {why}", why=why), error=True)
            return
        self.say(t("Work order {number} written to {file}", number=ticket.number, file=str(path)))

    async def action_act(self, action: str) -> None:
        # The app takes no other key while this waits, so the keys typed after this one keep their order.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.current.wait(), LOAD_SECONDS)
        x = self.ticket
        if x is None or action not in self.allowed:
            return
        if action in AT_ONCE:
            await self.at_once(action, x.version)
            return
        if action in HELP_ACTIONS and self.detail is not None:
            built = help_form(
                action, self.detail, tickets=self.tickets, operator=self.desk.operator, ticket_id=self.ticket_id
            )
        else:
            built = action_form(
                action,
                x,
                tickets=self.tickets,
                operator=self.desk.operator,
                settings=self.desk.settings,
                people=self.people,
                ticket_id=self.ticket_id,
                workers=self.crew,
            )
        if built is None:
            return
        fields, submit, intro = built
        title = f"{x.number} · {t(RULES[action].label)}"
        screen = TicketFormScreen(title, fields, submit, intro=intro, values=self.stash.get(action))
        # Awaited: the form is mounted, its first field focused, before the next key is taken.
        await self.app.push_screen(screen, lambda outcome: self.form_closed(action, outcome))

    async def at_once(self, action: str, version: int) -> None:
        """Take, start, resume: nothing to type, so the key does it (and the next key waits for the result)."""
        svc, op = self.tickets, self.desk.operator
        calls: dict[str, Callable[[], Any]] = {
            "take": lambda: svc.take(self.ticket_id, version, operator=op),
            "start": lambda: svc.start(self.ticket_id, version, operator=op),
            "resume": lambda: svc.resume(self.ticket_id, version, operator=op),
        }
        try:
            await saving(self, asyncio.to_thread(calls[action]))
        except DeskError as exc:  # TicketChanged included: its message says who changed it
            self.say(exc.message, error=True)
        else:
            self.say(t("Saved: {action}", action=t(RULES[action].label)))
        self.current.clear()
        self.reload()

    def form_closed(self, action: str, outcome: FormOutcome | None) -> None:
        if outcome is None:
            return
        if outcome.changed is not None:
            # Nothing was written; say who got there first, show their version, keep the typing for a retry.
            self.stash[action] = dict(outcome.values)
            self.say(
                t("{changed} — nothing was saved; check the ticket and try again", changed=outcome.changed.message),
                error=True,
            )
        else:
            self.stash.pop(action, None)
            self.say(t("Saved: {action}", action=t(RULES[action].label)))
        self.current.clear()  # the next action key waits for the ticket as this one left it
        self.reload()
