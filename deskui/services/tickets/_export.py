"""Tickets as plain data: the JSON of `deskui tickets list/show` and `deskui export tickets` (CSV, JSON, XLSX).

Streamed (a batch of tickets at a time from TicketService.iter_all), and spreadsheet-safe like the call export: a
text cell starting with = + - @ (or a tab or CR) gets a leading apostrophe (services.common.exportfiles.neutralise); JSON keeps
every value exactly (with what a terminal would act on escaped); files are 0600. services.common.exportfiles says what is made
terminal-safe where, and why a CSV file keeps the exact text.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from deskui.core.config import Settings
from deskui.core.i18n import N_, t
from deskui.services.common.exportfiles import (
    neutralise,
    private_file,
    sheet_cell,
    sheet_headers,
    write_export,
    write_json_array,
)
from deskui.services.tickets._complaints import COMPLAINT_FIELDS, REPLY_VIA_LABELS
from deskui.services.tickets._repairs import fee_text, is_repair
from deskui.services.tickets._targets import LATE, MET, OVERDUE, TARGET_LABELS, TargetState
from deskui.services.tickets._types import (
    CALLBACK_OUTCOME_LABELS,
    HELP_KIND_LABELS,
    KIND_LABELS,
    REPAIR_TYPE_LABELS,
    SEVERITY_LABELS,
    STATUS_LABELS,
    EventInfo,
    TicketInfo,
)

COMPLAINT_KEYS = tuple(f"complaint_{key}" for key in COMPLAINT_FIELDS)  # complaint_place, _about, _happened, _wants
FIELDS = (
    "number",
    "kind",
    "status",
    "severity",
    "repair_type",
    "help_kind",
    "unit",
    "caller",
    "phone",
    "description",
    "department",
    "assignee",
    "created_at",
    "created_by",
    "due_at",
    "appointment_at",
    "done_at",
    "closed_at",
    "callback_result",
    "satisfaction",
    "callback_comment",
    "targets",
    "calls",
    # issue 14: the complaint record, its result, the reply to the resident, the notes (services.tickets._complaints)
    *COMPLAINT_KEYS,
    "resident_deadline",
    "result",
    "reply",
    "reply_via",
    "notes",
    "paid",  # issue 14: a repair paid or free, and its fee (_repairs)
    "fee",
)
TIME_FIELDS = frozenset({"created_at", "due_at", "appointment_at", "done_at", "closed_at", "resident_deadline"})


def _time(moment: datetime | None, tz: ZoneInfo) -> str | None:
    return moment.astimezone(tz).isoformat() if moment else None


# A target's state for scripts (issue 14): open (running, due soon or paused), met (on time), late (met after its due
# time, or past it and not met). `phase` keeps the finer state the screens show (ok, due_soon, overdue, paused…).
CONTRACT_STATES = {MET: "met", LATE: "late", OVERDUE: "late"}


def target_record(target: TargetState, tz: ZoneInfo) -> dict[str, Any]:
    """`kind`, `due` (ISO 8601 with the site's offset), `state` and `late_minutes` (whole minutes, rounded up; 0 when
    not late), then the fields JSON carried before: `name`, `due_at`, `met_at`, `seconds_left`."""
    late = -target.seconds_left if target.state in (LATE, OVERDUE) and target.seconds_left < 0 else 0
    return {
        "kind": target.name,
        "due": _time(target.due_at, tz),
        "state": CONTRACT_STATES.get(target.state, "open"),
        "late_minutes": math.ceil(late / 60),
        "phase": target.state,
        "name": target.name,
        "due_at": _time(target.due_at, tz),
        "met_at": _time(target.met_at, tz),
        "seconds_left": target.seconds_left,
    }


def event_record(event: EventInfo, tz: ZoneInfo) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "ticket": event.ticket_number,
        "kind": event.kind,
        "at": _time(event.at, tz),
        "operator": event.operator,
        "status": event.status,
        "note": event.note,
        "data": dict(event.data),
    }


def record(
    ticket: TicketInfo, call_ids: Sequence[int], tz: ZoneInfo, events: Sequence[EventInfo] | None = None
) -> dict[str, Any]:
    """A ticket with English keys; times ISO 8601 with the site's offset; `events` only when given (show)."""
    rec: dict[str, Any] = {
        "number": ticket.number,
        "kind": ticket.kind,
        "status": ticket.status,
        "severity": ticket.severity or None,
        "repair_type": ticket.repair_type or None,
        "help_kind": ticket.help_kind or None,  # a help request's 003 4.1.1 kind (issue 14)
        "unit": ticket.unit,
        "caller": ticket.caller,
        "phone": ticket.phone,
        "description": ticket.description,
        "department": ticket.department or None,
        "assignee": ticket.assignee or None,
        "worker": ticket.worker or None,
        "created_at": _time(ticket.created_at, tz),
        "created_by": ticket.created_by,
        "due_at": _time(ticket.due_at, tz),
        "appointment_at": _time(ticket.appointment_at, tz),
        "done_at": _time(ticket.done_at, tz),
        "closed_at": _time(ticket.closed_at, tz),
        "callback_result": ticket.callback_result or None,
        "satisfaction": ticket.satisfaction,
        "callback_comment": ticket.callback_comment,
        "callback_via": ticket.callback_via or None,
        # issue 14 (_repairs): a repair paid or free, the fee as a decimal string and in cents, the sign-off
        "paid": ticket.paid if is_repair(ticket.kind) else None,
        "fee": fee_text(ticket.fee_cents),
        "fee_cents": ticket.fee_cents,
        "signoff": None
        if ticket.signed_off is None
        else {"signed_off": ticket.signed_off, "signed_by": ticket.signed_by or None},
        "result": ticket.result,
        **{f"complaint_{key}": ticket.complaint.get(key) for key in COMPLAINT_FIELDS},
        "resident_deadline": _time(ticket.resident_deadline, tz),
        "reply": ticket.reply or None,
        "reply_via": ticket.reply_via or None,
        "notes": list(ticket.notes),
        "version": ticket.version,
        "targets": [target_record(x, tz) for x in ticket.targets],
        "calls": list(call_ids),
    }
    if events is not None:
        rec["events"] = [event_record(e, tz) for e in events]
    return rec


