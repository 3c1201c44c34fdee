"""The colour theme chosen is remembered across restarts (core.userstate), and a screen built before the change is
redrawn in the new theme's colours (issue 12)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from deskui.app import make_app
from deskui.core.clock import FrozenClock
from deskui.core.config import Settings
from deskui.core.userstate import read_state, remember, state_file
from deskui.screens.home import HomeScreen
from tests.functional.helpers import sign_in, wait_for


async def test_the_theme_chosen_is_there_after_a_restart(
    settings: Settings,
    clock: FrozenClock,
    desk_services,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    state = tmp_path / "state.toml"
    first = make_app(settings, clock=clock, services=desk_services, state_file=state)
    async with first.run_test(size=(80, 24)) as pilot:
        assert first.theme == "textual-dark"
        await sign_in(pilot)
        await wait_for(pilot, lambda: isinstance(first.screen, HomeScreen))
        home = first.screen
        assert home.drawn_theme == "textual-dark"
        first.theme = "textual-light"
        await wait_for(pilot, lambda: state.is_file() and home.drawn_theme == "textual-light")
    assert tomllib.loads(state.read_text(encoding="utf-8")) == {"theme": "textual-light"}

    again = make_app(settings, clock=clock, services=desk_services, state_file=state)
    async with again.run_test(size=(80, 24)):
        assert again.theme == "textual-light"


async def test_an_unknown_or_unreadable_state_keeps_the_default(
    settings: Settings,
    clock: FrozenClock,
    desk_services,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    state = tmp_path / "state.toml"
    for text in ('theme = "no-such-theme"', "not toml", "theme = [1, 2]", '{"theme": "textual-light"}'):
        state.write_text(text, encoding="utf-8")
        app = make_app(settings, clock=clock, services=desk_services, state_file=state)
        async with app.run_test(size=(80, 24)):
            assert app.theme == "textual-dark"


async def test_an_app_without_a_state_file_remembers_nothing(
    settings: Settings,
    clock: FrozenClock,
    desk_services,  # type: ignore[no-untyped-def]
) -> None:
    """Tests make apps without one: a theme one test sets never reaches another's pictures."""
    app = make_app(settings, clock=clock, services=desk_services)
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = "textual-light"
        await pilot.pause()
    assert not state_file().exists()


def test_the_state_file_keeps_any_text_exactly(tmp_path: Path) -> None:
    """Written by hand-made TOML (json is not loaded at start-up): quotes, backslashes, controls, Chinese."""
    state = tmp_path / "state.toml"
    odd = 'a"b\\c\n\x7f\t主题'
    assert remember(state, "theme", odd) and remember(state, "other", "x")
    assert read_state(state) == {"theme": odd, "other": "x"}
