"""Tickets (工单): the queues. Which tickets need the desk now, nearest due first, one key per queue.

A queue shows one page (the service's keyset `QueuePage`) and fetches the next as the cursor nears the end, so a
queue of 100,000 open tickets opens as fast as one of ten. Rows are coloured by the state of their nearest target
(theme colours). Another terminal's changes, and the section counts, refresh within a second or two while the
cursor stays on the same ticket. Enter opens the ticket; typing after / filters by number, unit, caller or text.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.widgets import DataTable, Input, Static

from deskui.core.i18n import t
from deskui.screens import stylesheet
from deskui.screens.tickets.detail import TicketDetailScreen
from deskui.screens.tickets.forms import PickScreen
from deskui.screens.tickets.queue import SECTION_KEYS, TicketList
from deskui.services.tickets import QUEUE_LABELS
from deskui.widgets.ticket_text import (
    department_label,
)

if TYPE_CHECKING:
    from datetime import datetime

    from deskui.services.tickets import SectionCounts, TicketInfo


POLL_SECONDS = 1.0
FILTER_DELAY = 0.15
NARROW_WIDTH = 100


class TicketsScreen(TicketList):
    """The queues; the list itself (loading, showing, the preview) is TicketList (deskui.screens.tickets.queue)."""

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
        self.widths: dict[str, int] = {}
        """Each shown column's width in cells, by message id, the description's included (queue.fit)."""
        self.error = ""

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

    async def on_screen_resume(self) -> None:
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
