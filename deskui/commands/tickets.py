"""`deskui tickets list|show|open` and `deskui export tickets`: tickets from the command line.

`tickets open` prints only the new number on stdout so scripts can capture it; `--format csv|json` writes plain
data (no Rich wrapping), the table is for people. Without `--operator` the CLI acts as the local administrator.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from deskui.cli import cell, err, out, output_option, state, stdout
from deskui.commands._formats import OUTPUT_HELP, ExportFormat, ListFormat, TextFormat, print_json, progress
from deskui.commands._keys import (
    CLI_QUEUE_KEYS,
    department_name,
    duration,
    help_kinds,
    key_option,
    queues,
    repair_types,
    severities,
    target_state_name,
    ticket_kinds,
)
from deskui.core.i18n import N_, t

if TYPE_CHECKING:
    from datetime import datetime

    from deskui.services import Services
    from deskui.services.operators import OperatorInfo
    from deskui.services.tickets import TicketDetail, TicketInfo

group = typer.Typer(help="Tickets: repairs, complaints, help requests (工单).", no_args_is_help=True)
# CLI spelling → service queue name (a queue is also named by its label, in either language: commands._keys).
CLI_QUEUES = {key.replace("_", "-"): key for key in CLI_QUEUE_KEYS}


def _operator(services: Services, name: str | None) -> OperatorInfo | None:
    return services.operators.by_name(name.strip()) if name and name.strip() else None


HELP_KIND_HELP = "Help requests: medical, repair, complaint, inquiry, security, disaster or other (or 急救病人…)."
HelpKind = Annotated[
    str | None, typer.Option("--help-kind", callback=key_option(help_kinds, N_("help kind")), help=HELP_KIND_HELP)
]


def _collect(
    services: Services, queue: str, unit: str | None, search: str | None, limit: int, help_kind: str | None = None
) -> list[TicketInfo]:
    """Up to `limit` tickets of a queue, page by page (keyset) through the service."""
    page_size = 10 * services.settings.calls.page_size
    found: list[TicketInfo] = []
    after = None
    while len(found) < limit:
        want = min(page_size, limit - len(found))
        page = services.tickets.queue(queue, unit=unit, text=search, after=after, limit=want, help_kind=help_kind)
        found += page.rows
        if page.next_after is None:
            break
        after = page.next_after
    return found


@group.command("list")
def list_(
    ctx: typer.Context,
    queue: Annotated[
        str,
        typer.Option(
            "--queue",
            callback=key_option(queues, N_("queue")),
            help="new, overdue, due-soon, callback, waiting, open or closed (or 已超时 …).",
        ),
    ] = "open",
    unit: Annotated[str | None, typer.Option("--unit", help="Only this unit or place (any spelling).")] = None,
    search: Annotated[
        str | None, typer.Option("--search", help="Text in number, unit, caller, phone, description.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many tickets.")] = 200,
    fmt: ListFormat = "table",
    help_kind: HelpKind = None,
) -> None:
    """List a queue's tickets, nearest due time first (closed: newest first)."""
    from deskui.services.tickets import write_tickets_csv, write_tickets_json

    name = CLI_QUEUES[queue]
    services = state(ctx).services()
    found = _collect(services, name, unit, search, limit, help_kind)
    calls = services.tickets.calls_of([x.id for x in found])
    rows = [(x, calls[x.id]) for x in found]
    if fmt == "csv":
        write_tickets_csv(rows, stdout(), services.settings)
    elif fmt == "json":
        write_tickets_json(rows, stdout(), services.settings)
    else:
        _table(services, found)


def _left(seconds: int) -> str:
    """Time left (or late) in the largest unit a person reads: 3天, 5h, 40m (the ticket screen's words: span)."""
    s = abs(seconds)
    whole = s - s % 86400 if s >= 86400 else s - s % 3600 if s >= 3600 else s
    text = duration(whole)
    return t("{time} late", time=text) if seconds < 0 else t("{time} left", time=text)


