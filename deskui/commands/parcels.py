"""`deskui parcels receive|notify|pickup|list`: parcels and mail kept for residents 代收.

`parcels receive` prints only the new parcel's id on stdout, so a script can capture it.
"""

from __future__ import annotations

from typing import Annotated

import typer

from deskui.cli import out, state
from deskui.commands._duty import operator_named
from deskui.commands._formats import ListFormat
from deskui.commands._keys import key_option, notice_ways, parcel_kinds
from deskui.commands._registers import as_text, emit, when
from deskui.core.i18n import N_, t

group = typer.Typer(help="Parcels and mail (代收): received, resident told, picked up.", no_args_is_help=True)


@group.command("receive")
def receive(
    ctx: typer.Context,
    unit: Annotated[str, typer.Option("--unit", help="The unit it is for (any spelling).")],
    carrier: Annotated[str, typer.Option("--carrier", help="Who brought it (顺丰, 邮政, …).")],
    tracking: Annotated[str, typer.Option("--tracking", help="The tracking number.")] = "",
    shelf: Annotated[str, typer.Option("--shelf", help="Where it is kept.")] = "",
    kind: Annotated[
        str,
        typer.Option(
            "--kind", callback=key_option(parcel_kinds, N_("parcel kind")), help="parcel, letter or newspaper (包裹 …)."
        ),
    ] = "parcel",
    note: Annotated[str, typer.Option("--note", help="Anything to note (damaged, cash on delivery, …).")] = "",
    operator: Annotated[str | None, typer.Option("--operator", help="Who takes it in.")] = None,
) -> None:
    """Take in a parcel for a unit; prints the parcel's id."""
    services = state(ctx).services()
    parcel = services.parcels.receive(
        unit, carrier, tracking=tracking, shelf=shelf, kind=kind, note=note, operator=operator_named(services, operator)
    )
    out.print(str(parcel.id), markup=False)


@group.command("notify")
def notify(
    ctx: typer.Context,
    parcel_id: Annotated[int, typer.Argument(metavar="ID", help="The parcel's id.")],
    via: Annotated[
        str,
        typer.Option(
            "--via",
            callback=key_option(notice_ways, N_("way of telling")),
            help="How the resident was told: sms, phone or note.",
        ),
    ],
    note: Annotated[str, typer.Option("--note", help="Anything to note (no answer, told a neighbour, …).")] = "",
    operator: Annotated[str | None, typer.Option("--operator", help="Who told them.")] = None,
) -> None:
    """Record that the resident was told a parcel waits."""
    from deskui.services.registers import NOTICE_VIA, label

    services = state(ctx).services()
    parcel = services.parcels.notify(parcel_id, via, note=note, operator=operator_named(services, operator))
    out.print(
        t("Parcel #{id}: resident told ({via})", id=parcel.id, via=label(NOTICE_VIA, parcel.notified_via)),
        markup=False,
    )


@group.command("pickup")
def pickup(
    ctx: typer.Context,
    parcel_id: Annotated[int, typer.Argument(metavar="ID", help="The parcel's id.")],
    by: Annotated[str, typer.Option("--by", help="Who picks it up (as they sign).")],
    note: Annotated[str, typer.Option("--note", help="Anything to note.")] = "",
    operator: Annotated[str | None, typer.Option("--operator", help="Who hands it over.")] = None,
) -> None:
    """Hand a parcel over."""
    services = state(ctx).services()
    parcel = services.parcels.pick_up(parcel_id, by, note=note, operator=operator_named(services, operator))
    out.print(t("Parcel #{id} picked up by {name}", id=parcel.id, name=parcel.picked_up_by), markup=False)


@group.command("list")
def parcel_list(
    ctx: typer.Context,
    waiting: Annotated[bool, typer.Option("--waiting", help="Only parcels not yet picked up.")] = False,
    old: Annotated[bool, typer.Option("--old", help="Only parcels waiting longer than the configured age.")] = False,
    unit: Annotated[str | None, typer.Option("--unit", help="Only this unit's parcels (any spelling).")] = None,
    fmt: ListFormat = "table",
) -> None:
    """Parcels, newest first (waiting ones: oldest first)."""
    from deskui.services.registers import PARCEL_KINDS, PARCEL_STATES, label

    services = state(ctx).services()
    if old:
        key = services.parcels.unit_filter(unit)
        rows = [p for p in services.parcels.old() if key is None or p.unit_key == key]
    elif waiting:
        rows = services.parcels.waiting(unit)
    else:
        rows = services.parcels.history(unit=unit)
    columns = [
        ("id", "#", as_text),
        ("unit", N_("Unit"), as_text),
        ("kind", N_("Kind"), lambda key: label(PARCEL_KINDS, key)),
        ("carrier", N_("Carrier"), as_text),
        ("tracking", N_("Tracking number"), as_text),
        ("shelf", N_("Shelf"), as_text),
        ("received_at", N_("Received"), when(services)),
        ("notified_at", N_("Resident told"), when(services)),
        ("picked_up_at", N_("Picked up"), when(services)),
        ("picked_up_by", N_("Picked up by"), as_text),
        ("state", N_("State"), lambda key: label(PARCEL_STATES, key)),
    ]
    emit(services, rows, fmt, columns, empty=t("No parcels waiting") if waiting or old else t("No parcels"))


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="parcels")
