"""Issue 10 defect 1: F9 switches the language on every screen and dialog, with the screens' timers firing.

Every screen reachable from the sections is visited and F9 pressed twice on it, between English and Simplified
Chinese (the walk's languages); the cycle through all four languages (issue 12) is walked once, on the sign-in. Pilot's run_test re-raises any
error inside the app (a timer or worker querying a widget a recompose has just removed, a screen replaced by
`switch_screen` asked to recompose). The poll timers are made to fire all the time, so they are firing while a
language switch recomposes the screens.
"""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from deskui.app import DeskApp
from deskui.screens.base import DeskScreen
from deskui.screens.calls import CallsScreen
from deskui.screens.calls.detail import CallDetailScreen
from deskui.screens.calls.readback import ReadBackScreen
from deskui.screens.directory import DirectoryScreen
from deskui.screens.handover import HandoverScreen
from deskui.screens.handover.dutylog import DutyLogScreen
from deskui.screens.handover.keylog import KeyLogScreen
from deskui.screens.handover.review import ReviewScreen
from deskui.screens.handover.roster import RosterScreen
from deskui.screens.help import HelpScreen
from deskui.screens.home import HomeScreen
from deskui.screens.reports import ReportsScreen
from deskui.screens.signin import SignInScreen
from deskui.screens.tickets import TicketsScreen
from deskui.screens.tickets.detail import TicketDetailScreen
from deskui.screens.tickets.forms import TicketFormScreen
from deskui.services.calls import CallInput
from tests.functional.helpers import operators_listed, sign_in, wait_for

FAST = 0.1
"""Seconds between two ticks of every poll timer in this test: they fire all the time."""


def screen_text(app: DeskApp) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def f9_twice(pilot: Pilot[None], english: str, chinese: str) -> None:
    """F9 to Chinese, then F9 back to English; each time the screen on top shows the new language."""
    app = pilot.app
    assert isinstance(app, DeskApp)
    screen = app.screen
    for language, word in (("zh-CN", chinese), ("en", english)):
        await pilot.press("f9")
        assert app.settings.language == language
        assert app.screen is screen, f"F9 changed the screen on {type(screen).__name__}"
        await wait_for(pilot, lambda word=word: word in screen_text(app))
        await pilot.pause(5 * FAST)  # a few poll ticks on the new widgets


async def f9_on_dialog(pilot: Pilot[None], close: str, english: str, chinese: str) -> None:
    """F9 three times on a dialog, then closed: the screen under it shows the language chosen meanwhile."""
    app = pilot.app
    assert isinstance(app, DeskApp)
    dialog = app.screen
    for language in ("zh-CN", "en", "zh-CN"):
        await pilot.press("f9")
        assert app.settings.language == language
        assert app.screen is dialog, f"F9 closed {type(dialog).__name__}"
        await pilot.pause(5 * FAST)
    await pilot.press(close)
    await wait_for(pilot, lambda: app.screen is not dialog)
    await wait_for(pilot, lambda: chinese in screen_text(app))
    await pilot.press("f9")
    await wait_for(pilot, lambda: english in screen_text(app))


@pytest.fixture
def fast_polls(monkeypatch: pytest.MonkeyPatch) -> None:
    import deskui.screens.calls.screen as calls
    import deskui.screens.handover.dutylog as dutylog
    import deskui.screens.handover.keylog as keys
    import deskui.screens.handover.screen as handover
    import deskui.screens.tickets.detail as ticket_detail
    import deskui.screens.tickets.screen as tickets

    monkeypatch.setattr(calls, "LIVE_REFRESH_SECONDS", FAST)
    monkeypatch.setattr(calls, "AUTOSAVE_SECONDS", FAST)
    for module in (dutylog, handover, keys, ticket_detail, tickets):
        monkeypatch.setattr(module, "POLL_SECONDS", FAST)


@pytest.fixture
def two_languages(monkeypatch: pytest.MonkeyPatch) -> None:
    """F9 toggles English and Simplified Chinese only: the every-screen walk checks the switch, not the cycle (four
    languages would double its 70 s); test_f9_cycles_the_four_languages walks the cycle."""
    import deskui.app

    monkeypatch.setattr(deskui.app, "LANGUAGES", ("zh-CN", "en"))


async def goto(pilot: Pilot[None], key: str, kind: type) -> None:
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, kind))


async def test_f9_cycles_the_four_languages(app: DeskApp) -> None:
    """F9: English → 简体 → 繁體 (Hong Kong) → 繁體 (Taiwan) → English, each drawn at once (issue 12)."""
    async with app.run_test(size=(80, 24)) as pilot:
        await operators_listed(pilot)
        assert app.settings.language == "en"
        for language, word in (("zh-CN", "登录"), ("zh-HK", "登入"), ("zh-TW", "登入"), ("en", "Sign in")):
            await pilot.press("f9")
            assert app.settings.language == language
            await wait_for(pilot, lambda word=word: word in screen_text(app))
            if language in ("zh-HK", "zh-TW"):
                assert "登录" not in screen_text(app)


