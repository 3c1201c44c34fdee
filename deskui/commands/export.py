"""`deskui export calls --format csv|json|xlsx`: the call log for spreadsheets and other programs, streamed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from deskui.cli import err, output_option, state, stdout
from deskui.commands._formats import OUTPUT_HELP, ExportFormat, progress
from deskui.commands.calls import parse_bound
from deskui.commands.tickets import FULL_HELP, OPERATOR_HELP, PIN_HELP, export_tickets, phones_for_export
from deskui.core.i18n import t

group = typer.Typer(help="Write data out as CSV, JSON or XLSX.", no_args_is_help=True)


@group.command("calls")
def calls(
    ctx: typer.Context,
    fmt: ExportFormat = "csv",
    since: Annotated[str | None, typer.Option("--since", help="From this time (ISO 8601; a date = that day).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Before this time (a date includes that day).")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", callback=output_option, help=OUTPUT_HELP)] = None,
    all_versions: Annotated[
        bool, typer.Option("--all-versions", help="Also versions replaced by a correction.")
    ] = False,
    full: Annotated[bool, typer.Option("--full", help=FULL_HELP)] = False,
    operator: Annotated[str | None, typer.Option("--operator", help=OPERATOR_HELP)] = None,
    pin: Annotated[str | None, typer.Option("--pin", envvar="DESKUI_PIN", help=PIN_HELP)] = None,
) -> None:
    """Export calls oldest first; phone numbers masked (138****5678) unless --full; text cells that a spreadsheet
    would run as formulas are neutralised."""
    from deskui.services import calls as exports

    services = state(ctx).services()
    rows = services.calls.iter_all(
        since=parse_bound(services, since, end=False, option="--since"),
        until=parse_bound(services, until, end=True, option="--until"),
        current_only=not all_versions,
    )
    rows = phones_for_export(services, rows, full=full, operator=operator, pin=pin, kind="calls")
    with progress(t("Exporting calls"), to_stdout=output is None) as job:
        n = exports.export(job.track(rows), fmt, services.settings, output=output, stdout=stdout())
    if output is not None:
        err.print(t("Exported {n} calls to {file}", n=n, file=str(output)), markup=False)


# `export tickets` lives with the other ticket commands (deskui/commands/tickets.py).
group.command("tickets")(export_tickets)


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="export")
