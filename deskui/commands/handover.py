"""`deskui dutylog add|amend|show`, `deskui handover show`, `deskui keys list|lend|return`, `deskui roster show`,
`deskui review show|unsigned`, `deskui verify` and `deskui export dutylog`: the duty log and handovers from the
command line.

`verify` exits 0 only when the whole chain is intact, otherwise 1 with the first entry that does not match on
stderr, so a cron job or a monitoring check can run it. JSON output is plain data for programs.
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from deskui.cli import cell, err, fail, out, output_option, state, stdout
from deskui.core.i18n import N_, t
from deskui.core.safetext import dumps

if TYPE_CHECKING:
    from deskui.services import Services
    from deskui.services.handover import HandoverState, LogEntry

dutylog_group = typer.Typer(help="The duty log (值班记录): entries that are never changed.", no_args_is_help=True)
handover_group = typer.Typer(help="Shift handovers (交接班).", no_args_is_help=True)
keys_group = typer.Typer(help="The key log (钥匙借用): keys lent and returned.", no_args_is_help=True)
roster_group = typer.Typer(help="The duty roster (值班安排表).", no_args_is_help=True)
review_group = typer.Typer(help="The supervisor's daily review of the duty log.", no_args_is_help=True)
SHOW_FORMATS = ("table", "json")


def _format(value: str) -> str:
    fmt = value.strip().lower()
    if fmt not in SHOW_FORMATS:
        fail(t("Unknown format {fmt!r}; use table or json", fmt=value))
    return fmt


def _date(value: str | None, option: str) -> date | None:
    if not value:
        return None
    try:
        return datetime.strptime(value.strip(), "%Y-%m-%d").date()
    except ValueError:
        fail(t("{option}: not a date: {value}", option=option, value=value))


def _operator(services: Services, name: str | None):  # type: ignore[no-untyped-def]
    return services.operators.by_name(name.strip()) if name and name.strip() else None


def _local(services: Services, moment: datetime, fmt: str = "%Y-%m-%d %H:%M") -> str:
    from deskui.services.common.shifts import local_time

    return local_time(services.settings, moment).strftime(fmt)


def _json(data: Any) -> None:
    """Plain data for programs: the exact stored text, with what a terminal would act on escaped (\\u001b)."""
    sys.stdout.write(dumps(data, indent=2) + "\n")


def _plain(services: Services, value: Any) -> Any:
    from zoneinfo import ZoneInfo

    from deskui.services.handover import to_plain

    return to_plain(value, ZoneInfo(services.settings.time_zone))


# --- dutylog ----------------------------------------------------------------------------------------------------


@dutylog_group.command("add")
def dutylog_add(
    ctx: typer.Context,
    text: Annotated[str, typer.Option("--text", help="What to write in the log.")],
    operator: Annotated[str | None, typer.Option("--operator", help="Who writes it (an operator's name).")] = None,
) -> None:
    """Write an entry in the current shift's log; prints its number (#)."""
    services = state(ctx).services()
    entry = services.dutylog.add(text, operator=_operator(services, operator))
    sys.stdout.write(f"{entry.seq}\n")


@dutylog_group.command("amend")
def dutylog_amend(
    ctx: typer.Context,
    number: Annotated[int, typer.Argument(help="The entry's number (#) as shown by `dutylog show`.")],
    text: Annotated[str, typer.Option("--text", help="The corrected text.")],
    reason: Annotated[str, typer.Option("--reason", help="Why it is corrected.")] = "",
    operator: Annotated[str | None, typer.Option("--operator", help="Who corrects it.")] = None,
) -> None:
    """Correct an entry: a new entry pointing at it; the original stays as written. Prints the new number."""
    services = state(ctx).services()
    entry = services.dutylog.amend(
        services.dutylog.by_seq(number).id, text, operator=_operator(services, operator), reason=reason
    )
    sys.stdout.write(f"{entry.seq}\n")


