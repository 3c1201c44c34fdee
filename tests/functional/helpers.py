"""Small waits for Pilot tests: the app does its database work in threads, so tests wait for a condition."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot

from deskui.app import DeskApp
from deskui.screens.signin import SignInScreen
from deskui.widgets.signin_fields import OperatorPicker


async def wait_for(pilot: Pilot[None], condition: Callable[[], bool], timeout: float = 5.0) -> None:
    steps = int(timeout / 0.05)
    for _ in range(steps):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition not met in time")


async def operators_listed(pilot: Pilot[None]) -> None:
    app = pilot.app
    await wait_for(
        pilot,
        lambda: (
            isinstance(app.screen, SignInScreen)
            and app.screen.query_one("#signin-operators", OperatorPicker).option_count > 0
        ),
    )


async def sign_in(pilot: Pilot[None], pin: str = "1111", index: int = 0) -> None:
    """Pick the operator at `index` with the arrow keys and type the PIN, as a person would."""
    await operators_listed(pilot)
    for _ in range(index):
        await pilot.press("down")
    await pilot.press(*pin, "enter")
    app = pilot.app
    assert isinstance(app, DeskApp)
    await wait_for(pilot, lambda: app.operator is not None and not isinstance(app.screen, SignInScreen))
