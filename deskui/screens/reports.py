"""Reports (月度汇总分析): the month's calls, tickets, targets, callbacks, recurring problems and handover quality,
as charts where a picture reads faster and tables where the numbers matter. The same figures as
`deskui report monthly` (services.reports); the report is built in a thread, the screen only draws it."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import ContentSwitcher, DataTable, Static

from deskui.core.errors import DeskError
from deskui.core.i18n import N_, t
from deskui.screens.base import DeskScreen
from deskui.services.reports import (
    SECTION_LABELS,
    SECTIONS,
    ReportService,
    duration_text,
    label,
    share_text,
    shift_month,
    write_xlsx,
)
from deskui.widgets.background import background, while_shown
from deskui.widgets.plain import plain, safe
from deskui.widgets.report_charts import BarList, DayLine, HourHistogram
from deskui.widgets.settling import settles
from deskui.widgets.table import DeskTable

if TYPE_CHECKING:
    from deskui.services.reports import MonthlyReport

SECTION_KEYS = ("1", "2", "3", "4", "5", "6")
EXPORT_DIR: Path | None = None  # a test's folder; None: the data folder's reports/ (core.config.exports_dir)


def export_folder() -> Path:
    """Where Ctrl+E writes: the user's data folder (DESKUI_DATA_DIR; `make run`: the checkout's data/), never the
    working directory, which for an installed deskui is wherever it was started."""
    from deskui.core.config import exports_dir

    return EXPORT_DIR or exports_dir()


class ReportsScreen(DeskScreen):
    CSS_PATH = "../styles/reports.tcss"
    SECTION: ClassVar[str] = "Reports"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left_square_bracket,pageup", "month(-1)", "Previous month", id="report-previous"),
        Binding("right_square_bracket,pagedown", "month(1)", "Next month", id="report-next"),
        Binding("b", "building(1)", "Building", id="report-building"),
        Binding("shift+b", "building(-1)", "Previous building", id="report-building-back", show=False),
        Binding("s,right", "section(1)", "Next section", id="report-section"),
        Binding("left", "section(-1)", "Previous section", id="report-section-back", show=False),
        *(
            Binding(key, f"show('{name}')", SECTION_LABELS[name], id=f"report-{name}", show=False)
            for key, name in zip(SECTION_KEYS, SECTIONS, strict=True)
        ),
        Binding("ctrl+e", "export", "Export", id="report-export"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.report: MonthlyReport | None = None
        self.month = ""
        """The month shown, "YYYY-MM" (set on mount: last month in the site's zone)."""
        self.building: str | None = None
        """The building shown, None for the whole site."""
        self.section = SECTIONS[0]
        """The section shown."""
        self.buildings: list[str] = []

    @property
    def reports(self) -> ReportService:
        return ReportService.of(self.services)

    # --- layout ---------------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Vertical(id="report"):
            yield Static("", id="report-title")
            yield Static("", id="report-tabs")
            with ContentSwitcher(initial="report-calls", id="report-body"):
                with Vertical(id="report-calls"):
                    with Horizontal(classes="report-row"):
                        yield BarList(id="report-calls-category")
                        yield HourHistogram(id="report-calls-hours")
                    with Horizontal(classes="report-row"):
                        yield BarList(id="report-calls-channel")
                        yield BarList(id="report-calls-shift")
                    yield DayLine(id="report-calls-days")
                with Vertical(id="report-tickets"):
                    with Horizontal(classes="report-row"):
                        yield BarList(id="report-tickets-kind")
                        yield BarList(id="report-tickets-department")
                        yield BarList(id="report-tickets-severity")
                    yield DayLine(id="report-tickets-days")
                with Vertical(id="report-targets"):
                    yield DeskTable(id="report-targets-table", cursor_type="row", zebra_stripes=True)
                    yield Static("", id="report-overdue-title", classes="report-subtitle")
                    yield DeskTable(id="report-overdue-table", cursor_type="row", zebra_stripes=True)
                with Horizontal(id="report-callbacks"):
                    yield Static("", id="report-callbacks-summary")
                    with Vertical(classes="report-column"):
                        yield BarList(id="report-callbacks-satisfaction")
                        yield BarList(id="report-callbacks-attempts")
                with Vertical(id="report-recurring"):
                    yield DeskTable(id="report-recurring-table", cursor_type="row", zebra_stripes=True)
                    yield Static("", id="report-recurring-calls")
                with VerticalScroll(id="report-handover"):
                    yield Static("", id="report-handover-summary")
                    yield DeskTable(id="report-discrepancies", cursor_type="row", zebra_stripes=True)
                    yield DeskTable(id="report-late", cursor_type="row", zebra_stripes=True)
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.desk.desk_screens.add(self)
        if not self.month:
            self.month = self.reports.default_month()
        self.show_frame()
        self.load()
        self.load_buildings()

    async def language_changed(self) -> None:
        await self.recompose()
        self.show_frame()
        if self.report is not None:
            self.fill(self.report)

    # --- loading --------------------------------------------------------------------------------------------

    @settles
    @work(exclusive=True, group="report-buildings")
    @background
    async def load_buildings(self) -> None:
        self.buildings = await asyncio.to_thread(self.reports.buildings)

    @settles
    @work(exclusive=True, group="report-load")
    @background
    async def load(self) -> None:
        """Build the report for the month and building chosen now; a newer request cancels this one."""
        month, building = self.month, self.building
        self.query_one("#report-title", Static).update(Text(t("Working out {month}…", month=month), "dim"))
        try:
            report = await asyncio.to_thread(self.reports.monthly, month, building)
        except DeskError as exc:
            self.notify(exc.message, severity="error")
            return
        if (report.month, report.building) != (self.month, self.building):
            return  # the person has moved on; the newer request draws
        self.report = report
        self.fill(report)

    # --- drawing --------------------------------------------------------------------------------------------

    def show_frame(self) -> None:
        tabs = Text()
        for key, name in zip(SECTION_KEYS, SECTIONS, strict=True):
            style = "bold reverse" if name == self.section else ""
            tabs.append(f" {key} ", "bold")
            tabs.append(f"{t(SECTION_LABELS[name])} ", style)
            tabs.append(" ")
        self.query_one("#report-tabs", Static).update(tabs)
        self.query_one("#report-body", ContentSwitcher).current = f"report-{self.section}"

    def scope(self) -> str:
        settings = self.desk.settings
        return label(settings, "building", self.building) if self.building else t("Whole site")

    def fill(self, r: MonthlyReport) -> None:
        settings = self.desk.settings
        q = self.query_one
        title = Text.assemble(
            (
                t("Monthly report {month} · {scope} · {zone}", month=r.month, scope=self.scope(), zone=r.time_zone),
                "bold",
            ),
            "   ",
            (t("Calls: {n}", n=r.calls.total), ""),
            "   ",
            (t("Tickets: {n}", n=r.tickets.total), ""),
        )
        q("#report-title", Static).update(title)
        self.show_frame()

        def bars(widget_id: str, title: str, dimension: str, counts: object) -> None:
            widget = q(widget_id, BarList)
            widget.title = title
            widget.rows = tuple((label(settings, dimension, c.key), c.n) for c in counts)  # type: ignore[attr-defined]

        c, k = r.calls, r.tickets
        bars("#report-calls-category", t("Calls by category"), "category", c.by_category)
        bars("#report-calls-channel", t("Channel"), "channel", c.by_channel)
        bars("#report-calls-shift", t("Shift"), "shift", c.by_shift)
        q("#report-calls-hours", HourHistogram).show(t("Calls by hour of day"), c.by_hour)
        q("#report-calls-days", DayLine).show(t("Calls per day"), c.by_day)
        bars("#report-tickets-kind", t("Tickets by kind"), "kind", k.by_kind)
        bars("#report-tickets-department", t("Department"), "department", k.by_department)
        bars("#report-tickets-severity", t("Severity"), "severity", k.by_severity)
        q("#report-tickets-days", DayLine).show(t("Tickets per day"), k.by_day)
        self.fill_targets(r)
        self.fill_callbacks(r)
        self.fill_recurring(r)
        self.fill_handover(r)

    def fill_targets(self, r: MonthlyReport) -> None:
        settings = self.desk.settings
        table = self.query_one("#report-targets-table", DataTable)
        table.clear(columns=True)
        for header in (
            N_("Kind"),
            N_("Severity"),
            N_("Tickets"),
            N_("Answered in time"),
            N_("Resolved in time"),
            N_("Response median"),
            N_("Response p90"),
            N_("Resolution median"),
            N_("Resolution p90"),
        ):
            table.add_column(t(header))
        for row in (*r.targets.rows, r.targets.total):
            table.add_row(
                Text(label(settings, "kind", row.kind), "bold" if row.kind == "*" else ""),
                Text(label(settings, "severity", row.severity) if row.severity else ""),
                Text(str(row.tickets), justify="right"),
                Text(f"{share_text(row.answer.share)} ({row.answer.on_time}/{row.answer.judged})", justify="right"),
                Text(f"{share_text(row.resolve.share)} ({row.resolve.on_time}/{row.resolve.judged})", justify="right"),
                Text(duration_text(row.response.median), justify="right"),
                Text(duration_text(row.response.p90), justify="right"),
                Text(duration_text(row.resolution.median), justify="right"),
                Text(duration_text(row.resolution.p90), justify="right"),
            )
        self.query_one("#report-overdue-title", Static).update(
            Text(t("Overdue tickets still open: {n}", n=r.targets.overdue_open), "bold")
        )
        overdue = self.query_one("#report-overdue-table", DataTable)
        overdue.clear(columns=True)
        for header in (N_("Number"), N_("Kind"), N_("Unit"), N_("Department"), N_("Due"), N_("Days late")):
            overdue.add_column(t(header))
        from deskui.services.common.shifts import local_time

        for x in r.targets.overdue:
            overdue.add_row(
                Text(x.number),
                Text(label(settings, "kind", x.kind)),
                plain(x.unit, one_line=True),
                Text(label(settings, "department", x.department)),
                Text(local_time(settings, x.due_at).strftime("%m-%d %H:%M")),
                Text(f"{x.late_seconds / 86_400:.1f}", justify="right"),
            )

    def fill_callbacks(self, r: MonthlyReport) -> None:
        settings = self.desk.settings
        cb = r.callbacks
        summary = Text()
        for name, value in (
            (N_("Callbacks needed"), str(cb.needed)),
            (N_("Callbacks done"), str(cb.done)),
            (N_("Callbacks on time"), str(cb.on_time)),
            (N_("Callback rate"), share_text(cb.rate)),
            (N_("Callback rate target"), share_text(cb.target)),
            (N_("Attempts"), str(cb.attempts_total)),
            (N_("Average satisfaction"), "—" if cb.average is None else f"{cb.average:.2f}"),
        ):
            summary.append(f"{t(name)}: ", "dim")
            style = "bold" if name != N_("Callback rate") or cb.met_target is not False else "bold reverse"
            summary.append(value + "\n", style)
        for kind, needed, done in cb.by_kind:
            summary.append(f"{label(settings, 'kind', kind)}: {done}/{needed}\n")
        self.query_one("#report-callbacks-summary", Static).update(summary)
        sat = self.query_one("#report-callbacks-satisfaction", BarList)
        sat.title = t("Satisfaction")
        sat.rows = tuple((x.key, x.n) for x in cb.satisfaction)
        attempts = self.query_one("#report-callbacks-attempts", BarList)
        attempts.title = t("Attempts")
        attempts.rows = tuple((label(settings, "outcome", x.key), x.n) for x in cb.attempts)

    def fill_recurring(self, r: MonthlyReport) -> None:
        settings = self.desk.settings
        table = self.query_one("#report-recurring-table", DataTable)
        table.clear(columns=True)
        for header in (N_("Level"), N_("Place"), N_("Category"), N_("Calls"), N_("Units")):
            table.add_column(t(header))
        for i, p in enumerate(r.recurring):
            table.add_row(
                Text(label(settings, "level", p.level)),
                plain(label(settings, "building", p.key) if p.level == "building" else p.key, one_line=True),
                Text(label(settings, "category", p.category)),
                Text(str(p.calls), justify="right"),
                Text(str(p.units), justify="right"),
                key=str(i),
            )
        if r.recurring:
            self.show_problem(0)
        else:
            self.query_one("#report-recurring-calls", Static).update(Text(t("No recurring problems"), "dim"))

    @on(DataTable.RowHighlighted, "#report-recurring-table")
    def _problem_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self.show_problem(int(event.row_key.value))

    def show_problem(self, index: int) -> None:
        """The calls of one recurring problem, oldest first: what the supervisor writes up."""
        if self.report is None or index >= len(self.report.recurring):
            return
        from deskui.services.common.shifts import local_time

        p = self.report.recurring[index]
        text = Text()
        for x in p.listed:
            text.append(local_time(self.desk.settings, x.time).strftime("%m-%d %H:%M") + "  ", "dim")
            text.append(safe(x.unit, one_line=True) + "  ", "bold")
            text.append(safe(x.caller, one_line=True) + "  ")
            text.append(safe(x.content, one_line=True))
            if x.ticket:
                text.append(f"  [{x.ticket}]", "dim")
            text.append("\n")
        if p.calls > len(p.listed):
            text.append(t("… and {n} more", n=p.calls - len(p.listed)), "dim")
        self.query_one("#report-recurring-calls", Static).update(text)

    def fill_handover(self, r: MonthlyReport) -> None:
        settings = self.desk.settings
        h = r.handover
        summary = Text()
        for name, value in h.summary:
            summary.append(f"{t(name)}: ", "dim")
            summary.append(f"{value}\n", "bold")
        if h.unsigned_days:
            summary.append(", ".join(d.strftime("%m-%d") for d in h.unsigned_days) + "\n")
        if r.registers:  # issue 13: the registers' counts of the month, the desk's own work beside its handovers
            summary.append(f"\n{t('Registers')}\n", "bold")
            for c in r.registers:
                summary.append(f"{label(settings, 'register', c.key)}: ", "dim")
                summary.append(f"{c.n}\n", "bold")
        self.query_one("#report-handover-summary", Static).update(summary)
        disc = self.query_one("#report-discrepancies", DataTable)
        disc.clear(columns=True)
        for header in (N_("Date"), N_("Shift"), N_("Item"), N_("Expected"), N_("Counted"), N_("Explanation")):
            disc.add_column(t(header))
        for d in h.discrepancies:
            disc.add_row(
                Text(d.duty_date.strftime("%m-%d")),
                Text(label(settings, "shift", d.shift)),
                Text(label(settings, "equipment", d.item)),
                Text(str(d.expected), justify="right"),
                Text(str(d.counted), justify="right"),
                plain(" ".join(x for x in (d.explanation, d.holder) if x), one_line=True),
            )
        late = self.query_one("#report-late", DataTable)
        late.clear(columns=True)
        for header in (N_("Date"), N_("Shift"), N_("Late relief"), N_("Arrived"), N_("Minutes late")):
            late.add_column(t(header))
        from deskui.services.common.shifts import local_time

        for x in h.late_reliefs:
            late.add_row(
                Text(x.duty_date.strftime("%m-%d")),
                Text(label(settings, "shift", x.shift)),
                plain(x.relief or "—", one_line=True),  # the one who was late, not the outgoing who stayed
                Text(local_time(settings, x.arrived_at).strftime("%m-%d %H:%M") if x.arrived_at else "—"),
                Text(str(x.late_minutes), justify="right"),
            )

    # --- keys -----------------------------------------------------------------------------------------------

    def action_month(self, step: int) -> None:
        self.month = shift_month(self.month, step)
        self.load()

    def action_building(self, step: int) -> None:
        """Cycle through the whole site and each building of the directory."""
        choices: list[str | None] = [None, *self.buildings]
        index = choices.index(self.building) if self.building in choices else 0
        self.building = choices[(index + step) % len(choices)]
        self.load()

    def action_section(self, step: int) -> None:
        self.section = SECTIONS[(SECTIONS.index(self.section) + step) % len(SECTIONS)]
        self.show_frame()

    def action_show(self, name: str) -> None:
        self.section = name
        self.show_frame()

    @work(exclusive=True, group="report-export")
    @while_shown
    async def action_export(self) -> None:
        """The report shown, as an XLSX workbook in the data folder's reports/ (the same file as `deskui report
        monthly`)."""
        report = self.report
        if report is None:
            return
        name = f"report-{report.month}" + (f"-{report.building}" if report.building else "") + ".xlsx"
        folder = export_folder()
        path = folder / name
        try:
            await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
            await asyncio.to_thread(write_xlsx, report, path, self.desk.settings)
        except OSError as exc:
            self.notify(
                t("Could not write {file}: {why}", file=str(path), why=exc.strerror or str(exc)), severity="error"
            )
            return
        self.notify(t("Report of {month} written to {file}", month=report.month, file=str(path)))
