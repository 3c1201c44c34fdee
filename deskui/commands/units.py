"""`deskui units timeline UNIT`: one unit's whole story (issue 13 item 7), newest first.

The unit in any spelling (3-2-1201, 3栋2单元1201, 3#2-1201). A unit the directory does not know and no record names
is one line on stderr and exit 1; a place only the records name (a public area typed on a call) has its story.
JSON is one array of objects: kind, id, number, unit, unit_key, at (ISO 8601 with the site's offset), summary,
state, call_id, ticket_id.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

import typer

from deskui.cli import state
from deskui.commands._formats import ListFormat
from deskui.commands._keys import keys_option, timeline_kinds
from deskui.commands._registers import as_text, emit, when
from deskui.core.i18n import N_, t

group = typer.Typer(help="Units: one unit's whole story.", no_args_is_help=True)

KIND_HELP = (
    "Only these kinds (repeat the option): call, ticket, ticket_event, callback, log, visit, parcel, pass; "
    "or a group: calls, tickets, log, registers."
)


@group.command("timeline")
def timeline(
    ctx: typer.Context,
    unit: Annotated[str, typer.Argument(metavar="UNIT", help="The unit, in any spelling (3-2-1201, 3栋2单元1201).")],
    kind: Annotated[
        list[str] | None, typer.Option("--kind", callback=keys_option(timeline_kinds, N_("kind")), help=KIND_HELP)
    ] = None,
    since: Annotated[str | None, typer.Option("--since", help="From this time (ISO 8601; a date = that day).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Before this time (a date = to the end of it).")] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="At most this many entries (newest).")] = None,
    fmt: ListFormat = "table",
) -> None:
    """Everything about one unit, newest first: calls, tickets and callbacks, duty-log lines, visitors, parcels,
    passes."""
    from deskui.commands.calls import parse_bound
    from deskui.services.timeline import TimelineService, kind_label, state_label

    services = state(ctx).services()
    story = TimelineService.of(services).timeline(
        unit,
        kinds=kind or (),
        since=parse_bound(services, since, end=False, option="--since"),
        until=parse_bound(services, until, end=True, option="--until"),
        limit=limit,
        strict=True,
    )

    columns: list[tuple[str, str, Any]] = [
        ("at", N_("Time"), when(services)),
        ("kind", N_("Kind"), kind_label),
        ("number", N_("Record no."), as_text),
        ("summary", N_("What"), as_text),
        ("state", N_("State"), as_text),
    ]
    if fmt == "table":  # states in the reader's language; CSV and JSON keep the stored keys
        rows = [replace(e, state=state_label(e)) for e in story.entries]
        emit(services, rows, fmt, columns, empty=t("Nothing recorded for {unit}", unit=story.label))
        return
    keys = [("id", "", as_text), ("unit", "", as_text), ("call_id", "", as_text), ("ticket_id", "", as_text)]
    emit(services, story.entries, fmt, [*columns, *keys], empty="")


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="units")
