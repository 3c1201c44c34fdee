"""Sign-in, lockout, idle lock, language switch and the section keys, driven through the keyboard."""

from __future__ import annotations

import pytest
from sqlmodel import select
from textual.widgets import DataTable, Input, Static

from deskui.app import DeskApp
from deskui.core.errors import DeskError
from deskui.models import Operator
from deskui.screens.calls import CallsScreen
from deskui.screens.directory import DirectoryScreen
from deskui.screens.handover import HandoverScreen
from deskui.screens.help import HelpScreen
from deskui.screens.home import HomeScreen
from deskui.screens.signin import SignInScreen
from deskui.screens.tickets import TicketsScreen
from deskui.widgets.header import DeskHeader
from deskui.widgets.signin_fields import OperatorPicker, PinField
from tests.functional.helpers import operators_listed, sign_in, wait_for


def _operator_row(app: DeskApp, name: str) -> Operator:
    assert app.services is not None
    with app.services.db.read() as s:
        op = s.exec(select(Operator).where(Operator.name == name)).one()
        return op


def _message(app: DeskApp) -> str:
    return str(app.screen.query_one("#signin-message", Static).render())


async def test_right_pin_signs_in_and_lands_on_home(app: DeskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "1111")
        assert isinstance(app.screen, HomeScreen)
        assert app.operator is not None and app.operator.name == "王芳"


async def test_second_operator_chosen_with_arrow(app: DeskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "2222", index=1)
        assert app.operator is not None and app.operator.name == "李强"


async def test_wrong_pin_is_refused_and_counted(app: DeskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await operators_listed(pilot)
        await pilot.press(*"9999", "enter")
        await wait_for(pilot, lambda: "Wrong PIN" in _message(app))
        assert isinstance(app.screen, SignInScreen)
        assert app.operator is None
        assert _operator_row(app, "王芳").failed_attempts == 1
        assert app.screen.query_one("#signin-pin", PinField).value == ""


async def test_lockout_after_too_many_wrong_pins(app: DeskApp) -> None:
    attempts = app.settings.security.pin_max_attempts
    async with app.run_test(size=(120, 40)) as pilot:
        await operators_listed(pilot)
        for _ in range(attempts):
            await pilot.press(*"9999", "enter")
            await pilot.pause(0.2)
        await wait_for(pilot, lambda: "Locked" in _message(app))
        row = _operator_row(app, "王芳")
        assert row.locked_until is not None
        # Even the right PIN is refused while locked.
        await pilot.press(*"1111", "enter")
        await pilot.pause(0.3)
        assert app.operator is None
        assert "Locked" in _message(app)


async def test_lock_expires_with_time(app: DeskApp, clock) -> None:  # type: ignore[no-untyped-def]
    assert app.services is not None
    op = app.services.operators.by_name("王芳")
    for _ in range(app.settings.security.pin_max_attempts):
        with pytest.raises(DeskError):
            app.services.operators.authenticate(op.id, "0000")
    clock.advance(minutes=app.settings.security.pin_lockout_minutes + 1)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "1111")
        assert app.operator is not None


async def test_the_idle_check_between_a_sections_screens_waits_for_the_next_tick(
    app: DeskApp, clock, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """A fresh-clone CI run crashed the app (ScreenStackError, test_each_section_has_a_key): the idle-lock tick fired
    while an F-key switched to a section whose screen was not on its stack yet. That tick does nothing; the next one,
    with a screen shown, locks as usual."""
    from textual.app import App, ScreenStackError

    def between_screens(self: App[object]) -> None:
        raise ScreenStackError("No screens on stack")

    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        clock.advance(minutes=app.settings.security.idle_lock_minutes + 1)
        with monkeypatch.context() as patch:
            patch.setattr(DeskApp, "screen", property(between_screens))
            app.check_idle_lock()
        app.check_idle_lock()
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen) and app.screen.is_lock_screen


async def test_idle_lock_keeps_the_screen_underneath(app: DeskApp, clock) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        await pilot.press(*"zs")
        directory = app.screen
        await wait_for(pilot, lambda: directory.query_one(DataTable).row_count > 0)
        clock.advance(minutes=app.settings.security.idle_lock_minutes - 1)
        app.check_idle_lock()
        assert app.screen is directory, "locked too early"
        clock.advance(minutes=2)
        app.check_idle_lock()
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen) and app.screen.is_lock_screen
        await operators_listed(pilot)
        await pilot.press(*"1111", "enter")
        await wait_for(pilot, lambda: app.screen is directory)
        assert directory.query_one("#directory-query", Input).value == "zs"
        assert directory.query_one(DataTable).row_count > 0


