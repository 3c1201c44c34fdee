"""A background load whose answer comes back while its screen is being taken down (the app quitting, the screen
closed) ends quietly: the widgets it would fill are gone, and that is not a bug to end the app with.

CI met it on the sign-in screen: the operators' list came back from its thread while the test's app shut down, and
`query_one("#signin-operators")` raised NoMatches in the worker, which failed the run."""

from __future__ import annotations

import asyncio

import pytest
from textual import work
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from deskui.widgets.background import background, while_shown


class Answer(Static):
    """Lets the screen's load go on at the moment it is unmounted: the answer arrives mid-teardown."""

    def __init__(self, arrived: asyncio.Event) -> None:
        super().__init__(id="answer")
        self.arrived = arrived

    def on_unmount(self) -> None:
        self.arrived.set()


class LoadingScreen(Screen[None]):
    def __init__(self) -> None:
        super().__init__()
        self.arrived = asyncio.Event()
        self.filled = False

    def compose(self) -> ComposeResult:
        yield Answer(self.arrived)

    def on_mount(self) -> None:
        self.load()

    @work(group="load")
    @background
    async def load(self) -> None:
        await self.arrived.wait()
        self.query_one("#answer", Static).update("here")
        self.filled = True


class LoadingApp(App[None]):
    def on_mount(self) -> None:
        self.push_screen(LoadingScreen())


async def test_an_answer_that_comes_back_during_teardown_ends_quietly() -> None:
    app = LoadingApp()
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LoadingScreen)
    assert screen.arrived.is_set()  # the load did go on while the screen came down
    assert not screen.filled


class SavingScreen(LoadingScreen):
    """A person's own save (not a background run) whose answer comes back as the app quits: the save is done."""

    @work(group="save")
    @while_shown
    async def load(self) -> None:
        await self.arrived.wait()
        self.query_one("#answer", Static).update("saved")
        self.filled = True


class SavingApp(App[None]):
    def on_mount(self) -> None:
        self.push_screen(SavingScreen())


async def test_a_save_whose_answer_comes_back_during_teardown_ends_quietly() -> None:
    app = SavingApp()
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SavingScreen)
    assert screen.arrived.is_set()
    assert not screen.filled


async def test_a_missing_widget_on_a_live_screen_is_still_a_bug() -> None:
    class Broken(LoadingScreen):
        def on_mount(self) -> None:
            self.arrived.set()
            self.query_one("#answer").remove()
            self.load()

    class BrokenApp(App[None]):
        def on_mount(self) -> None:
            self.push_screen(Broken())

    with pytest.raises(Exception) as raised:
        async with BrokenApp().run_test() as pilot:
            await pilot.pause()
            await pilot.pause()
    assert "No nodes match '#answer'" in str(raised.value)
