"""`deskui workers add|list|duty|jobs`: the departments' workers a dispatch names (issue 14; 002 四.2(3)③).

`tickets dispatch NUMBER --department D --worker NAME` names one; `workers jobs NAME` lists their open tickets, nearest
due first, in the formats of `tickets list`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from deskui.cli import cell, fail, out, state, stdout
from deskui.commands._formats import ListFormat, print_json_array
from deskui.core.i18n import get_language, t

if TYPE_CHECKING:
    from deskui.services import Services
    from deskui.services.directory import WorkerInfo

group = typer.Typer(
    help="Maintenance and other departments' workers a dispatch names (维修人员).", no_args_is_help=True
)

FIELDS = ("name", "department", "phone", "on_duty", "open_jobs")


@group.command("add")
def add(
    ctx: typer.Context,
    department: Annotated[str, typer.Option("--department", help="A department's key or name (维修部 too).")],
    name: Annotated[str, typer.Option("--name", help="The worker's name (one name, one worker).")],
    phone: Annotated[str, typer.Option("--phone", help="Their phone number.")] = "",
) -> None:
    """Add a worker to a department, on duty."""
    state(ctx).services().directory.workers.add(department, name, phone)


def _record(worker: WorkerInfo, jobs: int) -> dict[str, Any]:
    return {
        "name": worker.name,
        "department": worker.department,
        "phone": worker.phone,
        "on_duty": worker.on_duty,
        "open_jobs": jobs,
    }


@group.command("list")
def list_(
    ctx: typer.Context,
    department: Annotated[str | None, typer.Option("--department", help="Only this department's workers.")] = None,
    fmt: ListFormat = "table",
) -> None:
    """The workers, department by department, with their open jobs."""
    import csv

    services = state(ctx).services()
    workers = services.directory.workers.list(department=department)
    counts = services.tickets.worker_job_counts()
    records = [_record(w, counts.get(w.id, 0)) for w in workers]
    if fmt == "json":
        print_json_array(records)
    elif fmt == "csv":
        writer = csv.writer(stdout(), lineterminator="\r\n")
        writer.writerow(FIELDS)
        for r in records:
            writer.writerow([("yes" if r[f] else "no") if f == "on_duty" else r[f] for f in FIELDS])
    else:
        _table(services, records)


def _table(services: Services, records: list[dict[str, Any]]) -> None:
    from rich.table import Table

    labels = {d.key: d.label(get_language()) for d in services.settings.departments}
    table = Table()
    for header in (t("Name"), t("Department"), t("Phone"), t("Duty"), t("Open jobs")):
        table.add_column(header)
    for r in records:
        table.add_row(
            cell(r["name"], one_line=True),
            cell(labels.get(r["department"], r["department"])),
            cell(r["phone"], one_line=True),
            cell(t("On duty") if r["on_duty"] else t("Off duty")),
            cell(str(r["open_jobs"])),
        )
    out.print(table)


@group.command("duty")
def duty(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The worker's name.")],
    on: Annotated[bool, typer.Option("--on", help="On duty: a dispatch may name them.")] = False,
    off: Annotated[bool, typer.Option("--off", help="Off duty: a dispatch may not name them.")] = False,
) -> None:
    """Put a worker on or off duty."""
    if on == off:
        fail(t("Say --on or --off"))
    state(ctx).services().directory.workers.set_duty(name, on)


@group.command("jobs")
def jobs(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The worker's name.")],
    fmt: ListFormat = "table",
) -> None:
    """A worker's open tickets as one list, nearest due time first."""
    from deskui.commands.tickets import _table as tickets_table
    from deskui.services.tickets import write_tickets_csv, write_tickets_json

    services = state(ctx).services()
    found = services.tickets.worker_jobs(name)
    if fmt == "table":
        tickets_table(services, found)
        return
    calls = services.tickets.calls_of([x.id for x in found])
    rows = [(x, calls[x.id]) for x in found]
    if fmt == "csv":
        write_tickets_csv(rows, stdout(), services.settings)
    else:
        write_tickets_json(rows, stdout(), services.settings)


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="workers")
