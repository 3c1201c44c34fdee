"""deskui.widgets.settling: a screen is settled once the work it started for what it shows has ended."""

from __future__ import annotations

import asyncio

from textual import work
from textual.app import App
from textual.screen import Screen

from deskui.widgets.settling import settled, settles, unsettled


class LookupScreen(Screen[None]):
    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()
        self.shown: list[str] = []

    @settles
    @work(exclusive=True, group="lookup")
    async def lookup(self, term: str) -> None:
        await self.gate.wait()
        self.shown.append(term)

    @settles
    @work(exclusive=True, group="broken", exit_on_error=False)
    async def broken(self) -> None:
        raise RuntimeError("the database went away")


async def test_settled_waits_for_the_latest_lookup_cancelled_and_failed_ones_end_it_too() -> None:
    screen = LookupScreen()
    async with App[None]().run_test() as pilot:
        await pilot.app.push_screen(screen)
        screen.lookup("3-2")
        screen.lookup("3-2-1201")  # exclusive: the first is cancelled
        screen.broken()
        assert len(unsettled(screen)) >= 1
        waiting = asyncio.create_task(settled(screen))
        await pilot.pause()
        assert not waiting.done()  # the lookup still waits on its gate
        screen.gate.set()
        await asyncio.wait_for(waiting, 10)
        assert unsettled(screen) == [] and screen.shown == ["3-2-1201"]


async def test_a_screen_with_nothing_started_is_settled() -> None:
    async with App[None]().run_test() as pilot:
        await asyncio.wait_for(settled(pilot.app.screen), 10)
