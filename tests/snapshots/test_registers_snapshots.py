"""Pictures of the Registers section (F10, issue 13): its visitors view as F10 opens it and its parcels view, in both
languages, at the desk's two sizes. Seeded through the services with the clock frozen."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from textual.pilot import Pilot

from deskui.core.clock import FrozenClock
from deskui.screens.registers import RegistersScreen, switch
from deskui.widgets.header import DeskHeader
from tests.functional.helpers import sign_in, wait_for
from tests.snapshots.conftest import still
from tests.snapshots.matrix import LANGUAGES, SIZES

SH = ZoneInfo("Asia/Shanghai")


def seed_registers(services: Any, clock: FrozenClock) -> None:
    """A morning at the desk: two visitors inside, one gone; a parcel two days old, one told; a pass."""
    wang = services.operators.by_name("王芳")
    clock.current = datetime(2026, 11, 21, 16, 5, tzinfo=SH).astimezone(UTC)
    services.parcels.receive("5-1-302", "中国邮政", tracking="EMS9876543210", shelf="A1", operator=wang)
    clock.current = datetime(2026, 11, 23, 8, 40, tzinfo=SH).astimezone(UTC)
    services.visitors.sign_in("赵师傅", "3-2-1202", "上门维修空调", plate="沪B 66K88", operator=wang)
    clock.advance(minutes=25)
    gone = services.visitors.sign_in("快递员", "东门", "送件", operator=wang)
    services.visitors.sign_out(gone.id, operator=wang)
    clock.advance(minutes=20)
    services.visitors.sign_in("周女士", "3栋2单元1201", "探望父母", operator=wang)
    parcel = services.parcels.receive("3-2-1201", "顺丰", tracking="SF1402789365", shelf="B3", operator=wang)
    services.parcels.notify(parcel.id, "sms", operator=wang)
    services.passes.issue("3-2-1201", "张三", "旧沙发一套", operator=wang)
    clock.current = datetime(2026, 11, 23, 10, 5, tzinfo=SH).astimezone(UTC)


@pytest.fixture(autouse=True)
def every_register(monkeypatch: pytest.MonkeyPatch) -> None:
    """The picture lists all six registers whichever of the other registers' screens this checkout has yet."""
    monkeypatch.setattr(switch, "available", lambda register: True)


@pytest.fixture
def registers_app(snap_app, clock: FrozenClock):  # type: ignore[no-untyped-def]
    seeded = False

    def factory(language: str):  # type: ignore[no-untyped-def]
        nonlocal seeded
        app = snap_app(language)
        if not seeded:
            seed_registers(app.services, clock)
            seeded = True
        return app

    return factory


async def _section(pilot: Pilot[None]) -> None:
    await sign_in(pilot)
    await pilot.press("f10")
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, RegistersScreen) and app.screen.loaded)
    header = app.screen.query_one(DeskHeader)
    await wait_for(pilot, lambda: header.duty.on_duty != "" or header.fetched_at >= 0)


async def _parcels(pilot: Pilot[None]) -> None:
    await _section(pilot)
    await pilot.press("2")
    screen = pilot.app.screen
    assert isinstance(screen, RegistersScreen)
    await wait_for(pilot, lambda: screen.view == "parcels" and screen.loaded)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("language", LANGUAGES)
class TestRegisters:
    def test_visitors(self, snap_compare, registers_app, language, size) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(registers_app(language), terminal_size=size, run_before=still(_section))

    def test_parcels(self, snap_compare, registers_app, language, size) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(registers_app(language), terminal_size=size, run_before=still(_parcels))
