"""The key inventory screen (issue 13) driven with Pilot: keys added, an owner's key lent (refused until the
authority note is typed), taken back and retired, a plain key lent with Enter; every step checked in the database."""

from __future__ import annotations

import sqlite3
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from deskui.app import DeskApp
from deskui.screens.forms import FormScreen
from deskui.screens.keys import KeysScreen
from tests.functional.helpers import sign_in, wait_for


async def type_text(pilot: Pilot[None], text: str) -> None:
    for char in text:
        await pilot.press("space" if char == " " else char)


async def fill(pilot: Pilot[None], *values: str) -> FormScreen:
    """Wait for the form, type each field's value and Enter to the next (Enter on the last field saves)."""
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormScreen))
    form = pilot.app.screen
    assert isinstance(form, FormScreen)
    await pilot.pause()
    for value in values:
        await type_text(pilot, value)
        await pilot.press("enter")
    return form


async def saved(pilot: Pilot[None]) -> None:
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: not isinstance(pilot.app.screen, FormScreen))


async def opened(pilot: Pilot[None], app: DeskApp) -> KeysScreen:
    await sign_in(pilot)
    await app.push_screen(KeysScreen())
    await wait_for(pilot, lambda: isinstance(app.screen, KeysScreen) and app.screen.loaded)
    screen = app.screen
    assert isinstance(screen, KeysScreen)
    return screen


def table(screen: KeysScreen) -> DataTable[Any]:
    return screen.query_one("#ki-table", DataTable)


def db_rows(services: Any, sql: str) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(services.db.path)
    try:
        return list(con.execute(sql))
    finally:
        con.close()


async def test_add_lend_with_authority_return_retire(app: DeskApp) -> None:
    services: Any = app.services
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot, app)
        await pilot.press("a")
        await fill(pilot, "3-2-1201", "3栋2单元1201 入户门", "B-07", "业主书面同意")
        await wait_for(pilot, lambda: not isinstance(pilot.app.screen, FormScreen))
        await pilot.press("a")
        await fill(pilot, "机房A", "1号楼配电房", "A-01")
        await saved(pilot)
        assert db_rows(services, "SELECT label, opens, hook, authority, operator_name FROM key_item ORDER BY id") == [
            ("3-2-1201", "3栋2单元1201 入户门", "B-07", "业主书面同意", "王芳"),
            ("机房A", "1号楼配电房", "A-01", "", "王芳"),
        ]
        await wait_for(pilot, lambda: screen.loaded and table(screen).row_count == 2)
        assert table(screen).cursor_row == 0  # by hook: A-01 first, the key just added
        await pilot.press("down", "l")
        form = await fill(pilot, "维修 小张", "", "漏水")  # no authority note: refused next to its field
        await pilot.press("ctrl+s")
        await wait_for(
            pilot, lambda: "业主书面同意" in " ".join(str(x.render()) for x in form.query(".form-error.-shown"))
        )
        assert db_rows(services, "SELECT count(*) FROM key_loan") == [(0,)]
        form.query_one("#form-authority").focus()
        await type_text(pilot, "业主张三电话同意")
        await saved(pilot)
        assert db_rows(
            services,
            "SELECT l.tag, l.borrower, l.purpose, l.operator_name, a.note FROM key_loan l "
            "JOIN key_loan_authority a ON a.loan_id = l.id",
        ) == [("3-2-1201", "维修 小张", "漏水", "王芳", "业主张三电话同意")]
        await wait_for(pilot, lambda: screen.loaded and screen.rows[1].is_out)
        where = str(table(screen).get_row_at(1)[2])
        assert "维修 小张" in where
        title = str(screen.query_one("#ki-title", Static).render())
        assert "2 held, 1 out, 1 on their hooks" in title
        await pilot.press("x")  # a key that is out cannot be retired: nothing opens
        assert not isinstance(pilot.app.screen, FormScreen)
        await pilot.press("r")
        await fill(pilot)
        await saved(pilot)
        assert db_rows(services, "SELECT count(*) FROM key_return") == [(1,)]
        await wait_for(pilot, lambda: screen.loaded and not screen.rows[1].is_out)
        await pilot.press("x")
        await fill(pilot, "还给业主")
        await wait_for(pilot, lambda: not isinstance(pilot.app.screen, FormScreen))
        assert db_rows(services, "SELECT reason, operator_name FROM key_retirement") == [("还给业主", "王芳")]
        await wait_for(pilot, lambda: screen.loaded and [k.label for k in screen.rows] == ["机房A"])


async def test_enter_lends_a_plain_key(app: DeskApp) -> None:
    services: Any = app.services
    services.key_inventory.add("天台", "1号楼天台门", "A-02", operator=None)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot, app)
        await pilot.press("enter")
        await fill(pilot, "保洁 王姐")
        await saved(pilot)
        assert [(k.tag, k.borrower, k.lent_by) for k in services.keys.out()] == [("天台", "保洁 王姐", "王芳")]
        await wait_for(pilot, lambda: screen.loaded and screen.rows[0].is_out)
        await pilot.press("f9")  # 中文: the screen redrawn, the key still shown lent
        await wait_for(pilot, lambda: isinstance(app.screen, KeysScreen) and app.screen.loaded)
        shown = app.screen
        assert isinstance(shown, KeysScreen)
        assert "借出 1 把" in str(shown.query_one("#ki-title", Static).render())
        assert "保洁 王姐" in str(shown.query_one("#ki-table", DataTable).get_row_at(0)[2])


async def test_key_6_of_the_registers_section_opens_it(app: DeskApp) -> None:
    services: Any = app.services
    services.key_inventory.add("机房A", "1号楼配电房", "A-01", operator=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("f10")
        await wait_for(pilot, lambda: app.current_mode == "registers")
        await pilot.press("6")
        await wait_for(pilot, lambda: isinstance(app.screen, KeysScreen) and app.screen.loaded)
        screen = app.screen
        assert isinstance(screen, KeysScreen)
        await pilot.press("l")
        await fill(pilot, "电工 老周")
        await saved(pilot)
        assert [(k.tag, k.borrower) for k in services.keys.out()] == [("机房A", "电工 老周")]
        await pilot.press("1")  # the section's digits still switch register
        await wait_for(pilot, lambda: not isinstance(app.screen, KeysScreen))


async def test_the_key_log_asks_for_the_authority_a_key_needs(app: DeskApp) -> None:
    """The handover's key log lends by the inventory's rules too: an owner's key in trust asks for the note."""
    from deskui.screens.handover import HandoverScreen
    from deskui.screens.handover.keylog import KeyLogScreen

    services: Any = app.services
    services.key_inventory.add("3-2-1201", "3栋2单元1201 入户门", "B-07", authority="业主书面同意", operator=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(app.screen, HandoverScreen))
        await pilot.press("k")
        await wait_for(pilot, lambda: isinstance(app.screen, KeyLogScreen) and app.screen.loaded)
        await pilot.press("n")
        first = await fill(pilot, "3-2-1201", "维修 小张", "", "漏水")  # Enter on the last field saves: refused
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen) and app.screen is not first)
        assert services.keys.out() == []
        await fill(pilot, "业主张三电话同意")
        await wait_for(pilot, lambda: isinstance(app.screen, KeyLogScreen))
        (loan,) = services.keys.out()
        assert (loan.tag, loan.borrower, loan.purpose) == ("3-2-1201", "维修 小张", "漏水")
        assert services.key_inventory.get("3-2-1201").authority_note == "业主张三电话同意"
