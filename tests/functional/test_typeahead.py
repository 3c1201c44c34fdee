"""Keys typed ahead (issue 10, defect 3): every key goes to the field that had focus when it was typed, in order,
none lost, however slow the app is.

Each test posts its whole key sequence to the app at once, as a fast typist on a loaded machine delivers it (the
app takes the keys from its queue long before the first one has been handled), then waits for the keys to settle
and reads the database back through the services. Pilot's `press` is not used for the sequence itself: it pauses
after every key, and it drops full-width characters.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from textual import events
from textual.keys import _character_to_key
from textual.pilot import Pilot
from textual.widgets import Input

from deskui.app import DeskApp
from deskui.screens.calls import CallsScreen
from deskui.screens.forms import FormScreen
from deskui.screens.handover import HandoverScreen
from deskui.screens.handover.keylog import KeyLogScreen
from deskui.screens.tickets import TicketsScreen
from tests.functional.helpers import sign_in, wait_for
from tests.functional.test_handover_screen import LI, begin_and_join, night, open_checklist  # noqa: F401

TAB, ENTER = "tab", "enter"


def key_event(key: str) -> events.Key:
    """The event a terminal delivers: a printable character (CJK too) with its key name, or a named key."""
    if len(key) == 1:
        return events.Key(_character_to_key(key), key)
    return events.Key(key, " " if key == "space" else None)


def typed(*parts: str) -> list[str]:
    """Named keys as they are ("tab"), every other part character by character."""
    keys: list[str] = []
    for part in parts:
        keys.extend([part] if part in (TAB, ENTER, "f3", "f4", "f9", "ctrl+s") else list(part))
    return keys


async def type_ahead(pilot: Pilot[None], keys: list[str]) -> None:
    """All keys into the app's queue in one go, then wait until they (and what they started) have settled."""
    app = pilot.app
    for key in keys:
        app.post_message(key_event(key))
    settled = getattr(app, "keys_settled", None)
    if settled is not None:
        await settled()
    await pilot.pause()


async def key_log(pilot: Pilot[None]) -> None:
    await sign_in(pilot)
    await pilot.press("f5")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, HandoverScreen))
    await pilot.press("k")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, KeyLogScreen) and pilot.app.screen.loaded)


async def test_key_loan_typed_ahead_lands_field_by_field(app: DeskApp) -> None:
    services = app.services
    assert services is not None
    async with app.run_test(size=(120, 40)) as pilot:
        await key_log(pilot)
        # N opens the form; the due time is left empty (end of the shift); Enter in the last field saves.
        await type_ahead(pilot, ["n", *typed("K-20", TAB, "保安老王", TAB, TAB, "夜间巡逻", ENTER)])
        await wait_for(pilot, lambda: len(services.keys.out()) == 1)
        (loan,) = services.keys.out()
        assert (loan.tag, loan.borrower, loan.purpose) == ("K-20", "保安老王", "夜间巡逻")
        assert not isinstance(app.screen, FormScreen)


async def test_spaces_typed_ahead_are_kept(app: DeskApp) -> None:
    services = app.services
    assert services is not None
    async with app.run_test(size=(120, 40)) as pilot:
        await key_log(pilot)
        keys = ["n", *typed("K-12"), "space", *typed("2栋电梯机房", TAB, "电工"), "space"]
        keys += [*typed("老周", TAB, TAB, "换"), "space", *typed("灯", ENTER)]
        await type_ahead(pilot, keys)
        await wait_for(pilot, lambda: len(services.keys.out()) == 1)
        (loan,) = services.keys.out()
        assert (loan.tag, loan.borrower, loan.purpose) == ("K-12 2栋电梯机房", "电工 老周", "换 灯")


