"""Calls (来电来访登记): the receptionist's home screen. Log a call fast, read it back, find any call.

Keystrokes are the budget here. A known caller costs: phone digits, Tab (caller and unit fill themselves),
Tab, one key for the category, the content, Ctrl+S, Enter. The form autosaves as a draft twice a second, so a
crash or a closed terminal loses at most the last moment of typing, and saving is idempotent per form.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, time
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.events import Resize
from textual.suggester import Suggester
from textual.widget import Widget
from textual.widgets import Checkbox, DataTable, Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from deskui.core.errors import DeskError
from deskui.core.i18n import N_, get_language, t
from deskui.core.retry import DatabaseBusy
from deskui.screens import stylesheet
from deskui.screens.base import DeskScreen
from deskui.screens.calls.detail import CallDetailScreen
from deskui.screens.calls.readback import ReadBackScreen
from deskui.screens.forms import FieldRow, show_message
from deskui.screens.tickets.new import NewTicketScreen, unit_tickets
from deskui.services.common.places import normalize_phone
from deskui.services.common.shifts import local_time
from deskui.widgets.background import asked, background, saving, still_running
from deskui.widgets.choice_bar import ChoiceBar, assign_hotkeys
from deskui.widgets.keyqueue import KeyHold, start_hold
from deskui.widgets.plain import plain
from deskui.widgets.settling import settles
from deskui.widgets.table import DeskTable
from deskui.widgets.urgent_banner import UrgentBanner

if TYPE_CHECKING:
    from deskui.services.calls import CallInfo, CallInput, CallService
    from deskui.services.directory import DirectoryService, ResidentInfo

AUTOSAVE_SECONDS = 0.5
LOOKUP_DELAY = 0.25
LIVE_REFRESH_SECONDS = 2.0
NARROW_WIDTH = 100
FIELDS = ("time", "channel", "phone", "caller", "unit", "category", "content", "visit_time", "urgent")
# Preferred one-key choices; a category added in configuration gets the first free letter of its English name.
HOTKEYS = {
    "repair": "r",
    "complaint": "c",
    "inquiry": "i",
    "help": "h",
    "suggestion": "s",
    "service": "v",
    "permit": "m",
    "other": "o",
    "phone": "p",
    "walk_in": "w",
    "letter": "l",
    "fax": "f",
    "online": "o",
}
COLUMNS = (N_("#"), N_("Time"), N_("Channel"), N_("Caller"), N_("Unit"), N_("Phone"), N_("Category"), N_("Content"))


def while_shown(method: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
    """A screen worker that outlives its widgets (the app closing mid-lookup) stops quietly.

    The form is composed once and never changes, so a missing widget can only mean the screen is being torn down.
    """

    @functools.wraps(method)
    async def run(self: CallsScreen, *args: Any, **kwargs: Any) -> None:
        try:
            await method(self, *args, **kwargs)
        except NoMatches:
            if self.is_attached and self.app.is_running and self.query("#call-phone"):
                raise

    return run


class UnitSuggester(Suggester):
    """Completes a unit from the directory in whatever spelling the receptionist started typing."""

    def __init__(self, directory: DirectoryService) -> None:
        super().__init__(use_cache=True, case_sensitive=True)
        self.directory = directory

    async def get_suggestion(self, value: str) -> str | None:
        if len(value.strip()) < 2:
            return None
        try:
            units = await asyncio.to_thread(self.directory.search_units, value, 5)
        except DeskError:  # the database busy: no suggestion this time (it is only ever a suggestion)
            return None
        for unit in units:
            for spelling in (unit.label, unit.key):
                if spelling.startswith(value) and spelling != value:
                    return spelling
        digits = value.rstrip("室").split("-")[-1]
        for unit in units:
            if unit.room.startswith(digits) and unit.room != digits and digits.isdigit():
                return value + unit.room[len(digits) :]
        return None


def call_field(label: str, control: Widget, name: str) -> FieldRow:
    """A label, the control, and the message that belongs next to it (the forms' field row)."""
    return FieldRow(label, control, prefix="call", row_id=f"field-{name}", error_id=f"error-{name}")


class CallsScreen(DeskScreen):
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
        Binding("ctrl+o", "focus_residents", "Residents", id="call-residents", show=False),
        Binding("escape", "back_to_form", "Form", id="call-form", show=False),
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

    # --- services ------------------------------------------------------------------------------------------

    @property
    def calls(self) -> CallService:
        return self.services.calls  # type: ignore[no-any-return]

    # --- layout ---------------------------------------------------------------------------------------------

    def _choices(self, kind: str) -> ChoiceBar:
        lang = get_language()
        source = self.desk.settings.channels if kind == "channel" else self.desk.settings.categories
        options = assign_hotkeys([(c.key, c.label(lang), c.en, HOTKEYS.get(c.key, "")) for c in source])
        default = "phone" if kind == "channel" else ""
        return ChoiceBar(options, default, id=f"call-{kind}")

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
        self.set_class(event.size.width < NARROW_WIDTH, "-narrow")

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

    def show_form_title(self) -> None:
        title = self.query_one("#call-form-title", Static)
        if self.amending is not None:
            title.update(Text(t("Correcting call #{id}", id=self.amending.id), style="bold reverse"))
        else:
            title.update(Text(t("New call"), style="bold"))

    # --- the form as data -----------------------------------------------------------------------------------

    def form_payload(self) -> dict[str, Any]:
        q = self.query_one
        return {
            "time": q("#call-time", Input).value,
            "channel": q("#call-channel", ChoiceBar).value,
            "phone": q("#call-phone", Input).value,
            "caller": q("#call-caller", Input).value,
            "unit": q("#call-unit", Input).value,
            "category": q("#call-category", ChoiceBar).value,
            "content": q("#call-content", TextArea).text,
            "visit_time": q("#call-visit_time", Input).value,
            "urgent": q("#call-urgent", Checkbox).value,
            "amends_id": self.amending.id if self.amending else None,
        }

    def load_payload(self, payload: dict[str, Any]) -> None:
        q = self.query_one
        self.restoring = True
        try:
            q("#call-time", Input).value = str(payload.get("time") or "")
            q("#call-channel", ChoiceBar).value = str(payload.get("channel") or "phone")
            q("#call-phone", Input).value = str(payload.get("phone") or "")
            q("#call-caller", Input).value = str(payload.get("caller") or "")
            q("#call-unit", Input).value = str(payload.get("unit") or "")
            q("#call-category", ChoiceBar).value = str(payload.get("category") or "")
            q("#call-content", TextArea).text = str(payload.get("content") or "")
            q("#call-visit_time", Input).value = str(payload.get("visit_time") or "")
            q("#call-urgent", Checkbox).value = bool(payload.get("urgent"))
        finally:
            self.restoring = False

    def call_input(self) -> CallInput:
        from deskui.services.calls import CallInput

        p = self.form_payload()
        return CallInput(
            content=p["content"],
            category=p["category"],
            channel=p["channel"] or "phone",
            time=p["time"].strip() or (self.amending.time if self.amending else None),
            caller=p["caller"],
            unit=p["unit"],
            phone=p["phone"],
            visit_time=p["visit_time"],
            urgent=p["urgent"],
        )

    def show_errors(self, problems: dict[str, str]) -> None:
        for name in FIELDS:
            try:
                label = self.query_one(f"#error-{name}", Label)
            except Exception:
                continue
            show_message(label, self.query_one(f"#field-{name}"), problems.get(name, ""))

    def clear_form(self) -> None:
        self.load_payload({})
        self.show_errors({})
        self.amending = None
        self.token = str(uuid.uuid4())
        self.dirty = False
        self.show_form_title()
        self.query_one("#call-caller-info", Static).update("")
        self.query_one("#call-history", Static).update("")
        self.query_one("#call-residents-list", OptionList).clear_options()
        self.query_one("#call-phone", Input).focus()

    # --- changes, lookups, drafts ---------------------------------------------------------------------------

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(ChoiceBar.Changed)
    @on(Checkbox.Changed)
    def _form_changed(self, event: Any) -> None:
        control = getattr(event, "control", None) or getattr(event, "text_area", None)
        control_id = getattr(control, "id", "") or ""
        if control_id == "call-search":
            self.search(event.value)
            return
        if self.restoring or not control_id.startswith("call-"):
            return
        self.dirty = True
        self.last_payload = self.form_payload()
        name = control_id.removeprefix("call-")
        if name == "phone":
            self.check_phone(event.value)
            self.lookup_phone(event.value)
        elif name in ("unit", "category"):
            self.lookup_unit()

    def check_phone(self, value: str) -> None:
        """Letters in a phone number are refused as they are typed, not only at save."""
        message = ""
        if value.strip():
            try:
                normalize_phone(value)
            except ValueError as exc:
                if any(c.isalpha() for c in value.replace("转", "").replace("ext", "").replace("x", "")) or str(
                    exc
                ).startswith("only"):
                    message = t("A phone number has digits only (and an extension)")
        label = self.query_one("#error-phone", Label)
        label.update(plain(message))
        label.set_class(bool(message), "-shown")

    def autosave(self) -> None:
        """The autosave's tick: the draft, unless the last save of it still waits (a locked database)."""
        if not still_running(self, "call-draft"):
            self.flush_draft()

    @work(exclusive=True, group="call-draft")
    @background
    @while_shown
    async def flush_draft(self) -> None:
        if not self.dirty or self.desk.services is None:
            return
        self.dirty = False
        payload = self.form_payload()
        if not any(v for k, v in payload.items() if k not in ("channel", "amends_id")):
            await asyncio.to_thread(self.calls.discard_draft, self.token)
            return
        try:
            await asyncio.to_thread(self.calls.save_draft, self.token, payload, form="call", operator=self.owner)
        except DeskError as exc:
            self.dirty = True  # not kept (busy, disk full): the next tick tries again, the form keeps its text
            if isinstance(exc, DatabaseBusy):
                raise
            raise DeskError(t("The draft was not kept (the form still has it): {reason}", reason=exc.message)) from exc

    @settles
    @work(exclusive=True, group="call-restore")
    @background
    @while_shown
    async def restore_draft(self) -> None:
        drafts = await asyncio.to_thread(self.calls.pending_drafts, self.owner, form="call")
        if not drafts:
            return
        latest = drafts[0]
        self.token = latest.token
        amends_id = latest.payload.get("amends_id")
        if amends_id:
            try:
                self.amending = await asyncio.to_thread(self.calls.get, int(amends_id))
            except DeskError:
                self.amending = None
        self.load_payload(latest.payload)
        self.show_form_title()
        when = local_time(self.desk.settings, latest.updated_at).strftime("%H:%M:%S")
        self.notify(t("Restored the unsaved call from {when}", when=when))
        self.lookup_unit()

    @on(Input.Submitted, ".call-control Input")
    @asked
    async def _field_submitted(self, event: Input.Submitted) -> None:
        """Enter in a one-line field jumps to the next field still empty: after a known phone, the category."""
        if event.input.id == "call-phone":
            await self.fill_from_phone(event.value)
        self.focus_next_empty(event.input.id or "")

    def focus_next_empty(self, after: str) -> None:
        order = ["call-time", "call-channel", "call-phone", "call-caller", "call-unit", "call-category", "call-content"]
        start = order.index(after) + 1 if after in order else 0
        for widget_id in order[start:]:
            widget = self.query_one(f"#{widget_id}")
            empty = not getattr(widget, "value", None) if not isinstance(widget, TextArea) else not widget.text
            if empty or widget_id == "call-content":
                widget.focus()
                return

    @settles
    @work(exclusive=True, group="call-phone")
    @background
    @while_shown
    async def lookup_phone(self, phone: str) -> None:
        await asyncio.sleep(LOOKUP_DELAY)
        await self.fill_from_phone(phone)

    async def fill_from_phone(self, phone: str) -> None:
        if len([c for c in phone if c.isdigit()]) < 4:
            return
        found = await asyncio.to_thread(self.calls.lookup_caller, phone)
        caller_input = self.query_one("#call-caller", Input)
        unit_input = self.query_one("#call-unit", Input)
        if found.caller and not caller_input.value:
            caller_input.value = found.caller
        if found.unit and not unit_input.value:
            unit_input.value = found.unit
        if found.residents or found.recent:
            info = Text.assemble((t("Known caller"), "bold"), ": ", plain(found.caller), "  ", plain(found.unit))
            self.query_one("#call-caller-info", Static).update(info)

    @settles
    @work(exclusive=True, group="call-unit")
    @background
    @while_shown
    async def lookup_unit(self) -> None:
        await asyncio.sleep(LOOKUP_DELAY)
        unit = self.query_one("#call-unit", Input).value.strip()
        category = self.query_one("#call-category", ChoiceBar).value
        history_view = self.query_one("#call-history", Static)
        if not unit:
            history_view.update("")
            return
        directory = self.services.directory
        resolved = await asyncio.to_thread(directory.resolve_unit, unit)
        self.residents = await asyncio.to_thread(directory.unit_residents, resolved.id) if resolved else []
        options = self.query_one("#call-residents-list", OptionList)
        options.clear_options()
        options.add_options(
            Option(Text.assemble(plain(r.name, one_line=True), "  ", (", ".join(r.phones), "dim")), id=str(r.id))
            for r in self.residents
        )
        history = await asyncio.to_thread(self.calls.unit_history, unit)
        open_tickets = await asyncio.to_thread(self.services.tickets.queue, "open", unit=unit, limit=5)
        exclude = [self.amending.root_id] if self.amending else []
        warning = (
            await asyncio.to_thread(self.calls.duplicate_warning, unit, category, exclude_ids=exclude)
            if category
            else None
        )
        text = Text()
        if resolved is None:
            text.append(t("Not in the directory: saved as typed"), style="dim")
            text.append("\n")
        if warning is not None:
            text.append("⚠ ", style="bold")
            text.append_text(plain(warning.message))
            text.append("\n")
        if history:
            text.append(t("Recent calls from this unit"), style="bold")
            text.append("\n")
            for call in history:
                when = local_time(self.desk.settings, call.time).strftime("%m-%d %H:%M")
                text.append(f"{when} {self.category_label(call.category)} ")
                text.append_text(plain(call.content, one_line=True))
                text.append("\n")
        text.append_text(unit_tickets(self.app, self.desk.settings, open_tickets.rows, self.desk.clock.now()))
        history_view.update(text)
        history_view.set_class(warning is not None, "-warning")

    def category_label(self, key: str) -> str:
        lang = get_language()
        return next((c.label(lang) for c in self.desk.settings.categories if c.key == key), key)

    def channel_label(self, key: str) -> str:
        lang = get_language()
        return next((c.label(lang) for c in self.desk.settings.channels if c.key == key), key)

    @on(OptionList.OptionSelected, "#call-residents-list")
    def _resident_chosen(self, event: OptionList.OptionSelected) -> None:
        resident = next((r for r in self.residents if str(r.id) == event.option.id), None)
        if resident is None:
            return
        self.query_one("#call-caller", Input).value = resident.name
        phone = self.query_one("#call-phone", Input)
        if not phone.value and resident.phones:
            phone.value = resident.phones[0]
        self.query_one("#call-category", ChoiceBar).focus()

    # --- saving ---------------------------------------------------------------------------------------------

    async def action_save(self) -> None:
        data = self.call_input()
        problems = await asyncio.to_thread(self.calls.problems, data)
        self.show_errors(problems)
        if problems:
            first = next(name for name in FIELDS if name in problems) if set(problems) & set(FIELDS) else None
            if first:
                self.query_one(f"#call-{first}").focus()
            return
        try:
            checked = await asyncio.to_thread(self.calls.check, data)
        except DeskError as exc:
            self.show_errors({exc.field or "content": exc.message})
            return
        sentence = self.calls.read_back(checked)
        exclude = [self.amending.root_id] if self.amending else []
        warning = None
        if checked.unit_text:
            found = await asyncio.to_thread(
                self.calls.duplicate_warning, checked.unit_text, checked.category, exclude_ids=exclude
            )
            warning = found.message if found else None
        # Confirmed: the keys typed next wait for the save and the cleared form (they are the next call's).
        self.app.push_screen(
            ReadBackScreen(sentence, warning), lambda ok: self.confirmed(ok, checked, start_hold(self) if ok else None)
        )

    @work(exclusive=True, group="call-save")
    @while_shown
    async def confirmed(self, ok: bool | None, checked: Any, saving: KeyHold | None = None) -> None:
        try:
            await self.save_confirmed(ok, checked)
        finally:
            if saving is not None:
                saving.release()

    async def save_confirmed(self, ok: bool | None, checked: Any) -> None:
        if not ok:
            self.query_one("#call-content", TextArea).focus()
            return
        operator = self.owner
        try:
            if self.amending is not None:
                work = asyncio.to_thread(
                    self.calls.amend, self.amending.id, self.call_input(), operator=operator, client_token=self.token
                )
            else:
                work = asyncio.to_thread(self.calls.record, checked, operator=operator, client_token=self.token)
            saved = await saving(self, work)  # says "waiting for another terminal…" while a lock holds it up
        except DeskError as exc:
            self.show_errors({exc.field or "content": exc.message})
            self.notify(exc.message, severity="error")
            return
        self.clear_form()
        self.last_saved = saved
        note = t("Saved call #{id}", id=saved.id)
        if saved.ticket_wanted:
            note += " · " + t("a ticket is wanted for it")
        self.notify(note)
        self.reload_log()
        for banner in self.query(UrgentBanner):  # an urgent call's ticket: shown at once, not at the next poll
            banner.fetch(force=True)

    def action_new_call(self) -> None:
        if self.desk.services is not None:
            self.run_worker(asyncio.to_thread(self.calls.discard_draft, self.token))
        self.clear_form()

    def action_toggle_urgent(self) -> None:
        self.query_one("#call-urgent", Checkbox).toggle()

    def action_focus_residents(self) -> None:
        options = self.query_one("#call-residents-list", OptionList)
        if options.option_count:
            options.focus()
            options.highlighted = 0

    def action_back_to_form(self) -> None:
        self.query_one("#call-phone", Input).focus()

    # --- the log and search ---------------------------------------------------------------------------------

    def today_start(self) -> datetime:
        local = local_time(self.desk.settings, self.desk.clock.now())
        return datetime.combine(local.date(), time(0), tzinfo=local.tzinfo)

    @settles
    @work(exclusive=True, group="call-log")
    @background
    @while_shown
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
    @while_shown
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
    @while_shown
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
