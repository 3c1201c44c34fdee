"""Renovation permits 装修 (issue 13): the renovations still open, with their state, at the desk.

One table (awaiting approval, approved, in progress, expired; an overdue inspection is marked) and the selected
renovation's details under it. `n` takes a new application through a form; on the selected row `a` approves and `r`
refuses (a supervisor's or manager's), `i` records an inspection (ok, or the issue found), `T` opens a ticket for
the latest issue found that has none, `w` adds a worker's pass, `c` accepts the completed works and closes the
permit. Every write goes through services.registers in a thread; a refusal is shown next to the form's field and
nothing is written.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from deskui.core.i18n import N_, t
from deskui.screens import stylesheet
from deskui.screens.base import DeskScreen
from deskui.screens.forms import FormField, FormScreen
from deskui.screens.timeline import TIMELINE_BINDING, open_timeline
from deskui.widgets.background import background
from deskui.widgets.plain import plain

if TYPE_CHECKING:
    from deskui.services.registers import RenovationInfo

COLUMNS = (  # the state early: a narrow terminal still shows it
    N_("Permit number"),
    N_("Unit"),
    N_("State"),
    N_("Works from"),
    N_("Works to"),
    N_("Applicant"),
    N_("Renovation company"),
    N_("Last inspected"),
)
ROW_ACTIONS = frozenset({"approve", "refuse", "inspect", "ticket", "worker", "close"})


class RenovationsScreen(DeskScreen):
    CSS_PATH = stylesheet("renovations.tcss")
    SECTION: ClassVar[str] = "Registers"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", "New application", id="renovations-new", priority=True),
        Binding("a", "approve", "Approve renovation", id="renovations-approve", priority=True),
        Binding("r", "refuse", "Refuse renovation", id="renovations-refuse", priority=True),
        Binding("i", "inspect", "Inspect the works", id="renovations-inspect", priority=True),
        Binding("T", "ticket", "Ticket from a finding", id="renovations-ticket", priority=True),
        Binding("w", "worker", "Worker's pass", id="renovations-worker", priority=True),
        Binding("c", "close", "Accept and close", id="renovations-close", priority=True),
        TIMELINE_BINDING,
    ]

    def __init__(self, entry: RenovationInfo | None = None) -> None:
        super().__init__()
        self.entry = entry
        """A renovation to put the cursor on once loaded (the palette found it), listed even if closed."""
        self.rows: list[RenovationInfo] = []
        self.loaded = False
        """Set when the rows have landed in the table (tests wait for it)."""

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Vertical(id="rn-main"):
            yield Static("", id="rn-title")
            yield DataTable(id="rn-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="rn-detail")
            yield Static("", id="rn-message")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.fill_in()

    def fill_in(self) -> None:
        table = self.query_one("#rn-table", DataTable)
        table.clear(columns=True)
        table.add_columns(*(t(c) for c in COLUMNS))
        table.focus()
        self.load()

    async def language_changed(self) -> None:
        await self.recompose()
        self.fill_in()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ROW_ACTIONS:
            return bool(self.rows)
        return super().check_action(action, parameters)

    # --- loading --------------------------------------------------------------------------------------------

    @work(exclusive=True, group="renovations-load")
    @background
    async def load(self) -> None:
        self.loaded = False
        self.rows = list(await asyncio.to_thread(self.services.renovations.active))
        entry, self.entry = self.entry, None
        if entry is not None and entry.number not in [r.number for r in self.rows]:
            self.rows.insert(0, entry)
        self.fill()
        if entry is not None:
            at = [r.number for r in self.rows].index(entry.number)
            self.query_one("#rn-table", DataTable).move_cursor(row=at)
        self.loaded = True
        self.refresh_bindings()

    def day(self, moment: datetime | None) -> Text:
        if moment is None:
            return Text("")
        from zoneinfo import ZoneInfo

        return Text(moment.astimezone(ZoneInfo(self.services.settings.time_zone)).strftime("%m-%d %H:%M"))

    def cells(self, r: RenovationInfo) -> list[Text]:
        from deskui.services.registers import RENOVATION_STATES, label

        state = Text(label(RENOVATION_STATES, r.state), style="bold" if r.state == "expired" else "")
        if r.inspection_overdue:
            state.append(" · " + t("inspection overdue"), style="bold")
        return [plain(r.number), plain(r.unit, one_line=True), state, Text(r.starts_on.isoformat()),
                Text(r.ends_on.isoformat()), plain(r.applicant, one_line=True), plain(r.company, one_line=True),
                self.day(r.last_inspected_at)]  # fmt: skip

    def fill(self) -> None:
        table = self.query_one("#rn-table", DataTable)
        keep = table.cursor_row
        table.clear()
        for r in self.rows:
            table.add_row(*self.cells(r))
        if self.rows:
            table.move_cursor(row=min(max(keep, 0), len(self.rows) - 1))
        title = Text(t("Renovations still open"), style="bold")
        title.append("  " + t("{n} listed", n=len(self.rows)))
        self.query_one("#rn-title", Static).update(title)
        self.show_detail()

    @on(DataTable.RowHighlighted, "#rn-table")
    def _highlighted(self) -> None:
        self.show_detail()

    def show_detail(self) -> None:
        """The selected renovation's work, workers' passes and latest inspection, as typed."""
        r = self.selected()
        detail = Text()
        if r is not None:
            from deskui.services.registers import INSPECTION_RESULTS, label

            detail.append(t("Work to be done") + ": ", style="bold")
            detail.append(" ".join(r.work.split()))
            if r.structural:
                detail.append("  [" + t("Structural change") + "]", style="bold")
            passes = ", ".join(f"{p.name} {p.pass_number}" for p in r.worker_passes) or ", ".join(r.workers)
            detail.append("\n" + t("Renovation workers") + ": ", style="bold")
            detail.append(passes or "-")
            if r.last_result:
                detail.append("\n" + t("Last inspected") + ": ", style="bold")
                detail.append(f"{label(INSPECTION_RESULTS, r.last_result)} {' '.join(r.last_finding.split())}")
        self.query_one("#rn-detail", Static).update(detail)

    def show_message(self, message: str, *, error: bool = False) -> None:
        line = self.query_one("#rn-message", Static)
        line.update(plain(message))
        line.set_class(error, "-error")

    async def action_open_timeline(self) -> None:
        """The selected renovation's unit: its whole story (F12, as on every screen that shows a unit)."""
        found = self.selected()
        await open_timeline(self.app, found.unit if found is not None else "")

    def selected(self) -> RenovationInfo | None:
        table = self.query_one("#rn-table", DataTable)
        if not self.rows or not 0 <= table.cursor_row < len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def after(self, message: str) -> Any:
        """A form's callback: on success show `message` (formatted with the result's fields) and reload."""

        def done(result: Any) -> None:
            if result is None or result is True:
                return
            self.show_message(message.format(**vars(result)) if "{" in message else message)
            self.load()

        return done

    # --- actions --------------------------------------------------------------------------------------------

    async def action_new(self) -> None:
        from deskui.services.registers import APPLICANT_ROLES

        services, operator = self.services, self.desk.operator

        async def apply(v: dict[str, Any]) -> object:
            return await asyncio.to_thread(
                services.renovations.open, v["unit"], v["applicant"], v["company"], v["starts_on"], v["ends_on"],
                v["work"], workers=v["workers"], role=v["role"] or "owner", structural=v["structural"] == "yes",
                operator=operator,
            )  # fmt: skip

        roles = tuple((key, t(name)) for key, name in APPLICANT_ROLES.items())
        yes_no = (("no", t("Not structural")), ("yes", t("Structural change")))
        fields = [
            FormField("unit", N_("Unit")), FormField("applicant", N_("Applicant")),
            FormField("company", N_("Renovation company")),
            FormField("starts_on", N_("Works from"), placeholder="2026-12-05"),
            FormField("ends_on", N_("Works to"), placeholder="2026-12-20"),
            FormField("work", N_("Work to be done")), FormField("workers", N_("Renovation workers")),
            FormField("role", N_("Applicant is"), kind="choice", options=roles, value="owner"),
            FormField("structural", N_("Structure changed"), kind="choice", options=yes_no, value="no"),
        ]  # fmt: skip
        form = FormScreen(t("Renovation application"), fields, apply)
        await self.app.push_screen(form, self.after(t("Permit {number} taken; awaiting approval")))

    async def _on_selected(self, title: str, fields: list[FormField], call: Any, message: str) -> None:
        found = self.selected()
        if found is None:
            return

        async def submit(v: dict[str, Any]) -> object:
            return await asyncio.to_thread(call, found, v)

        await self.app.push_screen(FormScreen(title.format(number=found.number), fields, submit), self.after(message))

    async def action_approve(self) -> None:
        regs, op = self.services.renovations, self.desk.operator
        await self._on_selected(
            t("Approve {number}"), [FormField("note", N_("Note"))],
            lambda r, v: regs.approve(r.number, note=v["note"], operator=op), t("{number} approved"),
        )  # fmt: skip

    async def action_refuse(self) -> None:
        regs, op = self.services.renovations, self.desk.operator
        await self._on_selected(
            t("Refuse {number}"), [FormField("note", N_("Reason"))],
            lambda r, v: regs.refuse(r.number, v["note"], operator=op), t("{number} refused"),
        )  # fmt: skip

    async def action_inspect(self) -> None:
        from deskui.services.registers import INSPECTION_RESULTS

        regs, op = self.services.renovations, self.desk.operator
        results = tuple((key, t(name)) for key, name in INSPECTION_RESULTS.items())
        fields = [
            FormField("result", N_("Inspection result"), kind="choice", options=results, value="ok"),
            FormField("finding", N_("Inspection finding")),
        ]
        await self._on_selected(
            t("Inspect {number}"), fields,
            lambda r, v: regs.inspect(r.number, v["result"] or "ok", v["finding"], operator=op),
            t("{number} inspected"),
        )  # fmt: skip

    async def action_ticket(self) -> None:
        regs, op = self.services.renovations, self.desk.operator
        await self._on_selected(
            t("Ticket for the finding of {number}"), [FormField("description", N_("Description"))],
            lambda r, v: regs.open_ticket(r.number, description=v["description"], operator=op),
            t("Ticket {ticket_number} opened"),
        )  # fmt: skip

    async def action_worker(self) -> None:
        regs, op = self.services.renovations, self.desk.operator
        await self._on_selected(
            t("A worker's pass for {number}"), [FormField("name", N_("Worker's name"))],
            lambda r, v: regs.add_worker(r.number, v["name"], operator=op), t("Pass {pass_number} issued"),
        )  # fmt: skip

    async def action_close(self) -> None:
        regs, op = self.services.renovations, self.desk.operator
        await self._on_selected(
            t("Accept the works of {number}"), [FormField("note", N_("Note"))],
            lambda r, v: regs.close(r.number, note=v["note"], operator=op), t("{number} closed"),
        )  # fmt: skip
