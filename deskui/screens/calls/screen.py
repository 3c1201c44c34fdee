"""Calls (来电来访登记): the receptionist's home screen. Log a call fast, read it back, find any call.

Keystrokes are the budget here. A known caller costs: phone digits, Tab (caller and unit fill themselves),
Tab, one key for the category, the content, Ctrl+S, Enter. The form autosaves as a draft twice a second, so a
crash or a closed terminal loses at most the last moment of typing, and saving is idempotent per form.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.widgets import Checkbox, DataTable, Input, OptionList, Static, TextArea

from deskui.core.errors import DeskError
from deskui.core.i18n import N_, t
from deskui.screens import stylesheet
from deskui.screens.calls.detail import CallDetailScreen
from deskui.screens.calls.form import CallForm, UnitSuggester, call_field
from deskui.screens.calls.log import COLUMNS
from deskui.screens.tickets.new import NewTicketScreen
from deskui.screens.timeline import TIMELINE_BINDING, open_timeline
from deskui.services.common.shifts import local_time
from deskui.widgets.background import asked
from deskui.widgets.table import DeskTable

if TYPE_CHECKING:
    from deskui.services.calls import CallInfo
    from deskui.services.directory import ResidentInfo


AUTOSAVE_SECONDS = 0.5
LIVE_REFRESH_SECONDS = 2.0
NARROW_WIDTH = 100


class CallsScreen(CallForm):
    """The form over the log; its parts are CallLog (deskui.screens.calls.log) and CallForm (.form)."""

    CSS_PATH = stylesheet("calls.tcss")
    SECTION: ClassVar[str] = "Calls"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="call-save"),
        Binding("ctrl+n", "new_call", "New call", id="call-new"),
        Binding("ctrl+g", "focus_search", "Search", id="call-search"),
        Binding("ctrl+r", "correct", "Correct", id="call-correct"),
        # Priority, and the form is awaited: the keys typed right after Ctrl+T are the ticket form's.
        Binding("ctrl+t", "open_ticket", "Open a ticket", id="call-ticket", priority=True),
        Binding("ctrl+b", "toggle_urgent", "Urgent", id="call-urgent", show=False),
        # The side panel (known caller, residents, history, the duplicate warning): its residents list, and below
        # NARROW_WIDTH, where the panel has no room beside the form, the panel itself in the form's place and back
        # (issue 12: unreachable at 80x24). Textual's inputs leave Ctrl+O free.
        Binding("ctrl+o", "toggle_side", "Caller panel", id="call-residents"),
        Binding("escape", "back_to_form", "Form", id="call-form", show=False),
        TIMELINE_BINDING,
    ]

    def __init__(self) -> None:
        super().__init__()
        self.token = str(uuid.uuid4())
        self.amending: CallInfo | None = None
        self.dirty = False
        self.restoring = False
        self.rows: list[CallInfo] = []
        self.log_loaded = False
        """True once the first page of the log is on screen (tests and the first-frame benchmark wait for it)."""
        self.newest_id = 0
        self.more = False
        self.residents: list[ResidentInfo] = []
        self.last_payload: dict[str, Any] | None = None
        """The form as of the last change: what is kept when the screen goes away with the app."""
        self.last_saved: CallInfo | None = None
        """The call saved last from this form: Ctrl+T opens its ticket unless the log has a call selected."""

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Horizontal(id="call-top"):
            with Vertical(id="call-form"):
                yield Static("", id="call-form-title")
                with Horizontal(classes="call-row"):
                    yield call_field(N_("Time"), Input(placeholder=t("now"), id="call-time", compact=True), "time")
                    yield call_field(N_("Channel"), self._choices("channel"), "channel")
                with Horizontal(classes="call-row"):
                    yield call_field(N_("Phone"), Input(id="call-phone", compact=True), "phone")
                    yield call_field(N_("Caller"), Input(id="call-caller", compact=True), "caller")
                yield call_field(
                    N_("Unit"),
                    Input(
                        placeholder=t("3-2-1201, 3栋2单元1201, B2车库…"),
                        id="call-unit",
                        compact=True,
                        suggester=UnitSuggester(self.services.directory),
                    ),
                    "unit",
                )
                yield call_field(N_("Category"), self._choices("category"), "category")
                yield call_field(N_("Content"), TextArea(id="call-content", compact=True, soft_wrap=True), "content")
                with Horizontal(classes="call-row"):
                    yield call_field(N_("Visit time"), Input(id="call-visit_time", compact=True), "visit_time")
                    yield Checkbox(t("Urgent"), id="call-urgent", compact=True)
            with Vertical(id="call-side"):
                yield Static("", id="call-caller-info")
                yield OptionList(id="call-residents-list")
                yield Static("", id="call-history")
        with Vertical(id="call-log"):
            yield Input(placeholder=t("Search all calls: caller, unit, phone, content"), id="call-search", compact=True)
            yield DeskTable(id="call-table", cursor_type="row", zebra_stripes=True)
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.desk.desk_screens.add(self)
        _ = self.owner  # whose drafts these are, from now on (DeskScreen.owner)
        table = self.query_one("#call-table", DataTable)
        table.add_columns(*(t(c) for c in COLUMNS))
        self.show_form_title()
        self.query_one("#call-phone", Input).focus()
        self.set_interval(AUTOSAVE_SECONDS, self.autosave)
        self.set_interval(LIVE_REFRESH_SECONDS, self.poll_new_calls)
        self.reload_log()
        self.restore_draft()
        self.set_class(self.size.width < NARROW_WIDTH, "-narrow")

    def on_resize(self, event: Resize) -> None:
        narrow = event.size.width < NARROW_WIDTH
        if narrow != self.has_class("-narrow"):
            self.set_class(narrow, "-narrow")
            self.set_class(False, "-side")
            self.refresh_bindings()

    def action_toggle_side(self) -> None:
        """Wide: the residents list beside the form. Narrow: the side panel in the form's place, or the form back."""
        if not self.has_class("-narrow"):
            self.action_focus_residents()
            return
        self.toggle_class("-side")
        if self.has_class("-side"):
            self.set_focus(None)  # no typing into the hidden form; Esc or Ctrl+O brings it back
            self.action_focus_residents()
        else:
            self.action_back_to_form()

    def on_unmount(self) -> None:
        # Last chance before the app closes (Ctrl+Q, SIGHUP handled by Textual): keep what was typed.
        if self.dirty and self.desk.services is not None and self.last_payload is not None:
            with contextlib.suppress(DeskError):
                self.calls.save_draft(self.token, self.last_payload, form="call", operator=self.owner)

    async def language_changed(self) -> None:
        payload = self.form_payload()
        search = self.query_one("#call-search", Input).value
        await self.recompose()
        self.on_mount_widgets()
        self.load_payload(payload)
        self.query_one("#call-search", Input).value = search

    def on_mount_widgets(self) -> None:
        table = self.query_one("#call-table", DataTable)
        table.add_columns(*(t(c) for c in COLUMNS))
        self.show_form_title()
        self.fill_table(self.rows)

    @on(DataTable.RowSelected, "#call-table")
    @asked
    async def _row_selected(self) -> None:
        call = self.selected_call()
        if call is None:
            return
        versions = await asyncio.to_thread(self.calls.versions, call.id)
        describe = {f"channel:{c.key}": self.channel_label(c.key) for c in self.desk.settings.channels}
        describe |= {f"category:{c.key}": self.category_label(c.key) for c in self.desk.settings.categories}
        when = [local_time(self.desk.settings, v.time).strftime("%Y-%m-%d %H:%M") for v in versions]
        self.app.push_screen(CallDetailScreen(versions, describe, when), self._detail_closed)

    async def _detail_closed(self, result: str | None) -> None:
        if result == "correct":
            await self.action_correct()

    @asked
    async def action_correct(self) -> None:
        """Load the selected call's latest version into the form; saving makes a correction, not an edit."""
        call = self.selected_call()
        if call is None:
            self.notify(t("Choose a call in the log first"), severity="warning")
            return
        current = await asyncio.to_thread(self.calls.current, call.id)
        self.amending = current
        self.token = str(uuid.uuid4())
        self.load_payload(
            {
                "time": local_time(self.desk.settings, current.time).strftime("%Y-%m-%d %H:%M:%S"),
                "channel": current.channel,
                "phone": current.phone,
                "caller": current.caller,
                "unit": current.unit,
                "category": current.category,
                "content": current.content,
                "visit_time": current.visit_time,
                "urgent": current.urgent,
            }
        )
        self.dirty = True
        self.show_form_title()
        self.query_one("#call-content", TextArea).focus()

    async def action_open_ticket(self) -> None:
        """Ctrl+T: a ticket from the call selected in the log (when the log has focus), else the call just saved."""
        from textual.worker import WorkerCancelled, WorkerFailed

        for worker in [w for w in self.workers if w.group == "call-save" and w.is_running]:
            with contextlib.suppress(WorkerCancelled, WorkerFailed):
                await worker.wait()  # Ctrl+S, Enter, Ctrl+T typed at once: the call being saved is the one meant
        table = self.query_one("#call-table", DataTable)
        call = self.selected_call() if self.focused is table or self.last_saved is None else self.last_saved
        if call is None:
            self.notify(t("Save the call first, or choose one in the log"), severity="warning")
            return
        screen = NewTicketScreen(self.services, call, self.desk.operator)
        await self.app.push_screen(screen, lambda done: self.notify(done) if done else None)

    async def action_open_timeline(self) -> None:
        """F12: the story of the unit of the call selected in the log (when the log has focus), else the form's."""
        call = self.selected_call() if self.focused is self.query_one("#call-table", DataTable) else None
        unit = call.unit if call is not None else self.query_one("#call-unit", Input).value
        await open_timeline(self.app, unit)
