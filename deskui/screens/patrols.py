"""Patrols 巡查 (issue 13; 000 二.6: the desk's morning and afternoon rounds, 002: the supervisor's): today's rounds
and the rounds the schedule expects, in one table.

A round's row shows its progress and next checkpoint; its abnormal findings are rows under it; a scheduled round
not yet done is a row of its own (missed, due now, not due yet). `n` starts a round (choose the route; on a
scheduled row, that route), Enter or `k` checks the next checkpoint of the selected round as OK, `x` records an
abnormal checkpoint with a note, `T` makes the selected finding (or the round's first finding without one) a
ticket, `e` ends the round. Every write goes through services.registers in a thread; a refusal is shown under the
table (or next to the form's field) and nothing is written. Keys typed during a write wait for it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from deskui.core.errors import DeskError
from deskui.core.i18n import N_, get_language, t
from deskui.screens import stylesheet
from deskui.screens.base import DeskScreen
from deskui.screens.forms import FormField, FormScreen
from deskui.widgets.background import background, saving, while_shown
from deskui.widgets.keyqueue import KeyHold, start_hold
from deskui.widgets.plain import plain

if TYPE_CHECKING:
    from deskui.services.registers import CheckInfo, RoundInfo, ScheduledRound

COLUMNS = (N_("Time"), N_("Route"), N_("Operator"), N_("Checkpoints"), N_("State"))
ROUND_ACTIONS = frozenset({"check_ok", "check_abnormal", "end"})


@dataclass(frozen=True)
class Row:
    """One line of the table: a round, one of its abnormal findings, or a scheduled round not done."""

    kind: str  # round | finding | plan
    round: RoundInfo | None = None
    check: CheckInfo | None = None
    plan: ScheduledRound | None = None


class PatrolsScreen(DeskScreen):
    CSS_PATH = stylesheet("patrols.tcss")
    SECTION: ClassVar[str] = N_("Registers")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "start", "Start a round", id="patrols-start", priority=True),
        Binding("enter,k", "check_ok", "Next checkpoint OK", id="patrols-ok", priority=True),
        Binding("x", "check_abnormal", "Abnormal…", id="patrols-abnormal", priority=True),
        Binding("T", "ticket", "Ticket from a finding", id="patrols-ticket", priority=True),
        Binding("e", "end", "End the round", id="patrols-end", priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Row] = []
        self.loaded = False
        """Set when the rows have landed in the table (tests wait for it)."""
        self.focus_round: int | None = None
        """A round to put the cursor on once the rows are loaded (one just started)."""

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Vertical(id="pt-main"):
            yield Static("", id="pt-title")
            yield DataTable(id="pt-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="pt-message")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.fill_in()

    def fill_in(self) -> None:
        table = self.query_one("#pt-table", DataTable)
        table.clear(columns=True)
        table.add_columns(*(t(c) for c in COLUMNS))
        table.focus()
        self.load()

    async def language_changed(self) -> None:
        await self.recompose()
        self.fill_in()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ROUND_ACTIONS:
            found = self.selected_round()
            return found is not None and found.ended_at is None
        if action == "ticket":
            return self.selected_finding() is not None
        return super().check_action(action, parameters)

    # --- loading ------------------------------------------------------------------------------------------------

    def today(self) -> date:
        return self.services.patrols.today()

    def gather(self) -> list[Row]:
        """Today's rounds (and older ones never ended) with their findings, and the scheduled rounds not done, in
        time order. Runs in a thread."""
        patrols = self.services.patrols
        rounds = {r.id: r for r in patrols.open_rounds()}
        rounds.update({r.id: r for r in patrols.rounds(self.today())})
        timed: list[tuple[datetime, int, list[Row]]] = []
        for r in rounds.values():
            lines = [Row("round", r)] + [Row("finding", r, c) for c in r.abnormal]
            timed.append((r.started_at, r.id, lines))
        for p in patrols.schedule(self.today()):
            if p.state != "done":
                timed.append((p.scheduled_at, 0, [Row("plan", plan=p)]))
        return [row for _, _, lines in sorted(timed, key=lambda x: (x[0], x[1])) for row in lines]

    @work(exclusive=True, group="patrols-load")
    @background
    async def load(self) -> None:
        await self.reload()

    async def reload(self) -> None:
        self.loaded = False
        self.rows = await asyncio.to_thread(self.gather)
        self.fill()
        self.loaded = True
        self.refresh_bindings()

    def hm(self, moment: datetime | None) -> Text:
        if moment is None:
            return Text("")
        return Text(moment.astimezone(self.services.patrols.tz).strftime("%H:%M"))

    def cells(self, row: Row) -> list[Text]:
        from deskui.services.registers import ROUND_STATES, SCHEDULE_STATES, label

        patrols = self.services.patrols
        if row.kind == "plan":
            assert row.plan is not None
            p = row.plan
            state = Text(label(SCHEDULE_STATES, p.state), style="bold red" if p.state == "missed" else "")
            return [self.hm(p.scheduled_at), Text(patrols.route_label(p.route)), Text(""), Text(""), state]
        r = row.round
        assert r is not None
        if row.kind == "finding":
            c = row.check
            assert c is not None
            what = Text("  ⚠ ")
            what.append(plain(f"{patrols.point_label(r.route, c.point)}: {c.note}", one_line=True))
            state = Text(c.ticket_number) if c.ticket_number else Text(t("No ticket yet"), style="bold")
            return [self.hm(c.checked_at), Text(""), plain(c.operator, one_line=True), what, state]
        done = len(r.checks)
        progress = Text(f"{done}/{done + len(r.remaining)}")
        if r.next_point:
            progress.append("  " + t("next: {point}", point=patrols.point_label(r.route, r.next_point)))
        day = r.started_at.astimezone(patrols.tz).date()
        started = self.hm(r.started_at) if day == self.today() else Text(f"{day:%m-%d} ") + self.hm(r.started_at)
        route = Text(f"#{r.id} {patrols.route_label(r.route)}")
        return [started, route, plain(r.operator, one_line=True), progress, Text(label(ROUND_STATES, r.state))]

    def fill(self) -> None:
        table = self.query_one("#pt-table", DataTable)
        keep = table.cursor_row
        if self.focus_round is not None:
            keep = next(
                (
                    i
                    for i, row in enumerate(self.rows)
                    if row.kind == "round" and row.round and row.round.id == self.focus_round
                ),
                keep,
            )
            self.focus_round = None
        table.clear()
        for row in self.rows:
            table.add_row(*self.cells(row))
        if self.rows:
            table.move_cursor(row=min(max(keep, 0), len(self.rows) - 1))
        title = Text(t("Patrols"), style="bold")
        title.append(
            "  " + t("{day}: {n} rounds", day=self.today().isoformat(), n=sum(r.kind == "round" for r in self.rows))
        )
        missed = sum(1 for r in self.rows if r.kind == "plan" and r.plan and r.plan.state == "missed")
        if missed:
            title.append("  " + t("{n} missed", n=missed), style="bold red")
        self.query_one("#pt-title", Static).update(title)

    def show_message(self, message: str, *, error: bool = False) -> None:
        shown = self.query_one("#pt-message", Static)
        shown.update(plain(message))
        shown.set_class(error, "-error")

    def selected(self) -> Row | None:
        table = self.query_one("#pt-table", DataTable)
        if not self.rows or not 0 <= table.cursor_row < len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def selected_round(self) -> RoundInfo | None:
        row = self.selected()
        return row.round if row is not None else None

    def selected_finding(self) -> CheckInfo | None:
        """The finding under the cursor, or the selected round's first finding without a ticket."""
        row = self.selected()
        if row is None or row.round is None:
            return None
        if row.check is not None:
            return row.check if row.check.ticket_id is None else None
        return next((c for c in row.round.abnormal if c.ticket_id is None), None)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.refresh_bindings()

    # --- writing ------------------------------------------------------------------------------------------------

    def write(self, call: Callable[[], Any], said: Callable[[Any], str]) -> None:
        """Run a write in a thread; keys typed meanwhile wait until it is shown (or refused)."""
        self._write(call, said, start_hold(self))

    @work(group="patrols-write")
    @while_shown
    async def _write(self, call: Callable[[], Any], said: Callable[[Any], str], hold: KeyHold) -> None:
        try:
            try:
                result = await saving(self, asyncio.to_thread(call))
            except DeskError as error:
                self.show_message(error.message, error=True)
                return
            self.show_message(said(result))
            await self.reload()
        finally:
            hold.release()

    async def action_start(self) -> None:
        patrols, operator = self.services.patrols, self.desk.operator
        row = self.selected()
        chosen = row.plan.route if row is not None and row.plan is not None else ""
        routes = tuple((r.key, r.label(get_language())) for r in patrols.routes())
        if not routes:
            self.show_message(t("No patrol routes are configured"), error=True)
            return

        async def start(v: dict[str, Any]) -> object:
            return await asyncio.to_thread(patrols.start, v["route"], operator=operator)

        def done(result: Any) -> None:
            if result is None or result is True:
                return
            self.focus_round = result.id
            self.show_message(t("Round #{id} started: {route}", id=result.id, route=patrols.route_label(result.route)))
            self.load()

        field = FormField("route", N_("Route"), kind="choice", options=routes, value=chosen or routes[0][0])
        await self.app.push_screen(FormScreen(t("Start a round"), [field], start), done)

    def action_check_ok(self) -> None:
        found = self.selected_round()
        if found is None or found.ended_at is not None:
            return
        point = found.next_point
        if point is None:
            self.show_message(t("Every checkpoint of round #{id} is checked; e ends it", id=found.id))
            return
        patrols, operator = self.services.patrols, self.desk.operator
        name = patrols.point_label(found.route, point)
        self.write(
            lambda: patrols.check(found.id, point, ok=True, operator=operator),
            lambda _: t("{point}: OK", point=name),
        )

    async def action_check_abnormal(self) -> None:
        found = self.selected_round()
        if found is None or found.ended_at is not None:
            return
        if not found.remaining:
            self.show_message(t("Every checkpoint of round #{id} is checked; e ends it", id=found.id))
            return
        patrols, operator = self.services.patrols, self.desk.operator
        points = tuple((key, patrols.point_label(found.route, key)) for key in found.remaining)

        async def abnormal(v: dict[str, Any]) -> object:
            return await asyncio.to_thread(
                patrols.check, found.id, v["point"], ok=False, note=v["note"], operator=operator
            )

        def done(result: Any) -> None:
            if result is None or result is True:
                return
            self.show_message(t("Abnormal finding recorded; T makes it a ticket"))
            self.load()

        fields = [
            FormField("point", N_("Checkpoint"), kind="choice", options=points, value=points[0][0]),
            FormField("note", N_("What is abnormal")),
        ]
        await self.app.push_screen(FormScreen(t("Abnormal at a checkpoint"), fields, abnormal), done)

    def action_ticket(self) -> None:
        finding = self.selected_finding()
        if finding is None:
            return
        patrols, operator = self.services.patrols, self.desk.operator
        self.write(
            lambda: patrols.open_ticket(finding.id, operator=operator),
            lambda made: t("Ticket {number} opened", number=made.ticket_number),
        )

    def action_end(self) -> None:
        found = self.selected_round()
        if found is None or found.ended_at is not None:
            return
        from deskui.services.registers import ROUND_STATES, label

        patrols, operator = self.services.patrols, self.desk.operator
        self.write(
            lambda: patrols.end(found.id, operator=operator),
            lambda ended: t("Round #{id} ended: {state}", id=ended.id, state=label(ROUND_STATES, ended.state)),
        )
