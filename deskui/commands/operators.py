"""`deskui operators add|list|reset-pin`: people who sign in at the desk.

Adding an operator and setting a new PIN need a manager: `--operator NAME` of a manager and that manager's PIN
(typed at the prompt, or `--operator-pin` / DESKUI_PIN for scripts; checked like a sign-in, so wrong PINs count
towards the lockout). Otherwise any operator at the desk could give themselves a supervisor's role or take over a
colleague's PIN. Two exceptions: the very first operator of a new database (nobody could authorise it), and the
local administrator (root), who can read and change the database file directly anyway (as for `export --full`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from deskui.cli import cell, fail, out, state
from deskui.commands._formats import ShowFormat, print_json_array
from deskui.commands._keys import key_option, roles
from deskui.core.i18n import N_, t

if TYPE_CHECKING:
    from deskui.services import Services
    from deskui.services.operators import OperatorInfo

group = typer.Typer(help="Operators who sign in at the desk.", no_args_is_help=True)

OPERATOR_HELP = "The manager authorising this (not needed for the first operator of a new database)."
OPERATOR_PIN_HELP = "That manager's PIN (prompted at a terminal; env DESKUI_PIN)."


def _at_terminal() -> bool:
    return typer.get_text_stream("stdin").isatty()


def _need_new_pin(pin: str | None) -> None:
    """Before anything else (and before a manager's PIN counts): a script must give the new PIN."""
    if pin is None and not _at_terminal():
        fail(t("give --pin or type it at a terminal"))


def _manager(
    services: Services, operator: str | None, operator_pin: str | None, *, first_allowed: bool
) -> tuple[OperatorInfo | None, bool]:
    """Who authorises this: (the manager, False); (None, False) for the local administrator; (None, True) for the
    first operator of a new database. Anyone else is refused with one line saying what to give."""
    from deskui.core.errors import PermissionDenied
    from deskui.services.common.masking import is_local_admin

    if operator and operator.strip():
        pin = operator_pin
        if pin is None:
            pin = (
                str(typer.prompt(t("PIN of {name}", name=operator.strip()), hide_input=True, err=True))
                if _at_terminal()
                else ""
            )
        return services.operators.authorize_manager(operator, pin), False
    if is_local_admin():
        return None, False
    if first_allowed and not services.operators.has_operators():
        return None, True
    raise PermissionDenied(
        t(
            "This needs a manager: give --operator NAME of a manager and that manager's PIN (typed at the prompt, "
            "or --operator-pin / DESKUI_PIN)"
        )
    )


def _read_pin(pin: str | None) -> str:
    if pin is not None:
        return pin
    if not _at_terminal():
        fail(t("give --pin or type it at a terminal"))
    first = typer.prompt(t("PIN"), hide_input=True)
    if typer.prompt(t("PIN again"), hide_input=True) != first:
        fail(t("the two PINs differ"))
    return first


@group.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Display name, e.g. 王芳.")],
    role: Annotated[
        str,
        typer.Option(
            "--role",
            callback=key_option(roles, N_("role")),
            help="receptionist | maintenance | supervisor | manager (or 前台客服 …)",
        ),
    ],
    pin: Annotated[str | None, typer.Option("--pin", help="Digits; prompted for when omitted.")] = None,
    operator: Annotated[str | None, typer.Option("--operator", help=OPERATOR_HELP)] = None,
    operator_pin: Annotated[
        str | None, typer.Option("--operator-pin", envvar="DESKUI_PIN", help=OPERATOR_PIN_HELP)
    ] = None,
) -> None:
    """Add an operator (a manager's PIN needed, except for the first operator of a new database)."""
    _need_new_pin(pin)
    services = state(ctx).services()
    actor, first = _manager(services, operator, operator_pin, first_allowed=True)
    info = services.operators.add(name, role, _read_pin(pin), actor=actor, first_only=first)
    out.print(t("Added operator {name} ({role})", name=info.name, role=info.role_label), markup=False)


@group.command("list")
def list_(ctx: typer.Context, fmt: ShowFormat = "table") -> None:
    """List operators with their role and lock state (json: name, role key, active, locked_until or null)."""
    services = state(ctx).services()
    if fmt == "json":
        from zoneinfo import ZoneInfo

        tz = ZoneInfo(services.settings.time_zone)
        now = services.clock.now()
        print_json_array(
            {
                "name": op.name,
                "role": str(op.role),
                "active": op.active,
                "locked_until": (
                    op.locked_until.astimezone(tz).isoformat() if op.locked_until and op.locked_until > now else None
                ),
            }
            for op in services.operators.list(include_inactive=True)
        )
        return
    table = Table(t("Name"), t("Role"), t("Locked until"))
    for op in services.operators.list(include_inactive=True):
        locked = ""
        if op.locked_until and op.locked_until > services.clock.now():
            from deskui.services.common.shifts import local_time

            locked = local_time(services.settings, op.locked_until).strftime("%Y-%m-%d %H:%M")
        table.add_row(cell(op.name), cell(op.role_label), Text(locked))
    out.print(table)


@group.command("reset-pin")
def reset_pin(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The operator's name.")],
    pin: Annotated[str | None, typer.Option("--pin", help="Digits; prompted for when omitted.")] = None,
    operator: Annotated[str | None, typer.Option("--operator", help="The manager authorising this.")] = None,
    operator_pin: Annotated[
        str | None, typer.Option("--operator-pin", envvar="DESKUI_PIN", help=OPERATOR_PIN_HELP)
    ] = None,
) -> None:
    """Set a new PIN (also lifts a lockout); a manager's PIN needed."""
    _need_new_pin(pin)
    services = state(ctx).services()
    services.operators.by_name(name)  # an unknown name is said first, before a manager's PIN counts
    actor, _ = _manager(services, operator, operator_pin, first_allowed=False)
    info = services.operators.reset_pin(name, _read_pin(pin), actor=actor)
    out.print(t("New PIN set for {name}", name=info.name), markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="operators")
