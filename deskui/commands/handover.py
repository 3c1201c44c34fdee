"""`deskui handover show [--last]`: the handover in progress, or the last signed one, from the command line."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from deskui.cli import cell, out, state
from deskui.commands._duty import local_text, plain
from deskui.commands._formats import ShowFormat, print_json
from deskui.commands._keys import role_name, shift_name
from deskui.core.i18n import t

if TYPE_CHECKING:
    from deskui.services import Services
    from deskui.services.handover import HandoverState


handover_group = typer.Typer(help="Shift handovers (交接班).", no_args_is_help=True)


@handover_group.command("show")
def handover_show(
    ctx: typer.Context,
    last: Annotated[bool, typer.Option("--last", help="The last signed handover.")] = False,
    fmt: ShowFormat = "table",
) -> None:
    """Show the handover in progress (or with --last the last signed one): every step and what blocks sign-off."""
    services = state(ctx).services()
    st = services.handover.last(signed=True) if last else services.handover.open_handover()
    if st is None:
        if fmt == "json":
            print_json(None)
            return
        out.print(t("No signed handover yet") if last else t("No handover in progress"), markup=False)
        return
    if fmt == "json":
        data = plain(services, st)
        data["signed"] = st.signed
        data["can_sign"] = st.can_sign
        print_json(data)
        return
    _handover_text(services, st)


def _handover_text(services: Services, st: HandoverState) -> None:

    def line(text: str) -> None:
        out.print(cell(text))

    head = t(
        "Handover #{id}: {shift} of {day} → {next_shift} of {next_day}",
        id=st.id,
        shift=shift_name(st.shift_key),
        day=st.duty_date.isoformat(),
        next_shift=shift_name(st.next_shift_key),
        next_day=st.next_date.isoformat(),
    )
    line(head)
    line(
        t(
            "Outgoing: {outgoing}; incoming: {incoming}; started {when}",
            outgoing=st.outgoing.name,
            incoming=st.incoming.name if st.incoming else "-",
            when=local_text(services, st.started_at),
        )
    )
    if st.signed and st.signed_at is not None:
        line(t("Signed at {when} (duty log #{seq})", when=local_text(services, st.signed_at), seq=st.chain_seq))
    elif st.relief is not None:
        line(st.relief.message)
    line("")
    line(t("Equipment count"))
    for c in st.counts:
        counted = "-" if c.counted is None else str(c.counted)
        extra = ""
        if c.difference:
            extra = f"  ({c.explanation or '?'}; {c.holder or '-'})"
        if c.ticket_number:
            extra += "  " + t("ticket {number}", number=c.ticket_number)
        line(f"  {c.label}: {counted}/{c.expected}{extra}")
    line(t("Keys out"))
    for k in st.keys:
        mark = " !" if k.overdue else ""
        ack = " ✓" if k.acknowledged else ""
        line(f"  {k.title}{mark}{ack}" + (f" — {k.note}" if k.note else ""))
    line(t("Open items"))
    for i in st.items:
        mark = " !" if i.important else ""
        ack = " ✓" if i.acknowledged else ""
        line(f"  [{i.kind_label}] {i.title}{mark}{ack}" + (f" — {i.note}" if i.note else ""))
    if st.morning:
        line(t("Night calls"))
        for n in st.night_calls:
            line(f"  #{n.call.id} {' '.join(n.call.content.split())[:40]} → {n.decision or '-'}")
    line(t("Checks"))
    for check in st.checks:
        line(f"  [{'x' if check.done else ' '}] {check.label}" + (f" — {check.note}" if check.note else ""))
    if st.signatures:
        line(t("Signed by: {names}", names=", ".join(f"{s.name} ({role_name(s.role)})" for s in st.signatures)))
    if st.blockers:
        line("")
        line(t("Before sign-off:"))
        for b in st.blockers:
            line(f"  - {b.message}")


def register(app: typer.Typer) -> None:
    app.add_typer(handover_group, name="handover")
