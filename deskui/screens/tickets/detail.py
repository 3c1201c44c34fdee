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
from collections.abc import Awaitable, Callable, Mapping
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
from deskui.core.i18n import N_, get_language, t
from deskui.screens import stylesheet
from deskui.screens.base import DeskScreen
from deskui.screens.tickets.forms import FormField, FormOutcome, TicketFormScreen, choice, options_from
from deskui.services.tickets import REPAIR_TYPE_LABELS, RULES, SEVERITY_LABELS, due_soon_seconds
from deskui.widgets.background import saving
from deskui.widgets.plain import plain
from deskui.widgets.settling import settles
from deskui.widgets.ticket_text import (
    INFORMED_LABELS,
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
    from deskui.services.operators import OperatorInfo
    from deskui.services.tickets import TicketDetail, TicketInfo, TicketService

POLL_SECONDS = 1.0
LOAD_SECONDS = 3.0  # the longest an action key waits for the ticket to be read
SATISFACTION = (
    ("1", N_("Very dissatisfied")),
    ("2", N_("Dissatisfied")),
    ("3", N_("Neutral")),
    ("4", N_("Satisfied")),
    ("5", N_("Very satisfied")),
)
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
        _act("y", "reply", N_("Reply"), show=False),
        _act("u", "follow_up", N_("Follow-up"), show=False),
        _act("z", "cancel", N_("Cancel ticket"), show=False),
        Binding("g", "goto_survivor", "Open survivor", id="ticket-survivor", priority=True),
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

    @property
    def tickets(self) -> TicketService:
        return self.services.tickets  # type: ignore[no-any-return]

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

    def on_screen_resume(self) -> None:
        # Back from a form, or from the lock with perhaps another operator: their allowed actions differ.
        if self.detail is not None:
            self.current.clear()
            self.reload()

    # --- loading ----------------------------------------------------------------------------------------------

    @settles
    @work(exclusive=True, group="ticket-load", exit_on_error=False)
    async def reload(self) -> None:
        try:
            if not self.people:
                people = await asyncio.to_thread(self.services.operators.list)
                self.people = sorted(people, key=lambda o: (o.role != "maintenance", o.name))
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
            rows.append((t("Callback"), Text.assemble(result, "  ", plain(x.callback_comment, one_line=True))))
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

    async def action_goto_survivor(self) -> None:
        if self.detail is not None and self.detail.ticket.merged_into_id is not None:
            await self.app.switch_screen(TicketDetailScreen(self.detail.ticket.merged_into_id))

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
        built = self.form(action, x)
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

    # --- the forms --------------------------------------------------------------------------------------------

    def form(
        self, action: str, x: TicketInfo
    ) -> tuple[list[FormField], Callable[[dict[str, str]], Awaitable[TicketInfo]], Text | None] | None:
        """The fields of an action's form and the service call that saves it (over the version shown now)."""
        svc, op, version, ref = self.tickets, self.desk.operator, x.version, self.ticket_id
        language = get_language()
        settings = self.desk.settings

        def run(call: Callable[[], TicketInfo]) -> Awaitable[TicketInfo]:
            return asyncio.to_thread(call)

        note = FormField("note", N_("Note"), placeholder=t("optional"))
        if action in ("dispatch", "reassign"):
            departments = options_from([(d.key, d.label(language), d.en, "") for d in settings.departments])
            current = x.department or ("maintenance" if x.kind == "repair" else "")
            people = options_from([(o.name, o.name, "", "") for o in self.people])
            fields = [
                choice("department", N_("Department"), departments, current, required=True),
                choice("assignee", N_("Assignee"), people, x.assignee if action == "reassign" else ""),
                note,
            ]
            method = svc.dispatch if action == "dispatch" else svc.reassign

            def assign(v: dict[str, str]) -> Awaitable[TicketInfo]:
                who = v["assignee"] or None
                return run(lambda: method(ref, version, v["department"], assignee=who, note=v["note"], operator=op))

            return fields, assign, None
        if action == "note":
            return (
                [FormField("note", N_("Note"))],
                lambda v: run(lambda: svc.note(ref, version, v["note"], operator=op)),
                None,
            )
        if action == "done":
            fields = [note]
            if x.kind == "repair":
                kinds = options_from([(k, t(label), label, "") for k, label in REPAIR_TYPE_LABELS.items()])
                fields = [
                    choice("repair_type", N_("Repair type"), kinds, x.repair_type),
                    FormField(
                        "water_test_at",
                        N_("Water test"),
                        placeholder=t("when the water test was, e.g. 14:30"),
                        active_when=("repair_type", ("leak",)),
                    ),
                    note,
                ]

            def done(v: dict[str, str]) -> Awaitable[TicketInfo]:
                repair_type = v.get("repair_type") or None
                if repair_type == x.repair_type:
                    repair_type = None
                water = v.get("water_test_at") or None
                return run(
                    lambda: svc.mark_done(
                        ref, version, note=v["note"], water_test_at=water, repair_type=repair_type, operator=op
                    )
                )

            return fields, done, None
        if action == "wait":
            whom = options_from([(k, t(label), label, k[0]) for k, label in WAITING_LABELS.items()])
            return (
                [choice("waiting_on", N_("Waiting on"), whom, required=True), note],
                lambda v: run(lambda: svc.wait(ref, version, v["waiting_on"], note=v["note"], operator=op)),
                None,
            )
        if action == "appointment":
            current = when(settings, x.appointment_at) if x.appointment_at else ""
            fields = [
                FormField(
                    "when",
                    N_("Visit"),
                    value=current,
                    placeholder=t("e.g. tomorrow 9:00, 14:30; empty clears it"),
                    also=("appointment_at",),
                ),
                note,
            ]
            return (
                fields,
                lambda v: run(
                    lambda: svc.set_appointment(ref, version, v["when"] or None, note=v["note"], operator=op)
                ),
                None,
            )
        if action == "inform":
            whom = options_from([(k, t(label), label, "") for k, label in INFORMED_LABELS.items()])
            return (
                [choice("informed", N_("Told"), whom, required=True), note],
                lambda v: run(lambda: svc.inform(ref, version, v["informed"], note=v["note"], operator=op)),
                None,
            )
        if action == "escalate":
            whom = options_from([(k, t(label), label, "") for k, label in INFORMED_LABELS.items()])
            departments = options_from([(d.key, d.label(language), d.en, "") for d in settings.departments])
            fields = []
            if x.kind == "complaint":
                levels = options_from([(k, t(label), label, "") for k, label in SEVERITY_LABELS.items()])
                fields.append(choice("severity", N_("Severity"), levels, x.severity))
            fields += [
                choice("informed", N_("Told"), whom),
                choice("department", N_("Department"), departments, x.department),
                FormField("reason", N_("Reason")),
            ]

            def escalate(v: dict[str, str]) -> Awaitable[TicketInfo]:
                severity = v.get("severity") or None
                if severity == x.severity:
                    severity = None
                department = v["department"] if v["department"] != x.department else None
                return run(
                    lambda: svc.escalate(
                        ref,
                        version,
                        severity=severity,
                        informed=v["informed"] or None,
                        department=department,
                        note=v["reason"],
                        operator=op,
                    )
                )

            return fields, escalate, None
        if action == "reply":
            return (
                [FormField("answer", N_("Answer"))],
                lambda v: run(lambda: svc.reply(ref, version, v["answer"], operator=op)),
                None,
            )
        if action == "follow_up":
            return (
                [FormField("note", N_("Note"))],
                lambda v: run(lambda: svc.follow_up(ref, version, v["note"], operator=op)),
                None,
            )
        if action == "callback":
            outcomes = options_from([(k, t(label), label, "") for k, label in OUTCOME_LABELS.items()])
            scores = options_from([(k, t(label), "", k) for k, label in SATISFACTION])
            fields = [
                choice("outcome", N_("Outcome"), outcomes, required=True),
                choice(
                    "satisfaction", N_("Satisfaction"), scores, required=True, active_when=("outcome", ("reached",))
                ),
                FormField("comment", N_("Comment"), placeholder=t("what the resident said")),
            ]

            def callback(v: dict[str, str]) -> Awaitable[TicketInfo]:
                score = int(v["satisfaction"]) if v["satisfaction"] else None
                return run(
                    lambda: svc.callback(
                        ref, version, v["outcome"], satisfaction=score, comment=v["comment"], operator=op
                    )
                )

            intro = Text.assemble(plain(x.caller, one_line=True), "  ", plain(x.phone, one_line=True), style="bold")
            return fields, callback, intro
        if action == "merge":
            intro = Text(t("The ticket this one goes into keeps its calls and shows its history."), style="dim")
            fields = [
                FormField("into", N_("Into ticket"), placeholder=t("its number, e.g. WX-20261123-0001")),
                note,
            ]
            return (
                fields,
                lambda v: run(lambda: svc.merge(ref, version, v["into"], note=v["note"], operator=op)),
                intro,
            )
        if action in ("reopen", "cancel", "close"):
            reason = FormField("reason", N_("Reason"))
            if action == "close":
                needs = x.kind in ("repair", "complaint") and not (
                    x.status == "done" and x.callback_result == "reached"
                )
                reason = FormField(
                    "reason", N_("Reason"), placeholder=t("needed when closing without a callback") if needs else ""
                )
            method = {"reopen": svc.reopen, "cancel": svc.cancel}.get(action)

            def finish(v: dict[str, str]) -> Awaitable[TicketInfo]:
                if method is None:
                    return run(lambda: svc.close(ref, version, reason=v["reason"], operator=op))
                return run(lambda: method(ref, version, v["reason"], operator=op))

            return [reason], finish, None
        return None
