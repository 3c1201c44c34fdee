"""`deskui renovations open|approve|refuse|worker|inspect|ticket|close|list`: renovation permits 装修.

`renovations open` prints only the new permit's number on stdout, so a script can capture it. Approving and refusing
are a supervisor's or manager's (`--operator NAME`; without it, the local administrator); a structural change
(`--structural`) is approved only with `--note` (the housing authority's approval). `renovations inspect NUMBER
--ok|--issue TEXT` records a dated inspection; `--ticket` with `--issue` also opens a repair ticket for the finding,
linked to it, in the same transaction (the ticket's number is printed). `renovations list --active` shows what is
still open: awaiting approval, approved, in progress, expired.
"""

from __future__ import annotations

import csv
from typing import TYPE_CHECKING, Annotated, Any

import typer

from deskui.cli import fail, out, state, stdout
from deskui.commands._duty import operator_named, plain
from deskui.commands._formats import ListFormat, print_json_array
from deskui.commands._registers import as_text, emit, when
from deskui.core.i18n import N_, t

if TYPE_CHECKING:
    from deskui.services import Services
    from deskui.services.registers import RenovationInfo

group = typer.Typer(
    help="Renovation permits (装修): applications, approval, inspections, acceptance.", no_args_is_help=True
)
NUMBER_HELP = "The permit number (any case, dashes optional)."


@group.command("open")
def renovation_open(
    ctx: typer.Context,
    unit: Annotated[str, typer.Option("--unit", help="The unit renovated (any spelling).")],
    applicant: Annotated[str, typer.Option("--applicant", help="Who applies: the owner or the person authorised.")],
    company: Annotated[str, typer.Option("--company", help="The company doing the work.")],
    starts_on: Annotated[str, typer.Option("--from", help="First day of the works (YYYY-MM-DD).")],
    ends_on: Annotated[str, typer.Option("--to", help="Last day of the works (YYYY-MM-DD).")],
    work: Annotated[str, typer.Option("--work", help="What is changed.")],
    worker: Annotated[list[str] | None, typer.Option("--worker", help="A worker's name (repeat for each).")] = None,
    authorised: Annotated[
        bool, typer.Option("--authorised", help="The applicant is not the owner but authorised by the owner.")
    ] = False,
    structural: Annotated[
        bool, typer.Option("--structural", help="The structure changes (walls, load): approval needs a note.")
    ] = False,
    operator: Annotated[str | None, typer.Option("--operator", help="Who takes the application.")] = None,
) -> None:
    """Take a renovation application; prints its permit number."""
    services = state(ctx).services()
    found = services.renovations.open(
        unit,
        applicant,
        company,
        starts_on,
        ends_on,
        work,
        workers=worker or (),
        role="authorised" if authorised else "owner",
        structural=structural,
        operator=operator_named(services, operator),
    )
    out.print(found.number, markup=False)


@group.command("approve")
def approve(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help=NUMBER_HELP)],
    note: Annotated[str, typer.Option("--note", help="The approval's note (required for a structural change).")] = "",
    operator: Annotated[str | None, typer.Option("--operator", help="The supervisor or manager approving.")] = None,
) -> None:
    """Approve an application (supervisors and managers); each worker named gets a pass."""
    services = state(ctx).services()
    found = services.renovations.approve(number, note=note, operator=operator_named(services, operator))
    out.print(t("{number} approved", number=found.number), markup=False)
    for p in found.worker_passes:
        out.print(f"{p.pass_number}  {p.name}", markup=False)


@group.command("refuse")
def refuse(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help=NUMBER_HELP)],
    reason: Annotated[str, typer.Option("--reason", help="Why it is refused.")],
    operator: Annotated[str | None, typer.Option("--operator", help="The supervisor or manager refusing.")] = None,
) -> None:
    """Refuse an application (supervisors and managers)."""
    services = state(ctx).services()
    found = services.renovations.refuse(number, reason, operator=operator_named(services, operator))
    out.print(t("{number} refused", number=found.number), markup=False)


@group.command("worker")
def add_worker(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help=NUMBER_HELP)],
    name: Annotated[str, typer.Option("--name", help="The worker's name.")],
    operator: Annotated[str | None, typer.Option("--operator", help="Who issues the pass.")] = None,
) -> None:
    """A pass for one more worker of an approved renovation; prints the pass number."""
    services = state(ctx).services()
    issued = services.renovations.add_worker(number, name, operator=operator_named(services, operator))
    out.print(issued.pass_number, markup=False)


