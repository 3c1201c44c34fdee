"""A complaint's own fields on the ticket screens (issue 14; seed 002 投诉接待(1)(5), 投诉处理制度 二): the complaint
record typed when it is filed (the new-ticket form), the facts the ticket screen shows for it (the record, the
resident's deadline, the reply), and the forms of its actions: the reply to the resident with how it was made, the
deadline agreed later, and the result asked for when a complaint is closed without one.

The service (services.tickets._complaints) checks every value; a refusal is shown next to the field it names.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label

from deskui.core.i18n import N_, t
from deskui.screens.tickets.forms import FormField, choice, options_from
from deskui.services.tickets import COMPLAINT_FIELDS, REPLY_VIA_LABELS
from deskui.widgets.plain import plain
from deskui.widgets.ticket_text import when

if TYPE_CHECKING:
    from datetime import datetime

    from deskui.core.config import Settings
    from deskui.services.operators import OperatorInfo
    from deskui.services.tickets import TicketInfo, TicketService

DEADLINE = "resident_deadline"
# The new-ticket form's text fields for a complaint, in the order the manual's record lists them.
NAMES = (*COMPLAINT_FIELDS, DEADLINE)
# Short, for the form's label column (the ticket screen says them in full: COMPLAINT_FIELDS).
LABELS = {
    "place": N_("Where"),
    "about": N_("About whom"),
    "happened": N_("Happened"),
    "wants": N_("Wants"),
    DEADLINE: N_("Deadline"),
}
PLACEHOLDERS = {
    "place": N_("where it happened"),
    "about": N_("the person or department complained about"),
    "happened": N_("what happened"),
    "wants": N_("what the resident wants"),
    DEADLINE: N_("minor complaints: the date agreed, e.g. 12-10 18:00"),
}
VIA_HOTKEYS = {"phone": "p", "visit": "v", "written": "w"}


class ComplaintFields(Vertical):
    """The complaint record on the new-ticket form: shown while the kind is complaint, one line each (Tab moves on,
    Enter opens the ticket as everywhere on that form)."""

    DEFAULT_CSS = """
    ComplaintFields {
        height: auto;
    }
    """

    def compose(self) -> ComposeResult:
        for name in NAMES:
            with Horizontal(classes="tf-field", id=f"nt-field-{name}"):
                yield Label(t(LABELS[name]), classes="tf-label")
                with Vertical(classes="tf-control"):
                    yield Input(placeholder=t(PLACEHOLDERS[name]), id=f"nt-{name}", compact=True)
                    yield Label("", classes="tf-error", id=f"nt-error-{name}")

    def show_for(self, kind: str) -> None:
        self.display = kind == "complaint"

    def values(self) -> dict[str, str]:
        """What was typed (only the fields with something in them), for TicketService.open_from_call."""
        out = {}
        for name in NAMES:
            value = self.query_one(f"#nt-{name}", Input).value
            if value.strip():
                out[name] = value
        return out


def fact_rows(x: TicketInfo, settings: Settings, now: datetime) -> list[tuple[str, Text]]:
    """The ticket screen's lines for a complaint: its record, the agreed deadline, the last reply and how."""
    rows = [(t(label), plain(x.complaint[key])) for key, label in COMPLAINT_FIELDS.items() if x.complaint.get(key)]
    if x.resident_deadline is not None:
        rows.append((t("Resident deadline"), Text(when(settings, x.resident_deadline, now))))
    if x.reply:
        how = t(REPLY_VIA_LABELS[x.reply_via]) + "  " if x.reply_via in REPLY_VIA_LABELS else ""
        rows.append((t("Reply"), Text.assemble(how, plain(x.reply, one_line=True))))
    return rows


Run = Callable[[Callable[[], "TicketInfo"]], Awaitable["TicketInfo"]]
ActionForm = tuple[list[FormField], Callable[[dict[str, str]], Awaitable["TicketInfo"]], Text | None]


def reply_form(x: TicketInfo, svc: TicketService, op: OperatorInfo | None, ref: int) -> ActionForm:
    """Y: what the resident was told and how (phone, visit, written); a major complaint's clear answer."""
    via = options_from([(k, t(label), label, VIA_HOTKEYS[k]) for k, label in REPLY_VIA_LABELS.items()])
    fields = [FormField("answer", N_("Answer")), choice("via", N_("Replied how"), via, "phone")]
    version = x.version

    def save(v: dict[str, str]) -> Awaitable[TicketInfo]:
        return asyncio.to_thread(lambda: svc.reply(ref, version, v["answer"], via=v.get("via") or None, operator=op))

    return fields, save, None


def deadline_form(
    x: TicketInfo, svc: TicketService, op: OperatorInfo | None, ref: int, settings: Settings
) -> ActionForm:
    """L: the date a minor complaint's resident agreed; its resolution target runs to it."""
    current = when(settings, x.resident_deadline) if x.resident_deadline else ""
    fields = [
        FormField(
            "when",
            N_("Resident deadline"),
            value=current,
            placeholder=t("e.g. 12-10 18:00; empty clears it"),
            also=(DEADLINE,),
        ),
        FormField("note", N_("Note"), placeholder=t("optional")),
    ]
    version = x.version

    def save(v: dict[str, str]) -> Awaitable[TicketInfo]:
        return asyncio.to_thread(lambda: svc.set_deadline(ref, version, v["when"] or None, note=v["note"], operator=op))

    return fields, save, None


def needs_result(x: TicketInfo) -> bool:
    """A complaint without a result yet: the Close form asks for it (002 投诉处理制度 二)."""
    return x.kind == "complaint" and not x.result.strip()


def result_field() -> FormField:
    return FormField("result", N_("Result"), placeholder=t("what was done about the complaint"))
