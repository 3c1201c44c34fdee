"""`deskui visitors in|out|list`: the visitor register 来访登记 — who came, to which unit, why, when in and out.

`visitors in` prints only the new visit's id on stdout, so a script can capture it.
"""

from __future__ import annotations

from typing import Annotated

import typer

from deskui.cli import out, state
from deskui.commands._duty import operator_named, parse_date
from deskui.commands._formats import ListFormat
from deskui.commands._registers import as_text, emit, when
from deskui.core.i18n import N_, t

group = typer.Typer(
    help="The visitor register (来访登记): visitors in and out, who is still inside.", no_args_is_help=True
)


@group.command("in")
def visitor_in(
    ctx: typer.Context,
    name: Annotated[str, typer.Option("--name", help="The visitor's name.")],
    unit: Annotated[str, typer.Option("--unit", help="The unit or place visited (any spelling).")],
    purpose: Annotated[str, typer.Option("--purpose", help="What the visit is for.")],
    plate: Annotated[str, typer.Option("--plate", help="The vehicle's plate, if they came by car.")] = "",
    id_tail: Annotated[str, typer.Option("--id-tail", help="The last characters of the ID card (never all).")] = "",
    operator: Annotated[str | None, typer.Option("--operator", help="Who signs the visitor in.")] = None,
) -> None:
    """Sign a visitor in; prints the visit's id."""
    services = state(ctx).services()
    visit = services.visitors.sign_in(
        name, unit, purpose, plate=plate, id_tail=id_tail, operator=operator_named(services, operator)
    )
    out.print(str(visit.id), markup=False)


@group.command("out")
def visitor_out(
    ctx: typer.Context,
    visit_id: Annotated[int, typer.Argument(metavar="ID", help="The visit's id (from `visitors in` or the list).")],
    note: Annotated[str, typer.Option("--note", help="Anything to note.")] = "",
    operator: Annotated[str | None, typer.Option("--operator", help="Who signs the visitor out.")] = None,
) -> None:
    """Sign a visitor out."""
    services = state(ctx).services()
    visit = services.visitors.sign_out(visit_id, note=note, operator=operator_named(services, operator))
    assert visit.left_at is not None
    out.print(
        t("{name} (visit #{id}) left at {when}", name=visit.name, id=visit.id, when=when(services)(visit.left_at)),
        markup=False,
    )


@group.command("list")
def visitor_list(
    ctx: typer.Context,
    inside: Annotated[bool, typer.Option("--inside", help="Only visitors still inside.")] = False,
    unit: Annotated[str | None, typer.Option("--unit", help="Only visits to this unit (any spelling).")] = None,
    day: Annotated[str | None, typer.Option("--date", help="Only visits of this day (YYYY-MM-DD).")] = None,
    fmt: ListFormat = "table",
) -> None:
    """Visits, newest first (or only those still inside)."""
    from deskui.services.registers import VISIT_STATES, label

    services = state(ctx).services()
    rows = services.visitors.history(day=parse_date(day, "--date"), unit=unit, inside=inside)
    columns = [
        ("id", "#", as_text),
        ("name", N_("Visitor"), as_text),
        ("unit", N_("Unit"), as_text),
        ("purpose", N_("Purpose"), as_text),
        ("plate", N_("Vehicle"), as_text),
        ("entered_at", N_("In"), when(services)),
        ("left_at", N_("Out"), when(services)),
        ("state", N_("State"), lambda key: label(VISIT_STATES, key)),
    ]
    emit(services, rows, fmt, columns, empty=t("No visitors inside") if inside else t("No visits"))


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="visitors")