@group.command("inspect")
def inspect(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help=NUMBER_HELP)],
    ok: Annotated[bool, typer.Option("--ok", help="Nothing wrong found.")] = False,
    issue: Annotated[str | None, typer.Option("--issue", help="What was found wrong.")] = None,
    note: Annotated[str, typer.Option("--note", help="With --ok: anything to note.")] = "",
    ticket: Annotated[bool, typer.Option("--ticket", help="With --issue: open a ticket for it.")] = False,
    operator: Annotated[str | None, typer.Option("--operator", help="Who inspected.")] = None,
) -> None:
    """Record a dated inspection: --ok, or --issue TEXT (with --ticket: and open a ticket for it)."""
    if ok == (issue is not None):
        fail(t("Say --ok or --issue TEXT (one of them)"))
    if ticket and issue is None:
        fail(t("--ticket goes with --issue"))
    services = state(ctx).services()
    who = operator_named(services, operator)
    if ok:
        look = services.renovations.inspect(number, "ok", note, operator=who)
    else:
        look = services.renovations.inspect(number, "issue", issue or "", ticket=ticket, operator=who)
    out.print(
        t("{number} inspected at {when}", number=look.number, when=when(services)(look.inspected_at)), markup=False
    )
    if look.ticket_number:
        out.print(t("Ticket {ticket} opened", ticket=look.ticket_number), markup=False)


@group.command("ticket")
def open_ticket(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help=NUMBER_HELP)],
    description: Annotated[str, typer.Option("--description", help="The ticket's text (default: the finding).")] = "",
    operator: Annotated[str | None, typer.Option("--operator", help="Who opens the ticket.")] = None,
) -> None:
    """Open a ticket for the latest issue found that has none; prints the ticket number."""
    services = state(ctx).services()
    look = services.renovations.open_ticket(
        number, description=description, operator=operator_named(services, operator)
    )
    out.print(look.ticket_number, markup=False)


@group.command("close")
def close(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help=NUMBER_HELP)],
    note: Annotated[str, typer.Option("--note", help="The acceptance's note.")] = "",
    operator: Annotated[str | None, typer.Option("--operator", help="Who accepts the completed works.")] = None,
) -> None:
    """Completion accepted (验收): close the permit."""
    services = state(ctx).services()
    found = services.renovations.close(number, note=note, operator=operator_named(services, operator))
    out.print(t("{number} closed", number=found.number), markup=False)


def record(services: Services, r: RenovationInfo) -> dict[str, Any]:
    """A renovation for JSON and CSV: every field under its name, and `from`/`to`, the planned dates."""
    data: dict[str, Any] = plain(services, r)
    return {"number": r.number, "unit": r.unit, "from": r.starts_on.isoformat(), "to": r.ends_on.isoformat(), **data}


@group.command("list")
def renovation_list(
    ctx: typer.Context,
    active: Annotated[bool, typer.Option("--active", help="Only those still open (not refused, not closed).")] = False,
    unit: Annotated[str | None, typer.Option("--unit", help="Only this unit's (any spelling).")] = None,
    fmt: ListFormat = "table",
) -> None:
    """Renovations, newest first."""
    from deskui.services.registers import RENOVATION_STATES, label

    services = state(ctx).services()
    rows = services.renovations.history(active=active, unit=unit)
    columns = [
        ("number", N_("Permit number"), as_text),
        ("unit", N_("Unit"), as_text),
        ("applicant", N_("Applicant"), as_text),
        ("company", N_("Renovation company"), as_text),
        ("starts_on", N_("Works from"), as_text),
        ("ends_on", N_("Works to"), as_text),
        ("last_inspected_at", N_("Last inspected"), when(services)),
        ("state", N_("State"), lambda key: label(RENOVATION_STATES, key)),
    ]
    if fmt == "json":
        print_json_array(record(services, r) for r in rows)
    elif fmt == "csv":
        from deskui.services.common.exportfiles import neutralise

        keys = ["number", "unit", "applicant", "company", "from", "to", "work", "structural", "last_inspected_at"]
        keys += ["inspection_due", "inspection_overdue", "closed_at", "state"]
        writer = csv.writer(stdout())
        writer.writerow(keys)
        for r in rows:
            data = record(services, r)
            writer.writerow([neutralise(as_text(data.get(key))) for key in keys])
    else:
        emit(services, rows, fmt, columns, empty=t("No renovations"))


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="renovations")
