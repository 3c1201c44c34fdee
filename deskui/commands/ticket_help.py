"""`deskui tickets step|classify NUMBER`: a help request's emergency checklist and its kind (issue 14; 003 4.1.1,
4.2.1).

The same contract as deskui/commands/ticket_actions.py: `--operator NAME` with that operator's PIN (`--pin`,
DESKUI_PIN, or typed at a terminal), the local administrator without; who may do what is the tickets service's;
every refusal is one line on stderr, exit 1, nothing written; success prints nothing. `tickets show NUMBER --format
json` lists the checklist's steps with `done_at`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from deskui.commands.ticket_actions import Number, Operator, Pin, _start

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from deskui.services import Services
    from deskui.services.tickets import StepInfo, TicketDetail


def step(
    ctx: typer.Context,
    number: Number,
    key: Annotated[str, typer.Option("--step", help="The step's key (tickets show NUMBER lists them).")],
    note: Annotated[
        str, typer.Option("--note", help="What the step says more: which hospital, 120 called or not.")
    ] = "",
    operator: Operator = None,
    pin: Pin = None,
) -> None:
    """Tick a step of a medical emergency's or a disaster's checklist, now (003 4.2.1)."""
    services, who, x = _start(ctx, number, operator, pin)
    services.tickets.help.step(x.number, x.version, key, note=note, operator=who)


def classify(
    ctx: typer.Context,
    number: Number,
    help_kind: Annotated[
        str,
        typer.Option(
            "--help-kind",
            help="medical, repair, complaint, inquiry, security, disaster or other (or its name: 急救病人…).",
        ),
    ],
    operator: Operator = None,
    pin: Pin = None,
) -> None:
    """Set a help request's kind (003 4.1.1), e.g. an urgent call's ticket opened without one."""
    services, who, x = _start(ctx, number, operator, pin)
    services.tickets.help.set_kind(x.number, x.version, help_kind, operator=who)


def step_records(steps: tuple[StepInfo, ...], tz: ZoneInfo) -> list[dict[str, Any]]:
    """`tickets show --format json`'s `steps`: key, label (the reader's language), done_at (ISO 8601 with the
    site's offset, null while open), operator and note."""
    return [
        {
            "key": s.key,
            "label": s.label,
            "done_at": s.done_at.astimezone(tz).isoformat() if s.done_at else None,
            "operator": s.operator if s.done else None,
            "note": s.note,
        }
        for s in steps
    ]


def step_lines(services: Services, detail: TicketDetail) -> list[str]:
    """`tickets show`'s text: the help kind, then each step ticked (time, who, note) or still open."""
    from deskui.core.i18n import t
    from deskui.services.common.shifts import local_time
    from deskui.services.tickets import help_kind_label

    x = detail.ticket
    lines = [f"{t('Help kind')}: {help_kind_label(x.help_kind) or t('not classified')}"]
    for s in detail.checklist:
        if s.done_at is None:
            lines.append(f"  [ ] {s.label}  ({s.key})")
            continue
        when = local_time(services.settings, s.done_at).strftime("%m-%d %H:%M")
        who = s.operator or t("the administrator")
        note = f"  {s.note}" if s.note else ""
        lines.append(f"  [x] {s.label}  {when} {who}{note}")
    return lines


def register(app: typer.Typer) -> None:
    """Onto `deskui tickets` (deskui/commands/tickets.py's group), once, like ticket_actions."""
    from deskui.commands.tickets import group

    if any(c.name == "step" for c in group.registered_commands):
        return
    for name, command in (("step", step), ("classify", classify)):
        group.command(name)(command)
