"""The desk's registers (issue 13): visitors still inside 来访登记, parcels waiting 代收, goods-release passes 物品放行.

One table and three views (1, 2, 3; the other registers' digits open their own screens: registers.switch). In each view `n` writes a new entry through a form (a visitor in, a parcel
received, a pass issued); the keys on a row act on it (a visitor out, a resident told, a parcel picked up); `c`
checks a pass number as the gate would. Every write goes through services.registers in a worker; a refusal is shown
next to the form's field and nothing is written.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from deskui.core.i18n import N_, t
from deskui.screens import stylesheet
from deskui.screens.base import DeskScreen
from deskui.screens.forms import FormField, FormScreen
from deskui.screens.registers.switch import RegisterKeys, RegisterStrip
from deskui.screens.timeline import TIMELINE_BINDING, open_timeline
from deskui.widgets.background import background
from deskui.widgets.plain import plain

if TYPE_CHECKING:
    from deskui.services.registers import ParcelInfo, PassInfo, VisitInfo

VIEWS = {
    "visitors": (N_("Visitors still inside"), (N_("Visitor"), N_("Unit"), N_("Purpose"), N_("Vehicle"), N_("In"))),
    "parcels": (
        N_("Parcels waiting"),
        (N_("Unit"), N_("Carrier"), N_("Tracking number"), N_("Shelf"), N_("Received"), N_("State")),
    ),
    "passes": (N_("Passes"), (N_("Pass"), N_("Unit"), N_("Bearer"), N_("Items"), N_("Valid until"), N_("State"))),
}
ROW_ACTIONS = {"visitor_out": "visitors", "parcel_notify": "parcels", "parcel_pickup": "parcels", "pass_use": "passes"}


class RegistersScreen(RegisterKeys, DeskScreen):
    CSS_PATH = stylesheet("registers.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", "New entry", id="registers-new", priority=True),
        Binding("o", "visitor_out", "Visitor left", id="registers-out", priority=True),
        Binding("t", "parcel_notify", "Resident told", id="registers-notify", priority=True),
        Binding("u", "parcel_pickup", "Picked up", id="registers-pickup", priority=True),
        Binding("g", "pass_use", "Used at the gate", id="registers-use", priority=True),
        Binding("c", "pass_check", "Check a pass", id="registers-check", priority=True),
        TIMELINE_BINDING,
    ]

    def __init__(self, view: str = "visitors") -> None:
        super().__init__()
        self.view = view
        self.entry: Any = None
        """An entry of this view to put the cursor on once its rows are loaded (found from the palette); listed
        first if the view would not list it (a visitor who has left, a parcel picked up)."""
        self.rows: list[Any] = []
        self.loaded = False
        """Set when the current view's rows have landed in the table (tests wait for it)."""

    def showing(self) -> str:
        return self.view

    def shows_in_place(self, name: str) -> bool:
        return name in VIEWS

    def show_in_place(self, name: str, entry: Any = None) -> None:
        """View `name`; `entry` (a VisitInfo, ParcelInfo or PassInfo) under the cursor once its rows are loaded."""
        if entry is None:
            self.action_view(name)
            return
        self.entry = entry
        self.view = name
        self.show_message("")
        self.fill_in()

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        yield RegisterStrip(self.view)
        with Vertical(id="rg-main"):
            yield Static("", id="rg-title")
            yield DataTable(id="rg-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="rg-message")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.fill_in()

    def fill_in(self) -> None:
        table = self.query_one("#rg-table", DataTable)
        table.clear(columns=True)
        table.add_columns(*(t(c) for c in VIEWS[self.view][1]))
        table.focus()
        self.load()

    async def language_changed(self) -> None:
        await self.recompose()
        self.fill_in()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ROW_ACTIONS:
            return self.view == ROW_ACTIONS[action]
        return super().check_action(action, parameters)

    # --- loading --------------------------------------------------------------------------------------------

    @work(exclusive=True, group="registers-load")
    @background
    async def load(self) -> None:
        self.loaded = False
        services = self.services
        rows: list[Any]
        if self.view == "visitors":
            rows = list(await asyncio.to_thread(services.visitors.inside))
        elif self.view == "parcels":
            rows = list(await asyncio.to_thread(services.parcels.waiting))
        else:
            rows = list(await asyncio.to_thread(services.passes.history))
        target = None
        if self.entry is not None:
            ids = [row.id for row in rows]
            if self.entry.id not in ids:
                rows.insert(0, self.entry)
            target = [row.id for row in rows].index(self.entry.id)
            self.entry = None
        self.rows = rows
        self.fill(target)
        self.loaded = True
        self.refresh_bindings()

    def hm(self, moment: datetime | None) -> Text:
        if moment is None:
            return Text("")
        from zoneinfo import ZoneInfo

        return Text(moment.astimezone(ZoneInfo(self.services.settings.time_zone)).strftime("%m-%d %H:%M"))

    def cells(self, row: Any) -> list[Text]:
        from deskui.services.registers import PARCEL_STATES, PASS_STATES, label

        if self.view == "visitors":
            v: VisitInfo = row
            return [plain(v.name, one_line=True), plain(v.unit, one_line=True), plain(v.purpose, one_line=True),
                    plain(v.plate), self.hm(v.entered_at)]  # fmt: skip
        if self.view == "parcels":
            p: ParcelInfo = row
            state = Text(label(PARCEL_STATES, p.state), style="bold" if p.old else "")
            return [plain(p.unit, one_line=True), plain(p.carrier, one_line=True), plain(p.tracking, one_line=True),
                    plain(p.shelf, one_line=True), self.hm(p.received_at), state]  # fmt: skip
        g: PassInfo = row
        return [plain(g.number), plain(g.unit, one_line=True), plain(g.bearer, one_line=True),
                plain(g.items, one_line=True), self.hm(g.valid_until), Text(label(PASS_STATES, g.state))]  # fmt: skip

    def fill(self, target: int | None = None) -> None:
        table = self.query_one("#rg-table", DataTable)
        keep = table.cursor_row if target is None else target
        table.clear()
        for row in self.rows:
            table.add_row(*self.cells(row))
        if self.rows:
            table.move_cursor(row=min(max(keep, 0), len(self.rows) - 1))
        title = Text(t(VIEWS[self.view][0]), style="bold")
        title.append("  " + t("{n} listed", n=len(self.rows)))
        self.query_one("#rg-title", Static).update(title)
        self.query_one(RegisterStrip).current = self.view

    def show_message(self, message: str, *, error: bool = False) -> None:
        label = self.query_one("#rg-message", Static)
        label.update(plain(message))
        label.set_class(error, "-error")

    async def action_open_timeline(self) -> None:
        """F12: the story of the selected entry's unit (issue 13 item 7)."""
        await open_timeline(self.app, getattr(self.selected(), "unit", ""))

    def selected(self) -> Any | None:
        table = self.query_one("#rg-table", DataTable)
        if not self.rows or not 0 <= table.cursor_row < len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def after(self, message: str) -> Any:
        """A form's callback: on success show `message` (formatted with the result) and reload the view."""

        def done(result: Any) -> None:
            if result is None or result is True:
                return
            self.show_message(message.format(**vars(result)) if "{" in message else message)
            self.load()

        return done

    # --- actions --------------------------------------------------------------------------------------------

    def action_view(self, view: str) -> None:
        if view != self.view:
            self.view = view
            self.show_message("")
            self.fill_in()

    async def action_new(self) -> None:
        services, operator = self.services, self.desk.operator
        if self.view == "visitors":

            async def sign_in(v: dict[str, Any]) -> object:
                return await asyncio.to_thread(
                    services.visitors.sign_in, v["name"], v["unit"], v["purpose"], plate=v["plate"],
                    id_tail=v["id_tail"], operator=operator,
                )  # fmt: skip

            fields = [FormField("name", N_("Visitor")), FormField("unit", N_("Unit")), FormField("purpose", N_("Purpose")),
                      FormField("plate", N_("Vehicle")), FormField("id_tail", N_("ID card, last characters"))]  # fmt: skip
            await self.app.push_screen(FormScreen(t("Visitor in"), fields, sign_in), self.after(t("Visitor signed in")))
        elif self.view == "parcels":

            async def receive(v: dict[str, Any]) -> object:
                return await asyncio.to_thread(
                    services.parcels.receive, v["unit"], v["carrier"], tracking=v["tracking"], shelf=v["shelf"],
                    operator=operator,
                )  # fmt: skip

            fields = [FormField("unit", N_("Unit")), FormField("carrier", N_("Carrier")),
                      FormField("tracking", N_("Tracking number")), FormField("shelf", N_("Shelf"))]  # fmt: skip
            await self.app.push_screen(
                FormScreen(t("Parcel received"), fields, receive), self.after(t("Parcel received"))
            )
        else:

            async def issue(v: dict[str, Any]) -> object:
                return await asyncio.to_thread(
                    services.passes.issue, v["unit"], v["bearer"], v["items"], vehicle=v["vehicle"],
                    consent=v["consent"], move_out=v["kind"] == "move_out", operator=operator,
                )  # fmt: skip

            from deskui.services.registers import PASS_KINDS

            kinds = tuple((key, t(name)) for key, name in PASS_KINDS.items())
            fields = [FormField("kind", N_("Kind"), kind="choice", options=kinds, value="goods"),
                      FormField("unit", N_("Unit")), FormField("bearer", N_("Bearer")), FormField("items", N_("Items")),
                      FormField("vehicle", N_("Vehicle")), FormField("consent", N_("Owner's consent"))]  # fmt: skip
            await self.app.push_screen(
                FormScreen(t("Issue a pass"), fields, issue), self.after(t("Pass {number} issued"))
            )

    async def action_visitor_out(self) -> None:
        visit = self.selected()
        if visit is None:
            return
        services, operator = self.services, self.desk.operator

        async def out(v: dict[str, Any]) -> object:
            return await asyncio.to_thread(services.visitors.sign_out, visit.id, note=v["note"], operator=operator)

        form = FormScreen(t("{name} leaves", name=visit.name), [FormField("note", N_("Note"))], out)
        await self.app.push_screen(form, self.after(t("Visitor signed out")))

    async def action_parcel_notify(self) -> None:
        parcel = self.selected()
        if parcel is None:
            return
        from deskui.services.registers import NOTICE_VIA

        services, operator = self.services, self.desk.operator

        async def notify(v: dict[str, Any]) -> object:
            return await asyncio.to_thread(
                services.parcels.notify, parcel.id, v["via"], note=v["note"], operator=operator
            )

        ways = tuple((key, t(name)) for key, name in NOTICE_VIA.items())
        fields = [
            FormField("via", N_("Told by"), kind="choice", options=ways, value="sms"),
            FormField("note", N_("Note")),
        ]
        await self.app.push_screen(FormScreen(t("Tell the resident"), fields, notify), self.after(t("Resident told")))

    async def action_parcel_pickup(self) -> None:
        parcel = self.selected()
        if parcel is None:
            return
        services, operator = self.services, self.desk.operator

        async def pick_up(v: dict[str, Any]) -> object:
            return await asyncio.to_thread(services.parcels.pick_up, parcel.id, v["by"], operator=operator)

        form = FormScreen(t("Hand over the parcel"), [FormField("by", N_("Picked up by"))], pick_up)
        await self.app.push_screen(form, self.after(t("Picked up")))

    async def action_pass_use(self) -> None:
        found = self.selected()
        if found is None:
            return
        services, operator = self.services, self.desk.operator

        async def use(v: dict[str, Any]) -> object:
            return await asyncio.to_thread(services.passes.use, found.number, note=v["note"], operator=operator)

        form = FormScreen(t("Goods out on {number}", number=found.number), [FormField("note", N_("Note"))], use)
        await self.app.push_screen(form, self.after(t("Pass {number} used")))

    async def action_pass_check(self) -> None:
        services = self.services

        async def check(v: dict[str, Any]) -> object:
            return await asyncio.to_thread(services.passes.check, v["number"])

        def answer(result: Any) -> None:
            if result is not None and result is not True:
                self.show_message(result.message, error=not result.valid)

        await self.app.push_screen(FormScreen(t("Check a pass"), [FormField("number", N_("Pass"))], check), answer)
