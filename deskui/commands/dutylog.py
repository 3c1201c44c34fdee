"""`deskui dutylog add|amend|show`, `deskui verify` and `deskui export dutylog`: the duty log from the command line.

`verify` exits 0 only when the whole chain is intact, otherwise 1 with the first entry that does not match on
stderr, so a cron job or a monitoring check can run it. JSON output is plain data for programs.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from deskui.cli import cell, err, fail, out, output_option, state, stdout
from deskui.commands._duty import local_text, operator_named, parse_date, plain
from deskui.commands._formats import (
    OUTPUT_HELP,
    ExportFormat,
    ShowFormat,
    TextFormat,
    print_json,
    print_json_array,
    progress,
)
from deskui.commands._keys import pick_key, shift_name, shifts
from deskui.core.i18n import N_, t

if TYPE_CHECKING:
    from deskui.services import Services
    from deskui.services.handover import LogEntry


dutylog_group = typer.Typer(help="The duty log (值班记录): entries that are never changed.", no_args_is_help=True)


@dutylog_group.command("add")
def dutylog_add(
    ctx: typer.Context,
    text: Annotated[str, typer.Option("--text", help="What to write in the log.")],
    operator: Annotated[str | None, typer.Option("--operator", help="Who writes it (an operator's name).")] = None,
) -> None:
    """Write an entry in the current shift's log; prints its number (#)."""
    services = state(ctx).services()
    entry = services.dutylog.add(text, operator=operator_named(services, operator))
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
        services.dutylog.by_seq(number).id, text, operator=operator_named(services, operator), reason=reason
    )
    sys.stdout.write(f"{entry.seq}\n")


@dutylog_group.command("show")
def dutylog_show(
    ctx: typer.Context,
    day: Annotated[str | None, typer.Option("--date", help="Duty date YYYY-MM-DD (default: the current one).")] = None,
    shift: Annotated[
        str | None, typer.Option("--shift", help="Only this shift, with its calls and ticket events.")
    ] = None,
    fmt: ShowFormat = "table",
) -> None:
    """Show a duty date's log (or one shift's, with its calls and ticket events)."""
    from deskui.services.common.shifts import shift_at

    services = state(ctx).services()
    duty_date = parse_date(day, "--date") or shift_at(services.settings, services.clock.now()).duty_date
    if shift:
        key = pick_key(shift, shifts(services.settings), N_("shift"))
        view = services.dutylog.shift_view(duty_date, key)
        if fmt == "json":
            print_json(plain(services, view))
            return
        _timeline(services, view.timeline)
        return
    entries = services.dutylog.entries(duty_date)
    if fmt == "json":
        print_json_array(plain(services, entries))
        return
    entries_table(services, entries)


def entry_text(services: Services, e: LogEntry, by_id: dict[int, LogEntry]) -> str:
    text = e.text
    if e.amends_id is not None:
        original = by_id.get(e.amends_id)
        ref = f"#{original.seq}" if original else f"id {e.amends_id}"
        text = t("Corrects {ref}: {text}", ref=ref, text=text)
    if e.amended_by:
        text += "  " + t("(corrected later)")
    return text


def entries_table(services: Services, entries: list[LogEntry]) -> None:
    from rich.table import Table
    from rich.text import Text

    if not entries:
        out.print(t("No entries"), markup=False)
        return
    by_id = {e.id: e for e in entries}
    table = Table("#", t("When"), t("Shift"), t("Kind"), t("Operator"))
    table.add_column(t("Entry"), overflow="fold")  # the whole entry, Chinese text too (no spaces to wrap at)
    for e in entries:
        table.add_row(
            Text(str(e.seq)),
            Text(local_text(services, e.time)),
            cell(shift_name(e.shift_key)),
            cell(t(_KIND_LABELS.get(e.kind, e.kind))),
            cell(e.operator),
            cell(entry_text(services, e, by_id)),
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

    from deskui.services.tickets import EVENT_LABELS

    if not items:
        out.print(t("No entries"), markup=False)
        return
    entries = {i.id: i for _, kind, i in items if kind == "log"}
    table = Table(t("When"), t("Kind"), "#", t("Operator"))
    table.add_column(t("Entry"), overflow="fold")
    for moment, kind, item in items:
        if kind == "log":
            row = (t(_KIND_LABELS.get(item.kind, item.kind)), str(item.seq), item.operator)
            text = entry_text(services, item, entries)
        elif kind == "call":
            row = (t("Call"), str(item.id), item.operator)
            text = " ".join(f"{item.unit} {item.caller} {item.content}".split())
        else:
            row = (t("Ticket"), item.number, item.operator)
            text = " ".join(f"{t(EVENT_LABELS.get(item.kind, item.kind))} {item.note}".split())
        table.add_row(Text(local_text(services, moment)), *(cell(c) for c in row), cell(text))
    out.print(table)


# --- verify and export ------------------------------------------------------------------------------------------


def verify(ctx: typer.Context, fmt: TextFormat = "text") -> None:
    """Check the duty log's hash chain and signed handovers; exit 0 only when everything is intact (json: the
    result as one object, {intact, entries, head_seq, head_hash, problems: [{seq, entry_id, reason, message}]})."""
    from deskui.services.admin.verify import verify_log

    services = state(ctx).services()
    result = verify_log(services.dutylog)
    if fmt == "json":
        print_json(
            {
                "intact": result.intact,
                "entries": result.entries,
                "head_seq": result.head_seq,
                "head_hash": result.head_hash,
                "problems": [
                    {"seq": p.seq, "entry_id": p.entry_id, "reason": p.reason, "message": p.message}
                    for p in result.problems
                ],
            }
        )
    elif result.intact:
        out.print(
            t(
                "Duty log intact: {n} entries, head #{seq} {hash}",
                n=result.entries,
                seq=result.head_seq,
                hash=result.head_hash[:16],
            ),
            markup=False,
        )
    else:
        for problem in result.problems:
            out.print(problem.message, markup=False)
    if result.intact:
        return
    first = result.problems[0].message
    fail(t("the duty log does not verify ({n} problems); first: {first}", n=len(result.problems), first=first))


def export_dutylog(
    ctx: typer.Context,
    fmt: ExportFormat = "csv",
    since: Annotated[str | None, typer.Option("--since", help="From this duty date (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="To this duty date, included.")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", callback=output_option, help=OUTPUT_HELP)] = None,
) -> None:
    """Export the duty log in chain order with each entry's hash; formula-like text cells are neutralised."""
    from deskui.services.handover import export

    services = state(ctx).services()
    entries = services.dutylog.between(parse_date(since, "--since"), parse_date(until, "--until"))
    with progress(t("Exporting the duty log"), to_stdout=output is None) as job:
        n = export(job.track(entries), fmt, services.settings, output=output, stdout=stdout())
    if output is not None:
        err.print(t("Exported {n} duty log entries to {file}", n=n, file=str(output)), markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(dutylog_group, name="dutylog")
    app.command("verify")(verify)
    # `export dutylog` belongs in the shared `export` group (deskui/commands/export.py).
    from deskui.commands.export import group as export_group

    export_group.command("dutylog")(export_dutylog)
