"""`deskui report monthly [--month YYYY-MM] [--building B] [--format table|json|xlsx] [--output FILE]`.

The same numbers as the Reports screen: Rich tables for people, JSON with every figure (keys documented in
services.reports), an XLSX workbook with one sheet per section and charts (formula-safe cells).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from deskui.cli import cell, err, fail, out, output_option, state, stdout
from deskui.commands._formats import ReportFormat, progress
from deskui.core.i18n import N_, t

if TYPE_CHECKING:
    from deskui.core.config import Settings
    from deskui.services.reports import MonthlyReport

group = typer.Typer(help="Monthly summary and analysis (月度汇总分析).", no_args_is_help=True)


@group.command("monthly")
def monthly(
    ctx: typer.Context,
    month: Annotated[str | None, typer.Option("--month", help="YYYY-MM; default last month (site time).")] = None,
    building: Annotated[str | None, typer.Option("--building", help="Only this building (3, 3栋).")] = None,
    fmt: ReportFormat = "table",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", callback=output_option, help="File to write (xlsx: required; -: stdout)."),
    ] = None,
) -> None:
    """Calls, tickets, targets, callbacks, recurring problems and handover quality of one month."""
    from deskui.services import reports as reports_export
    from deskui.services.reports import ReportService

    if fmt == "xlsx" and output is None:
        fail(t("An xlsx export needs --output FILE.xlsx"))
    services = state(ctx).services()
    if fmt == "table":
        print_tables(ReportService.of(services).monthly(month, building), services.settings)
        return
    with progress(t("Gathering the month's figures"), to_stdout=output is None) as job:
        report = ReportService.of(services).monthly(month, building)
        job.phase(t("Writing the report"))
        reports_export.export(report, fmt, services.settings, output=output, stdout=stdout())
    if output is not None:
        err.print(t("Report of {month} written to {file}", month=report.month, file=str(output)), markup=False)


def print_tables(report: MonthlyReport, settings: Settings) -> None:
    """Every section as Rich tables; user text (units, callers, content) as plain Text."""
    from rich.table import Table
    from rich.text import Text

    from deskui.services.reports import duration_text, label, share_text

    tz = report.time_zone
    where = label(settings, "building", report.building) if report.building else t("Whole site")
    out.print(Text(t("Monthly report {month} · {scope} · {zone}", month=report.month, scope=where, zone=tz), "bold"))

    def counts(title: str, dimension: str, rows: list[tuple[str, int]], how_many: str) -> Table:
        table = Table()
        table.add_column(title)
        table.add_column(how_many, justify="right")
        for key, n in rows:
            table.add_row(cell(label(settings, dimension, key)), str(n))
        return table

    c = report.calls
    out.print(Text(t("Calls: {n}", n=c.total), "bold"))
    for title, dim, rows in (
        (N_("Channel"), "channel", c.by_channel),
        (N_("Category"), "category", c.by_category),
        (N_("Shift"), "shift", c.by_shift),
    ):
        out.print(counts(t(title), dim, [(x.key, x.n) for x in rows], t("Number of calls")))
    hours = Table(title=t("Calls by hour of day"), title_justify="left")
    for _ in range(4):  # four columns of six hours: fits 80 columns
        hours.add_column(t("Hour"))
        hours.add_column(t("Calls"), justify="right")
    for row in range(6):
        hours.add_row(*(v for h in range(row, 24, 6) for v in (f"{h:02d}:00", str(c.by_hour[h]))))
    out.print(hours)
    k = report.tickets
    out.print(Text(t("Tickets: {n}", n=k.total), "bold"))
    for title, dim, rows in (
        (N_("Kind"), "kind", k.by_kind),
        (N_("Department"), "department", k.by_department),
        (N_("Severity"), "severity", k.by_severity),
    ):
        out.print(counts(t(title), dim, [(x.key, x.n) for x in rows], t("Number of tickets")))

    targets = Table(title=t("Targets"), title_justify="left")
    for header in (
        N_("Kind"),
        N_("Severity"),
        N_("Tickets"),
        N_("Answered within target"),
        N_("Resolved within target"),
        N_("First response, median"),
        N_("First response, 90th percentile"),
        N_("Resolution, median"),
        N_("Resolution, 90th percentile"),
    ):
        targets.add_column(t(header), justify="left" if header in ("Kind", "Severity") else "right")
    for r in (*report.targets.rows, report.targets.total):
        targets.add_row(
            cell(label(settings, "kind", r.kind)),
            cell(label(settings, "severity", r.severity) if r.severity else ""),
            str(r.tickets),
            f"{share_text(r.answer.share)} ({r.answer.on_time}/{r.answer.judged})",
            f"{share_text(r.resolve.share)} ({r.resolve.on_time}/{r.resolve.judged})",
            duration_text(r.response.median),
            duration_text(r.response.p90),
            duration_text(r.resolution.median),
            duration_text(r.resolution.p90),
        )
    out.print(targets)
    out.print(Text(t("Overdue tickets still open: {n}", n=report.targets.overdue_open)))
    if report.targets.overdue:
        overdue = Table()
        for header in (N_("Number"), N_("Kind"), N_("Unit"), N_("Due"), N_("Days late")):
            overdue.add_column(t(header), no_wrap=header == "Number")
        from zoneinfo import ZoneInfo

        zone = ZoneInfo(tz)
        for ticket in report.targets.overdue:
            overdue.add_row(
                cell(ticket.number),
                cell(label(settings, "kind", ticket.kind)),
                cell(ticket.unit),
                ticket.due_at.astimezone(zone).strftime("%m-%d %H:%M"),
                f"{ticket.late_seconds / 86_400:.1f}",
            )
        out.print(overdue)

    cb = report.callbacks
    callbacks = Table(title=t("Callbacks"), title_justify="left")
    callbacks.add_column(t("Figure"))
    callbacks.add_column(t("Value"), justify="right")
    for figure, text in (
        (N_("Callbacks needed"), str(cb.needed)),
        (N_("Callbacks done"), str(cb.done)),
        (N_("Callbacks on time"), str(cb.on_time)),
        (N_("Callback rate"), f"{share_text(cb.rate)} / {share_text(cb.target)}"),
        (N_("Attempts"), str(cb.attempts_total)),
        (N_("Average satisfaction"), "—" if cb.average is None else f"{cb.average:.2f}"),
    ):
        callbacks.add_row(t(figure), text)
    for x in cb.attempts:
        callbacks.add_row("  " + label(settings, "outcome", x.key), str(x.n))
    for x in cb.satisfaction:
        callbacks.add_row("  " + t("Satisfaction {n}", n=x.key), str(x.n))
    out.print(callbacks)

    recurring = Table(title=t("Recurring problems"), title_justify="left")
    for header in (N_("Level"), N_("Place"), N_("Category"), N_("Calls"), N_("Units")):
        recurring.add_column(t(header))
    for p in report.recurring:
        recurring.add_row(
            cell(label(settings, "level", p.level)),
            cell(p.key),
            cell(label(settings, "category", p.category)),
            str(p.calls),
            str(p.units),
        )
    out.print(recurring)

    h = report.handover
    handover = Table(title=t("Handover quality"), title_justify="left")
    handover.add_column(t("Figure"))
    handover.add_column(t("Value"), justify="right")
    for name, value in h.summary:
        handover.add_row(t(name), str(value))
    out.print(handover)
    if h.unsigned_days:
        out.print(Text(", ".join(d.isoformat() for d in h.unsigned_days)), markup=False)

    if report.registers:  # issue 13: the registers' counts of the month
        registers = Table(title=t("Registers"), title_justify="left")
        registers.add_column(t("Figure"))
        registers.add_column(t("Value"), justify="right")
        for reg in report.registers:
            registers.add_row(label(settings, "register", reg.key), str(reg.n))
        out.print(registers)


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="report")
