"""`deskui passes issue|check|use|void|list`: goods-release passes 物品放行.

`passes issue` prints only the new pass's number on stdout, so a script can capture it. `passes check NUMBER` is
the gate's question: one line saying valid (exit 0) or why not — already used, expired, voided, unknown (exit 1);
it writes nothing. `passes use NUMBER` records the goods going out (once).

A move-out (`--move-out`) of a unit whose residents' notes flag unpaid matters is refused with the notes quoted
(exit 1, nothing written): the receptionist asks the supervisor or accounts first, as most offices require fees to
be settled before a move-out, and once that is done issues it with `--force`; the pass keeps what was flagged.
"""

from __future__ import annotations

from typing import Annotated

import typer

from deskui.cli import out, state
from deskui.commands._duty import operator_named, plain
from deskui.commands._formats import ListFormat, TextFormat, print_json
from deskui.commands._registers import as_text, emit, when
from deskui.core.i18n import N_, t

group = typer.Typer(
    help="Goods-release passes (物品放行): issued at the desk, checked at the gate.", no_args_is_help=True
)


@group.command("issue")
def issue(
    ctx: typer.Context,
    unit: Annotated[str, typer.Option("--unit", help="The unit the goods leave (any spelling).")],
    bearer: Annotated[str, typer.Option("--bearer", help="Who takes the goods out.")],
    items: Annotated[str, typer.Option("--items", help="What goes out.")],
    vehicle: Annotated[str, typer.Option("--vehicle", help="The vehicle's plate.")] = "",
    consent: Annotated[str, typer.Option("--consent", help="Not the owner: how the owner's consent was checked.")] = "",
    move_out: Annotated[
        bool, typer.Option("--move-out", help="A move-out (搬出): unpaid matters are checked.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Issue a move-out although unpaid matters are flagged (once settled).")
    ] = False,
    operator: Annotated[str | None, typer.Option("--operator", help="Who issues the pass.")] = None,
) -> None:
    """Issue a pass; prints its number."""
    services = state(ctx).services()
    found = services.passes.issue(
        unit,
        bearer,
        items,
        vehicle=vehicle,
        consent=consent,
        move_out=move_out,
        force=force,
        operator=operator_named(services, operator),
    )
    out.print(found.number, markup=False)


@group.command("check")
def check(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="The pass number (any case, dashes optional).")],
    fmt: TextFormat = "text",
) -> None:
    """At the gate: is this pass valid? Exit 0 if so, 1 if not (already used, expired, voided, unknown)."""
    services = state(ctx).services()
    result = services.passes.check(number)
    if fmt == "json":
        print_json(
            {
                "number": result.number,
                "state": result.state,
                "valid": result.valid,
                "message": result.message,
                "pass": plain(services, result.found) if result.found else None,
            }
        )
    else:
        out.print(result.message, markup=False, soft_wrap=True)
    if not result.valid:
        raise typer.Exit(1)


@group.command("use")
def use(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="The pass number.")],
    note: Annotated[str, typer.Option("--note", help="Anything to note at the gate.")] = "",
    operator: Annotated[str | None, typer.Option("--operator", help="Who lets the goods out.")] = None,
) -> None:
    """At the gate: the goods went out on this pass (refused unless it is valid)."""
    services = state(ctx).services()
    found = services.passes.use(number, note=note, operator=operator_named(services, operator))
    out.print(t("Pass {number} used: {items}", number=found.number, items=found.items), markup=False)


@group.command("void")
def void(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="The pass number.")],
    reason: Annotated[str, typer.Option("--reason", help="Why it is withdrawn.")],
    operator: Annotated[str | None, typer.Option("--operator", help="Who voids it.")] = None,
) -> None:
    """Withdraw a pass not yet used (written wrongly, plans changed)."""
    services = state(ctx).services()
    found = services.passes.void(number, reason, operator=operator_named(services, operator))
    out.print(t("Pass {number} voided", number=found.number), markup=False)


@group.command("list")
def pass_list(
    ctx: typer.Context,
    valid: Annotated[bool, typer.Option("--valid", help="Only passes still valid.")] = False,
    unit: Annotated[str | None, typer.Option("--unit", help="Only this unit's passes (any spelling).")] = None,
    fmt: ListFormat = "table",
) -> None:
    """Passes, newest first."""
    from deskui.services.registers import PASS_KINDS, PASS_STATES, label

    services = state(ctx).services()
    rows = services.passes.history(unit=unit, valid=valid)
    columns = [
        ("number", N_("Pass"), as_text),
        ("unit", N_("Unit"), as_text),
        ("kind", N_("Kind"), lambda key: label(PASS_KINDS, key)),
        ("bearer", N_("Bearer"), as_text),
        ("items", N_("Items"), as_text),
        ("vehicle", N_("Vehicle"), as_text),
        ("issued_at", N_("Issued"), when(services)),
        ("valid_until", N_("Valid until"), when(services)),
        ("used_at", N_("Used"), when(services)),
        ("state", N_("State"), lambda key: label(PASS_STATES, key)),
    ]
    emit(services, rows, fmt, columns, empty=t("No passes"))


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="passes")
