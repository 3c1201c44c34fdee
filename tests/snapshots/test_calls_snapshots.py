"""Pictures of the call screen: empty, filled in, and at the read-back, at the desk's two sizes."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from deskui.screens.calls import CallsScreen
from deskui.screens.calls.readback import ReadBackScreen
from tests.functional.helpers import sign_in, wait_for
from tests.snapshots.conftest import settle, still
from tests.snapshots.matrix import SIZES


async def _open(pilot: Pilot[None]) -> CallsScreen:
    await sign_in(pilot)
    await pilot.press("f3")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, CallsScreen))
    screen = pilot.app.screen
    assert isinstance(screen, CallsScreen)
    await settle(pilot)
    return screen


async def _fill(pilot: Pilot[None]) -> None:
    screen = await _open(pilot)
    for key in "13812345678":
        await pilot.press(key)
    await pilot.press("enter")
    await wait_for(pilot, lambda: screen.query_one("#call-caller").value == "张三")  # type: ignore[attr-defined]
    await wait_for(pilot, lambda: screen.query_one("#call-residents-list").option_count == 2)  # type: ignore[attr-defined]
    await pilot.press("r")
    for key in "Kitchen pipe leaking [/":
        await pilot.press("space" if key == " " else key)
    await settle(pilot)


async def _read_back(pilot: Pilot[None]) -> None:
    await _fill(pilot)
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ReadBackScreen))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
class TestCallScreen:
    def test_empty(self, snap_compare, snap_app, size) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(snap_app("zh-CN"), terminal_size=size, run_before=still(_open))

    def test_filled(self, snap_compare, snap_app, size) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(snap_app("en"), terminal_size=size, run_before=still(_fill))

    def test_read_back(self, snap_compare, snap_app, size) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(snap_app("zh-CN"), terminal_size=size, run_before=still(_read_back))

    def test_read_back_hong_kong(self, snap_compare, snap_app, size) -> None:  # type: ignore[no-untyped-def]
        """zh-HK (issue 12): the form and the read-back sentence in Traditional, what was typed as typed."""
        assert snap_compare(snap_app("zh-HK"), terminal_size=size, run_before=still(_read_back))
