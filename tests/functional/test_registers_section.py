"""The Registers section (F10, issue 13) driven with Pilot: opened by its key from Home, its registers switched with
their digits (another register's screen opened when its module is there), one entry written per register by keys
and read back from the database, the palette finding entries, and F1, F9, Ctrl+P on it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot
from textual.widgets import DataTable

from deskui.app import DeskApp
from deskui.screens.help import HelpScreen
from deskui.screens.registers import RegistersScreen, switch
from deskui.widgets.header import DeskHeader
from tests.functional.helpers import sign_in, wait_for
from tests.functional.test_registers_screen import fill, saved, type_text


async def opened(pilot: Pilot[None], app: DeskApp) -> RegistersScreen:
    """Signed in at Home, then F10."""
    await sign_in(pilot)
    await pilot.press("f10")
    await wait_for(pilot, lambda: isinstance(app.screen, RegistersScreen) and app.screen.loaded)
    screen = app.screen
    assert isinstance(screen, RegistersScreen)
    return screen


def cursor_row(screen: RegistersScreen) -> int:
    return screen.query_one("#rg-table", DataTable).cursor_row


async def test_f10_opens_the_section_and_the_digits_switch_registers(app: DeskApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot, app)
        assert app.current_mode == "registers" and screen.view == "visitors"
        assert screen.query_one(DeskHeader).section == "Registers"
        assert "F10 Registers" in screen.query_one(DeskHeader).tabs(80).plain
        for key, view in (("2", "parcels"), ("3", "passes"), ("1", "visitors")):
            await pilot.press(key)
            await wait_for(pilot, lambda view=view: screen.view == view and screen.loaded)  # type: ignore[misc]
            assert app.screen is screen  # the table's own views: the same screen
        await pilot.press("f2")
        await wait_for(pilot, lambda: app.current_mode == "home")
        await pilot.press("f10")
        await wait_for(pilot, lambda: app.screen is screen)  # the section as it was left


async def test_one_entry_per_register_by_keys(app: DeskApp) -> None:
    services: Any = app.services
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot, app)
        await pilot.press("n")
        await fill(pilot, "刘先生", "3-2-1201", "探亲")
        await saved(pilot)
        (visit,) = services.visitors.inside()
        assert (visit.name, visit.unit_key, visit.purpose) == ("刘先生", "3-2-1201", "探亲")
        await pilot.press("2")
        await wait_for(pilot, lambda: screen.view == "parcels" and screen.loaded)
        await pilot.press("n")
        await fill(pilot, "1-1-301", "顺丰", "SF1234567890", "B2")
        await saved(pilot)
        (parcel,) = services.parcels.waiting()
        assert (parcel.unit_key, parcel.carrier, parcel.tracking, parcel.shelf) == (
            "1-1-301",
            "顺丰",
            "SF1234567890",
            "B2",
        )
        await pilot.press("3")
        await wait_for(pilot, lambda: screen.view == "passes" and screen.loaded)
        await pilot.press("n")
        form = await fill(pilot)
        form.query_one("#form-unit").focus()
        await fill(pilot, "2-1-402", "王五", "旧沙发", "", "业主电话同意")
        await saved(pilot)
        (issued,) = services.passes.history()
        assert (issued.unit_key, issued.bearer, issued.items, issued.state) == ("2-1-402", "王五", "旧沙发", "valid")
        await wait_for(pilot, lambda: screen.loaded and screen.query_one("#rg-table", DataTable).row_count == 1)


FAKE_REGISTER = """
from textual.widgets import Static
from deskui.screens.base import DeskScreen


class FakePatrolsScreen(DeskScreen):
    SECTION = "Patrols"

    def compose(self):
        yield from self.compose_header()
        yield Static("patrol rounds", id="fake-patrols")
        yield from self.compose_footer()
"""


@pytest.fixture
def fake_patrols(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Register 4 is a screen of another module (as the patrols' will be); register 5's module is not there."""
    (tmp_path / "fake_patrols_screen.py").write_text(FAKE_REGISTER, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    patrols = switch.Register("4", "patrols", "Patrols", "fake_patrols_screen:FakePatrolsScreen")
    missing = switch.Register("5", "renovations", "Renovations", "no_such_module_here:Nothing")
    monkeypatch.setattr(switch, "REGISTERS", (*switch.REGISTERS[:3], patrols, missing))
    monkeypatch.setitem(switch.BY_NAME, "patrols", patrols)
    monkeypatch.setitem(switch.BY_NAME, "renovations", missing)
    switch.available.cache_clear()
    switch.screen_type.cache_clear()
    yield
    switch.available.cache_clear()
    switch.screen_type.cache_clear()
    sys.modules.pop("fake_patrols_screen", None)


@pytest.mark.usefixtures("fake_patrols")
async def test_another_registers_screen_opens_with_its_digit_and_comes_back(app: DeskApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot, app)
        strip = str(screen.query_one("#rg-registers").render())
        assert "4 Patrols" in strip and "Renovations" not in strip  # not there: not listed
        await pilot.press("5")  # nothing happens
        assert app.screen is screen
        await pilot.press("4")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "FakePatrolsScreen")
        patrols = app.screen
        assert isinstance(patrols, switch.RegisterKeys) and patrols.query_one(DeskHeader).section == "Registers"
        assert patrols.query_one(switch.RegisterStrip).current == "patrols"  # under its header, as on the table's
        assert patrols.query_one("#fake-patrols")  # its own widgets as it composes them
        assert app.current_mode == "registers" and app.screen_stack == [screen, patrols]  # on the table, kept
        await pilot.press("2")
        await wait_for(pilot, lambda: isinstance(app.screen, RegistersScreen) and app.screen.loaded)
        assert app.screen is screen and screen.view == "parcels" and app.screen_stack == [screen]