def _table(services: Services, tickets: list[TicketInfo]) -> None:
    from rich.table import Table
    from rich.text import Text

    from deskui.services.common.shifts import local_time

    table = Table()
    table.add_column(t("Number"), no_wrap=True)  # a number cut in two cannot be copied or read out
    for header in (t("Kind"), t("Status"), t("Unit"), t("Department"), t("Due"), t("Description")):
        table.add_column(header)
    for x in tickets:
        due = ""
        if x.due_at is not None:
            nearest = min((g for g in x.targets if g.due_at == x.due_at), key=lambda g: g.seconds_left, default=None)
            due = local_time(services.settings, x.due_at).strftime("%m-%d %H:%M")
            if nearest is not None:
                due += f" ({_left(nearest.seconds_left)})"
        kind = x.kind_label + (f" {x.severity_label}" if x.severity else "")
        table.add_row(
            cell(x.number),
            cell(kind),
            cell(x.status_label),
            cell(x.unit),
            cell(department_name(services.settings, x.department) if x.department else ""),
            Text(due),
            cell(" ".join(x.description.split())[:60]),
        )
    out.print(table)


@group.command("show")
def show(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="The ticket number, e.g. WX-20261123-0007.")],
    fmt: TextFormat = "text",
) -> None:
    """A ticket: facts, every target with time left or how late, its calls and its whole history."""
    from zoneinfo import ZoneInfo

    from deskui.services.common.shifts import local_time
    from deskui.services.tickets import describe, paid_text, ticket_record

    services = state(ctx).services()
    detail = services.tickets.detail(number)
    x = detail.ticket
    if fmt == "json":
        tz = ZoneInfo(services.settings.time_zone)
        rec = ticket_record(x, [c.root_id for c in detail.calls], tz, detail.events)
        rec["merged_from"] = list(detail.merged_from)
        rec["merged_into"] = detail.merged_into
        if x.kind == "help":  # issue 14: the emergency checklist, each step with done_at (003 4.2.1)
            from deskui.commands.ticket_help import step_records

            rec["steps"] = step_records(detail.checklist, tz)
        print_json(rec)
        return

    def when(moment: datetime | None) -> str:
        return local_time(services.settings, moment).strftime("%Y-%m-%d %H:%M") if moment else "-"

    lines = [
        f"{x.number}  {x.kind_label} {x.severity_label}  {x.status_label}",
        f"{t('Unit')}: {x.unit}   {t('Caller')}: {x.caller} {x.phone}",
        f"{t('Department')}: {department_name(services.settings, x.department)}   {t('Assignee')}: {x.assignee or '-'}"
        + (f"   {t('Worker')}: {x.worker}" if x.worker else ""),
        f"{t('Created')}: {when(x.created_at)} {x.created_by}",
        *([f"{t('Appointment')}: {when(x.appointment_at)}"] if x.appointment_at else []),
        *([paid_text(x.kind, x.paid, x.fee_cents)] if paid_text(x.kind, x.paid, x.fee_cents) else []),  # issue 14
        x.description,
        *_complaint_lines(services, x),
        *([f"{t('Result')}: {x.result}"] if x.result else []),
        *_help_lines(services, detail),
        "",
    ]
    for g in detail.targets:
        # services.tickets._targets.describe: the same words as the ticket screen ("met", "late by 10h 5m", "2h left").
        state_text = describe(g) + (f" ({when(g.met_at)})" if g.met_at is not None else "")
        lines.append(f"  {g.label}: {when(g.due_at)}  {target_state_name(g.state)}  {state_text}")
    if x.callback_result:  # after the targets: the callback target's line comes first
        lines.append(_callback_line(x))
    if detail.calls:
        lines.append(t("Calls: {ids}", ids=", ".join(f"#{c.root_id}" for c in detail.calls)))
    lines.append("")
    for e in detail.events:
        who = e.operator or t("the administrator")
        extra = f"  {e.note}" if e.note else ""
        lines.append(f"{when(e.at)}  {e.ticket_number} #{e.seq}  {e.label}  {who}{extra}")
    for line in lines:
        out.print(line, markup=False, highlight=False)


