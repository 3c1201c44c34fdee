"""The key inventory 钥匙台账 (issue 13; 003 3: 业主钥匙的接管、分类标识、借用管理): the keys the desk holds, by hook,
each in the key box or lent — to whom and since when, overdue ones in red.

`a` adds a key (label, what it opens, hook or box, whose authority lending it needs), `l` lends the selected key
(a key that needs an authority asks for the note of how it was given), `r` takes it back, `x` retires it (lost,
given back to its owner: the entry stays, the retirement is a row of its own). Enter lends a key in the box and
takes back a key that is out. Every write goes through services.handover (KeyInventory, the key log) in a thread;
a refusal is shown next to the form's field and nothing is written.
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
from deskui.widgets.background import background
from deskui.widgets.plain import plain

if TYPE_CHECKING:
    from deskui.services.handover import KeyInfo

# Where a key is (and who has it since when) comes before what it opens: at 80 columns the right-hand columns are
# off screen, and "who has the key" is what the desk is asked.
COLUMNS = (N_("Hook"), N_("Key label"), N_("Where"), N_("Due back"), N_("Opens"), N_("Authority needed"))
ON_SELECTED = frozenset({"lend", "take_back", "retire"})


class KeysScreen(DeskScreen):
    CSS_PATH = stylesheet("key_inventory.tcss")
    SECTION: ClassVar[str] = N_("Registers")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "Add a key", id="keys-add", priority=True),
        Binding("l", "lend", "Lend", id="keys-lend", priority=True),
        Binding("r", "take_back", "Return", id="keys-return", priority=True),
        Binding("x", "retire", "Retire", id="keys-retire", priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[KeyInfo] = []
        self.loaded = False
        """Set when the rows have landed in the table (tests wait for it)."""

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Vertical(id="ki-main"):
            yield Static("", id="ki-title")
            yield DataTable(id="ki-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="ki-message")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.fill_in()

    def fill_in(self) -> None:
        table = self.query_one("#ki-table", DataTable)
        table.clear(columns=True)
        table.add_columns(*(t(c) for c in COLUMNS))
        table.focus()
        self.load()

    async def language_changed(self) -> None:
        await self.recompose()
        self.fill_in()

    async def on_screen_resume(self) -> None:
        await super().on_screen_resume()
        if self.is_mounted and self.loaded:
            self.load()  # lent or returned elsewhere (the key log, another terminal) meanwhile

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ON_SELECTED:
            key = self.selected()
            if key is None:
                return False
            if action == "lend":
                return not key.is_out
            if action == "take_back":
                return key.is_out
            return key.in_inventory and not key.is_out
        return super().check_action(action, parameters)

    # --- loading ------------------------------------------------------------------------------------------------

    @work(exclusive=True, group="keys-inventory-load")
    @background
    async def load(self, select: str = "") -> None:
        self.loaded = False
        rows = await asyncio.to_thread(self.services.key_inventory.listing)
        self.rows = rows
        self.fill(select)
        self.loaded = True
        self.refresh_bindings()

    def hm(self, moment: datetime | None) -> str:
        return moment.astimezone(self.services.ctx.tz).strftime("%m-%d %H:%M") if moment is not None else ""

    def cells(self, key: KeyInfo) -> list[Text]:
        late = "bold red" if key.overdue else ""
        if key.is_out:
            where = Text(t("{borrower} since {when}", borrower=key.borrower, when=self.hm(key.since)), style=late)
        else:
            where = Text(t("In the key box"))
        return [
            plain(key.hook, one_line=True),
            plain(key.label, one_line=True),
            where,
            Text(self.hm(key.due_at), style=late),
            plain(key.opens, one_line=True),
            plain(key.authority, one_line=True),
        ]

    def fill(self, select: str = "") -> None:
        table = self.query_one("#ki-table", DataTable)
        keep = table.cursor_row
        table.clear()
        for key in self.rows:
            table.add_row(*self.cells(key))
        tags = [k.tag for k in self.rows]
        if self.rows:
            row = tags.index(select) if select in tags else min(max(keep, 0), len(self.rows) - 1)
            table.move_cursor(row=row)
        held = sum(1 for k in self.rows if k.in_inventory)
        out = sum(1 for k in self.rows if k.is_out)
        title = Text(t("Key inventory"), style="bold")
        title.append("  " + t("{held} held, {out} out, {hooks} on their hooks", held=held, out=out, hooks=held - out))
        overdue = sum(1 for k in self.rows if k.overdue)
        if overdue:
            title.append("  · ")
            title.append(t("{n} overdue", n=overdue), style="bold red")
        self.query_one("#ki-title", Static).update(title)
        if not self.rows:
            self.show_message(t("No keys held; press a to add the first"))

    def show_message(self, message: str, *, error: bool = False) -> None:
        label = self.query_one("#ki-message", Static)
        label.update(plain(message))
        label.set_class(error, "-error")

    def selected(self) -> KeyInfo | None:
        if not self.is_mounted:
            return None
        table = self.query_one("#ki-table", DataTable)
        if not self.rows or not 0 <= table.cursor_row < len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def after(self, message: str) -> Any:
        """A form's callback: on success say `message` (formatted with the result's fields) and reload."""

        def done(result: Any) -> None:
            if result is None or result is True:
                return
            self.show_message(message.format(**vars(result)))
            self.load(select=result.tag)

        return done

    # --- actions ------------------------------------------------------------------------------------------------

    async def action_add(self) -> None:
        inventory, operator = self.services.key_inventory, self.desk.operator

        async def add(v: dict[str, Any]) -> object:
            return await asyncio.to_thread(
                inventory.add, v["label"], v["opens"], v["hook"], authority=v["authority"], operator=operator
            )

        fields = [
            FormField("label", N_("Key label"), placeholder=t("e.g. 3-2-1201, 机房A")),
            FormField("opens", N_("Opens")),
            FormField("hook", N_("Hook")),
            FormField("authority", N_("Authority needed"), placeholder=t("empty: the desk lends it on its own")),
        ]
        await self.app.push_screen(FormScreen(t("Add a key"), fields, add), self.after(t("Key {label} added")))

    async def action_lend(self) -> None:
        key = self.selected()
        if key is None or key.is_out:
            return
        keys, operator = self.services.keys, self.desk.operator

        async def lend(v: dict[str, Any]) -> object:
            return await asyncio.to_thread(
                keys.lend,
                key.tag,
                v["borrower"],
                operator=operator,
                due=v["due"],
                purpose=v["purpose"],
                authority=v.get("authority", ""),
            )

        fields = [
            FormField("borrower", N_("Borrower")),
            FormField("due", N_("Due back"), placeholder=t("end of the shift, or 18:00, or 2026-11-24 09:00")),
            FormField("purpose", N_("Purpose")),
        ]
        intro = t("{label}: {opens}, hook {hook}", label=key.label, opens=key.opens, hook=key.hook)
        if key.authority:
            fields.append(FormField("authority", N_("Authority"), placeholder=key.authority))
            intro += "\n" + t("Lent only with {authority}: note how it was given", authority=key.authority)
        form = FormScreen(t("Lend {label}", label=key.label), fields, lend, intro=intro)
        await self.app.push_screen(form, self.after(t("Key {tag} lent to {borrower}")))

    async def action_take_back(self) -> None:
        key = self.selected()
        if key is None or not key.is_out:
            return
        keys, operator = self.services.keys, self.desk.operator

        async def back(v: dict[str, Any]) -> object:
            return await asyncio.to_thread(keys.take_back, key.tag, operator=operator, note=v["note"])

        intro = t(
            "{label}, lent to {borrower} since {when}.", label=key.label, borrower=key.borrower, when=self.hm(key.since)
        )
        form = FormScreen(t("Take back {tag}", tag=key.label), [FormField("note", N_("Note"))], back, intro=intro)
        await self.app.push_screen(form, self.after(t("Key {tag} is back")))

    async def action_retire(self) -> None:
        key = self.selected()
        if key is None or key.is_out or not key.in_inventory:
            return
        inventory, operator = self.services.key_inventory, self.desk.operator

        async def retire(v: dict[str, Any]) -> object:
            return await asyncio.to_thread(inventory.retire, key.tag, v["reason"], operator=operator)

        form = FormScreen(t("Retire {label}", label=key.label), [FormField("reason", N_("Reason"))], retire)
        await self.app.push_screen(form, self.after(t("Key {label} retired")))

    @on(DataTable.RowSelected, "#ki-table")
    async def _row_selected(self) -> None:
        key = self.selected()
        if key is not None:
            await (self.action_take_back() if key.is_out else self.action_lend())
