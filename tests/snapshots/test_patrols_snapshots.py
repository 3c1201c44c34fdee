"""Pictures of the patrols screen (issue 13): a morning's rounds (one ended with an abnormal checkpoint made a
ticket and one without, one under way), the supervisor's round missed and the afternoon round not due yet, in both
languages, at the desk's two sizes. Seeded through the services with the clock frozen."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from textual.pilot import Pilot

from deskui.core.clock import FrozenClock
from deskui.screens.patrols import PatrolsScreen
from deskui.widgets.header import DeskHeader
from tests.functional.helpers import sign_in, wait_for
from tests.snapshots.conftest import still
from tests.snapshots.matrix import LANGUAGES, SIZES

SH = ZoneInfo("Asia/Shanghai")


def seed_patrols(services: Any, clock: FrozenClock) -> None:
    wang = services.operators.by_name("王芳")
    patrols = services.patrols
    clock.current = datetime(2026, 11, 23, 9, 2, tzinfo=SH).astimezone(UTC)
    first = patrols.start("estate", operator=wang)
    for point in ("east_gate", "garage_b1"):
        clock.advance(minutes=4)
        patrols.check(first.id, point, ok=True, operator=wang)
    clock.advance(minutes=5)
    patrols.check(first.id, "lift_1", ok=False, note="2号电梯按键失灵", operator=wang)
    for point in ("lift_2", "lift_3"):
        clock.advance(minutes=4)
        patrols.check(first.id, point, ok=True, operator=wang)
    clock.advance(minutes=6)
    patrols.check(first.id, "garden", ok=False, note="喷泉旁路灯不亮", operator=wang)
    for point in ("playground", "refuse", "west_gate"):
        clock.advance(minutes=4)
        patrols.check(first.id, point, ok=True, operator=wang)
    clock.advance(minutes=3)
    patrols.end(first.id, operator=wang)
    lift = next(c for c in patrols.get(first.id).checks if c.point == "lift_1")
    patrols.open_ticket(lift.id, operator=wang)
    clock.current = datetime(2026, 11, 23, 11, 35, tzinfo=SH).astimezone(UTC)
    second = patrols.start("estate", operator=wang)
    patrols.check(second.id, "east_gate", ok=True, operator=wang)
    clock.current = datetime(2026, 11, 23, 11, 40, tzinfo=SH).astimezone(UTC)


@pytest.fixture
def patrols_app(snap_app, clock: FrozenClock):  # type: ignore[no-untyped-def]
    seeded = False

    def factory(language: str):  # type: ignore[no-untyped-def]
        nonlocal seeded
        app = snap_app(language)
        if not seeded:
            seed_patrols(app.services, clock)
            seeded = True
        return app

    return factory


async def _screen(pilot: Pilot[None]) -> None:
    await sign_in(pilot)
    app = pilot.app
    await app.push_screen(PatrolsScreen())
    await wait_for(pilot, lambda: isinstance(app.screen, PatrolsScreen) and app.screen.loaded)
    header = app.screen.query_one(DeskHeader)
    await wait_for(pilot, lambda: header.duty.on_duty != "" or header.fetched_at >= 0)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("language", LANGUAGES)
def test_patrols(snap_compare, patrols_app, language, size) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(patrols_app(language), terminal_size=size, run_before=still(_screen))
