"""Pictures of the handover checklist in progress and of the night's duty log, in both languages, at the desk's two
sizes. The data is seeded through the services with the clock frozen, so every run draws the same picture."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from deskui.core.clock import FrozenClock
from deskui.screens.handover import HandoverScreen
from deskui.screens.handover.dutylog import DutyLogScreen
from deskui.services.calls import CallInput
from deskui.widgets.header import DeskHeader
from tests.functional.helpers import sign_in, wait_for
from tests.snapshots.conftest import settle, still
from tests.snapshots.matrix import LANGUAGES, SIZES

SH = ZoneInfo("Asia/Shanghai")
NIGHT = date(2026, 11, 23)
MORNING = date(2026, 11, 24)


def at(day: date, h: int, m: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, h, m, tzinfo=SH).astimezone(UTC)


def seed_night(services: Any, clock: FrozenClock) -> None:
    """李强's night and the morning handover half done at 08:10: two counts in, one short and explained."""
    ops = {o.name: o for o in services.operators.list()}
    li, wang, chen = ops["李强"], ops["王芳"], ops["陈静"]
    clock.current = at(NIGHT, 20)
    services.roster.set_assignment(NIGHT, "night", li, chen)
    services.roster.set_assignment(MORNING, "day", wang, chen)
    first = services.dutylog.add("20:00 接班，巡查B2车库，照明正常", operator=li)
    services.calls.record(
        CallInput(
            content="厨房水管漏水，已关总阀", category="repair", caller="张先生", unit="3-2-1201", phone="13800138000"
        ),
        operator=li,
    )
    clock.advance(minutes=40)
    services.calls.record(
        CallInput(
            content="楼上装修噪音，晚上十点还在施工",
            category="complaint",
            caller="李女士",
            unit="3-2-1202",
            phone="13900139000",
        ),
        operator=li,
    )
    services.keys.lend("机房A", "电工 老周", operator=li, due="23:30")
    clock.advance(minutes=50)
    services.dutylog.add("22:30 3栋电梯停在5楼，已通知维保\n维保答复明早处理", operator=li)
    clock.advance(minutes=10)
    services.dutylog.amend(first.id, "20:00 接班，巡查B2车库，照明正常，东门灯不亮", operator=li, reason="漏记")
    clock.current = at(MORNING, 8, 10)
    st = services.handover.start(li)
    services.handover.arrive(st.id, wang)
    services.handover.record_count(
        st.id, "walkie_talkie", 3, operator=wang, explanation="借给保安巡逻", holder="保安 老赵"
    )
    services.handover.record_count(st.id, "fire_extinguisher", 2, operator=wang)
    services.handover.note(st.id, st.keys[0].id, "老周说中午前还", operator=li)


@pytest.fixture
def handover_app(snap_app, clock: FrozenClock):  # type: ignore[no-untyped-def]
    seeded = False

    def factory(language: str):  # type: ignore[no-untyped-def]
        nonlocal seeded
        app = snap_app(language)
        if not seeded:
            seed_night(app.services, clock)
            seeded = True
        return app

    return factory


async def _header_settled(pilot: Pilot[None]) -> None:
    header = pilot.app.screen.query_one(DeskHeader)
    await wait_for(pilot, lambda: header.duty.on_duty != "")


async def _checklist(pilot: Pilot[None]) -> None:
    await sign_in(pilot, "2222", index=1)
    await pilot.press("f5")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, HandoverScreen) and pilot.app.screen.st is not None)
    await _header_settled(pilot)
    await settle(pilot)


async def _duty_log(pilot: Pilot[None]) -> None:
    await _checklist(pilot)
    await pilot.press("l")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, DutyLogScreen))
    screen = pilot.app.screen
    await wait_for(pilot, lambda: "✓" in str(screen.query_one("#dl-chain", Static).render()))
    await _header_settled(pilot)
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("language", LANGUAGES)
class TestHandover:
    def test_checklist(self, snap_compare, handover_app, language, size) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(handover_app(language), terminal_size=size, run_before=still(_checklist))

    def test_duty_log(self, snap_compare, handover_app, language, size) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(handover_app(language), terminal_size=size, run_before=still(_duty_log))
