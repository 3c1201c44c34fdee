"""`deskui patrols routes|start|check|end|list|schedule|ticket`: patrols 巡查 (000 二.6: the desk's morning and
afternoon rounds; 002: the supervisor's).

`patrols start` prints only the new round's id on stdout, so a script can capture it; `patrols ticket` prints only
the ticket's number. Routes and checkpoints are configuration ([patrols] in the settings): a route or checkpoint is
named by its key or either label, in any case.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated, Any

import typer

from deskui.cli import cell, fail, out, state, stdout
from deskui.commands._duty import operator_named, parse_date, plain
from deskui.commands._formats import ListFormat, print_json_array
from deskui.commands._registers import as_text, when
from deskui.core.i18n import N_, get_language, t

if TYPE_CHECKING:
    from deskui.services import Services

group = typer.Typer(
    help="Patrols (巡查): rounds of the configured routes, checkpoint by checkpoint; missed rounds.",
    no_args_is_help=True,
)

# (key in the CSV record, header message id, how the table shows the record's value)
Column = tuple[str, str, Callable[[Any], str]]


def _print(
    services: Services, records: Sequence[dict[str, Any]], fmt: str, columns: Sequence[Column], empty: str
) -> None:
    """JSON: every field of each record; CSV: these columns; a table for people."""
    if fmt == "json":
        print_json_array(records)
        return
    if fmt == "csv":
        from deskui.services.common.exportfiles import neutralise

        writer = csv.writer(stdout())
        writer.writerow([key for key, _, _ in columns])
        for record in records:
            writer.writerow([neutralise(as_text(record.get(key))) for key, _, _ in columns])
        return
    if not records:
        out.print(empty, markup=False)
        return
    from rich.table import Table

    table = Table(*(t(header) for _, header, _ in columns))
    for record in records:
        table.add_row(*(cell(show(record.get(key)), one_line=True) for key, _, show in columns))
    out.print(table)


@group.command("routes")
def routes(ctx: typer.Context, fmt: ListFormat = "table") -> None:
    """The configured routes: their checkpoints in walking order and the times a round is due."""
    services = state(ctx).services()
    language = get_language()
    records: list[dict[str, Any]] = [
        {
            "route": r.key,
            "name": r.label(language),
            "zh": r.zh,
            "en": r.en,
            "times": [f"{at:%H:%M}" for at in r.times],
            "checkpoints": [{"point": p.key, "name": p.label(language), "zh": p.zh, "en": p.en} for p in r.checkpoints],
        }
        for r in services.patrols.routes()
    ]
    for record in records:  # CSV and the table: one cell each
        record["times_text"] = " ".join(record["times"])
        record["checkpoints_text"] = " → ".join(p["name"] for p in record["checkpoints"])
    if fmt == "json":
        for record in records:
            record.pop("times_text")
            record.pop("checkpoints_text")
    times, checkpoints = ("times_text", N_("Due at"), as_text), ("checkpoints_text", N_("Checkpoints"), as_text)
    if fmt == "table":  # a person reads the route's name under "Route"; its key, what a script may type, last
        columns = [("name", N_("Route"), as_text), times, checkpoints, ("route", N_("Route key"), as_text)]
    else:  # CSV: the record's fields, as before
        columns = [("route", N_("Route"), as_text), ("name", N_("Route"), as_text), times, checkpoints]
    _print(services, records, fmt, columns, t("No patrol routes are configured"))


@group.command("start")
def start(
    ctx: typer.Context,
    route: Annotated[str, typer.Option("--route", help="The route (its key or name; see `patrols routes`).")],
    operator: Annotated[str | None, typer.Option("--operator", help="Who walks the round.")] = None,
) -> None:
    """Start a round of a route; prints the round's id."""
    services = state(ctx).services()
    found = services.patrols.start(route, operator=operator_named(services, operator))
    out.print(str(found.id), markup=False)


@group.command("check")
def check(
    ctx: typer.Context,
    round_id: Annotated[int, typer.Argument(metavar="ROUND", help="The round's id (from `patrols start`).")],
    point: Annotated[str, typer.Option("--point", help="The checkpoint (its key or name).")],
    ok: Annotated[bool, typer.Option("--ok", help="Nothing abnormal at this checkpoint.")] = False,
    issue: Annotated[str | None, typer.Option("--issue", help="What is abnormal here.")] = None,
    operator: Annotated[str | None, typer.Option("--operator", help="Who checked it.")] = None,
) -> None:
    """Record one checkpoint of a round: --ok, or --issue TEXT."""
    if ok == (issue is not None):
        fail(t("Give --ok or --issue TEXT, one of them"))
    services = state(ctx).services()
    found = services.patrols.check(
        round_id, point, ok=ok, note=issue or "", operator=operator_named(services, operator)
    )
    done = next(c for c in reversed(found.checks))
    name = services.patrols.point_label(found.route, done.point)
    checked = len(found.checks)
    points = checked + len(found.remaining)
    if done.ok:
        line = t("{point}: OK (round #{id}, {n} of {m} checked)", point=name, id=found.id, n=checked, m=points)
    else:
        line = t("{point}: abnormal (round #{id}, {n} of {m} checked)", point=name, id=found.id, n=checked, m=points)
    out.print(line, markup=False)


