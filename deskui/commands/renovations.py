"""`deskui renovations open|approve|refuse|worker|inspect|ticket|close|show|list`: renovation permits 装修.

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

from deskui.cli import cell, fail, out, state, stdout
from deskui.commands._duty import operator_named, plain
from deskui.commands._formats import ListFormat, TextFormat, print_json, print_json_array
from deskui.commands._registers import as_text, when
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


@group.command("show")
def show(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help=NUMBER_HELP)],
    fmt: TextFormat = "text",
) -> None:
    """One renovation: the application, the decision, the workers' passes and every inspection."""
    from deskui.services.registers import APPLICANT_ROLES, INSPECTION_RESULTS, RENOVATION_STATES, label

    services = state(ctx).services()
    r = services.renovations.get(number)
    looks = services.renovations.inspections(r.number)
    if fmt == "json":
        print_json({**record(services, r), "inspection_list": plain(services, looks)})
        return
    show_time = when(services)
    lines = [
        f"{r.number}  {label(RENOVATION_STATES, r.state)}",
        f"{t('Unit')}: {r.unit}   {t('Applicant')}: {r.applicant} ({label(APPLICANT_ROLES, r.applicant_role)})",
        f"{t('Renovation company')}: {r.company}   {r.starts_on.isoformat()} – {r.ends_on.isoformat()}",
        f"{t('Work to be done')}: {r.work}" + (f"  [{t('Structural change')}]" if r.structural else ""),
    ]
    if r.decision:
        lines.append(f"{t('Supervisor decision')}: {show_time(r.decided_at)} {r.decided_by} {r.decision_note}")
    lines += [f"{p.pass_number}  {p.name}" for p in r.worker_passes]
    for i in looks:
        ticket = f"  → {i.ticket_number}" if i.ticket_number else ""
        lines.append(f"{show_time(i.inspected_at)}  {label(INSPECTION_RESULTS, i.result)}  {i.finding}{ticket}")
    if r.closed_at is not None:
        lines.append(f"{label(RENOVATION_STATES, 'closed')}: {show_time(r.closed_at)} {r.closed_by} {r.close_note}")
    for text in lines:
        out.print(" ".join(text.split()), markup=False, soft_wrap=True)


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
    elif not rows:
        out.print(t("No renovations"), markup=False)
    else:
        from rich import box
        from rich.table import Table

        # The number and the state first and whole: what a person at an 80-column terminal looks for.
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
        table.add_column(t("Permit number"), no_wrap=True)
        table.add_column(t("State"), no_wrap=True)
        table.add_column(t("Unit"), no_wrap=True)
        table.add_column(t("Planned dates"), no_wrap=True)
        for header in (N_("Applicant"), N_("Renovation company")):
            table.add_column(t(header))
        year = services.clock.now().astimezone(services.renovations.tz).year
        for r in rows:
            state_text = label(RENOVATION_STATES, r.state)
            if r.inspection_overdue:
                state_text += " · " + t("inspection overdue")
            short = r.starts_on.year == r.ends_on.year == year  # this year's: the month and day are enough
            dates = f"{r.starts_on:%m-%d}–{r.ends_on:%m-%d}" if short else f"{r.starts_on}–{r.ends_on}"
            table.add_row(
                cell(r.number), cell(state_text), cell(r.unit, one_line=True), dates,
                cell(r.applicant, one_line=True), cell(r.company, one_line=True),
            )  # fmt: skip
        out.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="renovations")
