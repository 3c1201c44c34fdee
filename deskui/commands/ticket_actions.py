"""`deskui tickets dispatch|note|done|callback|close|reopen NUMBER`: the ticket screen's actions for scripts (issue 14).

Each acts as `--operator NAME`, once that operator's PIN is checked the way `export --full` checks it: `--pin`, or
DESKUI_PIN, or typed at the prompt when stdin is a terminal; wrong PINs count towards the sign-in lockout. Without
`--operator` only the local administrator (root) may act, as the administrator. Who may do what in which status is
the tickets service's (services.tickets._rules, the table the screens read): a command only passes on what was
typed. Every refusal is one line on stderr, exit 1, and nothing written; success prints nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from deskui.cli import state
from deskui.commands._keys import callback_outcomes, callback_ways, key_option
from deskui.core.i18n import N_, t

if TYPE_CHECKING:
    from deskui.services import Services
    from deskui.services.operators import OperatorInfo
    from deskui.services.tickets import TicketInfo

NUMBER_HELP = "The ticket number, e.g. WX-20261123-0007."
OPERATOR_HELP = "Who acts (an operator's name); that operator's PIN is checked."
PIN_HELP = "That operator's PIN (prompted at a terminal; env DESKUI_PIN)."

Number = Annotated[str, typer.Argument(help=NUMBER_HELP)]
Operator = Annotated[str | None, typer.Option("--operator", help=OPERATOR_HELP)]
Pin = Annotated[str | None, typer.Option("--pin", envvar="DESKUI_PIN", help=PIN_HELP)]


def acting(services: Services, operator: str | None, pin: str | None) -> OperatorInfo | None:
    """The operator named, their PIN checked (services.common.masking's rule for `export --full`); None for the
    local administrator (root) naming nobody. A DeskError saying what to give otherwise."""
    from deskui.core.errors import PermissionDenied, ValidationError
    from deskui.services.common.masking import is_local_admin

    name = (operator or "").strip()
    if not name:
        if is_local_admin():
            return None
        raise PermissionDenied(
            t("Give --operator NAME and that operator's PIN (--pin, DESKUI_PIN, or typed at the prompt)")
        )
    who = services.operators.by_name(name)
    if pin is None and typer.get_text_stream("stdin").isatty():
        pin = str(typer.prompt(t("PIN of {name}", name=who.name), hide_input=True, err=True))
    if not pin:
        raise ValidationError(
            t("The PIN of {name} is needed: --pin, DESKUI_PIN, or type it at a terminal", name=who.name), field="pin"
        )
    return services.operators.authenticate(who.id, pin)


def _start(
    ctx: typer.Context, number: str, operator: str | None, pin: str | None
) -> tuple[Services, OperatorInfo | None, TicketInfo]:
    """The services, who acts (PIN checked first) and the ticket as it is now (its version is what the action
    writes over: a change by another terminal in between is refused, "Changed by X just now")."""
    services = state(ctx).services()
    who = acting(services, operator, pin)
    return services, who, services.tickets.get(number)


def dispatch(
    ctx: typer.Context,
    number: Number,
    department: Annotated[str, typer.Option("--department", help="A department's key or name (维修部 too).")],
    worker: Annotated[str | None, typer.Option("--worker", help="The department's worker on duty, by name.")] = None,
    note: Annotated[str, typer.Option("--note", help="A note with the dispatch.")] = "",
    operator: Operator = None,
    pin: Pin = None,
) -> None:
    """Send a new ticket to a department, optionally naming its worker (deskui workers list)."""
    services, who, x = _start(ctx, number, operator, pin)
    services.tickets.dispatch(x.number, x.version, department, worker=worker, note=note, operator=who)


def note(
    ctx: typer.Context,
    number: Number,
    text: Annotated[str, typer.Option("--text", help="The note, exactly as it is to be kept.")],
    operator: Operator = None,
    pin: Pin = None,
) -> None:
    """Add a note to a ticket."""
    services, who, x = _start(ctx, number, operator, pin)
    services.tickets.note(x.number, x.version, text, operator=who)


def done(
    ctx: typer.Context,
    number: Number,
    result: Annotated[str, typer.Option("--result", help="What was done (the department's report).")] = "",
    paid: Annotated[
        bool | None, typer.Option("--paid/--free", help="Repairs: paid, or free under warranty (as filed if unsaid).")
    ] = None,
    fee: Annotated[str | None, typer.Option("--fee", help="A paid repair's fee, an amount: 120 or 85.50.")] = None,
    operator: Operator = None,
    pin: Pin = None,
) -> None:
    """Mark the work done; the callback clock starts. A repair: paid or free, and a paid repair's fee."""
    services, who, x = _start(ctx, number, operator, pin)
    services.tickets.mark_done(x.number, x.version, note=result, operator=who, paid=paid, fee=fee)


def callback(
    ctx: typer.Context,
    number: Number,
    outcome: Annotated[
        str,
        typer.Option(
            "--outcome",
            callback=key_option(callback_outcomes, N_("callback outcome")),
            help="reached, no_answer or left_message.",
        ),
    ],
    satisfaction: Annotated[
        int | None, typer.Option("--satisfaction", help="1 (very dissatisfied) to 5; when reached.")
    ] = None,
    via: Annotated[
        str,
        typer.Option(
            "--via", callback=key_option(callback_ways, N_("callback way")), help="phone or visit (回访可上门或电话)."
        ),
    ] = "phone",
    text: Annotated[str, typer.Option("--text", help="What the resident said.")] = "",
    signed_off: Annotated[
        bool | None,
        typer.Option("--signed-off/--not-signed-off", help="A repair: the resident signs the repair done (入住⑤)."),
    ] = None,
    signed_by: Annotated[str, typer.Option("--signed-by", help="Who signed, as they wrote it.")] = "",
    operator: Operator = None,
    pin: Pin = None,
) -> None:
    """Record a callback 回访 after the work is done; on a repair, the resident's sign-off."""
    services, who, x = _start(ctx, number, operator, pin)
    services.tickets.callback(
        x.number,
        x.version,
        outcome,
        satisfaction=satisfaction,
        comment=text,
        via=via,
        operator=who,
        signed_off=signed_off,
        signed_by=signed_by,
    )


def close(
    ctx: typer.Context,
    number: Number,
    reason: Annotated[
        str, typer.Option("--reason", help="Needed when a supervisor closes a repair or complaint without a callback.")
    ] = "",
    result: Annotated[str, typer.Option("--result", help="A complaint's result, when Done did not record one.")] = "",
    operator: Operator = None,
    pin: Pin = None,
) -> None:
    """Close a ticket (a repair or complaint after a callback that reached the resident; a complaint with its
    result)."""
    services, who, x = _start(ctx, number, operator, pin)
    services.tickets.close(x.number, x.version, reason=reason, result=result, operator=who)


def reopen(
    ctx: typer.Context,
    number: Number,
    reason: Annotated[str, typer.Option("--reason", help="Why it goes back to the department.")],
    operator: Operator = None,
    pin: Pin = None,
) -> None:
    """Send a done or closed ticket back to its department (the fix failed)."""
    services, who, x = _start(ctx, number, operator, pin)
    services.tickets.reopen(x.number, x.version, reason, operator=who)


def register(app: typer.Typer) -> None:
    """Onto `deskui tickets` (deskui/commands/tickets.py's group, one per process): cli.COMMANDS lists both modules
    for it. Once only, however many roots register the modules (the tests build the eager root beside the lazy)."""
    from deskui.commands.tickets import group

    if any(c.name == "dispatch" for c in group.registered_commands):
        return
    for name, command in (
        ("dispatch", dispatch),
        ("note", note),
        ("done", done),
        ("callback", callback),
        ("close", close),
        ("reopen", reopen),
    ):
        group.command(name)(command)