async def test_f9_twice_on_every_screen_and_dialog(app: DeskApp, fast_polls: None, two_languages: None) -> None:
    assert app.services is not None
    call = app.services.calls.record(
        CallInput(content="卫生间漏水", category="repair", unit="3-2-1201", phone="13812345678", caller="张三")
    )
    app.services.tickets.open_from_call(call.id)
    async with app.run_test(size=(120, 40)) as pilot:
        await operators_listed(pilot)
        await f9_twice(pilot, "Sign in", "登录")
        await sign_in(pilot)
        assert isinstance(app.screen, HomeScreen)
        await f9_twice(pilot, "Tickets", "工单")

        # Calls: the form, the log, the read-back, a call's detail; its poll timer firing all along.
        await goto(pilot, "f3", CallsScreen)
        await f9_twice(pilot, "Tickets", "工单")
        screen = app.screen
        await pilot.press(*"13812345678", "enter")  # a known caller: caller and unit filled, on to the category
        await wait_for(pilot, lambda: screen.query_one("#call-unit", Input).value == "3栋2单元1201")
        await pilot.press("r", *"drain", "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ReadBackScreen))
        await f9_on_dialog(pilot, "escape", "Tickets", "工单")
        assert isinstance(app.screen, CallsScreen)
        await pilot.press("ctrl+g", "enter", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CallDetailScreen))
        await f9_on_dialog(pilot, "escape", "Tickets", "工单")
        assert isinstance(app.screen, CallsScreen)

        # Tickets, a ticket's detail and a form on it; then an action after the switch.
        await goto(pilot, "f4", TicketsScreen)
        await f9_twice(pilot, "Tickets", "工单")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TicketDetailScreen))
        await f9_twice(pilot, "History", "处理记录")
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, TicketFormScreen))
        await f9_on_dialog(pilot, "escape", "History", "处理记录")
        assert isinstance(app.screen, TicketDetailScreen)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, TicketFormScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, TicketDetailScreen))

        # Handover: the checklist and each view, each replacing the one before (switch_screen).
        await goto(pilot, "f5", HandoverScreen)
        await f9_twice(pilot, "Handover", "交接班")
        for key, kind in (("l", DutyLogScreen), ("k", KeyLogScreen), ("r", RosterScreen), ("v", ReviewScreen)):
            await goto(pilot, key, kind)
            await f9_twice(pilot, "Handover", "交接班")
        await goto(pilot, "escape", HandoverScreen)
        await f9_twice(pilot, "Handover", "交接班")

        await goto(pilot, "f6", DirectoryScreen)
        await f9_twice(pilot, "Directory", "住户资料")
        await goto(pilot, "f7", ReportsScreen)
        await f9_twice(pilot, "Reports", "报表")
        await goto(pilot, "f1", HelpScreen)
        await f9_twice(pilot, "Keys", "按键一览")
        await pilot.press("f9")  # Textual's own key descriptions (the table's) in Chinese too
        await wait_for(pilot, lambda: "按键一览" in screen_text(app))
        untranslated = [
            word for word in ("Cursor", "Page Left", "Page Right", "Top", "Bottom") if word in screen_text(app)
        ]
        assert not untranslated, screen_text(app)
        await pilot.press("f9")
        await goto(pilot, "escape", ReportsScreen)

        # The lock screen, over a section; unlocked, the section is in the language chosen on the lock.
        await goto(pilot, "ctrl+l", SignInScreen)
        await operators_listed(pilot)
        await f9_twice(pilot, "Screen locked", "屏幕已锁定")
        await pilot.press(*"1111", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReportsScreen))
        assert isinstance(app.screen, DeskScreen)
        for key, mode in (("f2", "home"), ("f3", "calls"), ("f4", "tickets"), ("f5", "handover"), ("f6", "directory")):
            await pilot.press(key)
            await wait_for(pilot, lambda mode=mode: app.current_mode == mode)
            await f9_twice(pilot, "Tickets", "工单")


async def test_f9_on_the_help_redraws_the_header_under_it_at_once(
    app: DeskApp, monkeypatch: pytest.MonkeyPatch, two_languages: None
) -> None:
    """The header under a dialog named the shift and the sections in the language before F9 until its next clock
    tick (a second, more on a loaded machine): read then, it told the wrong language (the real-terminal day took
    its cue from it and fell out of step). The clock tick is stopped here, so only the language change can redraw."""
    from deskui.widgets.header import DeskHeader

    monkeypatch.setattr(DeskHeader, "tick", lambda self: None)
    async with app.run_test(size=(80, 24)) as pilot:
        await operators_listed(pilot)
        await sign_in(pilot)
        await goto(pilot, "f7", ReportsScreen)
        await goto(pilot, "f1", HelpScreen)
        english = app.settings.language == "en"
        await pilot.press("f9")
        await wait_for(pilot, lambda: ("按键一览" in screen_text(app)) == english)
        header = screen_text(app).splitlines()[1]
        assert ("F3 来电登记" in header) == english, header
        await pilot.press("f9")
        await wait_for(pilot, lambda: ("按键一览" in screen_text(app)) != english)
        header = screen_text(app).splitlines()[1]
        assert ("F3 Calls" in header) == english, header
