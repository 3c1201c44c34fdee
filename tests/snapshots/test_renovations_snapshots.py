"""Pictures of the renovations screen (issue 13): one renovation in progress (approved, inspected with an issue
that opened a ticket), one whose permit expired, one with its inspection overdue and an application awaiting
approval, in both languages, at the desk's two sizes. Seeded through the services with the clock frozen."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from textual.pilot import Pilot

from deskui.core.clock import FrozenClock
from deskui.screens.renovations import RenovationsScreen
from deskui.widgets.header import DeskHeader
from tests.functional.helpers import sign_in, wait_for
from tests.snapshots.conftest import still
from tests.snapshots.matrix import LANGUAGES, SIZES

SH = ZoneInfo("Asia/Shanghai")


def seed_renovations(services: Any, clock: FrozenClock) -> None:
    wang, chen = services.operators.by_name("王芳"), services.operators.by_name("陈静")
    regs = services.renovations
    clock.current = datetime(2026, 11, 2, 9, 30, tzinfo=SH).astimezone(UTC)
    late = regs.open("5-1-302", "王五", "安居装饰", "2026-11-03", "2026-11-20", "卫生间防水", operator=wang)
    regs.approve(late.number, operator=chen)
    clock.current = datetime(2026, 11, 16, 10, 0, tzinfo=SH).astimezone(UTC)
    quiet = regs.open("3-2-1202", "赵六", "匠心家装", "2026-11-17", "2026-12-20", "客厅吊顶", operator=wang)
    regs.approve(quiet.number, operator=chen)
    clock.current = datetime(2026, 11, 20, 9, 0, tzinfo=SH).astimezone(UTC)
    running = regs.open(
        "3栋2单元1201", "张三", "美家装饰", "2026-11-21", "2026-12-15", "厨房翻新，更换地砖",
        workers=["王师傅", "李师傅"], structural=True, operator=wang,
    )  # fmt: skip
    regs.approve(running.number, note="房管局批准书 2026-118 号", operator=chen)
    clock.current = datetime(2026, 11, 22, 15, 0, tzinfo=SH).astimezone(UTC)
    regs.inspect(running.number, "issue", "楼道堆放建筑垃圾", ticket=True, operator=chen)
    clock.current = datetime(2026, 11, 23, 9, 40, tzinfo=SH).astimezone(UTC)
    regs.open("5-1-302", "李四（业主委托）", "安居装饰", "2026-11-28", "2026-12-31", "阳台封窗", role="authorised",
              operator=wang)  # fmt: skip
    clock.current = datetime(2026, 11, 23, 10, 0, tzinfo=SH).astimezone(UTC)


@pytest.fixture
def renovations_app(snap_app, clock: FrozenClock):  # type: ignore[no-untyped-def]
    seeded = False

    def factory(language: str):  # type: ignore[no-untyped-def]
        nonlocal seeded
        app = snap_app(language)
        if not seeded:
            seed_renovations(app.services, clock)
            seeded = True
        return app

    return factory


async def _screen(pilot: Pilot[None]) -> None:
    await sign_in(pilot)
    app = pilot.app
    await app.push_screen(RenovationsScreen())
    await wait_for(pilot, lambda: isinstance(app.screen, RenovationsScreen) and app.screen.loaded)
    header = app.screen.query_one(DeskHeader)
    await wait_for(pilot, lambda: header.duty.on_duty != "" or header.fetched_at >= 0)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("language", LANGUAGES)
def test_renovations(snap_compare, renovations_app, language, size) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(renovations_app(language), terminal_size=size, run_before=still(_screen))
