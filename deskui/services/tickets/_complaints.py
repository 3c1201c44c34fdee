"""Complaints as the manual keeps them (issue 14; seed 002 投诉接待(1), 投诉处理制度 二, 四.4): the complaint record,
its result, the resident's own deadline and the reply to the resident.

- The record (投诉记录): where it happened, who or which department is complained about, what happened and what
  the resident wants. Typed when the complaint is filed, kept in the "created" event as typed (`complaint`), shown
  on the ticket and carried by the exports.
- The result (处理结果): what the department reported with Done (`tickets done --result`), or given when closing; a
  complaint is not closed without one.
- A minor complaint's deadline agreed with the resident (`resident_deadline`): set when filed, or later by a
  "deadline" event; the resolution target runs to it.
- The reply (答复): what the resident was told, and how (phone, visit, written), is its own "replied" event; a major
  complaint's "clear answer within 2 days" (the `answer` target) is met by it, not by the work being done.

No database here: pure checks and readings of the events, called by the creator, the actions and the store.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from deskui.core.errors import ValidationError
from deskui.core.i18n import N_, t
from deskui.services.common.text import check_text
from deskui.services.tickets._types import TicketInput

# Stable keys (the created event's data, JSON, CSV headers) → labels.
COMPLAINT_FIELDS = {
    "place": N_("Place of the complaint"),
    "about": N_("Complained about"),
    "happened": N_("What happened"),
    "wants": N_("What the resident wants"),
}
MULTILINE = frozenset({"happened", "wants"})
REPLY_VIA = ("phone", "visit", "written")  # 002 投诉接待(5): 给予投诉人明确答复 — by phone, in person or in writing
REPLY_VIA_LABELS = {
    "phone": N_("Replied by phone"),
    "visit": N_("Replied in person"),
    "written": N_("Replied in writing"),
}


@dataclass(frozen=True)
class Reply:
    """The last reply to the resident: what they were told and how ("" when not said)."""

    text: str = ""
    via: str = ""


def complaint_record(
    kind: str, given: Mapping[str, str | None], *, line_chars: int, content_chars: int
) -> dict[str, str]:
    """The complaint record's fields as typed, checked; only the ones given (empty ones left out). A field given for
    another kind of ticket is refused, naming it."""
    out: dict[str, str] = {}
    for key in COMPLAINT_FIELDS:
        value = given.get(key)
        if value is None or not value.strip():
            continue
        if kind != "complaint":
            raise ValidationError(t("Only a complaint has a complaint record"), field=key)
        multiline = key in MULTILINE
        out[key] = check_text(value, key, max_chars=content_chars if multiline else line_chars, multiline=multiline)
    return out


def complaint_of(events: Iterable[Any]) -> dict[str, str]:
    """The complaint record as the events say (the created event's `complaint`)."""
    for ev in events:
        if ev.kind == "created":
            record = ev.data.get("complaint") or {}
            return {k: str(record[k]) for k in COMPLAINT_FIELDS if record.get(k)}
    return {}


def last_reply(events: Iterable[Any]) -> Reply:
    """What the resident was last told (a "replied" event) and how."""
    reply = Reply()
    for ev in events:
        if ev.kind == "replied":
            reply = Reply(str(ev.note or ""), str(ev.data.get("via") or ""))
    return reply


def notes_of(events: Iterable[Any]) -> tuple[str, ...]:
    """The notes added to the ticket (its "note" events), oldest first, as typed."""
    return tuple(str(ev.note) for ev in events if ev.kind == "note" and ev.note)


def reply_via(value: str | None) -> str:
    """How a reply was made: phone, visit or written ("" when not said); anything else refused."""
    how = (value or "").strip().lower()
    if how and how not in REPLY_VIA:
        raise ValidationError(t("A reply is made by phone, visit or written"), field="via")
    return how


def require_result(kind: str, result: str) -> None:
    """A complaint is closed with its result (002 投诉处理制度 二: 投诉记录 … 处理结果)."""
    if kind == "complaint" and not result.strip():
        raise ValidationError(
            t("A complaint is closed with its result: record it with Done, or give it when closing"), field="result"
        )


def require_minor_complaint(kind: str, severity: str) -> None:
    """Only a minor complaint runs to a deadline agreed with the resident (an important or major one has the
    manual's own limits)."""
    if kind != "complaint" or severity != "minor":
        raise ValidationError(t("Only a minor complaint has a resident's deadline"), field="resident_deadline")


def with_complaint(data: TicketInput, given: Mapping[str, str]) -> TicketInput:
    """A new ticket with the new-ticket form's complaint fields (place, about, happened, wants, resident_deadline,
    as typed); a key that is none of them is a programming error."""
    unknown = sorted(set(given) - {*COMPLAINT_FIELDS, "resident_deadline"})
    if unknown:
        raise ValueError(f"not a complaint field: {', '.join(unknown)}")
    return replace(
        data,
        place=given.get("place") or None,
        about=given.get("about") or None,
        happened=given.get("happened") or None,
        wants=given.get("wants") or None,
        resident_deadline=given.get("resident_deadline") or data.resident_deadline,
    )
