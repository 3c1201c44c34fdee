"""Handover 交接班 (002 交接班制度, 003 4.2): the checklist the two people work through together on one screen.

The outgoing operator begins it near the end of the shift; the incoming one joins (with their PIN) or signs in
here. Both then act from this one screen: the screen acts as the outgoing for notes and as the incoming for counts,
acknowledgements, night-call decisions and checks, because the two of them are at the desk together. Anyone else
acts as themselves and the service refuses what is not theirs. Each step is written as it is entered (a crash loses
nothing); the sign-off asks both PINs and locks the handover into the duty log.

Steps: 1 equipment count · 2 keys out · 3 open items · 4 night calls (at the morning handover) · 5 checks · 6 sign.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.option_list import Option

from deskui.core.errors import DeskError
from deskui.core.i18n import N_, t
from deskui.screens import stylesheet
from deskui.screens.forms import FormField, FormScreen
from deskui.screens.handover.base import HandoverSection, clip, shift_name, theme_style, view_bindings
from deskui.services.handover import DISPOSITION_LABELS, STEP_LABELS, STEPS, HandoverExists
from deskui.services.tickets import KIND_LABELS, SEVERITY_LABELS
from deskui.widgets.background import background, saving, still_running
from deskui.widgets.header import duty_changed
from deskui.widgets.plain import plain
from deskui.widgets.settling import settles
from deskui.widgets.table import DeskTable

if TYPE_CHECKING:
    from deskui.services.common.shifts import ShiftSlot
    from deskui.services.handover import HandoverService, HandoverState
    from deskui.services.operators import OperatorInfo

POLL_SECONDS = 5.0
# Widest a cell may be (wide terminal, narrow terminal): a long title must not push the next columns away.
TITLE_WIDTH = (28, 18)
NOTE_WIDTH = (24, 16)
UNIT_WIDTH = (12, 10)
NARROW_WIDTH = 100
TALL_HEIGHT = 32
# In a narrow terminal the step list shows short names, leaving the table room for its columns.
STEP_SHORT = {
    "equipment": N_("Count"),
    "keys": N_("Keys out"),
    "items": N_("Open items"),
    "night_calls": N_("Night calls"),
    "checks": N_("Checks"),
    "sign": N_("Sign"),
}
COLUMNS: dict[str, tuple[str, ...]] = {
    "equipment": (N_("Item"), N_("Expected"), N_("Counted"), N_("Difference"), N_("Explanation"), N_("Who has it")),
    "keys": (N_("Key out"), N_("Due back"), N_("Outgoing's note"), N_("Acknowledged")),
    "items": ("!", N_("Item"), N_("Outgoing's note"), N_("Acknowledged"), N_("Kind"), N_("Due")),
    "night_calls": ("#", N_("Time"), N_("Unit"), N_("Content"), N_("Decision")),
    "checks": (N_("Done"), N_("Check"), N_("Note"), N_("By")),
    "sign": (N_("Who"), N_("Name"), N_("Signed")),
}
STEP_HINTS = {
    "equipment": N_("The incoming operator counts each item (E or Enter); a difference needs why and who has it."),
    "keys": N_("Keys still out. The outgoing writes a note (N); the incoming acknowledges each (A)."),
    "items": N_("What the next shift must know. Important ones (!) need the outgoing's note (N); acknowledge (A)."),
    "night_calls": N_("Every night call still wanting a ticket: T makes the ticket, H handled, X no action."),
    "checks": N_("Space ticks a check; N adds what was found."),
    "sign": N_("Both sign with their PINs (S); the handover is then locked into the duty log."),
}
TICKET_KINDS = tuple(KIND_LABELS.items())
SEVERITIES = tuple(SEVERITY_LABELS.items())


class HandoverScreen(HandoverSection, inherit_bindings=False):
    CSS_PATH = stylesheet("handover.tcss")
    VIEW: ClassVar[str] = "checklist"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("b", "begin", "Begin the handover", id="handover-begin", priority=True),
        Binding("e", "count", "Count", id="handover-count", priority=True),
        Binding("n", "note", "Note", id="handover-note", priority=True),
        Binding("a", "acknowledge", "Acknowledge", id="handover-ack", priority=True),
        Binding("t", "dispose('ticket')", "Make a ticket", id="handover-ticket", priority=True),
        Binding("h", "dispose('handled')", "Handled", id="handover-handled", priority=True),
        Binding("x", "dispose('no_action')", "No action", id="handover-no-action", priority=True),
        Binding("space", "tick", "Done / not done", id="handover-tick", priority=True),
        Binding("j", "join", "Incoming arrives", id="handover-join", priority=True),
        Binding("s", "sign", "Sign", id="handover-sign", priority=True),
        Binding("enter", "primary", show=False, priority=True),
        *(
            Binding(str(n), f"step('{step}')", STEP_LABELS[step], show=False, priority=True)
            for n, step in enumerate(STEPS, 1)
        ),
        *view_bindings("checklist"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.st: HandoverState | None = None
        self.next_slot: ShiftSlot | None = None
        self.people: dict[int, OperatorInfo] = {}
        self.operators: list[OperatorInfo] = []
        self.step = "equipment"
        self.rows: list[Any] = []
        self.loaded = False

    @property
    def handover(self) -> HandoverService:
        return self.services.handover  # type: ignore[no-any-return]

    # --- layout ---------------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Vertical(id="ho-main"):
            yield Static("", id="ho-title")
            yield Static("", id="ho-relief")
            with Horizontal(id="ho-body"):
                yield OptionList(id="ho-steps")
                with Vertical(id="ho-step"):
                    yield Static("", id="ho-step-hint")
                    yield DeskTable(id="ho-table", cursor_type="row", zebra_stripes=True)
                    yield Static("", id="ho-message")
            yield Static("", id="ho-blockers")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.desk.desk_screens.add(self)
        self.set_class(self.size.width < NARROW_WIDTH, "-narrow")
        self.query_one("#ho-table", DataTable).focus()
        self.set_interval(POLL_SECONDS, self.poll)
        self.load()

    async def language_changed(self) -> None:
        await self.recompose()
        self.query_one("#ho-table", DataTable).focus()
        self.show()
        self.load()

    # --- loading --------------------------------------------------------------------------------------------

    @settles
    @work(exclusive=True, group="handover-load")
    @background
    async def load(self, handover_id: int | None = None) -> None:
        """The handover in progress (or `handover_id`); with none, the last signed one, read-only."""
        current = self.st
        if handover_id is None and current is not None and not current.signed:
            handover_id = current.id
        if handover_id is not None:
            st = await asyncio.to_thread(self.handover.state, handover_id)
        else:
            st = await asyncio.to_thread(self.handover.open_handover)
            if st is None:
                st = await asyncio.to_thread(self.handover.last)
        slot = await asyncio.to_thread(self.handover.slot_to_hand_over)
        if not self.operators:
            self.operators = await asyncio.to_thread(self.services.operators.list)
        if st is not None:
            for ref in (st.outgoing, st.incoming):
                if ref is not None and ref.id not in self.people:
                    self.people[ref.id] = await asyncio.to_thread(self.services.operators.get, ref.id)
        changed = st != self.st or slot != self.next_slot or not self.loaded
        self.st = st
        self.next_slot = slot
        self.loaded = True
        if changed:
            self.show()

    def poll(self) -> None:
        """Another terminal's entries and the relief's lateness appear within seconds (not under a form)."""
        if self.is_active and self.desk.services is not None and not still_running(self, "handover-load"):
            self.load()

    # --- who acts -------------------------------------------------------------------------------------------

    def pair(self) -> set[int]:
        st = self.st
        if st is None:
            return set()
        return {st.outgoing.id} | ({st.incoming.id} if st.incoming else set())

    def acting(self, role: str) -> OperatorInfo | None:
        """Who a step is written as: at the desk together, the outgoing or the incoming; anyone else as themselves."""
        st = self.st
        me = self.desk.operator
        if st is None or me is None:
            return None
        if me.id not in self.pair():
            return me
        ref = st.outgoing if role == "outgoing" else st.incoming
        if ref is None:
            return None
        return me if ref.id == me.id else self.people.get(ref.id)

    def can_act(self, role: str) -> bool:
        """Whether this terminal can take a step of `role` now (hidden otherwise; the service decides anyway)."""
        st = self.st
        me = self.desk.operator
        if st is None or st.signed or me is None:
            return False
        if role == "outgoing":
            return me.id in self.pair()
        if me.id in self.pair():
            return st.incoming is not None
        return st.incoming is None  # someone else at the terminal becomes the incoming by acting

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        st = self.st
        open_ = st is not None and not st.signed
        step = self.step
        if action == "view":
            return True
        if action == "step":
            return st is not None
        if action == "begin":
            return self.loaded and not open_
        if action == "join":
            return open_ and st is not None and st.incoming is None
        if action == "sign":
            return open_
        if action == "count":
            return step == "equipment" and self.can_act("incoming")
        if action == "note":
            if step == "checks":
                return self.can_act("incoming")
            return step in ("keys", "items") and self.can_act("outgoing")
        if action == "acknowledge":
            return step in ("keys", "items") and self.can_act("incoming")
        if action == "dispose":
            return step == "night_calls" and self.can_act("incoming") and bool(st and st.night_calls)
        if action == "tick":
            return step == "checks" and self.can_act("incoming")
        return True

    def width(self, widths: tuple[int, int]) -> int:
        return widths[1] if self.has_class("-narrow") else widths[0]

    def on_resize(self, event: Resize) -> None:
        narrow = event.size.width < NARROW_WIDTH
        if narrow != self.has_class("-narrow"):
            self.set_class(narrow, "-narrow")
            self.show_steps()
            self.show_table()
        self.show_blockers()

    # --- showing --------------------------------------------------------------------------------------------

    def show(self) -> None:
        self.show_title()
        self.show_steps()
        self.show_table()
        self.show_blockers()
        self.refresh_bindings()

    def show_title(self) -> None:
        st = self.st
        title = self.query_one("#ho-title", Static)
        relief = self.query_one("#ho-relief", Static)
        for name in ("-late", "-waiting", "-signed", "-arrived"):
            relief.remove_class(name)
        if st is None or st.signed:
            slot = self.next_slot
            begin = (
                t("B begins the handover: {shift} {day}.", shift=shift_name(slot.key), day=slot.duty_date)
                if slot is not None
                else ""
            )
        if st is None:
            title.update(Text(t("No handover yet"), style="bold"))
            relief.update(Text(begin))
            return
        title.update(
            Text.assemble(
                (t("Handover #{id}", id=st.id), "bold"),
                "  ",
                t(
                    "{shift} {day} → {next_shift} {next_day}",
                    shift=shift_name(st.shift_key),
                    day=st.duty_date.isoformat(),
                    next_shift=shift_name(st.next_shift_key),
                    next_day=st.next_date.isoformat(),
                ),
                "  ",
                plain(st.outgoing.name, one_line=True, style="bold"),
                " → ",
                plain(st.incoming.name if st.incoming else "?", one_line=True, style="bold"),
            )
        )
        if st.signed:
            relief.update(
                Text.assemble(
                    (f" {t('Locked')} ", "bold reverse"),
                    " ",
                    t(
                        "Signed at {when} (duty log #{seq})",
                        when=self.hm(st.signed_at, "%m-%d %H:%M"),
                        seq=st.chain_seq,
                    ),
                    "  ",
                    (begin, "dim"),
                )
            )
            relief.add_class("-signed")
        elif st.relief is not None:
            late = st.relief.late_minutes > 0
            relief.update(Text.assemble(("⚠ " if late else "", "bold"), plain(st.relief.message)))
            relief.add_class("-late" if late else "-arrived" if st.relief.arrived else "-waiting")

    def step_mark(self, step: str) -> str:
        st = self.st
        if st is None:
            return ""
        if step == "night_calls" and not st.morning:
            return "—"
        if st.step_done(step):
            return "✓"
        if step == "sign":
            return f"{len(st.signatures)}/2"
        # Rows still to do, not problems: an important item without a note and not yet acknowledged is one row.
        return f"({len({b.item for b in st.blockers if b.step == step})})"

    def show_steps(self) -> None:
        steps = self.query_one("#ho-steps", OptionList)
        steps.clear_options()
        for number, step in enumerate(STEPS, 1):
            mark = self.step_mark(step)
            style = "bold" if mark == "✓" else ""
            label = STEP_SHORT[step] if self.has_class("-narrow") else STEP_LABELS[step]
            line = Text.assemble((f"{number} ", "bold"), t(label), " ", (mark, style))
            steps.add_option(Option(line, id=step))
        steps.highlighted = STEPS.index(self.step)

    def show_table(self) -> None:
        table = self.query_one("#ho-table", DataTable)
        keep = table.cursor_row
        table.clear(columns=True)
        table.add_columns(*(t(c) for c in COLUMNS[self.step]))
        self.query_one("#ho-step-hint", Static).update(
            Text.assemble((t(STEP_LABELS[self.step]), "bold"), "  ", (t(STEP_HINTS[self.step]), "dim"))
        )
        st = self.st
        self.rows = []
        if st is None:
            return
        rows: list[tuple[Any, tuple[Text, ...]]] = getattr(self, f"rows_{self.step}")(st)
        for item, cells in rows:
            self.rows.append(item)
            table.add_row(*cells)
        if rows:
            table.move_cursor(row=min(keep, len(rows) - 1))

    def rows_equipment(self, st: HandoverState) -> list[tuple[Any, tuple[Text, ...]]]:
        out = []
        for c in st.counts:
            diff = c.difference
            # A difference stays red until it is explained (and a shortage says who has the item), then amber.
            style = theme_style(self.app, "warning" if c.complete else "error", bold=True) if diff else ""
            counted = Text("—" if c.counted is None else str(c.counted), style=style)
            out.append(
                (
                    c,
                    (
                        Text(c.label),
                        Text(str(c.expected)),
                        counted,
                        Text("" if not diff else f"{diff:+d}", style=style),
                        clip(plain(c.explanation, one_line=True), self.width(NOTE_WIDTH)),
                        clip(plain(c.holder, one_line=True), self.width(UNIT_WIDTH)),
                    ),
                )
            )
        return out

    def ack_text(self, by: str) -> Text:
        return Text("✓ " + by, style=theme_style(self.app, "success")) if by else Text("")

    def rows_keys(self, st: HandoverState) -> list[tuple[Any, tuple[Text, ...]]]:
        out = []
        for k in st.keys:
            style = theme_style(self.app, "error", bold=True) if k.overdue else ""
            due = self.hm(k.due_at, "%m-%d %H:%M") + (" " + t("overdue") if k.overdue else "")
            out.append(
                (
                    k,
                    (
                        clip(plain(k.title, one_line=True, style=str(style) if style else ""), self.width(TITLE_WIDTH)),
                        Text(due, style=style),
                        clip(plain(k.note, one_line=True), self.width(NOTE_WIDTH)),
                        self.ack_text(k.acknowledged_by),
                    ),
                )
            )
        return out

    def rows_items(self, st: HandoverState) -> list[tuple[Any, tuple[Text, ...]]]:
        out = []
        for i in st.items:
            needs_note = i.important and not i.note
            mark = Text("!" if i.important else "", style=theme_style(self.app, "error", bold=True))
            due_style = theme_style(self.app, "warning") if i.overdue else ""
            note = plain(i.note, one_line=True) if i.note else Text(t("note needed") if needs_note else "")
            if needs_note:
                note.stylize(theme_style(self.app, "error", bold=True))
            out.append(
                (
                    i,
                    (
                        mark,
                        clip(plain(i.title, one_line=True), self.width(TITLE_WIDTH)),
                        clip(note, self.width(NOTE_WIDTH)),
                        self.ack_text(i.acknowledged_by),
                        Text(i.kind_label),
                        Text(self.hm(i.due_at, "%m-%d %H:%M"), style=due_style),
                    ),
                )
            )
        return out

    def rows_night_calls(self, st: HandoverState) -> list[tuple[Any, tuple[Text, ...]]]:
        out = []
        for n in st.night_calls:
            call = n.call
            if n.disposition is None:
                decision = Text(t("to decide"), style=theme_style(self.app, "warning", bold=True))
            else:
                decision = Text(t(DISPOSITION_LABELS[n.disposition]), style=theme_style(self.app, "success"))
                if n.ticket_number:
                    decision.append(f" {n.ticket_number}")
                if n.reason:
                    decision.append(": ")
                    decision.append_text(plain(n.reason, one_line=True))
            out.append(
                (
                    n,
                    (
                        Text(str(call.id)),
                        Text(self.hm(call.time)),
                        clip(plain(call.unit, one_line=True), self.width(UNIT_WIDTH)),
                        clip(plain(call.content, one_line=True), self.width(TITLE_WIDTH)),
                        clip(decision, self.width(NOTE_WIDTH)),
                    ),
                )
            )
        return out

    def rows_checks(self, st: HandoverState) -> list[tuple[Any, tuple[Text, ...]]]:
        return [
            (
                c,
                (
                    Text("[x]" if c.done else "[ ]", style=theme_style(self.app, "success") if c.done else ""),
                    Text(c.label),
                    clip(plain(c.note, one_line=True), self.width(NOTE_WIDTH)),
                    plain(c.by, one_line=True),
                ),
            )
            for c in st.checks
        ]

    def rows_sign(self, st: HandoverState) -> list[tuple[Any, tuple[Text, ...]]]:
        out = []
        refs = (("outgoing", N_("Outgoing"), st.outgoing), ("incoming", N_("Incoming"), st.incoming))
        for role, label, ref in refs:
            signature = st.signature(role)
            signed = (
                Text("✓ " + self.hm(signature.at, "%m-%d %H:%M"), style=theme_style(self.app, "success"))
                if signature
                else Text(t("not yet"))
            )
            out.append((role, (Text(t(label)), plain(ref.name if ref else "—", one_line=True), signed)))
        return out

    def show_blockers(self) -> None:
        st = self.st
        panel = self.query_one("#ho-blockers", Static)
        panel.set_class(bool(st and st.blockers), "-blocked")
        if st is None or st.signed:
            panel.update("")
            return
        if not st.blockers:
            text = Text(t("Ready: both sign with their PINs (S)."), style="bold")
            if self.tickets_to_open(st):
                text.append("\n")
                text.append_text(plain(self.tickets_to_open(st), one_line=True))
            panel.update(text)
            return
        text = Text(t("Before sign-off:"), style="bold")
        shown = 8 if self.size.height >= TALL_HEIGHT else 3
        for b in st.blockers[:shown]:
            text.append("\n• ")
            text.append_text(plain(b.message, one_line=True))
        more = len(st.blockers) - shown
        if more > 0:
            text.append("\n  " + t("… and {n} more", n=more), style="dim")
        panel.update(text)

    def tickets_to_open(self, st: HandoverState) -> str:
        """What the last signature will open, said before it happens: no ticket is opened unseen."""
        missing = [c for c in st.counts if c.missing and c.ticket_id is None]
        if not missing:
            return ""
        return t(
            "Signing opens a repair ticket at {place} for: {items}",
            place=self.handover.desk_place,
            items=", ".join(f"{c.label} ×{c.missing}" for c in missing),
        )

    def tickets_opened(self, st: HandoverState) -> str:
        """The tickets the sign-off opened, by number, and where."""
        return " ".join(
            t(
                "Ticket {number} opened for the missing {item} (×{n}) at {place}.",
                number=c.ticket_number,
                item=c.label,
                n=c.missing,
                place=self.handover.desk_place,
            )
            for c in st.counts
            if c.ticket_number
        )

    def show_message(self, message: str, *, error: bool = True) -> None:
        label = self.query_one("#ho-message", Static)
        label.update(plain(message))
        label.set_class(bool(message) and error, "-error")

    # --- navigation -----------------------------------------------------------------------------------------

    def action_step(self, step: str) -> None:
        self.set_step(step)
        self.query_one("#ho-table", DataTable).focus()

    def set_step(self, step: str) -> None:
        if step == self.step:
            return
        self.step = step
        self.show_message("")
        self.query_one("#ho-steps", OptionList).highlighted = STEPS.index(step)
        table = self.query_one("#ho-table", DataTable)
        table.move_cursor(row=0)
        self.show_table()
        self.refresh_bindings()

    @on(OptionList.OptionHighlighted, "#ho-steps")
    def _step_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """Moving through the step list shows each step (only when the list has focus: refilling it also
        highlights, and a late message from that must not undo a step chosen with a number key since)."""
        if event.option.id and event.option_list.has_focus:
            self.set_step(event.option.id)

    @on(OptionList.OptionSelected, "#ho-steps")
    def _step_selected(self) -> None:
        self.query_one("#ho-table", DataTable).focus()

    @on(DataTable.RowSelected, "#ho-table")
    async def _row_selected(self) -> None:
        await self.action_primary()

    async def action_primary(self) -> None:
        """Enter does the step's main thing: count, acknowledge, tick, sign (in the step list: on to the table)."""
        if self.focused is self.query_one("#ho-steps", OptionList):
            self.query_one("#ho-table", DataTable).focus()
            return
        primary = {"equipment": "count", "keys": "acknowledge", "items": "acknowledge", "checks": "tick"}
        action = primary.get(self.step, "sign" if self.step == "sign" else "")
        if action and self.check_action(action, ()):
            await self.run_action(action)

    def selected(self) -> Any | None:
        table = self.query_one("#ho-table", DataTable)
        if not self.rows or table.cursor_row >= len(self.rows) or table.cursor_row < 0:
            self.show_message(t("Choose a row first"))
            return None
        return self.rows[table.cursor_row]

    # --- doing ----------------------------------------------------------------------------------------------

    async def run_step(self, fn: Any, *args: Any, **kwargs: Any) -> HandoverState | None:
        """Call a handover service method in a thread; a refusal is shown on the screen, nothing else happens."""
        try:
            st: HandoverState = await saving(self, asyncio.to_thread(fn, *args, **kwargs))
        except DeskError as exc:
            self.show_message(exc.message)
            return None
        self.show_message("")
        self.after_change(st)
        return st

    def after_change(self, st: Any) -> None:
        """A form or a step changed the handover: show what the service returned, tell the header."""
        if st is None or st is True:
            self.load()
            return
        self.st = st
        self.show()
        self.load()  # the shift to hand over next may have moved on
        duty_changed(self.app).publish(None)

    async def open_form(self, form: FormScreen) -> None:
        await self.open_modal(form, self.after_change)

    @work(exclusive=True, group="handover-act")
    async def action_begin(self) -> None:
        me = self.desk.operator
        if me is None:
            return
        try:
            st = await asyncio.to_thread(self.handover.start, me)
        except HandoverExists as exc:
            self.show_message(exc.message, error=False)
            self.notify(exc.message)
            self.st = None
            self.load(exc.handover_id)
            return
        except DeskError as exc:
            self.show_message(exc.message)
            return
        self.people[me.id] = me
        self.set_step("equipment")
        self.after_change(st)

    async def action_join(self) -> None:
        st = self.st
        if st is None:
            return
        operators = self.operators
        expected = st.relief.expected if st.relief else ()
        choices = sorted((o for o in operators if o.id != st.outgoing.id), key=lambda o: (o.name not in expected, o.id))
        handover = self.handover

        async def submit(values: dict[str, Any]) -> object:
            person = next((o for o in choices if str(o.id) == values["operator"]), None)
            if person is None:
                raise DeskError(t("Choose who takes over"), field="operator")
            signer = await asyncio.to_thread(self.services.operators.authenticate, person.id, values["pin"])
            self.people[signer.id] = signer
            return await asyncio.to_thread(handover.arrive, st.id, signer)

        fields = [
            FormField(
                "operator",
                N_("Incoming"),
                "pick",
                options=tuple((str(o.id), f"{o.name}  {o.role_label}") for o in choices),
            ),
            FormField("pin", N_("PIN"), "pin"),
        ]
        intro = t(
            "The incoming operator takes over from {name}: choose your name and type your PIN.", name=st.outgoing.name
        )
        await self.open_form(FormScreen(t("Incoming arrives"), fields, submit, intro=intro))

    async def action_count(self) -> None:
        st = self.st
        count = self.selected()
        operator = self.acting("incoming")
        if st is None or count is None or operator is None:
            return
        handover = self.handover

        async def submit(values: dict[str, Any]) -> object:
            return await asyncio.to_thread(
                handover.record_count,
                st.id,
                count.key,
                values["count"],
                operator=operator,
                explanation=values["explanation"],
                holder=values["holder"],
            )

        fields = [
            FormField("count", N_("Counted"), value="" if count.counted is None else str(count.counted)),
            FormField("explanation", N_("Explanation"), value=count.explanation),
            FormField("holder", N_("Who has it"), value=count.holder),
        ]
        intro = t(
            "{item}: {expected} expected. Counted by {name}.",
            item=count.label,
            expected=count.expected,
            name=operator.name,
        )
        await self.open_form(
            CountForm(count.expected, t("Count: {item}", item=count.label), fields, submit, intro=intro)
        )

    async def action_note(self) -> None:
        st = self.st
        item = self.selected()
        if st is None or item is None:
            return
        handover = self.handover
        if self.step == "checks":
            operator = self.acting("incoming")
            if operator is None:
                return

            async def submit_check(values: dict[str, Any]) -> object:
                return await asyncio.to_thread(
                    handover.check, st.id, item.key, operator=operator, done=item.done, note=values["note"]
                )

            fields = [FormField("note", N_("Note"), "text", value=item.note)]
            await self.open_form(FormScreen(item.label, fields, submit_check))
            return
        operator = self.acting("outgoing")
        if operator is None:
            return

        async def submit(values: dict[str, Any]) -> object:
            return await asyncio.to_thread(handover.note, st.id, item.id, values["note"], operator=operator)

        fields = [FormField("note", N_("Note"), "text", value=item.note)]
        intro = t("{name}, the outgoing operator: what was done, what to watch.", name=operator.name)
        await self.open_form(FormScreen(t("Note: {title}", title=item.title), fields, submit, intro=intro))

    def step_worker(self, fn: Any, *args: Any, **kwargs: Any) -> None:
        """Write one step in the background. The row was read as the key arrived, so the keys typed next (another
        step, another row) cannot change what this key meant; nothing cancels it."""
        self.run_worker(self.run_step(fn, *args, **kwargs), group="handover-act")

    def action_acknowledge(self) -> None:
        st = self.st
        item = self.selected()
        operator = self.acting("incoming")
        if st is None or item is None or operator is None:
            return
        self.step_worker(
            self.handover.acknowledge, st.id, item.id, operator=operator, acknowledged=not item.acknowledged
        )

    def action_tick(self) -> None:
        st = self.st
        check = self.selected()
        operator = self.acting("incoming")
        if st is None or check is None or operator is None:
            return
        self.step_worker(self.handover.check, st.id, check.key, operator=operator, done=not check.done, note=check.note)

    async def action_dispose(self, action: str) -> None:
        st = self.st
        night = self.selected()
        operator = self.acting("incoming")
        if st is None or night is None or operator is None:
            return
        handover = self.handover
        call = night.call
        if action == "ticket":
            kinds = {k for k, _ in TICKET_KINDS}
            kind = call.category if call.category in kinds else None
            if kind is not None and kind != "complaint":
                self.step_worker(handover.dispose, st.id, call.id, "ticket", operator=operator)
                return

            async def submit_ticket(values: dict[str, Any]) -> object:
                chosen = values.get("kind") or kind
                severity = values.get("severity") or None
                return await asyncio.to_thread(
                    handover.dispose,
                    st.id,
                    call.id,
                    "ticket",
                    operator=operator,
                    ticket_kind=chosen,
                    severity=severity if chosen == "complaint" else None,
                )

            fields = []
            if kind is None:
                fields.append(
                    FormField("kind", N_("Kind"), "choice", options=tuple((k, t(label)) for k, label in TICKET_KINDS))
                )
            fields.append(
                FormField("severity", N_("Severity"), "choice", options=tuple((k, t(label)) for k, label in SEVERITIES))
            )
            title = t("Night call #{id} becomes a ticket", id=call.id)
            await self.open_form(FormScreen(title, fields, submit_ticket, intro=plain(call.content)))
            return

        async def submit(values: dict[str, Any]) -> object:
            return await asyncio.to_thread(
                handover.dispose, st.id, call.id, action, operator=operator, reason=values["reason"]
            )

        label = t(DISPOSITION_LABELS[action])
        title = t("Night call #{id}: {decision}", id=call.id, decision=label)
        await self.open_form(FormScreen(title, [FormField("reason", N_("Reason"))], submit, intro=plain(call.content)))

    async def action_sign(self) -> None:
        st = self.st
        if st is None or st.signed:
            return
        if st.blockers:
            first = st.blockers[0]
            more = len(st.blockers) - 1
            message = (
                t("Cannot sign yet: {reason}", reason=first.message)
                if not more
                else t("Cannot sign yet: {reason} (and {n} more)", reason=first.message, n=more)
            )
            if first.step in STEPS and first.step != "sign":
                self.set_step(first.step)
            self.show_message(message)
            return
        handover = self.handover
        people = self.people
        refs = {"outgoing": st.outgoing, "incoming": st.incoming}

        async def submit(values: dict[str, Any]) -> object:
            ref = refs.get(values["who"])
            if ref is None:
                raise DeskError(t("Choose who signs"), field="who")
            signer = people.get(ref.id) or await asyncio.to_thread(self.services.operators.get, ref.id)
            return await asyncio.to_thread(handover.sign, st.id, signer, values["pin"])

        who = "incoming" if st.signature("outgoing") else "outgoing"
        options = tuple(
            (role, t("{role}: {name}", role=t(label), name=ref.name))
            for role, label, ref in (
                ("outgoing", N_("Outgoing"), st.outgoing),
                ("incoming", N_("Incoming"), st.incoming),
            )
            if ref is not None
        )
        fields = [
            FormField("who", N_("Who signs"), "choice", value=who, options=options),
            FormField("pin", N_("PIN"), "pin"),
        ]
        form = FormScreen(
            t("Sign the handover #{id}", id=st.id), fields, submit, intro=self.tickets_to_open(st) or None, focus="pin"
        )
        await self.open_modal(form, self.signed)

    def signed(self, st: Any) -> None:
        self.after_change(st)
        if self.st is not None and self.st.signed:
            opened = self.tickets_opened(self.st)
            self.show_message(opened, error=False)
            self.notify(t("Handover signed by both and locked") + (f"\n{opened}" if opened else ""))
        elif self.st is not None and self.st.signatures:
            names = ", ".join(s.name for s in self.st.signatures)
            self.show_message(t("Signed by: {names}", names=names), error=False)


class CountForm(FormScreen):
    """The count form: Enter after the expected number saves at once; a difference goes on to why and who."""

    def __init__(self, expected: int, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected = expected

    def advance(self, name: str, *, submit: bool = False) -> None:
        if name == "count" and self.values()["count"].strip() == str(self.expected):
            submit = True
        super().advance(name, submit=submit)
