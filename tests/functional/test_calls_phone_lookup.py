"""The call form's phone lookup, answered out of order (the day on a terminal, en burst, CI at 5bacf61): typed fast
on a loaded machine, a lookup for the digits typed so far (1539105) answered between two keys and filled another
resident; the whole number's answer then found the caller field taken and the call was about to be saved under the
wrong name. Fixed in 8e6fcd1; these tests drive the form's lookup step by step, so the order is the test's."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from deskui.app import DeskApp
from deskui.services.calls import CallerLookup
from tests.functional.helpers import wait_for
from tests.functional.test_calls_screen import open_calls

PREFIX, WHOLE = "1539105", "15391058337"


@pytest.fixture
def lookups(app: DeskApp, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two residents; the prefix of one's number is answered with the other (as a search on a prefix can be)."""
    services = app.services
    assert services is not None
    directory = services.directory
    directory.add_resident("姚文静", "3-2-1202", "13915391050")
    directory.add_resident("姚晓东", "5-1-302", WHOLE)
    answers = {
        PREFIX: CallerLookup(PREFIX, tuple(directory.lookup_phone("13915391050")), ()),
        WHOLE: CallerLookup(WHOLE, tuple(directory.lookup_phone(WHOLE)), ()),
    }
    monkeypatch.setattr(services.calls, "lookup_caller", lambda phone: answers[phone])


async def set_phone(pilot, screen, value: str) -> None:  # type: ignore[no-untyped-def]
    """The phone field holds `value`, without the lookup its Changed message starts (the test runs the lookups)."""
    screen.restoring = True
    screen.query_one("#call-phone", Input).value = value
    await pilot.pause()
    screen.restoring = False


@pytest.mark.usefixtures("lookups")
async def test_whole_number_replaces_what_a_prefix_filled(app: DeskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_calls(pilot)
        await set_phone(pilot, screen, PREFIX)
        await screen.fill_from_phone(PREFIX)
        assert screen.query_one("#call-caller", Input).value == "姚文静"
        await set_phone(pilot, screen, WHOLE)
        await screen.fill_from_phone(WHOLE)
        assert screen.query_one("#call-caller", Input).value == "姚晓东"
        assert "302" in screen.query_one("#call-unit", Input).value


@pytest.mark.usefixtures("lookups")
async def test_an_answer_for_a_number_no_longer_typed_is_dropped(app: DeskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_calls(pilot)
        await set_phone(pilot, screen, WHOLE)
        await screen.fill_from_phone(PREFIX)  # the prefix's answer lands after the whole number is in
        assert screen.query_one("#call-caller", Input).value == ""
        await screen.fill_from_phone(WHOLE)
        assert screen.query_one("#call-caller", Input).value == "姚晓东"


@pytest.mark.usefixtures("lookups")
async def test_a_caller_typed_by_hand_is_kept(app: DeskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_calls(pilot)
        await set_phone(pilot, screen, PREFIX)
        await screen.fill_from_phone(PREFIX)
        screen.query_one("#call-caller", Input).value = "姚先生"
        await pilot.pause()
        await set_phone(pilot, screen, WHOLE)
        await screen.fill_from_phone(WHOLE)
        assert screen.query_one("#call-caller", Input).value == "姚先生"


NEW_CALLER = {
    "en": "New caller: this number is not known",
    "zh-CN": "新来电人：此号码无记录",
    "zh-HK": "新來電人：此號碼無記錄",
    "zh-TW": "新來電人：此號碼無記錄",
}


@pytest.mark.parametrize("language", list(NEW_CALLER))
async def test_a_number_nobody_knows_says_new_caller_at_80x24(app: DeskApp, language: str) -> None:
    """At 80x24 the side panel (Ctrl+O) says in one line, in the UI language, that the number is a new caller's;
    a known number's line goes when the digits change to an unknown one."""
    from textual.widgets import Static

    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_calls(pilot)
        await app.set_language(language)
        await pilot.pause()
        info = screen.query_one("#call-caller-info", Static)
        await set_phone(pilot, screen, "13800009999")
        await screen.fill_from_phone("13800009999")
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: screen.has_class("-side") and info.region.height > 0)
        assert str(info.render()) == NEW_CALLER[language]
        assert info.region.height == 1
