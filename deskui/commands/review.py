"""`deskui review show|unsigned`: the supervisor's daily review of the duty log from the command line.

`review unsigned` exits 1 when a day over is not signed, so a cron job can remind the supervisor.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from deskui.cli import out, state
from deskui.commands._duty import local_text, parse_date, plain
from deskui.commands._formats import ShowFormat, TextFormat, print_json, print_json_array
from deskui.commands._keys import shift_name
from deskui.commands.dutylog import entries_table
from deskui.core.i18n import t

review_group = typer.Typer(help="The supervisor's daily review of the duty log.", no_args_is_help=True)


@review_group.command("show")
def review_show(
    ctx: typer.Context,
    day: Annotated[str | None, typer.Option("--date", help="Duty date YYYY-MM-DD (default: yesterday).")] = None,
    fmt: ShowFormat = "table",
) -> None:
    """A day's review: log entries, handovers, count discrepancies, the night's calls, and the signature."""
    services = state(ctx).services()
    review = services.review.review(parse_date(day, "--date"))
    if fmt == "json":
        print_json(plain(services, review))
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
                when=local_text(services, sig.signed_at),
                seq=sig.head_seq,
            ),
            markup=False,
        )
    entries_table(services, list(review.entries))
    for d in review.discrepancies:
        c = d.count
        ticket = ("  " + t("ticket {number}", number=c.ticket_number)) if c.ticket_number else ""
        out.print(
            f"{shift_name(d.shift_key)} {c.label}: {c.counted}/{c.expected} ({c.explanation}; {c.holder or '-'}){ticket}",
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
    fmt: TextFormat = "text",
) -> None:
    """Days over, since the desk's first record, without the supervisor's signature (the review screen's list),
    one a line (json: an array of {"day": "YYYY-MM-DD"}); exit 1 when there are any."""
    services = state(ctx).services()
    days = services.review.unsigned_days(parse_date(since, "--since"))
    if fmt == "json":
        print_json_array({"day": d.isoformat()} for d in days)
    else:
        for d in days:
            sys.stdout.write(f"{d.isoformat()}\n")
    if days:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(review_group, name="review")