def _cell(name: str, value: Any) -> Any:
    if value is None:
        return ""
    if name == "targets":
        if isinstance(value, str):  # a workbook's, already in words (_targets_text)
            return value
        return "; ".join(f"{x['name']} {x['phase']} {x['due_at']}" for x in value)
    if name == "calls":
        return " ".join(str(c) for c in value)
    if name == "notes":
        return neutralise("\n".join(value))
    return neutralise(value)


def write_csv(rows: Iterable[tuple[TicketInfo, Sequence[int]]], fh: IO[str], settings: Settings) -> int:
    tz = ZoneInfo(settings.time_zone)
    writer = csv.writer(fh, lineterminator="\r\n")
    writer.writerow(FIELDS)
    n = 0
    for ticket, calls in rows:
        rec = record(ticket, calls, tz)
        writer.writerow([_cell(f, rec[f]) for f in FIELDS])
        n += 1
    return n


def write_json(rows: Iterable[tuple[TicketInfo, Sequence[int]]], fh: IO[str], settings: Settings) -> int:
    """One JSON array, one ticket per line, streamed (exportfiles.write_json_array)."""
    tz = ZoneInfo(settings.time_zone)
    return write_json_array((record(ticket, calls, tz) for ticket, calls in rows), fh)


def write_xlsx(rows: Iterable[tuple[TicketInfo, Sequence[int]]], path: Path, settings: Settings) -> int:
    """Row by row (openpyxl write-only mode), times as real date-time cells in the site's local time."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    tz = ZoneInfo(settings.time_zone)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(t("Tickets"))
    ws.append(sheet_headers(FIELDS, {f"complaint_{k}": label for k, label in COMPLAINT_FIELDS.items()}))
    words = _sheet_words(settings)
    n = 0
    for ticket, calls in rows:
        rec = record(ticket, calls, tz)
        rec.update({f: say(rec[f]) for f, say in words.items() if rec[f] is not None and rec[f] != ""})
        out: list[Any] = []
        for f in FIELDS:
            value = rec[f]
            if f in TIME_FIELDS and value:
                cell = WriteOnlyCell(ws, value=datetime.fromisoformat(value).replace(tzinfo=None))
                cell.number_format = "yyyy-mm-dd hh:mm"
                out.append(cell)
            elif value is None:
                out.append(None)
            else:
                out.append(sheet_cell(_cell(f, value)))
        ws.append(out)
        n += 1
    with private_file(path, binary=True) as fh:
        wb.save(fh)
    return n


# A target's state in words (a workbook's targets cell, `deskui tickets show`); JSON and CSV keep the keys.
TARGET_STATE_LABELS = {
    "ok": N_("On track"),
    "due_soon": N_("Due soon"),
    "overdue": N_("Overdue"),
    "met": N_("Met"),
    "late": N_("Met late"),
    "paused": N_("Paused"),
}


def _targets_text(targets: Any) -> str:
    """The targets cell of a workbook: each target's name, state and due time in the reader's words."""
    parts = []
    for x in targets:
        name = t(TARGET_LABELS[x["name"]]) if x["name"] in TARGET_LABELS else x["name"]
        phase = t(TARGET_STATE_LABELS[x["phase"]]) if x["phase"] in TARGET_STATE_LABELS else x["phase"]
        due = (x["due_at"] or "")[:16].replace("T", " ")
        parts.append(f"{name} {phase} {due}".strip())
    return "; ".join(parts)


def _sheet_words(settings: Settings) -> dict[str, Callable[[Any], Any]]:
    """A workbook's key values in the reader's words (issue 12): kind, status, department … (CSV/JSON keep keys)."""
    from deskui.core.i18n import get_language
    from deskui.services.common.exportfiles import yes_no

    language = get_language()
    departments = {d.key: d.label(language) for d in settings.departments}

    def table(labels: Mapping[str, str]) -> Callable[[Any], Any]:
        return lambda key: t(labels[key]) if key in labels else key

    return {
        "kind": table(KIND_LABELS),
        "status": table(STATUS_LABELS),
        "severity": table(SEVERITY_LABELS),
        "repair_type": table(REPAIR_TYPE_LABELS),
        "help_kind": table(HELP_KIND_LABELS),
        "callback_result": table(CALLBACK_OUTCOME_LABELS),
        "reply_via": table(REPLY_VIA_LABELS),
        "department": lambda key: departments.get(key, key),
        "paid": yes_no,
        "targets": _targets_text,
    }


def export(
    rows: Iterable[tuple[TicketInfo, Sequence[int]]],
    fmt: str,
    settings: Settings,
    *,
    output: Path | None,
    stdout: IO[str],
) -> int:
    """Write tickets in `fmt` to `output` (or stdout for csv/json); returns how many."""
    return write_export(
        fmt,
        output=output,
        stdout=stdout,
        csv=lambda fh: write_csv(rows, fh, settings),
        json=lambda fh: write_json(rows, fh, settings),
        xlsx=lambda path: write_xlsx(rows, path, settings),
    )
