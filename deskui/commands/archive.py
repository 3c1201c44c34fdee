"""`deskui archive [--dry-run]`, `deskui archive verify FILE` and `deskui export help-register --year Y` (issue 14).

The help register 住户求助登记表 is kept 2 years after its year (003 4.10), the duty log 3 years (003 4.1.8):
`retention.help_register_years` and `retention.duty_log_years`. `archive` writes what is past them to a signed
archive file (services.admin._archive) and records it; `--dry-run` says what it would write and remove and writes
nothing. Nothing is removed from the database: `--remove` is refused (README "Archive"). Writing an archive takes a
supervisor or manager, named with --operator and checked with the PIN the way `export --full` checks it (or the
local administrator, root, naming nobody); the dry run and verify only read.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from deskui.cli import err, fail, out, output_option, state, stdout
from deskui.commands._formats import OUTPUT_HELP, ExportFormat, TextFormat, print_json, progress
from deskui.core.i18n import N_, t

if TYPE_CHECKING:
    from deskui.services import Services
    from deskui.services.admin import ArchiveCheck, ArchivePlan, ArchiveRecord, ArchiveService
    from deskui.services.operators import OperatorInfo

group = typer.Typer(
    help="Archive the years past retention (help register, duty log) to a signed file.",
    invoke_without_command=True,
    no_args_is_help=False,
)

OPERATOR_HELP = "The supervisor or manager writing the archive; that operator's PIN is checked."
PIN_HELP = "That operator's PIN (prompted at a terminal; env DESKUI_PIN)."
KIND_LABELS = {"help_register": N_("Help register"), "duty_log": N_("Duty log")}


def _supervisor(services: Services, operator: str | None, pin: str | None) -> OperatorInfo | None:
    """A supervisor or manager, PIN checked (ticket_actions.acting); None for the local administrator."""
    from deskui.commands.ticket_actions import acting
    from deskui.core.errors import PermissionDenied
    from deskui.services.common.masking import FULL_ROLES

    name = (operator or "").strip()
    if name:
        who = services.operators.by_name(name)
        if str(getattr(who.role, "value", who.role)) not in FULL_ROLES:
            raise PermissionDenied(
                t(
                    "{name} ({role}) may not write an archive; a supervisor or manager may",
                    name=who.name,
                    role=who.role_label,
                )
            )
    return acting(services, operator, pin)


def _service(services: Services) -> ArchiveService:
    from deskui.services.admin import ArchiveService as Service

    return Service(services.ctx, keeper=services.dutylog.keeper)


def _plan_json(plan: ArchivePlan) -> dict[str, object]:
    return {
        "today": plan.today.isoformat(),
        "help_register_years": plan.help_years,
        "duty_log_years": plan.dutylog_years,
        "help_before": plan.help_before.isoformat(),
        "dutylog_before": plan.dutylog_before.isoformat(),
        "years": [{"kind": y.kind, "year": y.year, "rows": y.rows} for y in plan.years],
        "rows": dict(plan.rows),
    }


def _print_plan(plan: ArchivePlan) -> None:
    out.print(
        t(
            "Retention: help register {h} years (kept from {hb}), duty log {d} years (kept from {db})",
            h=plan.help_years,
            hb=plan.help_before.isoformat(),
            d=plan.dutylog_years,
            db=plan.dutylog_before.isoformat(),
        ),
        markup=False,
    )
    if plan.empty:
        out.print(t("Nothing is past retention"), markup=False)
        return
    for y in plan.years:
        out.print(t("  {what} {year}: {n} rows", what=t(KIND_LABELS[y.kind]), year=y.year, n=y.rows), markup=False)
    r = plan.rows
    out.print(
        t(
            "Past retention, to archive (and what a removal would take out): {t} help requests, {e} of their "
            "ticket events, {c} call links; {l} duty log entries",
            t=r["ticket"],
            e=r["ticketevent"],
            c=r["ticketcall"],
            l=r["dutylog"],
        ),
        markup=False,
    )


def _record_json(rec: ArchiveRecord | None) -> dict[str, object] | None:
    if rec is None:
        return None
    return {
        "id": rec.id,
        "file": rec.file_name,
        "sha256": rec.sha256,
        "help_before": rec.help_before.isoformat() if rec.help_before else None,
        "help_requests": rec.help_requests,
        "dutylog_before": rec.dutylog_before.isoformat() if rec.dutylog_before else None,
        "dutylog_entries": rec.dutylog_entries,
        "created_at": rec.created_at.isoformat(),
        "operator": rec.operator,
    }


@group.callback()
def archive(
    ctx: typer.Context,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would be archived and removed; write nothing.")
    ] = False,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="The archive file to write (new; default deskui-archive-DATE.zip)."),
    ] = None,
    remove: Annotated[
        bool, typer.Option("--remove", help="Remove the archived rows (refused: not available yet).")
    ] = False,
    operator: Annotated[str | None, typer.Option("--operator", help=OPERATOR_HELP)] = None,
    pin: Annotated[str | None, typer.Option("--pin", envvar="DESKUI_PIN", help=PIN_HELP)] = None,
    fmt: TextFormat = "text",
) -> None:
    """Write the help requests and duty log entries past retention to a signed archive file, and record it.
    Nothing is removed from the database."""
    if ctx.invoked_subcommand is not None:
        return
    if remove:
        fail(
            t(
                "--remove is refused: the append-only tables keep every row (their triggers refuse deletes); "
                "the archive is written and kept beside them (README, Archive)"
            )
        )
    services = state(ctx).services()
    archives = _service(services)
    if dry_run:
        plan, earlier = archives.plan(), archives.archives()
        if fmt == "json":
            print_json(
                {**_plan_json(plan), "dry_run": True, "archive": None, "archives": [_record_json(a) for a in earlier]}
            )
            return
        _print_plan(plan)
        for a in earlier:  # nothing was removed, so a new archive holds these rows again
            out.print(
                t(
                    "Archived before: {file} ({when}, {who}): {h} help requests, {l} duty log entries",
                    file=a.file_name,
                    when=a.created_at.astimezone(services.ctx.tz).strftime("%Y-%m-%d %H:%M"),
                    who=a.operator or t("the administrator"),
                    h=a.help_requests,
                    l=a.dutylog_entries,
                ),
                markup=False,
            )
        return
    if output is not None and str(output) == "-":
        fail(t("An archive is a ZIP file: give --output FILE, not -"))
    who = _supervisor(services, operator, pin)
    today = services.clock.now().astimezone(services.ctx.tz).date()
    path = output or Path(f"deskui-archive-{today:%Y%m%d}.zip")
    with progress(t("Writing the archive"), to_stdout=False) as job:
        plan, rec = archives.write(path, operator=who, track=job.track)
    if fmt == "json":
        print_json({**_plan_json(plan), "dry_run": False, "archive": _record_json(rec)})
        return
    _print_plan(plan)
    out.print(
        t("Archive written: {file} (SHA-256 {sha}); nothing was removed", file=str(path), sha=rec.sha256[:16]),
        markup=False,
    )


@group.command("verify")
def verify(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The archive file (.zip) to check.")],
    fmt: TextFormat = "text",
) -> None:
    """Check an archive: every member against its SHA-256, the seal against this site's key, the archived duty
    log's links; exit 0 only when all hold."""
    services = state(ctx).services()
    check: ArchiveCheck = _service(services).verify(file)
    if fmt == "json":
        print_json(
            {
                "file": str(file),
                "intact": check.intact,
                "sha256": check.sha256,
                "members": [{"name": k, "rows": v} for k, v in check.members.items()],
                "problems": list(check.problems),
                "recorded": _record_json(check.recorded),
            }
        )
    elif check.intact:
        rows = sum(check.members.values())
        out.print(t("Archive intact and sealed: {n} rows, SHA-256 {sha}", n=rows, sha=check.sha256[:16]), markup=False)
        if check.recorded is None:
            out.print(t("Not recorded in this database's archives"), markup=False)
    else:
        for problem in check.problems:
            out.print(problem, markup=False)
    if not check.intact:
        fail(
            t(
                "the archive does not verify ({n} problems); first: {first}",
                n=len(check.problems),
                first=check.problems[0],
            )
        )


