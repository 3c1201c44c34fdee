"""Issue 10 defect 9, follow-up: the urgent banner on the lock screen and on the sign-in screen.

A night terminal locked by the idle lock, or not signed in yet, still tells that an urgent call waits: the ticket's
number, its unit and how long ago, and that F8 opens it once signed in. It tells nothing more (no description), it
follows the same live refresh as the banner in every section's header, and it never takes the focus or a key from
the PIN field.
"""

from __future__ import annotations

from deskui.app import DeskApp, make_app
from deskui.screens.signin import SignInScreen
from deskui.services.calls import CallInput
from deskui.widgets.signin_fields import PinField
from deskui.widgets.urgent_banner import UrgentBanner
from tests.functional.helpers import operators_listed, sign_in, wait_for

TRAPPED = "有人被困电梯，老人和小孩"


def urgent_call(services):  # type: ignore[no-untyped-def]
    """Another terminal (or a script) saves an urgent call: its ticket is open at once (defect 9)."""
    call = services.calls.record(
        CallInput(content=TRAPPED, category="help", unit="3-2-1201", phone="13812345678", caller="张三", urgent=True)
    )
    (opened,) = services.tickets.tickets_of_call(call.id)
    return opened


def shown(banner: UrgentBanner) -> str:
    return str(banner.render()) if banner.display else ""


async def test_urgent_call_shows_on_the_lock_screen_until_dispatched(app: DeskApp, clock) -> None:  # type: ignore[no-untyped-def]
    assert app.services is not None
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+l")  # locked, as the idle lock does it
        await wait_for(pilot, lambda: isinstance(app.screen, SignInScreen))
        lock = app.screen
        assert isinstance(lock, SignInScreen) and lock.is_lock_screen
        await operators_listed(pilot)
        pin = lock.query_one("#signin-pin", PinField)
        await pilot.press("1")  # half-way through the PIN when the call comes in

        opened = urgent_call(app.services)
        banner = lock.query_one(UrgentBanner)
        await wait_for(pilot, lambda: opened.number in shown(banner))
        text = shown(banner)
        assert "3-2-1201" in text and "just now" in text and "Sign in, then F8 opens it" in text
        assert "电梯" not in text, "a locked screen tells that it waits, not what it is"
        assert not banner.can_focus and app.focused is pin
        clock.advance(minutes=4)
        await wait_for(pilot, lambda: "4 min ago" in shown(banner))

        await pilot.press("1", "1")  # the keys still go to the PIN
        assert pin.value == "111" and app.focused is pin

        supervisor = app.services.operators.by_name("陈静")
        app.services.tickets.dispatch(opened.id, opened.version, "security", operator=supervisor)
        await wait_for(pilot, lambda: not banner.display)
        assert app.focused is pin and pin.value == "111"
        await pilot.press("1", "enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, SignInScreen))


async def test_urgent_call_shows_on_the_sign_in_screen_once_the_database_is_open(
    settings, clock, desk_services
) -> None:  # type: ignore[no-untyped-def]
    """The terminal just started (it opens the database itself): nobody signed in, an urgent ticket waits."""
    app = make_app(settings.with_overrides(language="zh-CN"), clock=clock)
    opened = urgent_call(desk_services)
    clock.advance(minutes=7)
    async with app.run_test(size=(100, 30)) as pilot:
        await operators_listed(pilot)
        signin = app.screen
        assert isinstance(signin, SignInScreen) and not signin.is_lock_screen
        banner = signin.query_one(UrgentBanner)
        await wait_for(pilot, lambda: opened.number in shown(banner))
        text = shown(banner)
        assert "紧急，无人接单：" in text and "3-2-1201" in text and "7 分钟前" in text and "登录后按 F8 打开" in text
        assert "电梯" not in text
        assert app.focused is signin.query_one("#signin-pin", PinField)
        await pilot.press("f9")  # in the next language (zh-HK), in place
        await wait_for(pilot, lambda: "登入後按 F8 打開" in shown(banner))
        await pilot.press(*"1111", "enter")
        await wait_for(pilot, lambda: app.operator is not None and not isinstance(app.screen, SignInScreen))
        await pilot.press("f8")  # signed in: F8 opens it
        from deskui.screens.tickets.detail import TicketDetailScreen

        await wait_for(pilot, lambda: isinstance(app.screen, TicketDetailScreen))
        assert app.screen.ticket_id == opened.id  # type: ignore[attr-defined]


async def test_urgent_call_shows_in_the_header_under_a_dialog(app: DeskApp) -> None:
    """A form or the help is open over a section (the header shows through, dimmed): an urgent call saved meanwhile
    shows in that header at once, not only once the dialog is closed."""
    from deskui.screens.calls import CallsScreen
    from deskui.screens.help import HelpScreen

    assert app.services is not None
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, CallsScreen))
        calls = app.screen
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        opened = urgent_call(app.services)
        banner = calls.query_one(UrgentBanner)
        await wait_for(pilot, lambda: opened.number in shown(banner))
        assert isinstance(app.screen, HelpScreen)