async def test_each_section_has_a_key(app: DeskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        for key, screen_type in (
            ("f3", CallsScreen),
            ("f4", TicketsScreen),
            ("f5", HandoverScreen),
            ("f6", DirectoryScreen),
            ("f2", HomeScreen),
        ):
            await pilot.press(key)
            await wait_for(pilot, lambda st=screen_type: isinstance(app.screen, st))


async def test_sections_are_closed_before_sign_in(app: DeskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await operators_listed(pilot)
        await pilot.press("f6")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)


async def test_home_tile_opens_with_enter(app: DeskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await pilot.press("right", "right", "right", "enter")  # Calls → Tickets → Handover → Directory
        await wait_for(pilot, lambda: isinstance(app.screen, DirectoryScreen))


async def test_language_switch_at_run_time(app: DeskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        header = app.screen.query_one(DeskHeader)
        assert "Tickets" in str(header.render())
        await pilot.press("f9")
        await pilot.pause()
        assert app.settings.language == "zh-CN"
        header = app.screen.query_one(DeskHeader)
        assert "工单" in str(header.render())
        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        assert "住户资料" in str(app.screen.query_one(DeskHeader).render())
        await pilot.press("f9")  # the next in F9's cycle: zh-HK
        await pilot.pause()
        assert "住戶資料" in str(app.screen.query_one(DeskHeader).render())


def _title(app: DeskApp) -> str:
    return str(app.screen.query_one("#signin-title", Static).render())


async def test_f9_on_sign_in_switches_language_and_keeps_the_choice(app: DeskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await operators_listed(pilot)
        await pilot.press("down", "2", "2")
        await pilot.press("f9")
        await wait_for(pilot, lambda: "登录" in _title(app))
        assert app.settings.language == "zh-CN"
        screen = app.screen
        assert isinstance(screen, SignInScreen)
        await operators_listed(pilot)
        await wait_for(pilot, lambda: "维修" in str(screen.query_one(OperatorPicker).render()))
        assert screen.query_one(OperatorPicker).highlighted == 1, "the chosen operator was lost"
        pin = screen.query_one("#signin-pin", PinField)
        assert pin.value == "22", "the PIN typed so far was lost"
        assert app.focused is pin
        await pilot.press("2", "2", "enter")
        await wait_for(pilot, lambda: app.operator is not None and isinstance(app.screen, HomeScreen))
        assert app.operator is not None and app.operator.name == "李强"
        assert "工单" in str(app.screen.query_one(DeskHeader).render())


async def test_f9_on_lock_screen_switches_language_and_unlocks_to_the_same_screen(app: DeskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        directory = app.screen
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: isinstance(app.screen, SignInScreen))
        await operators_listed(pilot)
        await pilot.press("1", "1")
        await pilot.press("f9")
        await wait_for(pilot, lambda: "屏幕已锁定" in _title(app))
        screen = app.screen
        assert isinstance(screen, SignInScreen) and screen.is_lock_screen
        await wait_for(pilot, lambda: "前台" in str(screen.query_one(OperatorPicker).render()))
        assert screen.query_one(OperatorPicker).highlighted == 0
        assert screen.query_one("#signin-pin", PinField).value == "11"
        assert app.focused is screen.query_one("#signin-pin", PinField)
        await pilot.press("1", "1", "enter")
        await wait_for(pilot, lambda: app.screen is directory)
        assert "住户资料" in str(directory.query_one(DeskHeader).render())


async def test_help_lists_keys_and_closes(app: DeskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = str(app.screen.key_table().columns[1]._cells)
        assert "Lock" in text and "Directory" in text
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))


async def test_directory_finds_by_pinyin_phone_and_unit(app: DeskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        screen = app.screen
        assert isinstance(screen, DirectoryScreen)
        for query, expected in (("zs", "张三"), ("0000", "李四"), ("3#2-1201", "张三")):
            screen.query_one("#directory-query", Input).value = ""
            await pilot.press(*query)
            await wait_for(pilot, lambda e=expected: any(r.name == e for r in screen.residents))