def export_help_register(
    ctx: typer.Context,
    year: Annotated[int, typer.Option("--year", help="The calendar year of the register (site's time zone).")],
    fmt: ExportFormat = "csv",
    output: Annotated[Path | None, typer.Option("--output", "-o", callback=output_option, help=OUTPUT_HELP)] = None,
    full: Annotated[
        bool,
        typer.Option("--full", help="Whole phone numbers (a supervisor or manager: --operator and the PIN; or root)."),
    ] = False,
    operator: Annotated[
        str | None, typer.Option("--operator", help="With --full: the supervisor or manager exporting.")
    ] = None,
    pin: Annotated[
        str | None,
        typer.Option(
            "--pin",
            envvar="DESKUI_PIN",
            help="With --full: that operator's PIN (prompted at a terminal; env DESKUI_PIN).",
        ),
    ] = None,
) -> None:
    """Export the help register 住户求助登记表 of one year: when, unit, caller, phone, what was asked, how it was
    handled and by whom, the result. Phone numbers masked unless --full; formula-like text cells neutralised."""
    from deskui.services.admin import HelpRegister, export_register, masked_requests
    from deskui.services.common import masking

    if not 1900 <= year <= 9999:
        fail(t("--year {year} is not a year", year=year))
    services = state(ctx).services()
    rows = HelpRegister(services.ctx).year(year)
    if full:

        def ask() -> str:
            if not typer.get_text_stream("stdin").isatty():
                return ""
            return str(typer.prompt(t("PIN"), hide_input=True, err=True))

        masking.allow_full(services, operator, pin, ask_pin=ask)
    else:
        rows = masked_requests(rows)
    with progress(t("Exporting the help register"), to_stdout=output is None) as job:
        n = export_register(job.track(rows), fmt, services.settings, output=output, stdout=stdout(), year=year)
    if output is not None:
        err.print(t("Exported {n} help requests to {file}", n=n, file=str(output)), markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="archive")
    # `export help-register` belongs in the shared `export` group (deskui/commands/export.py).
    from deskui.commands.export import group as export_group

    export_group.command("help-register")(export_help_register)