def _help_lines(services: Services, detail: TicketDetail) -> list[str]:
    """A help request's kind and its checklist, a step per line: done (time, who, note) or open (issue 14)."""
    from deskui.commands.ticket_help import step_lines

    return step_lines(services, detail) if detail.ticket.kind == "help" else []


def _complaint_lines(services: Services, x: TicketInfo) -> list[str]:
    """A complaint's record, its agreed deadline and the last reply to the resident (issue 14)."""
    from deskui.services.common.shifts import local_time
    from deskui.services.tickets import COMPLAINT_FIELDS, REPLY_VIA_LABELS

    lines = [f"{t(label)}: {x.complaint[key]}" for key, label in COMPLAINT_FIELDS.items() if x.complaint.get(key)]
    if x.resident_deadline is not None:
        moment = local_time(services.settings, x.resident_deadline).strftime("%Y-%m-%d %H:%M")
        lines.append(f"{t('Resident deadline')}: {moment}")
    if x.reply:
        how = f" ({t(REPLY_VIA_LABELS[x.reply_via])})" if x.reply_via in REPLY_VIA_LABELS else ""
        lines.append(f"{t('Reply')}{how}: {x.reply}")
    return lines


def _callback_line(x: TicketInfo) -> str:
    """The last callback: its outcome, how it was made (phone or visit) and the satisfaction, in the reader's words."""
    from deskui.services.tickets import CALLBACK_OUTCOME_LABELS, CALLBACK_VIA_LABELS, signoff_text

    parts = [t(CALLBACK_OUTCOME_LABELS.get(x.callback_result, x.callback_result))]
    if x.callback_via in CALLBACK_VIA_LABELS:
        parts.append(t(CALLBACK_VIA_LABELS[x.callback_via]))
    if x.satisfaction is not None:
        parts.append(t("satisfaction {n}/5", n=x.satisfaction))
    if x.signed_off is not None:  # a repair's sign-off by the resident (issue 14)
        parts.append(signoff_text(x.signed_off, x.signed_by))
    return f"{t('Callback')}: " + ", ".join(parts)


@group.command("open")
def open_(
    ctx: typer.Context,
    from_call: Annotated[int, typer.Option("--from-call", help="The call the ticket comes from.")],
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            callback=key_option(ticket_kinds, N_("ticket kind")),
            help="repair, complaint, help, inquiry, service (or 报修, 投诉 …); default from the call.",
        ),
    ] = None,
    severity: Annotated[
        str | None,
        typer.Option(
            "--severity",
            callback=key_option(severities, N_("severity")),
            help="Complaints: major, important or minor (required).",
        ),
    ] = None,
    repair_type: Annotated[
        str | None,
        typer.Option(
            "--repair-type",
            callback=key_option(repair_types, N_("repair type")),
            help="Repairs: leak, safety or other (default other).",
        ),
    ] = None,
    operator: Annotated[str | None, typer.Option("--operator", help="Who opens it (an operator's name).")] = None,
    place: Annotated[str | None, typer.Option("--place", help="Complaints: where it happened.")] = None,
    about: Annotated[str | None, typer.Option("--about", help="Complaints: the person or department.")] = None,
    happened: Annotated[str | None, typer.Option("--happened", help="Complaints: what happened.")] = None,
    wants: Annotated[str | None, typer.Option("--wants", help="Complaints: what the resident wants.")] = None,
    resident_deadline: Annotated[
        str | None, typer.Option("--resident-deadline", help="Minor complaints: the date agreed with the resident.")
    ] = None,
    paid: Annotated[
        bool | None, typer.Option("--paid/--free", help="Repairs: paid, or free under warranty (default free).")
    ] = None,
    visit: Annotated[
        str | None, typer.Option("--visit", help="The visit booked with the resident, e.g. '明天 9:30' (site time).")
    ] = None,
    help_kind: HelpKind = None,
) -> None:
    """Open a ticket prefilled from a call; prints the new ticket number. A complaint's record (002 投诉接待(1)):
    --place, --about, --happened, --wants."""
    from deskui.services.tickets import TicketInput

    services = state(ctx).services()
    data = TicketInput(
        call_ids=(from_call,), kind=kind, severity=severity, repair_type=repair_type, place=place, about=about,
        happened=happened, wants=wants, resident_deadline=_moment(services, resident_deadline),
    )  # fmt: skip
    data = replace(data, help_kind=help_kind)  # a help request's kind, 003 4.1.1 (issue 14)
    data = replace(data, paid=paid, appointment=visit)  # a repair paid or free, the visit booked (issue 14)
    info = services.tickets.create(data, operator=_operator(services, operator))
    sys.stdout.write(f"{info.number}\n")


