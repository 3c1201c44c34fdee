"""The call form at a Hong Kong desk (issue 12): a resident whose number is in the directory as 6234 5678 calls and
the receptionist types it as dialled from abroad (00852 6234 5678); the lookup fills the caller and the unit, and the
call is saved under the unit's key whatever its spelling. An extension written 轉 (Traditional) is not "letters"."""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.widgets import Input, Label

from deskui.app import DeskApp
from deskui.core.config import Settings, load_settings
from deskui.screens.calls.readback import ReadBackScreen
from tests.functional.helpers import wait_for
from tests.functional.test_calls_screen import open_calls, saved_calls, type_text


@pytest.fixture
def settings(database_url: str) -> Settings:
    """A site in Hong Kong: a local 8-digit number is a Hong Kong number."""
    return replace(load_settings(database_url=database_url, language="en", environ={}), time_zone="Asia/Hong_Kong")


@pytest.fixture
def desk_services(desk_services):  # type: ignore[no-untyped-def]
    desk_services.directory.add_unit("A座12樓B室")
    desk_services.directory.add_resident("陳大文", "A-12B", "6234 5678")
    return desk_services


async def test_a_hong_kong_number_dialled_from_abroad_finds_the_resident(app: DeskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_calls(pilot)
        await type_text(pilot, "00852 6234 5678")
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.query_one("#call-caller", Input).value == "陳大文")
        assert "-shown" not in screen.query_one("#error-phone", Label).classes
        await pilot.press("r")
        await type_text(pilot, "leak")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ReadBackScreen))
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(saved_calls(app)) == 1)
        call = saved_calls(app)[0]
        assert (call.caller, call.phone) == ("陳大文", "00852 6234 5678")
        assert app.services is not None
        assert [c.id for c in app.services.calls.lookup_caller("6234 5678").recent] == [call.id]
        assert [c.id for c in app.services.calls.list(unit="A座12楼B室")] == [call.id]


async def test_an_extension_in_traditional_is_not_letters(app: DeskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_calls(pilot)
        await type_text(pilot, "02-2345-6789 轉 12")
        assert screen.query_one("#call-phone", Input).value == "02-2345-6789 轉 12"
        await pilot.pause()
        assert "-shown" not in screen.query_one("#error-phone", Label).classes
        await type_text(pilot, "x")
        await type_text(pilot, "y")
        await wait_for(pilot, lambda: "-shown" in screen.query_one("#error-phone", Label).classes)
