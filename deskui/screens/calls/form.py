"""The call form: the fields as data, the caller and unit looked up as they are typed, the draft kept twice a second,
and saving after the read-back. A part of the calls screen (deskui.screens.calls.screen), over its log."""

from __future__ import annotations

import asyncio
import uuid
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.suggester import Suggester
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from deskui.core.errors import DeskError
from deskui.core.i18n import get_language, t
from deskui.core.retry import DatabaseBusy
from deskui.screens.calls.log import LOOKUP_DELAY, CallLog
from deskui.screens.calls.readback import ReadBackScreen
from deskui.screens.forms import FieldRow, show_message
from deskui.screens.tickets.new import unit_tickets
from deskui.screens.timeline import waiting_parcels
from deskui.services.common.places import PHONE_CHARACTERS, PHONE_LETTERS, phone_problem
from deskui.services.common.shifts import local_time
from deskui.widgets.background import asked, background, saving, still_running, while_shown
from deskui.widgets.choice_bar import ChoiceBar, assign_hotkeys
from deskui.widgets.keyqueue import KeyHold, start_hold
from deskui.widgets.plain import plain
from deskui.widgets.settling import settles
from deskui.widgets.urgent_banner import UrgentBanner

if TYPE_CHECKING:
    from deskui.services.calls import CallInfo, CallInput
    from deskui.services.directory import DirectoryService, ResidentInfo


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


class CallForm(CallLog):
    """The calls screen's form (the middle part of CallsScreen)."""

    token: str
    amending: CallInfo | None
    dirty: bool
    restoring: bool
    residents: list[ResidentInfo]
    last_payload: dict[str, Any] | None
    last_saved: CallInfo | None
    phone_filled: tuple[str, str] = ("", "")
    """Caller and unit the last phone lookup filled in (replaced by a later lookup while nobody changed them)."""

    def _choices(self, kind: str) -> ChoiceBar:
        lang = get_language()
        source = self.desk.settings.channels if kind == "channel" else self.desk.settings.categories
        options = assign_hotkeys([(c.key, c.label(lang), c.en, HOTKEYS.get(c.key, "")) for c in source])
        default = "phone" if kind == "channel" else ""
        return ChoiceBar(options, default, id=f"call-{kind}")

    def show_form_title(self) -> None:
        title = self.query_one("#call-form-title", Static)
        if self.amending is not None:
            title.update(Text(t("Correcting call #{id}", id=self.amending.id), style="bold reverse"))
        else:
            title.update(Text(t("New call"), style="bold"))

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
        self.phone_filled = ("", "")
        self.token = str(uuid.uuid4())
        self.dirty = False
        self.show_form_title()
        self.query_one("#call-caller-info", Static).update("")
        self.query_one("#call-history", Static).update("")
        self.query_one("#call-residents-list", OptionList).clear_options()
        self.query_one("#call-phone", Input).focus()

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
        if value.strip() and phone_problem(value) in (PHONE_LETTERS, PHONE_CHARACTERS):  # 轉 12, 分機 12: extensions
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
    async def lookup_phone(self, phone: str) -> None:
        await asyncio.sleep(LOOKUP_DELAY)
        await self.fill_from_phone(phone)

    async def fill_from_phone(self, phone: str) -> None:
        info_view = self.query_one("#call-caller-info", Static)
        if len([c for c in phone if c.isdigit()]) < 4:
            info_view.update("")  # digits taken back: the line said something of a number no longer typed
            return
        found = await asyncio.to_thread(self.calls.lookup_caller, phone)
        if self.query_one("#call-phone", Input).value != phone:
            return  # more digits came while it looked: the answer is for another number
        caller_input = self.query_one("#call-caller", Input)
        unit_input = self.query_one("#call-unit", Input)
        # What an earlier lookup filled in (for the digits typed so far) and nobody has changed since is replaced
        # by this answer, or emptied: typed quickly, a prefix of the number found another resident first.
        filled_caller, filled_unit = self.phone_filled
        if not caller_input.value or (filled_caller and caller_input.value == filled_caller):
            caller_input.value = found.caller or ""
            filled_caller = found.caller or ""
        if not unit_input.value or (filled_unit and unit_input.value == filled_unit):
            unit_input.value = found.unit or ""
            filled_unit = found.unit or ""
        self.phone_filled = (filled_caller, filled_unit)
        if found.residents or found.recent:
            info = Text.assemble((t("Known caller"), "bold"), ": ", plain(found.caller), "  ", plain(found.unit))
        else:  # one line, so the receptionist knows to ask the name and the unit
            info = Text(t("New caller: this number is not known"), style="bold")
        info_view.update(info)

    @settles
    @work(exclusive=True, group="call-unit")
    @background
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
        parcels = await asyncio.to_thread(self.services.parcels.waiting, unit)  # issue 13: tell the caller
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
        text.append_text(waiting_parcels(parcels, self.desk.clock.now()))
        history_view.update(text)
        history_view.set_class(warning is not None, "-warning")

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
        def read_back(ok: bool | None) -> None:
            self.confirmed(ok, checked, start_hold(self) if ok else None)

        self.app.push_screen(ReadBackScreen(sentence, warning), read_back)

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
        self.set_class(False, "-side")  # a narrow screen showing the side panel shows the form again
        self.query_one("#call-phone", Input).focus()