@group.command("end")
def end(
    ctx: typer.Context,
    round_id: Annotated[int, typer.Argument(metavar="ROUND", help="The round's id.")],
    operator: Annotated[str | None, typer.Option("--operator", help="Who ends the round.")] = None,
) -> None:
    """End a round (checkpoints not checked stay so, and the round says it)."""
    from deskui.services.registers import ROUND_STATES, label

    services = state(ctx).services()
    found = services.patrols.end(round_id, operator=operator_named(services, operator))
    assert found.ended_at is not None
    out.print(
        t(
            "Round #{id} ended at {when}: {state}",
            id=found.id,
            when=when(services)(found.ended_at),
            state=label(ROUND_STATES, found.state),
        ),
        markup=False,
    )


@group.command("list")
def list_rounds(
    ctx: typer.Context,
    day: Annotated[str | None, typer.Option("--date", help="The day (YYYY-MM-DD); default today.")] = None,
    fmt: ListFormat = "table",
) -> None:
    """The rounds of a day in the order they started, with their checkpoints."""
    from deskui.services.registers import ROUND_STATES, label

    services = state(ctx).services()
    rounds = services.patrols.rounds(parse_date(day, "--date"))
    records = []
    for r in rounds:
        record = plain(services, r)
        record["checked"] = len(r.checks)
        record["abnormal"] = len(r.abnormal)
        record["route_name"] = services.patrols.route_label(r.route)
        records.append(record)
    columns = [
        ("id", "#", as_text),
        ("route_name" if fmt == "table" else "route", N_("Route"), as_text),
        ("operator", N_("Operator"), as_text),
        ("started_at", N_("Started"), _local(services)),
        ("ended_at", N_("Ended"), _local(services)),
        ("checked", N_("Checked"), as_text),
        ("abnormal", N_("Abnormal"), as_text),
        ("state", N_("State"), lambda key: label(ROUND_STATES, key)),
    ]
    _print(services, records, fmt, columns, t("No patrol rounds"))


@group.command("schedule")
def schedule(
    ctx: typer.Context,
    day: Annotated[str | None, typer.Option("--date", help="The day (YYYY-MM-DD); default today.")] = None,
    fmt: ListFormat = "table",
) -> None:
    """The rounds the schedule expects on a day: done, missed, due now or later."""
    from deskui.services.registers import SCHEDULE_STATES, label

    services = state(ctx).services()
    records = []
    for item in services.patrols.schedule(parse_date(day, "--date")):
        record = plain(services, item)
        record["route_name"] = services.patrols.route_label(item.route)
        records.append(record)
    columns = [
        ("route_name" if fmt == "table" else "route", N_("Route"), as_text),
        ("scheduled_at", N_("Due at"), _local(services)),
        ("round_id", N_("Round"), as_text),
        ("state", N_("State"), lambda key: label(SCHEDULE_STATES, key)),
    ]
    _print(services, records, fmt, columns, t("No rounds are scheduled on that day"))


@group.command("ticket")
def ticket(
    ctx: typer.Context,
    round_id: Annotated[int, typer.Argument(metavar="ROUND", help="The round's id.")],
    point: Annotated[str, typer.Option("--point", help="The checkpoint found abnormal.")],
    operator: Annotated[str | None, typer.Option("--operator", help="Who opens the ticket.")] = None,
) -> None:
    """Open a repair ticket for an abnormal checkpoint of a round; prints the ticket's number."""
    services = state(ctx).services()
    found = services.patrols.get(round_id)
    key = services.patrols.point(services.patrols.route(found.route), point).key
    check = next((c for c in found.checks if c.point == key and not c.ok), None)
    if check is None:
        fail(t("Round #{id} has no abnormal finding at {point}", id=round_id, point=point))
    made = services.patrols.open_ticket(check.id, operator=operator_named(services, operator))
    out.print(made.ticket_number, markup=False)


def _local(services: Services) -> Callable[[Any], str]:
    """An ISO time of a record as the table shows it: local, to the minute."""
    from datetime import datetime

    show = when(services)

    def local(value: Any) -> str:
        return show(datetime.fromisoformat(value)) if isinstance(value, str) and value else ""

    return local


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="patrols")
