"""How the handover checklist is shown: the title with who is on it, the steps, the table of the step chosen, what
still blocks the sign-off; and who acts. A part of the checklist screen (deskui.screens.handover.screen)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.option_list import Option

from deskui.core.i18n import N_, t
from deskui.screens.handover.base import HandoverSection, clip, shift_name, theme_style
from deskui.services.handover import DISPOSITION_LABELS, STEP_LABELS, STEPS
from deskui.widgets.background import background, still_running
from deskui.widgets.plain import plain
from deskui.widgets.settling import settles

if TYPE_CHECKING:
    from deskui.services.common.shifts import ShiftSlot
    from deskui.services.handover import HandoverService, HandoverState
    from deskui.services.operators import OperatorInfo


POLL_SECONDS = 5.0
# Widest a cell may be (wide terminal, narrow terminal): a long title must not push the next columns away.
TITLE_WIDTH = (28, 18)
NOTE_WIDTH = (24, 16)
UNIT_WIDTH = (12, 10)
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


class HandoverView(HandoverSection):
    """The checklist's state and how it is shown (the bottom part of HandoverScreen; HandoverActions builds on it)."""

    st: HandoverState | None
    next_slot: ShiftSlot | None
    people: dict[int, OperatorInfo]
    operators: list[OperatorInfo]
    step: str
    rows: list[Any]
    loaded: bool

    @property
    def handover(self) -> HandoverService:
        return self.services.handover

    @settles
    @work(exclusive=True, group="handover-load")
    @background
    async def load(self, handover_id: int | None = None) -> None:
        """The handover in progress (or `handover_id`); with none, the last signed one, read-only."""
        current = self.st
        if handover_id is None and current is not None and not current.signed:
            handover_id = current.id
        if handover_id is not None:
            st: HandoverState | None = await asyncio.to_thread(self.handover.state, handover_id)
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

    def width(self, widths: tuple[int, int]) -> int:
        return widths[1] if self.has_class("-narrow") else widths[0]

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
        out: list[tuple[Any, tuple[Text, ...]]] = []
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
        out: list[tuple[Any, tuple[Text, ...]]] = []
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
        out: list[tuple[Any, tuple[Text, ...]]] = []
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
        out: list[tuple[Any, tuple[Text, ...]]] = []
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
        out: list[tuple[Any, tuple[Text, ...]]] = []
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

    def selected(self) -> Any | None:
        table = self.query_one("#ho-table", DataTable)
        if not self.rows or table.cursor_row >= len(self.rows) or table.cursor_row < 0:
            self.show_message(t("Choose a row first"))
            return None
        return self.rows[table.cursor_row]
