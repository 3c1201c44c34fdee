"""Duty log 值班记录 (002 三/四, 003 4.1.8): one shift as one list — its own entries, its calls, its ticket events.

Entries are never changed or torn out: a correction is a new entry pointing at the original, and both are shown
(the original marked as corrected). Every entry is a link of the site's hash chain; the chain's head and whether
it verifies are on screen, so anyone can see the book is whole.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from deskui.core.errors import DeskError, ValidationError
from deskui.core.i18n import N_, get_language, t
from deskui.screens import stylesheet
from deskui.screens.forms import FormField, FormScreen
from deskui.screens.handover.base import BACK, HandoverSection, shift_name, theme_style, view_bindings
from deskui.screens.handover.info import InfoScreen
from deskui.services.common.shifts import shift_at
from deskui.services.handover import next_slot, previous_slot, slot_of
from deskui.services.tickets import EVENT_LABELS
from deskui.widgets.background import background, still_running
from deskui.widgets.plain import plain
from deskui.widgets.settling import settles
from deskui.widgets.table import DeskTable

if TYPE_CHECKING:
    from deskui.services.calls import CallInfo
    from deskui.services.handover import DutyLogService, LogEntry, ShiftView, TicketEventLine, VerifyResult

POLL_SECONDS = 5.0
KIND_LABELS = {
    "entry": N_("Entry"),
    "amendment": N_("Amendment"),
    "handover": N_("Handover"),
    "review": N_("Review"),
    "call": N_("Call"),
    "ticket": N_("Ticket"),
}
COLUMNS = (N_("Time"), N_("Kind"), "#", N_("Operator"), N_("Entry"))
WRITABLE = ("entry", "amendment")


class DutyLogScreen(HandoverSection, inherit_bindings=False):
    CSS_PATH = stylesheet("dutylog.tcss")
    VIEW: ClassVar[str] = "dutylog"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "New entry", id="dutylog-add", priority=True),
        Binding("e", "amend", "Correct", id="dutylog-amend", priority=True),
        Binding("left_square_bracket", "shift(-1)", "Earlier", id="dutylog-earlier", priority=True),
        Binding("right_square_bracket", "shift(1)", "Later", id="dutylog-later", priority=True),
        Binding("n", "now", "This shift", id="dutylog-now", show=False, priority=True),
        Binding("d", "choose", "Date and shift", id="dutylog-choose", show=False, priority=True),
        Binding("i", "verify", "Check the chain", id="dutylog-verify", show=False, priority=True),
        Binding("enter", "detail", show=False, priority=True),
        BACK,
        *view_bindings("dutylog"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.duty_date: date | None = None
        self.shift_key = ""
        self.view_data: ShiftView | None = None
        self.items: list[tuple[datetime, str, Any]] = []
        self.by_id: dict[int, LogEntry] = {}
        self.verified: VerifyResult | None = None
        self.head: tuple[int, str] = (0, "")

    @property
    def dutylog(self) -> DutyLogService:
        return self.services.dutylog

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Vertical(id="dl-main"):
            yield Static("", id="dl-title")
            yield Static("", id="dl-chain")
            yield DeskTable(id="dl-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="dl-message")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.desk.desk_screens.add(self)
        if self.duty_date is None:
            slot = shift_at(self.desk.settings, self.desk.clock.now())
            self.duty_date, self.shift_key = slot.duty_date, slot.key
        self.set_interval(POLL_SECONDS, self.poll)
        self.fill_in()

    def fill_in(self) -> None:
        table = self.query_one("#dl-table", DataTable)
        table.add_columns(*(t(c) for c in COLUMNS))
        table.focus()
        self.load()
        self.verify()

    async def language_changed(self) -> None:
        """The table in the new language; one poll timer still (on_mount again would add another each time)."""
        await self.recompose()
        self.view_data = None  # the next load fills the new, empty table
        self.fill_in()

    # --- loading --------------------------------------------------------------------------------------------

    @settles
    @work(exclusive=True, group="dutylog-load")
    @background
    async def load(self, select_id: int | None = None) -> None:
        assert self.duty_date is not None
        view = await asyncio.to_thread(self.dutylog.shift_view, self.duty_date, self.shift_key)
        self.head = await asyncio.to_thread(self.dutylog.head)
        changed = self.view_data is None or view.timeline != self.view_data.timeline
        self.view_data = view
        self.show_title()
        self.show_chain()
        if changed or select_id is not None:
            self.fill(select_id)

    def poll(self) -> None:
        """Entries and calls from other terminals appear within seconds (not while a form is open)."""
        if self.is_active and self.desk.services is not None and not still_running(self, "dutylog-load"):
            self.load()

    @settles
    @work(exclusive=True, group="dutylog-verify")
    @background
    async def verify(self) -> None:
        from deskui.services.admin.verify import verify_log

        self.verified = await asyncio.to_thread(verify_log, self.dutylog)
        self.show_chain()

    # --- showing --------------------------------------------------------------------------------------------

    def show_title(self) -> None:
        view = self.view_data
        if view is None:
            return
        entries = sum(1 for e in view.entries if e.kind in WRITABLE)
        title = Text.assemble(
            (t("Duty log"), "bold"),
            "  ",
            (f"{shift_name(view.shift_key)} {view.duty_date.isoformat()}", "bold"),
            f"  {self.hm(view.start, '%m-%d %H:%M')}–{self.hm(view.end, '%m-%d %H:%M')}  ",
            (
                t(
                    "Log entries: {entries} · calls: {calls} · ticket events: {events}",
                    entries=entries,
                    calls=len(view.calls),
                    events=len(view.ticket_events),
                ),
                "dim",
            ),
        )
        self.query_one("#dl-title", Static).update(title)

    def show_chain(self) -> None:
        seq, digest = self.head
        line = Text(t("Chain head #{seq} {hash}…", seq=seq, hash=digest[:12]) + "  ")
        result = self.verified
        chain = self.query_one("#dl-chain", Static)
        chain.set_class(result is not None and not result.intact, "-broken")
        if result is None:
            line.append(t("checking…"), style="dim")
        elif result.intact:
            line.append("✓ ", style=theme_style(self.app, "success", bold=True))
            line.append(t("intact: {n} entries verified", n=result.entries))
        else:
            first = result.first_problem
            line.append("⚠ ", style="bold")
            line.append(t("does not verify ({n} problems): ", n=len(result.problems)))
            line.append_text(plain(first.message if first else "", one_line=True))
        chain.update(line)

    def fill(self, select_id: int | None = None) -> None:
        view = self.view_data
        table = self.query_one("#dl-table", DataTable)
        keep = table.cursor_row
        table.clear()
        self.items = list(view.timeline) if view else []
        self.by_id = {e.id: e for e in view.entries} if view else {}
        target = None
        for index, (moment, kind, item) in enumerate(self.items):
            table.add_row(*self.cells(moment, kind, item))
            if select_id is not None and kind == "log" and item.id == select_id:
                target = index
        if self.items:
            table.move_cursor(row=target if target is not None else min(keep, len(self.items) - 1))
        if not self.items:
            self.show_message(t("Nothing written in this shift yet. A adds an entry."), error=False)

    def cells(self, moment: datetime, kind: str, item: Any) -> tuple[Text, ...]:
        when = Text(self.hm(moment))
        if kind == "log":
            entry: LogEntry = item
            text = plain(entry.text, one_line=True)
            if entry.amends_id is not None:
                original = self.by_id.get(entry.amends_id)
                ref = f"#{original.seq}" if original else f"id {entry.amends_id}"
                text = plain(t("Corrects {ref}: {text}", ref=ref, text=entry.text), one_line=True)
            if entry.is_amended:
                text.stylize("dim")
                text.append("  " + t("(corrected later)"), style=theme_style(self.app, "warning"))
            label = Text(t(KIND_LABELS.get(entry.kind, entry.kind)))
            if entry.kind in ("handover", "review"):
                label.stylize(theme_style(self.app, "success", bold=True))
            return (when, label, Text(f"#{entry.seq}"), plain(entry.operator, one_line=True), text)
        if kind == "call":
            call: CallInfo = item
            summary = " ".join(f"{self.category_label(call.category)} {call.unit} {call.caller} {call.content}".split())
            return (
                when,
                Text(t("Call"), style="dim"),
                Text(str(call.id)),
                plain(call.operator, one_line=True),
                plain(summary, one_line=True),
            )
        event: TicketEventLine = item
        summary = " ".join(f"{t(EVENT_LABELS.get(event.kind, event.kind))} {event.note}".split())
        return (
            when,
            Text(t("Ticket"), style="dim"),
            Text(event.number),
            plain(event.operator, one_line=True),
            plain(summary, one_line=True),
        )

    def category_label(self, key: str) -> str:
        lang = get_language()
        return next((c.label(lang) for c in self.desk.settings.categories if c.key == key), key)

    def show_message(self, message: str, *, error: bool = True) -> None:
        label = self.query_one("#dl-message", Static)
        label.update(plain(message))
        label.set_class(bool(message) and error, "-error")

    def selected(self) -> tuple[str, Any] | None:
        table = self.query_one("#dl-table", DataTable)
        if not self.items or not 0 <= table.cursor_row < len(self.items):
            return None
        _, kind, item = self.items[table.cursor_row]
        return kind, item

    # --- moving between shifts ------------------------------------------------------------------------------

    def go(self, duty_date: date, shift_key: str) -> None:
        self.duty_date, self.shift_key = duty_date, shift_key
        self.view_data = None
        self.show_message("")
        self.load()

    def action_shift(self, step: int) -> None:
        assert self.duty_date is not None
        slot = slot_of(self.desk.settings, self.duty_date, self.shift_key)
        other = next_slot(self.desk.settings, slot) if step > 0 else previous_slot(self.desk.settings, slot)
        self.go(other.duty_date, other.key)

    def action_now(self) -> None:
        slot = shift_at(self.desk.settings, self.desk.clock.now())
        self.go(slot.duty_date, slot.key)

    async def action_choose(self) -> None:
        assert self.duty_date is not None
        settings = self.desk.settings
        shifts = tuple((d.key, shift_name(d.key)) for d in settings.shifts.shifts if not d.cover)

        async def submit(values: dict[str, Any]) -> object:
            text = values["date"].strip()
            try:
                day = date.fromisoformat(text)
            except ValueError:
                raise ValidationError(
                    t("Not a date: {value}; write e.g. 2026-11-23", value=text), field="date"
                ) from None
            return (day, values["shift"] or self.shift_key)

        fields = [
            FormField("date", N_("Date"), value=self.duty_date.isoformat()),
            FormField("shift", N_("Shift"), "choice", value=self.shift_key, options=shifts),
        ]
        await self.open_modal(FormScreen(t("Show a shift"), fields, submit), self._chosen)

    def _chosen(self, result: Any) -> None:
        if isinstance(result, tuple):
            self.go(*result)

    def action_verify(self) -> None:
        self.verified = None
        self.show_chain()
        self.verify()

    # --- writing --------------------------------------------------------------------------------------------

    async def action_add(self) -> None:
        dutylog = self.dutylog
        operator = self.desk.operator
        slot = shift_at(self.desk.settings, self.desk.clock.now())

        async def submit(values: dict[str, Any]) -> object:
            return await asyncio.to_thread(dutylog.add, values["text"], operator=operator)

        intro = t(
            "Written in the {shift} of {day} as {name}. It cannot be changed afterwards, only corrected.",
            shift=shift_name(slot.key),
            day=slot.duty_date.isoformat(),
            name=operator.name if operator else "-",
        )
        fields = [FormField("text", N_("Log entry"), "text")]
        await self.open_modal(FormScreen(t("New duty log entry"), fields, submit, intro=intro), self._written)

    async def action_amend(self) -> None:
        chosen = self.selected()
        if chosen is None or chosen[0] != "log" or chosen[1].kind not in WRITABLE:
            self.show_message(t("Choose an entry of the log to correct (not a call, a ticket or a signature)"))
            return
        entry: LogEntry = chosen[1]
        dutylog = self.dutylog
        operator = self.desk.operator

        async def submit(values: dict[str, Any]) -> object:
            return await asyncio.to_thread(
                dutylog.amend, entry.id, values["text"], operator=operator, reason=values["reason"]
            )

        intro = t("Entry #{seq} stays as it was written; the correction is a new entry pointing at it.", seq=entry.seq)
        fields = [FormField("text", N_("Log entry"), "text", value=entry.text), FormField("reason", N_("Reason"))]
        title = t("Correct entry #{seq}", seq=entry.seq)
        await self.open_modal(FormScreen(title, fields, submit, intro=intro), self._written)

    def _written(self, entry: Any) -> None:
        if entry is None or entry is True:
            return
        self.notify(t("Written as entry #{seq}", seq=entry.seq))
        self.duty_date, self.shift_key = entry.duty_date, entry.shift_key
        self.view_data = None
        self.show_message("")
        self.load(select_id=entry.id)
        self.verify()

    # --- details --------------------------------------------------------------------------------------------

    @on(DataTable.RowSelected, "#dl-table")
    def _row_selected(self) -> None:
        self.action_detail()

    def action_detail(self) -> None:
        """Enter: the whole entry with every correction of it (or the whole call / ticket event)."""
        chosen = self.selected()
        if chosen is not None:
            self.show_detail(*chosen)

    @settles
    @work(exclusive=True, group="dutylog-detail")
    @background
    async def show_detail(self, kind: str, item: Any) -> None:
        if kind == "log":
            entry: LogEntry = item
            original = entry
            try:
                if entry.amends_id is not None:
                    original = await asyncio.to_thread(self.dutylog.get, entry.amends_id)
                versions = [original] + [await asyncio.to_thread(self.dutylog.get, i) for i in original.amended_by]
            except DeskError as exc:
                self.show_message(exc.message)
                return
            body = Text()
            for number, version in enumerate(versions):
                head = (
                    t("#{seq} as written", seq=version.seq)
                    if number == 0
                    else t("Correction #{seq} of #{original}", seq=version.seq, original=original.seq)
                )
                body.append(head, style="bold")
                body.append(f"  {self.hm(version.time, '%Y-%m-%d %H:%M')}  ")
                body.append_text(plain(version.operator))
                body.append("\n")
                body.append_text(plain(version.text))
                reason = str(version.payload.get("reason", "")) if version.kind == "amendment" else ""
                if reason:
                    body.append("\n" + t("Reason") + ": ", style="dim")
                    body.append_text(plain(reason))
                body.append("\n\n")
            body.append(t("Hash {hash}", hash=entry.hash[:32]) + "…", style="dim")
            title = t("Duty log entry #{seq}", seq=entry.seq)
        elif kind == "call":
            call: CallInfo = item
            body = Text.assemble(
                (self.hm(call.time, "%Y-%m-%d %H:%M"), "bold"),
                "  ",
                plain(self.category_label(call.category)),
                "\n",
                plain(" ".join(f"{call.caller} {call.unit} {call.phone}".split())),
                "\n\n",
                plain(call.content),
            )
            title = t("Call #{id}", id=call.id)
        else:
            event: TicketEventLine = item
            body = Text.assemble(
                (self.hm(event.at, "%Y-%m-%d %H:%M"), "bold"),
                "  ",
                t(EVENT_LABELS.get(event.kind, event.kind)),
                "  ",
                plain(event.operator),
                "\n\n",
                plain(event.note),
            )
            title = event.number
        self.app.push_screen(InfoScreen(title, body))
