"""Duty roster 值班安排表 (003 4.1.1, 4.1.5 d): who is on which shift each day of a month.

The supervisor makes next month's roster before month end (Enter on a day's shift); everyone else reads it. A swap
between two operators needs a supervisor's PIN, typed at this desk. The service checks both rules; the screen only
hides what the signed-in role cannot do.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Static

from deskui.core.errors import DeskError
from deskui.core.i18n import N_, t
from deskui.screens import stylesheet
from deskui.screens.forms import FormField, FormScreen
from deskui.screens.handover.base import BACK, HandoverSection, shift_name, theme_style, view_bindings
from deskui.services.common.shifts import local_time
from deskui.widgets.background import background
from deskui.widgets.header import duty_changed
from deskui.widgets.plain import plain

if TYPE_CHECKING:
    from deskui.services.handover import MonthRoster, RosterService, RosterSlot
    from deskui.services.operators import OperatorInfo

WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))


class RosterScreen(HandoverSection, inherit_bindings=False):
    CSS_PATH = stylesheet("roster.tcss")
    VIEW: ClassVar[str] = "roster"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "assign", "Assign", id="roster-assign", priority=True),
        Binding("w", "swap", "Swap", id="roster-swap", priority=True),
        Binding("left_square_bracket", "month(-1)", "Previous month", id="roster-previous", priority=True),
        Binding("right_square_bracket", "month(1)", "Next month", id="roster-next", priority=True),
        Binding("enter", "assign", show=False, priority=True),
        BACK,
        *view_bindings("roster"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.year = 0
        self.month = 0
        self.roster_data: MonthRoster | None = None
        self.shift_keys: list[str] = []
        self.operators: list[OperatorInfo] = []
        self.placed = False

    @property
    def roster(self) -> RosterService:
        return self.services.roster

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Vertical(id="ro-main"):
            yield Static("", id="ro-title")
            yield DataTable(id="ro-table", cursor_type="cell", zebra_stripes=True)
            yield Static("", id="ro-message")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.desk.desk_screens.add(self)
        if not self.year:
            today = local_time(self.desk.settings, self.desk.clock.now()).date()
            self.year, self.month = today.year, today.month
        self.query_one("#ro-table", DataTable).focus()
        self.load()

    async def language_changed(self) -> None:
        await self.recompose()
        self.roster_data = None
        self.on_mount()

    def is_supervisor(self) -> bool:
        operator = self.desk.operator
        return operator is not None and operator.is_supervisor()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "assign":
            return self.is_supervisor()
        return super().check_action(action, parameters)

    # --- loading --------------------------------------------------------------------------------------------

    @work(exclusive=True, group="roster-load")
    @background
    async def load(self, keep: Coordinate | None = None) -> None:
        self.roster_data = await asyncio.to_thread(self.roster.month_roster, self.year, self.month)
        self.operators = await asyncio.to_thread(self.services.operators.list)
        self.fill(keep)

    def fill(self, keep: Coordinate | None = None) -> None:
        roster = self.roster_data
        if roster is None:
            return
        table = self.query_one("#ro-table", DataTable)
        cursor = keep or table.cursor_coordinate
        table.clear(columns=True)
        self.shift_keys = [s.shift_key for s in roster.days[0][1]] if roster.days else []
        table.add_column(t("Date"), key="date")
        for key in self.shift_keys:
            table.add_column(shift_name(key), key=key)
        today = local_time(self.desk.settings, self.desk.clock.now()).date()
        for day, slots in roster.days:
            weekend = day.weekday() >= 5
            label = Text(f"{day.strftime('%m-%d')} {t(WEEKDAYS[day.weekday()])}")
            if day == today:
                label.stylize(theme_style(self.app, "accent", bold=True))
                label.append(" ◀")
            elif weekend:
                label.stylize("bold")
            cells = [label]
            for slot in slots:
                if slot.operators:
                    cells.append(plain(slot.names, one_line=True))
                else:
                    cells.append(Text("—", style=theme_style(self.app, "warning") if not slot.cover else "dim"))
            table.add_row(*cells, key=day.isoformat())
        if roster.days:
            row = min(cursor.row, len(roster.days) - 1)
            if keep is None and not self.placed and (today.year, today.month) == (roster.year, roster.month):
                row = today.day - 1  # first look at this month: today's row, the one people want
                self.placed = True
            column = min(max(cursor.column, 1), len(self.shift_keys))
            table.cursor_coordinate = Coordinate(row, column)
        unfilled = [s for s in roster.unfilled if not s.cover]
        title = Text.assemble(
            (t("Roster"), "bold"),
            "  ",
            (f"{roster.year}-{roster.month:02d}", "bold"),
            "  ",
        )
        if unfilled:
            title.append(t("{n} shifts with nobody planned", n=len(unfilled)), style=theme_style(self.app, "warning"))
        else:
            title.append(t("every shift planned"), style=theme_style(self.app, "success"))
        title.append("\n")
        who = (
            t("Enter plans who is on the shift under the cursor; W swaps two operators (a supervisor's PIN).")
            if self.is_supervisor()
            else t("Only a supervisor plans the roster. A swap (W) needs a supervisor's PIN.")
        )
        title.append(who, style="dim")
        self.query_one("#ro-title", Static).update(title)

    def show_message(self, message: str, *, error: bool = True) -> None:
        label = self.query_one("#ro-message", Static)
        label.update(plain(message))
        label.set_class(bool(message) and error, "-error")

    def selected(self) -> RosterSlot | None:
        roster = self.roster_data
        table = self.query_one("#ro-table", DataTable)
        cursor = table.cursor_coordinate
        if roster is None or not roster.days or cursor.column < 1 or cursor.row >= len(roster.days):
            self.show_message(t("Move the cursor onto a shift of a day"))
            return None
        _, slots = roster.days[cursor.row]
        return slots[cursor.column - 1] if cursor.column - 1 < len(slots) else None

    def slot_title(self, slot: RosterSlot) -> str:
        return f"{slot.duty_date.isoformat()} {shift_name(slot.shift_key)}"

    # --- actions --------------------------------------------------------------------------------------------

    def action_month(self, step: int) -> None:
        month = self.month + step
        self.year, self.month = self.year + (month - 1) // 12, (month - 1) % 12 + 1
        self.show_message("")
        self.load()

    @on(DataTable.CellSelected, "#ro-table")
    async def _cell_selected(self) -> None:
        if self.is_supervisor():
            await self.action_assign()

    async def action_assign(self) -> None:
        slot = self.selected()
        if slot is None:
            return
        roster = self.roster
        actor = self.desk.operator
        people = {str(o.id): o for o in self.operators}

        async def submit(values: dict[str, Any]) -> object:
            chosen = [people[key] for key in values["operator"] if key in people]
            return await asyncio.to_thread(
                roster.set_assignment, slot.duty_date, slot.shift_key, chosen, actor, reason=values["reason"]
            )

        fields = [
            FormField(
                "operator",
                N_("Operator"),
                "multi",
                options=tuple((str(o.id), f"{o.name}  {o.role_label}") for o in self.operators),
                selected=tuple(str(o.id) for o in slot.operators),
            ),
            FormField("reason", N_("Reason")),
        ]
        intro = t("Space ticks who is on this shift; Ctrl+S saves.")
        form = FormScreen(t("Plan {slot}", slot=self.slot_title(slot)), fields, submit, intro=intro)
        await self.open_modal(form, self._changed)

    async def action_swap(self) -> None:
        slot = self.selected()
        if slot is None:
            return
        if not slot.operators:
            self.show_message(t("Nobody is planned on {slot}; there is no one to swap", slot=self.slot_title(slot)))
            return
        roster = self.roster
        actor = self.desk.operator
        people = {str(o.id): o for o in self.operators}
        supervisors = [o for o in self.operators if o.is_supervisor()]

        async def submit(values: dict[str, Any]) -> object:
            source, target = people.get(values["from"]), people.get(values["to"])
            approver = people.get(values["approver"])
            if source is None or target is None or approver is None:
                raise DeskError(t("Choose both operators and the approving supervisor"))
            return await asyncio.to_thread(
                roster.swap,
                slot.duty_date,
                slot.shift_key,
                source,
                target,
                approved_by=approver,
                pin=values["pin"],
                reason=values["reason"],
                actor=actor,
            )

        others = [o for o in self.operators if o not in slot.operators]
        fields = [
            FormField(
                "from", N_("Gives the shift"), "pick", options=tuple((str(o.id), o.name) for o in slot.operators)
            ),
            FormField("to", N_("Takes it"), "pick", options=tuple((str(o.id), o.name) for o in others)),
            FormField(
                "approver",
                N_("Approved by"),
                "pick",
                value=str(actor.id) if actor is not None and actor.is_supervisor() else "",
                options=tuple((str(o.id), o.name) for o in supervisors),
            ),
            FormField("pin", N_("PIN"), "pin"),
            FormField("reason", N_("Reason")),
        ]
        form = FormScreen(t("Swap {slot}", slot=self.slot_title(slot)), fields, submit)
        await self.open_modal(form, self._changed)

    def _changed(self, result: Any) -> None:
        if result is None:
            return
        self.show_message(t("Roster saved"), error=False)
        duty_changed(self.app).publish(None)
        self.load(self.query_one("#ro-table", DataTable).cursor_coordinate)