def slow_forms(app: DeskApp, monkeypatch: pytest.MonkeyPatch) -> tuple[asyncio.Event, asyncio.Event]:
    """Forms mount only once the test sets the gate (`mounting` tells it one is waiting): the keys typed after the
    key that opens a form reach the app before the form is there, whatever the machine's load."""
    mounting, gate = asyncio.Event(), asyncio.Event()
    mount = FormScreen.on_mount

    async def slow_mount(self: FormScreen) -> None:
        mounting.set()
        await gate.wait()
        mount(self)

    monkeypatch.setattr(FormScreen, "on_mount", slow_mount)
    if hasattr(app, "keys"):
        app.keys.settle_seconds = 60  # the test, not a timeout, decides when the form is ready
    return mounting, gate


async def test_ideographic_space_is_typed_not_dropped(app: DeskApp) -> None:
    """A Chinese input method in full-width mode types U+3000 for the space bar. Textual calls that key not printable
    and its Input drops it, so 'K-12　2栋电梯机房' became 'K-122栋电梯机房'. It is typed like any character; the key's
    tag reads it as a space (NFKC), free text keeps it as typed."""
    services = app.services
    assert services is not None
    async with app.run_test(size=(120, 40)) as pilot:
        await key_log(pilot)
        keys = ["n", *typed("K-12\u30002栋电梯机房", TAB, "电工\u3000老周", TAB, TAB, "换灯", ENTER)]
        await type_ahead(pilot, keys)
        await wait_for(pilot, lambda: len(services.keys.out()) == 1)
        (loan,) = services.keys.out()
        assert (loan.tag, loan.borrower, loan.purpose) == ("K-12 2栋电梯机房", "电工\u3000老周", "换灯")


async def test_count_form_typed_ahead(
    app: DeskApp,
    night: dict[str, Any],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """'1 e 3 ⇥ why ⏎ who ⏎ ↓ e 2 ⏎' in one go: the reason goes to the reason, the next count to the next row."""
    services = app.services
    assert services is not None
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_checklist(pilot, LI)
        handover_id = await begin_and_join(pilot, screen, services)
        mounting, gate = slow_forms(app, monkeypatch)
        keys = typed("1", "e", "3", TAB, "夜里借给保安巡逻", ENTER, "保安")
        keys += ["space", *typed("老赵", ENTER), "down", *typed("e", "2", ENTER)]
        for key in keys:
            app.post_message(key_event(key))
        await mounting.wait()
        gate.set()
        await type_ahead(pilot, [])
        await wait_for(pilot, lambda: services.handover.state(handover_id).counts[1].counted is not None)
        first, second = services.handover.state(handover_id).counts[:2]
        assert (first.counted, first.explanation, first.holder) == (3, "夜里借给保安巡逻", "保安 老赵")
        assert (second.counted, second.explanation, second.holder) == (2, "", "")


async def test_call_typed_right_after_switching_section(app: DeskApp) -> None:
    """F4, then F3 and the whole call at once: phone, Enter (the lookup fills caller and unit), r, the content."""
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await pilot.press("f4")
        await wait_for(pilot, lambda: isinstance(app.screen, TicketsScreen))
        await type_ahead(pilot, typed("f3", "13812345678", ENTER, "r", "厨房水管漏水", "ctrl+s", ENTER))
        assert app.services is not None
        await wait_for(pilot, lambda: len(app.services.calls.list(limit=10)) == 1)  # type: ignore[union-attr]
        (call,) = app.services.calls.list(limit=10)
        assert (call.phone, call.caller, call.unit, call.category, call.content) == (
            "13812345678",
            "张三",
            "3栋2单元1201",
            "repair",
            "厨房水管漏水",
        )


async def test_language_switch_keeps_focus_and_the_keys_after_it(app: DeskApp) -> None:
    """F9 on the call form, then digits and Tab at once: the digits in the phone, Tab on to the caller."""
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, CallsScreen))
        screen = app.screen
        assert screen.focused is screen.query_one("#call-phone", Input)
        await type_ahead(pilot, typed("f9", "1391234", TAB, "王"))
        assert screen.query_one("#call-phone", Input).value == "1391234"
        assert screen.query_one("#call-caller", Input).value == "王"
        assert screen.focused is screen.query_one("#call-caller", Input)


