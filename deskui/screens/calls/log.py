"""The log of calls under the call form: today's calls (another terminal's within two seconds), a search over every
call, more rows as the cursor nears the end. A part of the calls screen (deskui.screens.calls.screen)."""

from __future__ import annotations

import asyncio
from datetime import datetime, time
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.widgets import DataTable, Input

from deskui.core.i18n import N_, get_language
from deskui.screens.base import DeskScreen
from deskui.services.common.shifts import local_time
from deskui.widgets.background import background
from deskui.widgets.plain import plain
from deskui.widgets.settling import settles

if TYPE_CHECKING:
    from deskui.services.calls import CallInfo, CallService


LOOKUP_DELAY = 0.25
COLUMNS = (N_("#"), N_("Time"), N_("Channel"), N_("Caller"), N_("Unit"), N_("Phone"), N_("Category"), N_("Content"))


class CallLog(DeskScreen):
    """The calls screen's log and search (the bottom part of CallsScreen; CallForm builds on it)."""

    rows: list[CallInfo]
    more: bool
    newest_id: int
    log_loaded: bool

    @property
    def calls(self) -> CallService:
        return self.services.calls

    def today_start(self) -> datetime:
        local = local_time(self.desk.settings, self.desk.clock.now())
        return datetime.combine(local.date(), time(0), tzinfo=local.tzinfo)

    @settles
    @work(exclusive=True, group="call-log")
    @background
    async def reload_log(self) -> None:
        term = self.query_one("#call-search", Input).value
        if term.strip():
            rows = await asyncio.to_thread(self.calls.search, term, current_only=False)
        else:
            rows = await asyncio.to_thread(self.calls.list, since=self.today_start(), current_only=False)
        self.rows = rows
        self.more = len(rows) >= self.desk.settings.calls.page_size
        if rows and not term.strip():
            self.newest_id = max(self.newest_id, rows[0].id)
        self.fill_table(rows)
        self.log_loaded = True

    def search(self, term: str) -> None:
        self.run_search(term)

    @settles
    @work(exclusive=True, group="call-log")
    @background
    async def run_search(self, term: str) -> None:
        await asyncio.sleep(LOOKUP_DELAY / 2)
        if term.strip():
            rows = await asyncio.to_thread(self.calls.search, term, current_only=False)
        else:
            rows = await asyncio.to_thread(self.calls.list, since=self.today_start(), current_only=False)
        self.rows = rows
        self.more = len(rows) >= self.desk.settings.calls.page_size
        self.fill_table(rows)

    @settles
    @work(exclusive=True, group="call-more")
    @background
    async def load_more(self) -> None:
        if not self.more or not self.rows:
            return
        term = self.query_one("#call-search", Input).value
        last = self.rows[-1].id
        if term.strip():
            rows = await asyncio.to_thread(self.calls.search, term, before_id=last, current_only=False)
        else:
            rows = await asyncio.to_thread(
                self.calls.list, since=self.today_start(), before_id=last, current_only=False
            )
        self.more = len(rows) >= self.desk.settings.calls.page_size
        self.rows += rows
        table = self.query_one("#call-table", DataTable)
        for call in rows:
            table.add_row(*self.cells(call), key=str(call.id))

    async def poll_new_calls(self) -> None:
        """Another terminal's calls appear within two seconds (only while the plain log is shown)."""
        if self.desk.services is None or self.query_one("#call-search", Input).value.strip():
            return
        latest = await asyncio.to_thread(self.calls.list, limit=1)
        if latest and latest[0].id > self.newest_id:
            self.newest_id = latest[0].id
            self.reload_log()

    def cells(self, call: CallInfo) -> tuple[Text, ...]:
        when = local_time(self.desk.settings, call.time)
        today = local_time(self.desk.settings, self.desk.clock.now()).date()
        stamp = when.strftime("%H:%M") if when.date() == today else when.strftime("%m-%d %H:%M")
        # Every record by its own number, the one the CLI and the save notice use (issue 10 defect 12); both a
        # correction and what it corrects stay listed in the order written: "23 ✎#19" corrects 19, "19 →#23".
        marks = ("!" if call.urgent else "") + ("⚑" if call.ticket_wanted else "")
        number = Text(f"{call.id}{marks}")
        if call.amends_id:
            number.append(f" ✎#{call.amends_id}")
        if call.superseded_by:
            number.append(f" →#{call.superseded_by}", style="dim")
        return (
            number,
            Text(stamp),
            Text(self.channel_label(call.channel)),
            plain(call.caller, one_line=True),
            plain(call.unit, one_line=True),
            plain(call.phone, one_line=True),
            Text(self.category_label(call.category)),
            plain(call.content[:200], one_line=True),
        )

    def fill_table(self, rows: list[CallInfo]) -> None:
        table = self.query_one("#call-table", DataTable)
        keep = table.cursor_row
        table.clear()
        for call in rows:
            table.add_row(*self.cells(call), key=str(call.id))
        if rows:
            table.move_cursor(row=min(keep, len(rows) - 1))

    @on(DataTable.RowHighlighted, "#call-table")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= len(self.rows) - 3:
            self.load_more()

    def selected_call(self) -> CallInfo | None:
        table = self.query_one("#call-table", DataTable)
        if not self.rows or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def action_focus_search(self) -> None:
        self.query_one("#call-search", Input).focus()

    @on(Input.Submitted, "#call-search")
    def _search_submitted(self) -> None:
        self.query_one("#call-table", DataTable).focus()

    def category_label(self, key: str) -> str:
        lang = get_language()
        return next((c.label(lang) for c in self.desk.settings.categories if c.key == key), key)

    def channel_label(self, key: str) -> str:
        lang = get_language()
        return next((c.label(lang) for c in self.desk.settings.channels if c.key == key), key)
