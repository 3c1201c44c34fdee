"""Snapshot fixtures: a frozen clock, no cursor blink, data that never changes between runs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from deskui.app import DeskApp, make_app
from deskui.clock import FrozenClock
from deskui.config import Settings, load_settings
from tests.functional.conftest import seed_desk
from tests.functional.helpers import operators_listed, sign_in


@pytest.fixture
def snap_app(db_path, clock: FrozenClock):  # type: ignore[no-untyped-def]
    """An app factory per language over one seeded database."""
    from deskui.services import open_services

    base = load_settings(database_url=str(db_path), language="en", environ={})
    services = seed_desk(open_services(base, clock))

    def factory(language: str) -> DeskApp:
        settings: Settings = base.with_overrides(language=language)
        return make_app(settings, clock=clock, services=services)

    yield factory
    services.close()


def still(action: Callable[[Pilot[None]], Awaitable[None]]) -> Callable[[Pilot[None]], Awaitable[None]]:
    """Run `action`, then stop every cursor blinking so the picture is the same every time."""

    async def run(pilot: Pilot[None]) -> None:
        await action(pilot)
        # Lookups, the header's duty line and live polls run in workers: let them land before the picture.
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.2)
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        for area in pilot.app.screen.query(TextArea):
            area.cursor_blink = False
            area.highlight_cursor_line = False  # drawn or not depending on when focus settled: not part of the picture
        await pilot.pause()

    return run


at_sign_in = still(operators_listed)
at_home = still(sign_in)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every snapshot gets five retries: see pyproject.toml (pytest-rerunfailures)."""
    for item in items:
        if "tests/snapshots/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.flaky(reruns=5))
