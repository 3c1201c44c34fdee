"""`deskui roster show [--month YYYY-MM]`: the duty roster (值班安排表) from the command line."""

from __future__ import annotations

from typing import Annotated

import typer

from deskui.cli import cell, out, state
from deskui.commands._duty import plain
from deskui.commands._formats import ShowFormat, print_json
from deskui.commands._keys import shift_name
from deskui.core.i18n import t

roster_group = typer.Typer(help="The duty roster (值班安排表).", no_args_is_help=True)


@roster_group.command("show")
def roster_show(
    ctx: typer.Context,
    month: Annotated[str | None, typer.Option("--month", help="YYYY-MM (default: this month).")] = None,
    fmt: ShowFormat = "table",
) -> None:
    """Who is on which shift each day of a month."""
    from rich.table import Table
    from rich.text import Text

    from deskui.services.common.shifts import local_time
    from deskui.services.handover import parse_month

    services = state(ctx).services()
    if month:
        year, mon = parse_month(month)
    else:
        today = local_time(services.settings, services.clock.now()).date()
        year, mon = today.year, today.month
    roster = services.roster.month_roster(year, mon)
    if fmt == "json":
        print_json(plain(services, roster))
        return
    keys = [s.shift_key for s in roster.days[0][1]] if roster.days else []
    table = Table(t("Date"), *(shift_name(key) for key in keys))
    for day, slots in roster.days:
        table.add_row(Text(day.isoformat()), *(cell(s.names or "-") for s in slots))
    out.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(roster_group, name="roster")