@dutylog_group.command("show")
def dutylog_show(
    ctx: typer.Context,
    day: Annotated[str | None, typer.Option("--date", help="Duty date YYYY-MM-DD (default: the current one).")] = None,
    shift: Annotated[
        str | None, typer.Option("--shift", help="Only this shift, with its calls and ticket events.")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """Show a duty date's log (or one shift's, with its calls and ticket events)."""
    from deskui.services.common.shifts import shift_at

    fmt = _format(fmt)
    services = state(ctx).services()
    duty_date = _date(day, "--date") or shift_at(services.settings, services.clock.now()).duty_date
    if shift:
        view = services.dutylog.shift_view(duty_date, shift.strip())
        if fmt == "json":
            _json(_plain(services, view))
            return
        _timeline(services, view.timeline)
        return
    entries = services.dutylog.entries(duty_date)
    if fmt == "json":
        _json(_plain(services, entries))
        return
    _entries_table(services, entries)


def _entry_text(services: Services, e: LogEntry, by_id: dict[int, LogEntry]) -> str:
    text = e.text
    if e.amends_id is not None:
        original = by_id.get(e.amends_id)
        ref = f"#{original.seq}" if original else f"id {e.amends_id}"
        text = t("Corrects {ref}: {text}", ref=ref, text=text)
    if e.amended_by:
        text += "  " + t("(corrected later)")
    return text


def _entries_table(services: Services, entries: list[LogEntry]) -> None:
    from rich.table import Table
    from rich.text import Text

    if not entries:
        out.print(t("No entries"), markup=False)
        return
    by_id = {e.id: e for e in entries}
    table = Table("#", t("When"), t("Shift"), t("Kind"), t("Operator"), t("Entry"))
    for e in entries:
        table.add_row(
            Text(str(e.seq)),
            Text(_local(services, e.time)),
            cell(e.shift_key),
            cell(t(_KIND_LABELS.get(e.kind, e.kind))),
            cell(e.operator),
            cell(_entry_text(services, e, by_id)),
        )
    out.print(table)


_KIND_LABELS = {
    "entry": N_("Entry"),
    "amendment": N_("Amendment"),
    "handover": N_("Handover"),
    "review": N_("Review"),
}


def _timeline(services: Services, items: tuple[tuple[datetime, str, Any], ...]) -> None:
    from rich.table import Table
    from rich.text import Text

    if not items:
        out.print(t("No entries"), markup=False)
        return
    entries = {i.id: i for _, kind, i in items if kind == "log"}
    table = Table(t("When"), t("Kind"), "#", t("Operator"), t("Entry"))
    for moment, kind, item in items:
        if kind == "log":
            row = (t(_KIND_LABELS.get(item.kind, item.kind)), str(item.seq), item.operator)
            text = _entry_text(services, item, entries)
        elif kind == "call":
            row = (t("Call"), str(item.id), item.operator)
            text = " ".join(f"{item.unit} {item.caller} {item.content}".split())
        else:
            row = (t("Ticket"), item.number, item.operator)
            text = " ".join(f"{item.kind} {item.note}".split())
        table.add_row(Text(_local(services, moment)), *(cell(c) for c in row), cell(text))
    out.print(table)


# --- handover ---------------------------------------------------------------------------------------------------


@handover_group.command("show")
def handover_show(
    ctx: typer.Context,
    last: Annotated[bool, typer.Option("--last", help="The last signed handover.")] = False,
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """Show the handover in progress (or with --last the last signed one): every step and what blocks sign-off."""
    fmt = _format(fmt)
    services = state(ctx).services()
    st = services.handover.last(signed=True) if last else services.handover.open_handover()
    if st is None:
        if fmt == "json":
            _json(None)
            return
        out.print(t("No signed handover yet") if last else t("No handover in progress"), markup=False)
        return
    if fmt == "json":
        data = _plain(services, st)
        data["signed"] = st.signed
        data["can_sign"] = st.can_sign
        _json(data)
        return
    _handover_text(services, st)


def _handover_text(services: Services, st: HandoverState) -> None:

    def line(text: str) -> None:
        out.print(cell(text))

    head = t(
        "Handover #{id}: {shift} shift of {day} → {next_shift} of {next_day}",
        id=st.id,
        shift=st.shift_key,
        day=st.duty_date.isoformat(),
        next_shift=st.next_shift_key,
        next_day=st.next_date.isoformat(),
    )
    line(head)
    line(
        t(
            "Outgoing: {outgoing}; incoming: {incoming}; started {when}",
            outgoing=st.outgoing.name,
            incoming=st.incoming.name if st.incoming else "-",
            when=_local(services, st.started_at),
        )
    )
    if st.signed and st.signed_at is not None:
        line(t("Signed at {when} (duty log #{seq})", when=_local(services, st.signed_at), seq=st.chain_seq))
    elif st.relief is not None:
        line(st.relief.message)
    line("")
    line(t("Equipment count"))
    for c in st.counts:
        counted = "-" if c.counted is None else str(c.counted)
        extra = ""
        if c.difference:
            extra = f"  ({c.explanation or '?'}; {c.holder or '-'})"
        if c.ticket_number:
            extra += "  " + t("ticket {number}", number=c.ticket_number)
        line(f"  {c.label}: {counted}/{c.expected}{extra}")
    line(t("Keys out"))
    for k in st.keys:
        mark = " !" if k.overdue else ""
        ack = " ✓" if k.acknowledged else ""
        line(f"  {k.title}{mark}{ack}" + (f" — {k.note}" if k.note else ""))
    line(t("Open items"))
    for i in st.items:
        mark = " !" if i.important else ""
        ack = " ✓" if i.acknowledged else ""
        line(f"  [{i.kind_label}] {i.title}{mark}{ack}" + (f" — {i.note}" if i.note else ""))
    if st.morning:
        line(t("Night calls"))
        for n in st.night_calls:
            line(f"  #{n.call.id} {' '.join(n.call.content.split())[:40]} → {n.decision or '-'}")
    line(t("Checks"))
    for check in st.checks:
        line(f"  [{'x' if check.done else ' '}] {check.label}" + (f" — {check.note}" if check.note else ""))
    if st.signatures:
        line(t("Signed by: {names}", names=", ".join(f"{s.name} ({s.role})" for s in st.signatures)))
    if st.blockers:
        line("")
        line(t("Before sign-off:"))
        for b in st.blockers:
            line(f"  - {b.message}")


# --- keys -------------------------------------------------------------------------------------------------------


@keys_group.command("list")
def keys_list(
    ctx: typer.Context,
    all_: Annotated[bool, typer.Option("--all", help="Every loan, returned or not (newest first).")] = False,
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """Keys still out (overdue ones marked "!"), or with --all the whole key log."""
    from rich.table import Table
    from rich.text import Text

    fmt = _format(fmt)
    services = state(ctx).services()
    loans = services.keys.history() if all_ else services.keys.out()
    if fmt == "json":
        _json(_plain(services, loans))
        return
    if not loans:
        out.print(t("No keys out") if not all_ else t("No entries"), markup=False)
        return
    table = Table(t("Key"), t("Borrower"), t("Lent"), t("Due back"), t("Returned"), t("By"))
    for k in loans:
        returned = _local(services, k.returned_at) if k.returned_at else ("!" if k.overdue else "")
        table.add_row(
            cell(k.tag),
            cell(k.borrower),
            Text(_local(services, k.lent_at)),
            Text(_local(services, k.due_at)),
            Text(returned),
            cell(k.lent_by),
        )
    out.print(table)


@keys_group.command("lend")
def keys_lend(
    ctx: typer.Context,
    tag: Annotated[str, typer.Argument(help="The key's tag, e.g. 3-2-1201 or 机房A.")],
    to: Annotated[str, typer.Option("--to", help="Who borrows it.")],
    due: Annotated[
        str | None, typer.Option("--due", help="Back by: HH:MM or YYYY-MM-DD HH:MM (default: end of shift).")
    ] = None,
    purpose: Annotated[str, typer.Option("--purpose", help="What for.")] = "",
    operator: Annotated[str | None, typer.Option("--operator", help="Who lends it.")] = None,
) -> None:
    """Lend a key."""
    services = state(ctx).services()
    loan = services.keys.lend(tag, to, operator=_operator(services, operator), due=due, purpose=purpose)
    out.print(
        t(
            "Key {tag} lent to {borrower}, due back {when}",
            tag=loan.tag,
            borrower=loan.borrower,
            when=_local(services, loan.due_at),
        ),
        markup=False,
    )


@keys_group.command("return")
def keys_return(
    ctx: typer.Context,
    tag: Annotated[str, typer.Argument(help="The key's tag.")],
    note: Annotated[str, typer.Option("--note", help="Anything to note about the return.")] = "",
    operator: Annotated[str | None, typer.Option("--operator", help="Who takes it back.")] = None,
) -> None:
    """Take a key back."""
    services = state(ctx).services()
    loan = services.keys.take_back(tag, operator=_operator(services, operator), note=note)
    out.print(t("Key {tag} is back", tag=loan.tag), markup=False)


# --- roster and review ------------------------------------------------------------------------------------------


@roster_group.command("show")
def roster_show(
    ctx: typer.Context,
    month: Annotated[str | None, typer.Option("--month", help="YYYY-MM (default: this month).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """Who is on which shift each day of a month."""
    from rich.table import Table
    from rich.text import Text

    from deskui.services.common.shifts import local_time
    from deskui.services.handover import parse_month

    fmt = _format(fmt)
    services = state(ctx).services()
    if month:
        year, mon = parse_month(month)
    else:
        today = local_time(services.settings, services.clock.now()).date()
        year, mon = today.year, today.month
    roster = services.roster.month_roster(year, mon)
    if fmt == "json":
        _json(_plain(services, roster))
        return
    keys = [s.shift_key for s in roster.days[0][1]] if roster.days else []
    table = Table(t("Date"), *keys)
    for day, slots in roster.days:
        table.add_row(Text(day.isoformat()), *(cell(s.names or "-") for s in slots))
    out.print(table)


@review_group.command("show")
def review_show(
    ctx: typer.Context,
    day: Annotated[str | None, typer.Option("--date", help="Duty date YYYY-MM-DD (default: yesterday).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """A day's review: log entries, handovers, count discrepancies, the night's calls, and the signature."""
    fmt = _format(fmt)
    services = state(ctx).services()
    review = services.review.review(_date(day, "--date"))
    if fmt == "json":
        _json(_plain(services, review))
        return
    sig = review.signature
    if sig is None:
        out.print(t("{day}: not signed", day=review.day.isoformat()), markup=False)
    else:
        out.print(
            t(
                "{day}: signed by {name} at {when} (chain head #{seq})",
                day=review.day.isoformat(),
                name=sig.supervisor,
                when=_local(services, sig.signed_at),
                seq=sig.head_seq,
            ),
            markup=False,
        )
    _entries_table(services, list(review.entries))
    for d in review.discrepancies:
        c = d.count
        ticket = ("  " + t("ticket {number}", number=c.ticket_number)) if c.ticket_number else ""
        out.print(
            f"{d.shift_key} {c.label}: {c.counted}/{c.expected} ({c.explanation}; {c.holder or '-'}){ticket}",
            markup=False,
        )
    for n in review.night_calls:
        text = " ".join(n.call.content.split())[:50]
        out.print(f"#{n.call.id} {text} → {n.decision or '-'}", markup=False)


@review_group.command("unsigned")
def review_unsigned(
    ctx: typer.Context,
    since: Annotated[
        str | None,
        typer.Option("--since", help="First duty date YYYY-MM-DD (default: as far back as the review screen looks)."),
    ] = None,
) -> None:
    """Days over, since the desk's first record, without the supervisor's signature (the review screen's list);
    exit 1 when there are any."""
    services = state(ctx).services()
    days = services.review.unsigned_days(_date(since, "--since"))
    for d in days:
        sys.stdout.write(f"{d.isoformat()}\n")
    if days:
        raise typer.Exit(1)


# --- verify and export ------------------------------------------------------------------------------------------


def verify(ctx: typer.Context) -> None:
    """Check the duty log's hash chain and signed handovers; exit 0 only when everything is intact."""
    from deskui.services.admin.verify import verify_log

    services = state(ctx).services()
    result = verify_log(services.dutylog)
    if result.intact:
        out.print(
            t(
                "Duty log intact: {n} entries, head #{seq} {hash}",
                n=result.entries,
                seq=result.head_seq,
                hash=result.head_hash[:16],
            ),
            markup=False,
        )
        return
    for problem in result.problems:
        out.print(problem.message, markup=False)
    first = result.problems[0].message
    fail(t("the duty log does not verify ({n} problems); first: {first}", n=len(result.problems), first=first))


def export_dutylog(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help="csv, json or xlsx.")] = "csv",
    since: Annotated[str | None, typer.Option("--since", help="From this duty date (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="To this duty date, included.")] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", callback=output_option, help="File to write (stdout for csv/json).")
    ] = None,
) -> None:
    """Export the duty log in chain order with each entry's hash; formula-like text cells are neutralised."""
    from deskui.services.handover import export

    services = state(ctx).services()
    entries = services.dutylog.between(_date(since, "--since"), _date(until, "--until"))
    n = export(entries, fmt, services.settings, output=output, stdout=stdout())
    if output is not None:
        err.print(t("Exported {n} duty log entries to {file}", n=n, file=str(output)), markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(dutylog_group, name="dutylog")
    app.add_typer(handover_group, name="handover")
    app.add_typer(keys_group, name="keys")
    app.add_typer(roster_group, name="roster")
    app.add_typer(review_group, name="review")
    app.command("verify")(verify)
    # `export dutylog` belongs in the shared `export` group (deskui/commands/export.py).
    from deskui.commands.export import group as export_group

    export_group.command("dutylog")(export_dutylog)