async def test_f1_f9_and_the_palette_on_the_section(app: DeskApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot, app)
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        actions = [str(cell) for cell in help_screen.key_table().columns[1]._cells]
        assert {"Visitors", "Parcels", "Passes", "Registers", "New entry"} <= set(actions)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        await pilot.press("f9")
        await wait_for(pilot, lambda: app.screen is screen and screen.loaded)
        assert "登记簿" in screen.query_one(DeskHeader).tabs(80).plain
        assert "2 代收" in str(screen.query_one("#rg-registers").render())
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await type_text(pilot, "代收")
        await wait_for(pilot, lambda: app.screen.query_one(CommandList).option_count > 0)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        await pilot.press("f9")
        await wait_for(pilot, lambda: app.screen is screen and screen.loaded)


async def palette_open(pilot: Pilot[None], app: DeskApp, term: str) -> None:
    """Ctrl+P, type `term`, Enter on the first entry found."""
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
    await type_text(pilot, term)
    await wait_for(pilot, lambda: app.screen.query_one(CommandList).option_count > 0)
    await pilot.press("down", "enter")
    await wait_for(pilot, lambda: not isinstance(app.screen, CommandPalette))


async def test_the_palette_finds_a_pass_a_visitor_and_a_parcel(app: DeskApp) -> None:
    services: Any = app.services
    gone = services.visitors.sign_in("欧阳娜娜", "1-1-301", "送货")
    services.visitors.sign_out(gone.id)
    services.visitors.sign_in("刘先生", "3-2-1201", "探亲")
    parcel = services.parcels.receive("1-1-301", "顺丰", tracking="SF99887766")
    services.parcels.receive("2-1-402", "京东", tracking="JD111")
    issued = services.passes.issue("2-1-402", "王五", "旧沙发", consent="业主电话同意")
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await palette_open(pilot, app, issued.number.lower())  # from Home, typed as at the gate
        await wait_for(pilot, lambda: isinstance(app.screen, RegistersScreen) and app.screen.loaded)
        screen = app.screen
        assert isinstance(screen, RegistersScreen) and app.current_mode == "registers"
        assert screen.view == "passes" and screen.rows[cursor_row(screen)].number == issued.number
        await palette_open(pilot, app, "欧阳")  # a visitor who has left: listed first, the cursor on her
        await wait_for(pilot, lambda: screen.view == "visitors" and screen.loaded)
        assert screen.rows[cursor_row(screen)].id == gone.id and len(screen.rows) == 2
        await palette_open(pilot, app, "sf9988")
        await wait_for(pilot, lambda: screen.view == "parcels" and screen.loaded)
        assert screen.rows[cursor_row(screen)].id == parcel.id


async def test_the_palette_finds_nothing_on_the_lock_screen(app: DeskApp) -> None:
    from deskui.screens.registers.palette import RegisterSearch
    from deskui.screens.signin import SignInScreen

    services: Any = app.services
    services.visitors.sign_in("欧阳娜娜", "1-1-301", "送货")
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot, app)
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: isinstance(app.screen, SignInScreen))
        assert [hit async for hit in RegisterSearch(app.screen).search("欧阳")] == []
        assert [hit async for hit in RegisterSearch(app.screen_stack[0]).search("欧阳")] != []  # signed in: found


async def test_the_palette_finds_a_renovation_by_permit_number_or_company(app: DeskApp) -> None:
    """Renovations are a register too: a permit number (typed in lower case) or a company opens the renovations
    screen with the cursor on it, a closed one (not in the open list) listed first."""
    from deskui.screens.renovations import RenovationsScreen

    services: Any = app.services
    kept = services.renovations.open("3-2-1201", "张三", "美家装饰", "2026-12-05", "2026-12-20", "厨房")
    services.renovations.open("1-1-301", "李四", "匠心家装", "2026-12-06", "2026-12-21", "客厅")
    services.renovations.approve(kept.number)
    services.renovations.close(kept.number)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await palette_open(pilot, app, kept.number.lower())
        await wait_for(pilot, lambda: isinstance(app.screen, RenovationsScreen) and app.screen.loaded)
        screen = app.screen
        assert isinstance(screen, RenovationsScreen) and app.current_mode == "registers"
        chosen = screen.selected()
        assert chosen is not None and chosen.number == kept.number and len(screen.rows) == 2
        await palette_open(pilot, app, "匠心")
        await wait_for(
            pilot, lambda: isinstance(app.screen, RenovationsScreen) and app.screen is not screen and app.screen.loaded
        )
        chosen = app.screen.selected()  # type: ignore[attr-defined]
        assert chosen is not None and chosen.company == "匠心家装"
