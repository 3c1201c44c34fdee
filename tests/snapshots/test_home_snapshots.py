"""Pictures of the home screen showing today (issue 14), per role: the day desk at 14:00 (王芳), the night shift at
19:00 after the day's handover (李强), the supervisor at 14:00 (陈静); in both languages, at the desk's two sizes.
Seeded through the services with the clock frozen (tests.functional.test_home_today.seed_today)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from deskui.core.clock import FrozenClock
from deskui.screens.home import HomeScreen
from deskui.widgets.header import DeskHeader
from tests.functional.helpers import sign_in, wait_for
from tests.functional.test_home_today import hand_over_the_day, seed_today
from tests.snapshots.conftest import still
from tests.snapshots.matrix import LANGUAGES, SIZES

ROLES = {"receptionist": ("1111", 0), "night": ("2222", 1), "supervisor": ("3333", 2)}


@pytest.fixture
def today_app(snap_app, clock: FrozenClock):  # type: ignore[no-untyped-def]
    seeded = False

    def factory(language: str, role: str):  # type: ignore[no-untyped-def]
        nonlocal seeded
        app = snap_app(language)
        if not seeded:
            seed_today(app.services, clock)
            if role == "night":
                hand_over_the_day(app.services, clock)
            seeded = True
        return app

    return factory


def at_home(role: str) -> Callable[[Pilot[None]], Any]:
    pin, index = ROLES[role]

    async def run(pilot: Pilot[None]) -> None:
        await sign_in(pilot, pin, index)
        app = pilot.app
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen) and app.screen.loaded)
        header = app.screen.query_one(DeskHeader)
        await wait_for(pilot, lambda: header.duty.on_duty != "" or header.fetched_at >= 0)

    return run


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", list(ROLES))
def test_home_today(snap_compare, today_app, role, language, size) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(today_app(language, role), terminal_size=size, run_before=still(at_home(role)))
