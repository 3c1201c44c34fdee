"""The ticket queue as a list: loaded a page at a time, reloaded when a ticket changes (polled) or time moves it
into another state, shown with the section counts and a preview of the ticket under the cursor. A part of the
tickets screen (deskui.screens.tickets.screen)."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import replace
from typing import TYPE_CHECKING, TypedDict

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.widgets import DataTable, Input, Static

from deskui.core.errors import DeskError
from deskui.core.i18n import N_, t
from deskui.core.retry import DatabaseBusy
from deskui.screens.base import DeskScreen
from deskui.services.tickets import KIND_LABELS, QUEUE_LABELS, QUEUES
from deskui.widgets.background import background
from deskui.widgets.plain import plain
from deskui.widgets.settling import settles
from deskui.widgets.table import fit
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

    from deskui.services.operators import OperatorInfo
    from deskui.services.tickets import SectionCounts, TargetState, TicketInfo, TicketService


SECTION_KEYS: tuple[tuple[str, str], ...] = tuple((str(n), name) for n, name in enumerate(QUEUES, start=1))
REFRESH_SECONDS = 30.0  # time left moves and tickets cross into Due soon / Overdue without any change
SETTLE_SECONDS = 3.0  # the longest a key waits for the list it acts on
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
KIND_WIDEST = 14  # the kind column grows to its longest label ("Help request") up to this


def compact_due(target: TargetState, width: int) -> str:
    """The time left (or late) in words that fit `width` cells, whole: "late 2d 15h" → "late 2d" (the smaller unit
    dropped, never cut: "超时 2天15小" read as nothing)."""
    words = phrase(target)
    if cell_len(words) <= width or target.state not in ("ok", "due_soon", "overdue", "paused", "late"):
        return words
    s = abs(target.seconds_left)
    unit = 86400 if s >= 86400 else 3600 if s >= 3600 else 60
    whole = (s // unit) * unit * (1 if target.seconds_left >= 0 else -1)
    shorter = phrase(replace(target, seconds_left=whole))
    return shorter if cell_len(shorter) <= width else shorter.replace(" ", "")


class QueueArgs(TypedDict):
    """What narrows a queue besides its name (the service's keyword arguments)."""

    operator: OperatorInfo | None
    department: str | None
    text: str | None


class TicketList(DeskScreen):
    """The tickets screen's list (the bottom part of TicketsScreen)."""

    queue: str
    department: str | None
    rows: list[TicketInfo]
    next_after: tuple[datetime, int] | None
    generation: int
    marker: int
    counts: SectionCounts | None
    selected_id: int | None
    shown_signature: tuple[object, ...]
    preview_key: tuple[int, int] | None
    last_reload: float
    wanted: int
    shown: int
    settled: asyncio.Event
    wide: bool
    columns: tuple[str, ...]
    widths: dict[str, int]
    error: str

    @property
    def tickets(self) -> TicketService:
        return self.services.tickets

    def set_columns(self) -> None:
        """As many columns as the width allows; the description takes the rest."""
        table = self.query_one("#tq-table", DataTable)
        table.clear(columns=True)
        room = self.size.width - (SECTIONS_WIDE if self.wide else SECTIONS_NARROW) - 2  # less the scrollbar
        kind = min(KIND_WIDEST, max(cell_len(t(label)) for label in KIND_LABELS.values()))
        # Each set with the kind column as wide as its longest label, else as drawn (fit() then ends it between
        # words): a status column is worth more than "Help request" in full.
        candidates = [
            tuple((label, max(width, kind) if label == "Kind" else width) for label, width in column_set)
            for column_set in COLUMN_SETS
        ]
        for columns in (c for pair in zip(candidates, COLUMN_SETS, strict=True) for c in pair):
            rest = room - sum(width + 2 for _, width in columns) - 2
            if rest >= MIN_DESCRIPTION:
                break
        self.columns = tuple(label for label, _ in columns)
        self.widths = {label: width for label, width in columns} | {"Description": max(4, rest)}
        for label, width in columns:
            table.add_column(t(label) if label else "", width=width)
        table.add_column(t("Description"), width=max(4, rest))
        self.shown_signature = ()

    def queue_args(self) -> QueueArgs:
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
            counts: SectionCounts | None = await asyncio.to_thread(
                self.tickets.section_counts, operator=self.desk.operator
            )
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
            words = compact_due(target, self.widths["Due"]) if target else ""
            due = Text(words, style=state_style(self.app, target.state)) if target else Text("")
        mark = Text(STATE_MARKS.get(target.state, " ") if target else " ")
        number = Text(x.number)
        if target is not None:
            mark.stylize(state_style(self.app, target.state, bold=True))
            if target.state in ("overdue", "due_soon"):
                number.stylize(state_style(self.app, target.state, bold=target.state == "overdue"))
        values = {
            "": mark,
            "Number": number,
            "Kind": Text(kind_text(x)),
            "Status": Text(x.status_label),
            "Unit": plain(x.unit, one_line=True),
            "Due": due,
        }
        return (
            *(fit(values[c], self.widths[c]) for c in self.columns),
            fit(plain(x.description, one_line=True), self.widths["Description"]),
        )

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
