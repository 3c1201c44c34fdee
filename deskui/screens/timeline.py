"""One unit's whole story (issue 13 item 7): its calls, tickets and callbacks, duty-log lines, visitors, parcels
and passes, newest first, in one pane over whatever screen asked for it.

F12 opens it from every screen that shows a unit (the call form and log, a call's detail, a ticket, the
directory): `TIMELINE_BINDING` and `open_timeline`. Number keys filter (1 everything, 2 calls, 3 tickets and
callbacks, 4 duty log, 5 registers), Enter opens the call or ticket under the cursor, Esc closes.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from deskui.core.i18n import N_, t
from deskui.screens import stylesheet
from deskui.widgets.background import asked, background
from deskui.widgets.footer import DeskFooter
from deskui.widgets.plain import plain
from deskui.widgets.table import DeskTable

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from textual.app import App

    from deskui.desk import Desk
    from deskui.services.registers import ParcelInfo
    from deskui.services.timeline import Timeline, TimelineEntry

# The one key, on every screen that shows a unit. Not Ctrl+U: in a text field that is the editing key "delete to the
# start of the line" people use to clear a search box (the day on a terminal did; taking it over lost their text).
# A function key is never text, so it may take priority over the call form's fields.
TIMELINE_BINDING = Binding("f12", "open_timeline", N_("Unit history"), id="open-timeline", priority=True)

# The filter keys: group name (services.timeline.GROUPS) by key, in the order the footer shows them.
FILTERS = {"1": "all", "2": "calls", "3": "tickets", "4": "log", "5": "registers"}
COLUMNS = (N_("Time"), N_("Kind"), N_("Record no."), N_("What"), N_("State"))


def waiting_parcels(parcels: Sequence[ParcelInfo], now: datetime) -> Text:
    """The caller panel's lines for a unit's parcels still at the desk (issue 13 item 5): carrier, days waiting,
    shelf, oldest first. Nothing when none waits."""
    text = Text()
    if not parcels:
        return text
    text.append(t("Parcels waiting: {n}", n=len(parcels)), style="bold")
    text.append("\n")
    for parcel in parcels:
        days = max(0, (now - parcel.received_at).days)
        text.append("  ")
        text.append_text(plain(parcel.carrier, one_line=True))
        text.append(" · ")
        text.append(t("waiting {days} day(s)", days=days), style="bold" if parcel.old else "")
        if parcel.shelf:
            text.append(" · ")
            text.append_text(plain(parcel.shelf, one_line=True, style="dim"))
        text.append("\n")
    return text


async def open_timeline(app: App[object], unit: str | None) -> None:
    """The story of `unit` over the screen shown; a word instead when the screen has no unit to show."""
    unit = (unit or "").strip()
    if not unit:
        app.notify(t("No unit here: choose or type one first"), severity="warning")
        return
    screen = app.screen
    if isinstance(screen, TimelineScreen) and screen.unit == unit:
        return
    await app.push_screen(TimelineScreen(unit))


class TimelineScreen(ModalScreen[None]):
    CSS_PATH = stylesheet("timeline.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close", id="timeline-close"),
        *(
            Binding(key, f"show('{group}')", label, id=f"timeline-{group}")
            for key, group, label in (
                ("1", "all", N_("Everything")),
                ("2", "calls", N_("Calls")),
                ("3", "tickets", N_("Tickets and callbacks")),
                ("4", "log", N_("Duty log")),
                ("5", "registers", N_("Registers")),
            )
        ),
        Binding("enter", "open_entry", "Open", id="timeline-open", show=False),
        Binding("j", "cursor(1)", "Down", show=False),
        Binding("k", "cursor(-1)", "Up", show=False),
    ]

    def __init__(self, unit: str, group: str = "all") -> None:
        super().__init__()
        self.unit = unit
        self.group = group
        self.story: Timeline | None = None
        self.entries: list[TimelineEntry] = []
        self.loaded = False
        """Set when the story of the current filter is on screen (tests wait for it)."""

    @property
    def desk(self) -> Desk:
        return cast("Desk", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(id="timeline-box"):
            yield Static("", id="timeline-title")
            yield DeskTable(id="timeline-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="timeline-note")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.desk.desk_screens.add(self)
        self.fill_in()

    def on_unmount(self) -> None:
        self.desk.desk_screens.discard(self)

    def fill_in(self) -> None:
        table = self.query_one("#timeline-table", DataTable)
        table.clear(columns=True)
        table.add_columns(*(t(c) for c in COLUMNS))
        table.focus()
        self.load()

    # --- a language switch (deskui.desk.FollowsLanguage) -------------------------------------------------------

    async def follow_language(self) -> None:
        if self.is_attached and self.app.screen is self:
            await self.recompose()
            self.fill_in()

    def refresh_headers(self) -> None:
        """No header of its own: the screen underneath draws it."""

    # --- loading ------------------------------------------------------------------------------------------------

    @work(exclusive=True, group="timeline-load")
    @background
    async def load(self) -> None:
        from deskui.services.timeline import GROUPS, TimelineService

        self.loaded = False
        services = self.desk.services
        if services is None:
            return
        service = TimelineService.of(services)
        self.story = await asyncio.to_thread(service.timeline, self.unit, kinds=GROUPS[self.group])
        self.entries = list(self.story.entries)
        self.fill()
        self.loaded = True

    def fill(self) -> None:
        from deskui.services.common.shifts import local_time
        from deskui.services.timeline import GROUP_LABELS, state_label

        story = self.story
        assert story is not None
        title = Text.assemble(
            (t("Unit history"), "bold"),
            "  ",
            plain(story.label, one_line=True, style="bold"),
            "  ",
            (t(GROUP_LABELS[self.group]), "italic"),
        )
        if not story.known:
            title.append("  ")
            title.append(t("Not in the directory"), style="dim")
        self.query_one("#timeline-title", Static).update(title)
        table = self.query_one("#timeline-table", DataTable)
        table.clear()
        settings = self.desk.settings
        for number, entry in enumerate(self.entries):
            table.add_row(
                Text(local_time(settings, entry.at).strftime("%Y-%m-%d %H:%M")),
                Text(entry.kind_label),
                plain(entry.number, one_line=True),
                plain(entry.summary, one_line=True),
                Text(state_label(entry)),
                key=str(number),
            )
        if not self.entries:
            note = t("Nothing recorded for {unit}", unit=story.label)
        elif story.more:
            note = t("The newest {n} entries; the CLI's --since reaches further back", n=len(self.entries))
        else:
            note = ""
        self.query_one("#timeline-note", Static).update(Text(note, style="dim"))

    # --- keys ---------------------------------------------------------------------------------------------------

    def action_show(self, group: str) -> None:
        if group != self.group:
            self.group = group
            self.load()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_cursor(self, step: int) -> None:
        table = self.query_one("#timeline-table", DataTable)
        table.move_cursor(row=table.cursor_row + step)

    def selected(self) -> TimelineEntry | None:
        table = self.query_one("#timeline-table", DataTable)
        if not self.entries or not 0 <= table.cursor_row < len(self.entries):
            return None
        return self.entries[table.cursor_row]

    @on(DataTable.RowSelected, "#timeline-table")
    async def _row_selected(self) -> None:
        await self.action_open_entry()

    @asked
    async def action_open_entry(self) -> None:
        """Enter: a call's detail (every version), or the ticket an entry belongs to."""
        entry = self.selected()
        if entry is None:
            return
        if entry.ticket_id is not None:
            await self.desk.show_ticket(entry.ticket_id)
        elif entry.call_id is not None:
            await self.show_call(entry.call_id)
        else:
            self.notify(t("Open it from its own screen (F-keys)"), severity="information")

    async def show_call(self, call_id: int) -> None:
        from deskui.screens.calls.detail import CallDetailScreen
        from deskui.services.common.shifts import local_time

        services = self.desk.services
        if services is None:
            return
        settings = self.desk.settings
        versions = await asyncio.to_thread(services.calls.versions, call_id)
        language = settings.language
        describe = {f"channel:{c.key}": c.label(language) for c in settings.channels}
        describe |= {f"category:{c.key}": c.label(language) for c in settings.categories}
        when = [local_time(settings, v.time).strftime("%Y-%m-%d %H:%M") for v in versions]
        await self.app.push_screen(CallDetailScreen(versions, describe, when))
