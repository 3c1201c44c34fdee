"""Directory: find a unit or a resident by unit spelling, phone, Chinese name or pinyin; see who lives there."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Static

from deskui.core.i18n import N_, t
from deskui.screens.base import DeskScreen
from deskui.screens.timeline import TIMELINE_BINDING, open_timeline
from deskui.widgets.background import background

if TYPE_CHECKING:
    from deskui.services.directory import ResidentInfo, UnitInfo

KIND_NAMES = {"residence": N_("Residence"), "shop": N_("Shop"), "public": N_("Public area")}
ROLE_NAMES = {"owner": N_("Owner"), "tenant": N_("Tenant"), "other": N_("Other")}
SEARCH_DELAY = 0.15


class DirectoryScreen(DeskScreen):
    CSS_PATH = "../styles/directory.tcss"
    SECTION: ClassVar[str] = "Directory"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash,ctrl+f", "focus_search", "Search", id="directory-search"),
        Binding("escape", "clear_search", "Clear", id="directory-clear"),
        Binding("j", "cursor(1)", "Down", show=False),
        Binding("k", "cursor(-1)", "Up", show=False),
        TIMELINE_BINDING,
    ]

    def __init__(self) -> None:
        super().__init__()
        self.units: list[UnitInfo] = []
        self.residents: list[ResidentInfo] = []

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Vertical(id="directory"):
            yield Input(placeholder=t("Unit (3-2-1201, 3栋2单元1201), phone, name or pinyin"), id="directory-query")
            with Horizontal(id="directory-body"):
                yield DataTable(id="directory-results", cursor_type="row", zebra_stripes=True)
                yield Static(id="directory-detail")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.desk.desk_screens.add(self)
        table = self.query_one("#directory-results", DataTable)
        table.add_columns(t("Kind"), t("Unit"), t("Name"), t("Phones"))
        self.query_one("#directory-query", Input).focus()
        self.show_hint()

    def show_hint(self) -> None:
        self.query_one("#directory-detail", Static).update(
            Text(t("Type to search. Enter on a row shows the unit and everyone living there."), style="dim")
        )

    async def language_changed(self) -> None:
        query = self.query_one("#directory-query", Input).value
        await self.recompose()
        self.on_mount()
        self.query_one("#directory-query", Input).value = query

    def find(self, text: str) -> None:
        """Search for `text` as if typed (the palette's unit or resident, issue 12)."""
        self.query_one("#directory-query", Input).value = text

    @on(Input.Changed, "#directory-query")
    def _query_changed(self, event: Input.Changed) -> None:
        self.search(event.value)

    @work(exclusive=True, group="directory-search")
    @background
    async def search(self, query: str) -> None:
        await asyncio.sleep(SEARCH_DELAY)  # let a fast typist finish; exclusive cancels the stale search
        directory = self.services.directory
        units, residents = await asyncio.gather(
            asyncio.to_thread(directory.search_units, query),
            asyncio.to_thread(directory.search_residents, query),
        )
        self.units, self.residents = units, residents
        self.fill_table()

    def fill_table(self) -> None:
        table = self.query_one("#directory-results", DataTable)
        table.clear()
        for unit in self.units:
            table.add_row(Text(t(KIND_NAMES.get(unit.kind, unit.kind))), Text(unit.label), "", "", key=f"u{unit.id}")
        for res in self.residents:
            table.add_row(
                Text(t(ROLE_NAMES.get(res.role, res.role))),
                Text(res.unit_label),
                Text(res.name),
                Text(", ".join(res.phones)),
                key=f"r{res.id}",
            )
        if table.row_count:
            table.move_cursor(row=0)
        else:
            self.query_one("#directory-detail", Static).update(Text(t("Nothing found"), style="dim"))

    @on(DataTable.RowHighlighted, "#directory-results")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value or ""
        unit_id = None
        if key.startswith("u"):
            unit_id = int(key[1:])
        elif key.startswith("r"):
            unit_id = next((r.unit_id for r in self.residents if r.id == int(key[1:])), None)
        if unit_id is not None:
            self.show_unit(unit_id)

    @work(exclusive=True, group="directory-detail")
    @background
    async def show_unit(self, unit_id: int) -> None:
        directory = self.services.directory
        unit, residents = await asyncio.gather(
            asyncio.to_thread(directory.get_unit, unit_id),
            asyncio.to_thread(directory.unit_residents, unit_id),
        )
        text = Text.assemble((unit.label, "bold"), "  ", (t(KIND_NAMES.get(unit.kind, unit.kind)), "dim"), "\n\n")
        if not residents:
            text.append(t("No residents recorded"), style="dim")
        for res in residents:
            text.append(res.name, style="bold")
            text.append(f"  {t(ROLE_NAMES.get(res.role, res.role))}\n")
            for phone in res.phones:
                text.append(f"  ☎ {phone}\n")
            if res.notes:
                text.append(f"  {res.notes}\n", style="italic")
            text.append("\n")
        self.query_one("#directory-detail", Static).update(text)

    def action_focus_search(self) -> None:
        self.query_one("#directory-query", Input).focus()

    def action_clear_search(self) -> None:
        query = self.query_one("#directory-query", Input)
        query.value = ""
        query.focus()
        self.units, self.residents = [], []
        self.query_one("#directory-results", DataTable).clear()
        self.show_hint()

    async def action_open_timeline(self) -> None:
        """F12: the story of the unit on the highlighted row (a unit, or where the resident lives)."""
        table = self.query_one("#directory-results", DataTable)
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value if table.row_count else ""
        unit = next((u.key for u in self.units if f"u{u.id}" == key), None)
        unit = unit or next((r.unit_label for r in self.residents if f"r{r.id}" == key), "")
        await open_timeline(self.app, unit)

    def action_cursor(self, step: int) -> None:
        table = self.query_one("#directory-results", DataTable)
        if self.focused is table:
            table.move_cursor(row=table.cursor_row + step)