def _moment(services: Services, text: str | None) -> datetime | None:
    """A date and time as typed at the desk (the site's time), None when not given; a bad one refused naming it."""
    if text is None or not text.strip():
        return None
    from zoneinfo import ZoneInfo

    from deskui.core.errors import ValidationError
    from deskui.services.common.timeparse import DAY_END, parse_time

    try:
        tz, end = ZoneInfo(services.settings.time_zone), DAY_END  # a date alone: the end of that day
        return parse_time(text, services.clock.now(), tz, rollback_hours=24, day_end=end)
    except ValidationError as exc:
        raise ValidationError(exc.message, field="resident_deadline") from None


# Exports mask phone numbers unless --full (deskui/services/masking.py says who may).
FULL_HELP = "Whole phone numbers (a supervisor or manager: --operator and the PIN; or root)."
OPERATOR_HELP = "With --full: the supervisor or manager exporting."
PIN_HELP = "With --full: that operator's PIN (prompted at a terminal; env DESKUI_PIN)."


def phones_for_export(services: Any, rows: Any, *, full: bool, operator: str | None, pin: str | None, kind: str) -> Any:
    """The rows with phone numbers masked, or whole when --full is allowed (refused with one line otherwise)."""
    from deskui.services.common import masking

    if not full:
        return masking.masked_calls(rows) if kind == "calls" else masking.masked_tickets(rows)

    def ask() -> str:
        if not typer.get_text_stream("stdin").isatty():
            return ""
        return str(typer.prompt(t("PIN"), hide_input=True, err=True))

    masking.allow_full(services, operator, pin, ask_pin=ask)
    return rows


def export_tickets(
    ctx: typer.Context,
    fmt: ExportFormat = "csv",
    output: Annotated[Path | None, typer.Option("--output", "-o", callback=output_option, help=OUTPUT_HELP)] = None,
    full: Annotated[bool, typer.Option("--full", help=FULL_HELP)] = False,
    operator: Annotated[str | None, typer.Option("--operator", help=OPERATOR_HELP)] = None,
    pin: Annotated[str | None, typer.Option("--pin", envvar="DESKUI_PIN", help=PIN_HELP)] = None,
) -> None:
    """Export every ticket oldest first; phone numbers masked (138****5678) unless --full; text cells a spreadsheet
    would run as formulas are neutralised."""
    from deskui.services.tickets import export_tickets

    services = state(ctx).services()
    rows = phones_for_export(
        services, services.tickets.iter_all(), full=full, operator=operator, pin=pin, kind="tickets"
    )
    with progress(t("Exporting tickets"), to_stdout=output is None) as job:
        n = export_tickets(job.track(rows), fmt, services.settings, output=output, stdout=stdout())
    if output is not None:
        err.print(t("Exported {n} tickets to {file}", n=n, file=str(output)), markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="tickets")
