"""A help request on the ticket screen (issue 14): its kind and its emergency checklist (003 4.1.1, 4.2.1).

`checklist_text` is the panel beside the targets: each step ticked (✓, when, who, the note) or still open (☐),
the next one marked. `help_form` is the form behind the two keys the ticket screen adds: K ticks a step (the next one
chosen, another can be (Tab); a note such as which hospital or 120 called or not), H sets the help kind. Both save through
the tickets service, over the version on screen, like every other action's form (deskui.screens.tickets.actions).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from rich.text import Text

from deskui.core.i18n import N_, t
from deskui.screens.tickets.forms import FormField, choice, options_from
from deskui.services.tickets import HELP_KIND_LABELS, help_kind_label, next_step, open_steps
from deskui.widgets.plain import plain
from deskui.widgets.ticket_text import when

if TYPE_CHECKING:
    from collections.abc import Awaitable
    from datetime import datetime

    from deskui.core.config import Settings
    from deskui.screens.tickets.actions import ActionForm
    from deskui.services.operators import OperatorInfo
    from deskui.services.tickets import TicketDetail, TicketInfo, TicketService

HELP_ACTIONS = ("step", "help_kind")


def checklist_text(detail: TicketDetail, settings: Settings, now: datetime) -> Text | None:
    """The help kind and the checklist, one step a line; None for a ticket that is no help request."""
    x = detail.ticket
    if x.kind != "help":
        return None
    text = Text()
    text.append(t("Help kind") + ": ", "bold")
    text.append(help_kind_label(x.help_kind) or t("not classified"))
    steps = detail.checklist
    upcoming = next_step(steps)
    for s in steps:
        text.append("\n")
        if s.done_at is not None:
            text.append("✓ ", "bold")
            text.append(s.label)
            text.append(f"  {when(settings, s.done_at, now)} ", "dim")
            text.append_text(plain(s.operator or t("the administrator"), one_line=True, style="dim"))
            if s.note:
                text.append("  ")
                text.append_text(plain(s.note, one_line=True))
        else:
            text.append("☐ ", "bold" if s is upcoming else "dim")
            text.append(s.label, "bold" if s is upcoming else "")
    text.no_wrap = True
    text.overflow = "ellipsis"
    return text


def help_form(
    action: str,
    detail: TicketDetail,
    *,
    tickets: TicketService,
    operator: OperatorInfo | None,
    ticket_id: int,
) -> ActionForm | None:
    """The form of K (tick a step) or H (the help kind): its fields, the service call that saves them, an intro."""
    x = detail.ticket
    version = x.version
    if action == "step":
        remaining = open_steps(detail.checklist)
        upcoming = next_step(detail.checklist)
        if upcoming is None:
            return None
        steps = options_from([(s.key, s.label, s.key, "") for s in remaining])
        # The note first: K, what it says (which hospital), Enter ticks the next step; Tab reaches another step.
        fields = [
            FormField("note", N_("Note"), placeholder=t("e.g. which hospital; 120 called or not")),
            choice("step", N_("Step"), steps, upcoming.key, required=True),
        ]

        def tick(v: dict[str, str]) -> Awaitable[TicketInfo]:
            return asyncio.to_thread(
                tickets.help.step, ticket_id, version, v["step"], note=v["note"], operator=operator
            )

        intro = Text.assemble((t("Next step") + ": ", "dim"), (upcoming.label, "bold"))
        return fields, tick, intro
    if action == "help_kind":
        kinds = options_from([(k, t(label), label, "") for k, label in HELP_KIND_LABELS.items()])
        fields = [choice("help_kind", N_("Help kind"), kinds, x.help_kind, required=True)]

        def classify(v: dict[str, str]) -> Awaitable[TicketInfo]:
            return asyncio.to_thread(tickets.help.set_kind, ticket_id, version, v["help_kind"], operator=operator)

        return fields, classify, None
    return None
