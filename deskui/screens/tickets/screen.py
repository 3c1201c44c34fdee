"""Tickets (工单): the queues. Which tickets need the desk now, nearest due first, one key per queue.

A queue shows one page (the service's keyset `QueuePage`) and fetches the next as the cursor nears the end, so a
queue of 100,000 open tickets opens as fast as one of ten. Rows are coloured by the state of their nearest target
(theme colours). Another terminal's changes, and the section counts, refresh within a second or two while the
cursor stays on the same ticket. Enter opens the ticket; typing after / filters by number, unit, caller or text.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.widgets import DataTable, Input, Static

from deskui.core.errors import DeskError
from deskui.core.i18n import N_, t
from deskui.core.retry import DatabaseBusy
from deskui.screens import stylesheet
from deskui.screens.base import DeskScreen
from deskui.screens.tickets.detail import TicketDetailScreen
from deskui.screens.tickets.forms import PickScreen
from deskui.services.tickets import QUEUE_LABELS, QUEUES
from deskui.widgets.background import background
from deskui.widgets.plain import plain
from deskui.widgets.settling import settles
from deskui.widgets.ticket_text import (
    STATE_MARKS,
    department_label,
    event_line,
    kind_text,
    nearest,
    phrase,
    state_style,
    when,
)

if TYPE_CHECKING:
    from datetime import datetime

    from deskui.services.tickets import SectionCounts, TicketInfo, TicketService

SECTION_KEYS: tuple[tuple[str, str], ...] = tuple((str(n), name) for n, name in enumerate(QUEUES, start=1))
POLL_SECONDS = 1.0
REFRESH_SECONDS = 30.0  # time left moves and tickets cross into Due soon / Overdue without any change
FILTER_DELAY = 0.15
SETTLE_SECONDS = 3.0  # the longest a key waits for the list it acts on
NARROW_WIDTH = 100
SECTIONS_WIDE, SECTIONS_NARROW = 26, 20  # the section list's width (tickets.tcss says the same)
MORE_MARGIN = 5  # fetch the next page when the cursor is this close to the last row
PREVIEW_EVENTS = 5
# The table's columns, widest set first: the first whose description column keeps MIN_DESCRIPTION cells is used.
COLUMN_SETS: tuple[tuple[tuple[str, int], ...], ...] = (
    (("", 1), (N_("Number"), 16), (N_("Kind"), 10), (N_("Status"), 10), (N_("Unit"), 11), (N_("Due"), 13)),
    (("", 1), (N_("Number"), 16), (N_("Kind"), 10), (N_("Unit"), 12), (N_("Due"), 13)),
    (("", 1), (N_("Number"), 16), (N_("Unit"), 10), (N_("Due"), 12)),
)
MIN_DESCRIPTION = 16  # the narrowest set gives the description whatever is left


class TicketsScreen(DeskScreen):
    CSS_PATH = stylesheet("tickets.tcss")
    SECTION: ClassVar[str] = "Tickets"
    AUTO_FOCUS = "#tq-table"  # the queue, not the filter: the keys 1–9, j/k and Enter work from the first frame
    # Priority bindings, taken as each key arrives: the keys typed after Enter land in the ticket, those after a
    # section key act on the new queue (see `settle`). While the filter has focus they give way to it, except
    # Enter and Esc, which leave it without reading it (the filter is read after the characters still queued for it).
    BINDINGS: ClassVar[list[BindingType]] = [
        # Shown beside each queue in the section list rather than in the footer.
        *(
            Binding(key, f"queue('{name}')", QUEUE_LABELS[name], id=f"tickets-queue-{name}", show=False, priority=True)
            for key, name in SECTION_KEYS
        ),
        Binding("enter", "open_ticket", "Open", id="tickets-open", priority=True),
        Binding("slash,ctrl+g", "focus_filter", "Filter", id="tickets-filter", priority=True),
        Binding("escape", "clear_filter", "Clear", id="tickets-clear", priority=True),
        Binding("down,j", "move(1)", "Down", show=False, priority=True),
        Binding("up,k", "move(-1)", "Up", show=False, priority=True),
        Binding("pagedown", "move_page(1)", "Page down", show=False, priority=True),
        Binding("pageup", "move_page(-1)", "Page up", show=False, priority=True),
    ]
    IN_FILTER = frozenset({"open_ticket", "clear_filter"})
    """The actions that still run while the filter has focus."""

    def __init__(self) -> None:
        super().__init__()
        self.queue = "open"
        self.department: str | None = None
        self.rows: list[TicketInfo] = []
        self.next_after: tuple[datetime, int] | None = None
        self.generation = 0
        """Bumped by every reload, so a page fetched for an older list is not appended to a newer one."""
        self.marker = -1
        """The newest ticket event seen; the poll reloads when it moves."""
        self.counts: SectionCounts | None = None
        self.selected_id: int | None = None
        """The ticket under the cursor: reloads put the cursor back on it, wherever it moved."""
        self.shown_signature: tuple[object, ...] = ()
        self.preview_key: tuple[int, int] | None = None
        self.last_reload = 0.0
        self.wanted = 0
        """Changes to the list the operator asked for (another queue, the filter); `shown` is the last one shown."""
        self.shown = 0
        self.settled = asyncio.Event()
        """Set while the list on screen is the one the operator last asked for."""
        self.wide = True
        self.columns: tuple[str, ...] = ()
        """The message ids of the columns shown (fewer on a narrow terminal), the description not counted."""
        self.error = ""

    @property
    def tickets(self) -> TicketService:
        return self.services.tickets  # type: ignore[no-any-return]

    # --- layout -----------------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Horizontal(id="tq"):
            yield Static("", id="tq-sections")
            with Vertical(id="tq-main"):
                with Horizontal(id="tq-bar"):
                    yield Static("", id="tq-title")
                    yield Input(
                        placeholder=t("/ filter: number, unit, caller, phone, text"), id="tq-filter", compact=True
                    )
                yield DataTable(id="tq-table", cursor_type="row", zebra_stripes=True)
                yield Static("", id="tq-preview")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.desk.desk_screens.add(self)
        operator = self.desk.operator
        if operator is not None and operator.role == "maintenance":
            self.queue = "mine"
        self.wide = self.size.width >= NARROW_WIDTH
        self.set_class(not self.wide, "-narrow")
        self.set_columns()
        self.set_focus(self.query_one("#tq-table", DataTable))
        self.show_sections()
        self.set_interval(POLL_SECONDS, self.poll)
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.fill_table(force=True))
        self.reload()

    def on_resize(self, event: Resize) -> None:
        self.wide = event.size.width >= NARROW_WIDTH
        self.set_class(not self.wide, "-narrow")
        self.set_columns()
        self.show_sections()
        self.fill_table(force=True)

    def on_screen_resume(self) -> None:
        # Back from a ticket (or another section): what was done there shows at once.
        if self.marker >= 0:
            self.reload()

    async def language_changed(self) -> None:
        term = self.query_one("#tq-filter", Input).value
        await self.recompose()
        self.query_one("#tq-filter", Input).value = term
        self.set_columns()
        self.show_sections()
        self.fill_table(force=True)
        self.set_focus(self.query_one("#tq-table", DataTable))

    def set_columns(self) -> None:
        """As many columns as the width allows; the description takes the rest."""
        table = self.query_one("#tq-table", DataTable)
        table.clear(columns=True)
        room = self.size.width - (SECTIONS_WIDE if self.wide else SECTIONS_NARROW) - 2  # less the scrollbar
        for columns in COLUMN_SETS:
            rest = room - sum(width + 2 for _, width in columns) - 2
            if rest >= MIN_DESCRIPTION:
                break
        self.columns = tuple(label for label, _ in columns)
        for label, width in columns:
            table.add_column(t(label) if label else "", width=width)
        table.add_column(t("Description"), width=max(4, rest))
        self.shown_signature = ()

    # --- loading ----------------------------------------------------------------------------------------------

    def queue_args(self) -> dict[str, object]:
        term = self.query_one("#tq-filter", Input).value.strip()
        return {
            "operator": self.desk.operator,
            "department": self.department if self.queue == "department" else None,
            "text": term or None,
        }

    @settles
    @work(exclusive=True, group="tickets-load", exit_on_error=False)
    @background
    async def reload(self, delay: float = 0.0, *, keep: bool = True) -> None:
        """The queue from its first page, as many rows as were shown (so the cursor's ticket stays in reach)."""
        wanted = self.wanted
        if delay:
            await asyncio.sleep(delay)
        self.generation += 1
        generation = self.generation
        page_size = self.desk.settings.calls.page_size
        want = max(page_size, len(self.rows)) if keep else page_size
        args = self.queue_args()
        rows: list[TicketInfo] = []
        after = None
        marker = self.marker
        try:
            marker = await asyncio.to_thread(self.tickets.last_change_marker)
            while True:
                limit = min(10 * page_size, max(page_size, want - len(rows)))
                page = await asyncio.to_thread(self.tickets.queue, self.queue, after=after, limit=limit, **args)
                rows += page.rows
                after = page.next_after
                if after is None or len(rows) >= want:
                    break
            counts = await asyncio.to_thread(self.tickets.section_counts, operator=self.desk.operator)
        except DatabaseBusy:
            raise  # told quietly (@background); what was shown stays and the next poll tries again
        except Exception as exc:  # a refusal, or the database gone: said in the title, the keys go on
            self.error = exc.message if isinstance(exc, DeskError) else str(exc)
            rows, after, counts = self.rows, self.next_after, self.counts  # what was shown stays
        else:
            self.error = ""
        if generation != self.generation:
            return
        self.marker = marker
        self.last_reload = asyncio.get_running_loop().time()
        self.rows, self.next_after, self.counts = rows, after, counts
        if not keep:
            self.selected_id = None
        self.show_sections()
        self.fill_table()
        self.shown = max(self.shown, wanted)
        if self.shown >= self.wanted:
            self.settled.set()

    async def settle(self) -> None:
        """Wait until the list the operator asked for (another queue, the filter just typed) is on screen.

        Called from the priority bindings: while it waits, the app takes no further key, so the keys typed after
        this one wait too and then act, in order, on that list ("/", a number, Enter opens the ticket found, and
        what is typed next goes to that ticket). The list's workers run meanwhile; a slow database only delays.
        """
        if self.shown < self.wanted:
            self.settled.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.settled.wait(), SETTLE_SECONDS)

    @settles
    @work(exclusive=True, group="tickets-more", exit_on_error=False)
    @background
    async def load_more(self) -> None:
        """The next page, by the keyset of the last row: as cheap as the first, however deep the queue."""
        after, generation = self.next_after, self.generation
        if after is None:
            return
        try:
            limit = self.desk.settings.calls.page_size
            page = await asyncio.to_thread(
                self.tickets.queue, self.queue, after=after, limit=limit, **self.queue_args()
            )
        except DeskError:
            return
        if generation != self.generation or after != self.next_after:
            return
        known = {r.id for r in self.rows}
        fresh = [r for r in page.rows if r.id not in known]
        self.rows += fresh
        self.next_after = page.next_after
        table = self.query_one("#tq-table", DataTable)
        now = self.desk.clock.now()
        for ticket in fresh:
            table.add_row(*self.cells(ticket, now), key=str(ticket.id))
        self.shown_signature = self.signature(now)
        self.show_title()

    async def poll(self) -> None:
        """Reload when any ticket changed (another terminal included), and now and then for the clock.
        A timer's own callback, awaited by the timer: never two at once, so a long lock does not pile them up; a
        DeskError is told quietly (DeskScreen.set_interval)."""
        if self.marker < 0:
            return
        marker = await asyncio.to_thread(self.tickets.last_change_marker)
        stale = asyncio.get_running_loop().time() - self.last_reload >= REFRESH_SECONDS
        if marker != self.marker or stale:
            self.reload()

    # --- showing ----------------------------------------------------------------------------------------------

    def signature(self, now: datetime) -> tuple[object, ...]:
        minute = int(now.timestamp() // 60)
        return (self.columns, minute, *((r.id, r.version) for r in self.rows))

    def cells(self, x: TicketInfo, now: datetime) -> tuple[Text, ...]:
        settings = self.desk.settings
        if self.queue == "closed":
            target = None
            due = Text(t("closed {when}", when=when(settings, x.closed_at, now)), style="dim")
        else:
            target = nearest(x, now, settings)
            due = Text(phrase(target), style=state_style(self.app, target.state)) if target else Text("")
        mark = Text(STATE_MARKS.get(target.state, " ") if target else " ")
        number = Text(x.number)
        if target is not None:
            mark.stylize(state_style(self.app, target.state, bold=True))
            if target.state in ("overdue", "due_soon"):
                number.stylize(state_style(self.app, target.state, bold=target.state == "overdue"))
        values = {
            "": mark,
            "Number": number,
            "Kind": Text(kind_text(x), no_wrap=True, overflow="ellipsis"),
            "Status": Text(x.status_label, no_wrap=True, overflow="ellipsis"),
            "Unit": plain(x.unit, one_line=True),
            "Due": due,
        }
        return (*(values[c] for c in self.columns), plain(x.description, one_line=True))

    def fill_table(self, *, force: bool = False) -> None:
        """Put the rows in the table, the cursor back on the ticket it was on (or the row where it was)."""
        table = self.query_one("#tq-table", DataTable)
        now = self.desk.clock.now()
        signature = self.signature(now)
        self.show_title()
        if not force and signature == self.shown_signature:
            return
        self.shown_signature = signature
        row_before = table.cursor_row
        table.clear()
        for ticket in self.rows:
            table.add_row(*self.cells(ticket, now), key=str(ticket.id))
        if not self.rows:
            self.selected_id = None
            self.show_preview(None)
            return
        ids = [r.id for r in self.rows]
        row = ids.index(self.selected_id) if self.selected_id in ids else min(row_before, len(ids) - 1)
        table.move_cursor(row=row)
        self.selected_id = ids[row]
        self.show_preview(self.rows[row])
        self.more_if_near_end(row)

    def more_if_near_end(self, row: int) -> None:
        if row >= len(self.rows) - MORE_MARGIN and self.next_after is not None:
            self.load_more()

    def show_title(self) -> None:
        """The queue's name and size; while filtering, how many match (so far, when there are more pages)."""
        label = t(QUEUE_LABELS[self.queue])
        if self.queue == "department":
            label += " · " + department_label(self.desk.settings, self.department or "")
        total: int | None = None
        if self.counts is not None:
            by_department = self.counts.by_department.get(self.department or "", 0)
            total = by_department if self.queue == "department" else self.counts.get(self.queue)
        title = Text(label, style="bold")
        if self.query_one("#tq-filter", Input).value.strip():
            found = f"{len(self.rows)}+" if self.next_after is not None else str(len(self.rows))
            title.append("  " + t("{n} found", n=found))
        elif total is not None:
            title.append(f"  {total}")
        if self.error:
            title = Text(self.error, style="bold")
        self.query_one("#tq-title", Static).update(title)

    def show_sections(self) -> None:
        """Every queue with its key and count; the one shown is highlighted. Late and soon counts in colour."""
        text = Text()
        counts = self.counts
        width = (SECTIONS_WIDE if self.wide else SECTIONS_NARROW) - 3  # less the padding and the border
        for n, (key, name) in enumerate(SECTION_KEYS):
            if n:
                text.append("\n")
            chosen = name == self.queue
            count = ""
            if counts is not None:
                count = str(counts.open if name == "department" else counts.get(name))
            label = Text(t(QUEUE_LABELS[name]), style="bold" if chosen else "")
            label.truncate(max(4, width - 5 - len(count)), overflow="ellipsis")
            style: Style | str = ""
            if counts is not None and name in ("overdue", "due_soon") and counts.get(name):
                style = state_style(self.app, name, bold=True)
            line = Text.assemble((f" {key} ", "bold reverse" if chosen else "bold"), " ", label)
            line.append(" " * max(1, width - line.cell_len - len(count)))
            line.append(count, style)
            text.append_text(line)
            if name == "department" and self.queue == "department" and self.department is not None:
                text.append("\n")
                below = Text("    " + department_label(self.desk.settings, self.department), style="italic")
                below.truncate(width, overflow="ellipsis")
                text.append_text(below)
        self.query_one("#tq-sections", Static).update(text)

    @on(DataTable.RowHighlighted, "#tq-table")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row < len(self.rows):
            ticket = self.rows[event.cursor_row]
            self.selected_id = ticket.id
            self.show_preview(ticket)
        self.more_if_near_end(event.cursor_row)

    @settles
    @work(exclusive=True, group="tickets-preview", exit_on_error=False)
    @background
    async def show_preview(self, ticket: TicketInfo | None) -> None:
        """The highlighted ticket in a few lines: who, where, what, and its latest events."""
        preview = self.query_one("#tq-preview", Static)
        if ticket is None:
            self.preview_key = None
            message = t("No tickets here") if not self.query_one("#tq-filter", Input).value else t("Nothing found")
            preview.update(Text(message, style="dim"))
            return
        key = (ticket.id, ticket.version)
        if key == self.preview_key:
            return
        events = await asyncio.to_thread(self.tickets.latest_events, ticket.id, PREVIEW_EVENTS)
        settings = self.desk.settings
        now = self.desk.clock.now()
        text = Text()
        text.append(ticket.number, "bold")
        text.append(f"  {kind_text(ticket)}  {ticket.status_label}  ")
        text.append_text(plain(ticket.unit, one_line=True))
        text.append("  ")
        text.append_text(plain(ticket.caller, one_line=True))
        text.append(" ")
        text.append_text(plain(ticket.phone, one_line=True))
        if ticket.department:
            text.append(f"  {department_label(settings, ticket.department)}", "dim")
        text.append("\n")
        text.append_text(plain(ticket.description, one_line=True))
        for event in events:
            text.append("\n")
            text.append_text(event_line(event, settings, now))
        text.no_wrap = True
        text.overflow = "ellipsis"
        self.preview_key = key
        preview.update(text)

    # --- keys -------------------------------------------------------------------------------------------------

    def filter_focused(self) -> bool:
        # check_action asks this before the screen is composed and while it is torn down: no filter, no focus.
        found = self.query("#tq-filter")
        return bool(found) and self.focused is found.first()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While the filter has focus, the keys are the filter's (but Enter and Esc leave it)."""
        return action in self.IN_FILTER or not self.filter_focused()

    async def action_queue(self, name: str) -> None:
        await self.settle()
        if name == "department":
            counts = self.counts.by_department if self.counts is not None else {}
            settings = self.desk.settings
            choices = [
                (d.key, Text.assemble(department_label(settings, d.key), ("  " + str(counts.get(d.key, 0)), "dim")))
                for d in settings.departments
            ]
            picker = PickScreen(t("By department"), choices, self.department)
            await self.app.push_screen(picker, self._department_picked)
            return
        self.switch_queue(name)

    def _department_picked(self, key: str | None) -> None:
        if key is not None:
            self.department = key
            self.switch_queue("department")

    def switch_queue(self, name: str) -> None:
        self.queue = name
        self.rows = []
        self.selected_id = None
        self.preview_key = None
        self.next_after = None
        self.show_sections()
        self.show_title()
        self.set_focus(self.query_one("#tq-table", DataTable))
        self.wanted += 1
        self.reload(keep=False)

    async def action_move(self, step: int) -> None:
        await self.settle()
        table = self.query_one("#tq-table", DataTable)
        table.action_cursor_down() if step > 0 else table.action_cursor_up()

    async def action_move_page(self, step: int) -> None:
        await self.settle()
        table = self.query_one("#tq-table", DataTable)
        table.action_page_down() if step > 0 else table.action_page_up()

    async def action_open_ticket(self) -> None:
        if self.filter_focused():
            self.leave_filter(clear=False)
            return
        await self.settle()
        await self.open_selected()  # mounted before the next key is taken, so that key lands in the ticket

    async def open_selected(self) -> None:
        table = self.query_one("#tq-table", DataTable)
        if table.cursor_row < len(self.rows) and self.app.screen is self:
            await self.app.push_screen(TicketDetailScreen(self.rows[table.cursor_row].id))

    @on(DataTable.RowSelected, "#tq-table")
    async def _row_selected(self) -> None:
        """A click on a row (the keyboard's Enter is the screen's own binding)."""
        await self.open_selected()

    def action_focus_filter(self) -> None:
        self.set_focus(self.query_one("#tq-filter", Input))  # the characters typed next are the filter's

    def action_clear_filter(self) -> None:
        self.leave_filter(clear=True)

    def leave_filter(self, *, clear: bool) -> None:
        """Back to the table at once, so the keys typed next move in it; the filter itself is read (or cleared)
        after the characters still queued for it, and the keys typed next wait for that list."""
        term = self.query_one("#tq-filter", Input)
        self.set_focus(self.query_one("#tq-table", DataTable))  # now, not after the keys already queued
        self.wanted += 1
        term.call_later(self._filter_left, clear)

    def _filter_left(self, clear: bool) -> None:
        term = self.query_one("#tq-filter", Input)
        if clear and term.value:
            term.value = ""
        self.reload(keep=False)

    @on(Input.Changed, "#tq-filter")
    def _filter_changed(self) -> None:
        self.selected_id = None
        self.wanted += 1
        self.reload(FILTER_DELAY, keep=False)
