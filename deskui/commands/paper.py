"""`deskui tickets print NUMBER` and `deskui handover print ID`: the work order and the handover sheet as PDF
(issue 14, "Paper where the trade uses paper"; deskui.services.paper makes them).

Without `-o` the file goes where the app's exports go (the data folder's reports/, core.config.exports_dir), named
after what it is (WX-20261123-0007.pdf); `-o FILE` writes there, `-o -` to stdout for a pipe (`| lp`). The file is
the owner's only (0600) and replaces an old one only once complete. Labels follow --lang; what people typed prints
exactly as stored. A ticket or handover that does not exist, or a handover not yet signed, is one line on stderr,
exit 1, nothing written.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from deskui.cli import CliError, err, output_file, state
from deskui.core.i18n import t

STDOUT = "-"
OUTPUT_HELP = "The PDF file to write (default: NAME.pdf in the exports folder; -: stdout)."


def _output(value: Path | None) -> Path | None:
    """Checked before any work, like every -o (cli.output_file); `-` is kept: stdout."""
    if value is None or str(value) == STDOUT:
        return value
    return output_file(value)


Output = Annotated[Path | None, typer.Option("--output", "-o", callback=_output, help=OUTPUT_HELP)]


def write_pdf(pdf: bytes, output: Path | None, name: str) -> Path | None:
    """`pdf` to `output`, to stdout for `-`, or to `name` in the exports folder; the file written (None: stdout)."""
    from deskui.services.paper import save

    if output is not None and str(output) == STDOUT:
        if sys.stdout.isatty():
            raise CliError(t("Not writing a PDF to the terminal; give -o FILE or send stdout to a file or a pipe"))
        sys.stdout.flush()
        sys.stdout.buffer.write(pdf)
        sys.stdout.buffer.flush()
        return None
    if output is None:
        from deskui.core.config import exports_dir

        folder = exports_dir()
        folder.mkdir(parents=True, exist_ok=True)
        output = output_file(folder / name)
    return save(pdf, output)


def print_ticket(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="The ticket number, e.g. WX-20261123-0007.")],
    output: Output = None,
) -> None:
    """Write the ticket's work order (维修工作单) as PDF: its facts, and room for the work done and the resident's
    signature and satisfaction."""
    from deskui.services import paper

    services = state(ctx).services()
    ticket = services.tickets.get(number)
    pdf = paper.work_order_pdf(ticket, services.settings, services.clock.now())
    written = write_pdf(pdf, output, paper.work_order_name(ticket))
    if written is not None:
        err.print(t("Work order {number} written to {file}", number=ticket.number, file=str(written)), markup=False)


def print_handover(
    ctx: typer.Context,
    handover_id: Annotated[int, typer.Argument(metavar="ID", help="The handover's number (deskui handover show).")],
    output: Output = None,
) -> None:
    """Write a signed handover's sheet (交接班记录) as PDF: counts, keys out, open items, night calls, checks and
    signatures as signed."""
    from deskui.services import paper

    services = state(ctx).services()
    st = services.handover.state(handover_id)
    pdf = paper.handover_sheet_pdf(st, services.settings, services.clock.now())
    written = write_pdf(pdf, output, paper.handover_sheet_name(st))
    if written is not None:
        err.print(t("Handover sheet #{id} written to {file}", id=st.id, file=str(written)), markup=False)


def register(app: typer.Typer) -> None:
    """Onto `deskui tickets` and `deskui handover` (their modules' groups, one per process): cli.COMMANDS lists this
    module for both. Once only, however many roots register the modules."""
    from deskui.commands.handover import handover_group
    from deskui.commands.tickets import group

    if not any(c.name == "print" for c in group.registered_commands):
        group.command("print")(print_ticket)
    if not any(c.name == "print" for c in handover_group.registered_commands):
        handover_group.command("print")(print_handover)