async def test_slow_form_mount_loses_no_key(app: DeskApp, monkeypatch: pytest.MonkeyPatch) -> None:
    """The key-loan form's mount is held back until the test lets it go: every key typed meanwhile waits for it."""
    services = app.services
    assert services is not None
    async with app.run_test(size=(120, 40)) as pilot:
        await key_log(pilot)
        mounting, gate = slow_forms(app, monkeypatch)
        for key in ["n", *typed("K-20", TAB, "保安老王", TAB, TAB, "夜间巡逻", ENTER)]:
            app.post_message(key_event(key))
        await mounting.wait()  # the form is on its way, every key already in the app's queue
        gate.set()
        await type_ahead(pilot, [])
        await wait_for(pilot, lambda: len(services.keys.out()) == 1)
        (loan,) = services.keys.out()
        assert (loan.tag, loan.borrower, loan.purpose) == ("K-20", "保安老王", "夜间巡逻")


async def test_slow_phone_lookup_loses_no_key(app: DeskApp, monkeypatch: pytest.MonkeyPatch) -> None:
    """Enter after the phone waits for the lookup (held back by the test): the keys after it wait too."""
    looking, gate = asyncio.Event(), asyncio.Event()
    fill = CallsScreen.fill_from_phone

    async def slow_fill(self: CallsScreen, phone: str) -> None:
        looking.set()
        await gate.wait()
        await fill(self, phone)

    monkeypatch.setattr(CallsScreen, "fill_from_phone", slow_fill)
    if hasattr(app, "keys"):
        app.keys.settle_seconds = 60  # the test, not a timeout, decides when the lookup is done
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, CallsScreen))
        screen = app.screen
        for key in typed("13812345678", ENTER, "r", "漏水"):
            app.post_message(key_event(key))
        await looking.wait()
        gate.set()
        await type_ahead(pilot, [])
        assert screen.query_one("#call-phone", Input).value == "13812345678"
        assert screen.query_one("#call-caller", Input).value == "张三"
        assert screen.query_one("#call-category").value == "repair"  # type: ignore[attr-defined]
        assert screen.query_one("#call-content").text == "漏水"  # type: ignore[attr-defined]


def typed_in(screen: CallsScreen, text: str) -> bool:
    """`text` has reached the form, in whichever field."""
    content = screen.query_one("#call-content").text  # type: ignore[attr-defined]
    return text in screen.query_one("#call-phone", Input).value + content


def held(app: DeskApp) -> bool:
    """Keys are waiting for a hold to be released."""
    keys = getattr(app, "keys", None)
    return keys is not None and bool(keys.holds) and bool(keys.pending)


async def test_next_call_typed_while_the_last_one_saves(app: DeskApp, monkeypatch: pytest.MonkeyPatch) -> None:
    """Enter on the read-back saves the call in a worker, held back here until the next caller's phone has been
    typed (or is being held for after the save): that phone is kept, not cleared with the form."""
    services = app.services
    assert services is not None
    release = threading.Event()
    record = services.calls.record

    def slow_record(*args: Any, **kwargs: Any) -> Any:
        release.wait(60)
        return record(*args, **kwargs)

    monkeypatch.setattr(services.calls, "record", slow_record)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, CallsScreen))
        screen = app.screen
        assert isinstance(screen, CallsScreen)
        for key in typed("13812345678", ENTER, "r", "漏水", "ctrl+s", ENTER, "13900001111"):
            app.post_message(key_event(key))
        await wait_for(pilot, lambda: typed_in(screen, "13900001111") or held(app), timeout=30)
        release.set()
        await type_ahead(pilot, [])
        await wait_for(pilot, lambda: len(services.calls.list(limit=10)) == 1)
        (call,) = services.calls.list(limit=10)
        assert (call.phone, call.content) == ("13812345678", "漏水")
        assert screen.query_one("#call-phone", Input).value == "13900001111"
        assert screen.query_one("#call-content").text == ""  # type: ignore[attr-defined]
