"""`deskui operators add|list|reset-pin`: people who sign in at the desk."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from deskui.cli import cell, fail, out, state
from deskui.i18n import t

group = typer.Typer(help="Operators who sign in at the desk.", no_args_is_help=True)


def _read_pin(pin: str | None) -> str:
    if pin is not None:
        return pin
    if not typer.get_text_stream("stdin").isatty():
        fail(t("give --pin or type it at a terminal"))
    first = typer.prompt(t("PIN"), hide_input=True)
    if typer.prompt(t("PIN again"), hide_input=True) != first:
        fail(t("the two PINs differ"))
    return first


@group.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Display name, e.g. 王芳.")],
    role: Annotated[str, typer.Option("--role", help="receptionist | maintenance | supervisor | manager")],
    pin: Annotated[str | None, typer.Option("--pin", help="Digits; prompted for when omitted.")] = None,
) -> None:
    """Add an operator."""
    info = state(ctx).services().operators.add(name, role, _read_pin(pin))
    out.print(t("Added operator {name} ({role})", name=info.name, role=info.role_label), markup=False)


@group.command("list")
def list_(ctx: typer.Context) -> None:
    """List operators with their role and lock state."""
    services = state(ctx).services()
    table = Table(t("Name"), t("Role"), t("Locked until"))
    for op in services.operators.list(include_inactive=True):
        locked = ""
        if op.locked_until and op.locked_until > services.clock.now():
            from deskui.services.shifts import local_time

            locked = local_time(services.settings, op.locked_until).strftime("%Y-%m-%d %H:%M")
        table.add_row(cell(op.name), cell(op.role_label), Text(locked))
    out.print(table)


@group.command("reset-pin")
def reset_pin(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The operator's name.")],
    pin: Annotated[str | None, typer.Option("--pin", help="Digits; prompted for when omitted.")] = None,
) -> None:
    """Set a new PIN (also lifts a lockout)."""
    info = state(ctx).services().operators.reset_pin(name, _read_pin(pin))
    out.print(t("New PIN set for {name}", name=info.name), markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="operators")
