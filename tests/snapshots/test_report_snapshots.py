"""Pictures of the Reports screen at 120×40: a seeded October, each kind of section, in Chinese and English."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from deskui.app import DeskApp, make_app
from deskui.core.clock import FrozenClock
from deskui.core.config import load_settings
from deskui.screens.reports import ReportsScreen
from tests.functional.conftest import seed_desk
from tests.functional.helpers import sign_in, wait_for
from tests.functional.test_report_screen_data import seed_october
from tests.snapshots.conftest import settle, still

SIZE = (120, 40)


@pytest.fixture
def report_app(db_path, clock: FrozenClock):  # type: ignore[no-untyped-def]
    from deskui.services import open_services

    base = load_settings(database_url=str(db_path), language="en", environ={})
    services = seed_desk(open_services(base, clock))
    seed_october(services, clock)

    def factory(language: str) -> DeskApp:
        return make_app(base.with_overrides(language=language), clock=clock, services=services)

    yield factory
    services.close()


def _at(*keys: str):  # type: ignore[no-untyped-def]
    async def run(pilot: Pilot[None]) -> None:
        await sign_in(pilot)
        await pilot.press("f7")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ReportsScreen))
        screen = pilot.app.screen
        assert isinstance(screen, ReportsScreen)
        await wait_for(pilot, lambda: screen.report is not None)
        for key in keys:
            await pilot.press(key)
        await settle(pilot)

    return still(run)


class TestReportScreen:
    def test_calls_zh(self, snap_compare, report_app) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(report_app("zh-CN"), terminal_size=SIZE, run_before=_at())

    def test_calls_en(self, snap_compare, report_app) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(report_app("en"), terminal_size=SIZE, run_before=_at())

    def test_calls_hong_kong(self, snap_compare, report_app) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(report_app("zh-HK"), terminal_size=SIZE, run_before=_at())

    def test_targets_en(self, snap_compare, report_app) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(report_app("en"), terminal_size=SIZE, run_before=_at("3"))

    def test_callbacks_zh(self, snap_compare, report_app) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(report_app("zh-CN"), terminal_size=SIZE, run_before=_at("4"))

    def test_recurring_zh(self, snap_compare, report_app) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(report_app("zh-CN"), terminal_size=SIZE, run_before=_at("5"))
