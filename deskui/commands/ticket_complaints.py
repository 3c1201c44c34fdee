"""`deskui tickets reply|deadline NUMBER`: a complaint's reply to the resident and its agreed deadline (issue 14).

The same contract as deskui/commands/ticket_actions.py: `--operator NAME` with that operator's PIN (`--pin`,
DESKUI_PIN, or typed at a terminal), the local administrator without; who may do what is the tickets service's;
every refusal is one line on stderr, exit 1, nothing written; success prints nothing.
"""

from __future__ import annotations

from typing import Annotated

import typer

from deskui.commands._keys import key_option, reply_ways
from deskui.commands.ticket_actions import Number, Operator, Pin, _start
from deskui.core.i18n import N_


def reply(
    ctx: typer.Context,
    number: Number,
    text: Annotated[str, typer.Option("--text", help="What the resident was told, as it is to be kept.")],
    via: Annotated[
        str | None,
        typer.Option("--via", callback=key_option(reply_ways, N_("reply way")), help="How: phone, visit or written."),
    ] = None,
    operator: Operator = None,
    pin: Pin = None,
) -> None:
    """Record the reply to the resident (a major complaint's clear answer within 2 days; 002 投诉接待(5))."""
    services, who, x = _start(ctx, number, operator, pin)
    services.tickets.reply(x.number, x.version, text, via=via, operator=who)


def deadline(
    ctx: typer.Context,
    number: Number,
    date: Annotated[
        str, typer.Option("--date", help="The date agreed with the resident, e.g. 2026-12-10 18:00; '' clears it.")
    ],
    note: Annotated[str, typer.Option("--note", help="A note with it.")] = "",
    operator: Operator = None,
    pin: Pin = None,
) -> None:
    """Set the deadline a minor complaint's resident agreed; its resolution target runs to it."""
    services, who, x = _start(ctx, number, operator, pin)
    services.tickets.set_deadline(x.number, x.version, date or None, note=note, operator=who)


def register(app: typer.Typer) -> None:
    """Onto `deskui tickets` (deskui/commands/tickets.py's group), once, like ticket_actions."""
    from deskui.commands.tickets import group

    if any(c.name == "reply" for c in group.registered_commands):
        return
    for name, command in (("reply", reply), ("deadline", deadline)):
        group.command(name)(command)
