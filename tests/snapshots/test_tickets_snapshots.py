"""Pictures of the ticket screens: the queues and one ticket, in both languages, at the desk's two sizes.

The tickets are seeded through the services with the frozen clock moved between them, so every target is in a known
state (one overdue, one due soon, the rest in time) and the countdowns read the same on every run.
"""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from deskui.core.clock import FrozenClock
from deskui.core.config import load_settings
from deskui.screens.tickets import TicketsScreen
from deskui.screens.tickets.detail import TicketDetailScreen
from deskui.services.calls import CallInput
from tests.functional.conftest import seed_desk
from tests.functional.helpers import sign_in, wait_for
from tests.snapshots.conftest import settle, still
from tests.snapshots.matrix import LANGUAGES, SIZES


def seed_tickets(services, clock: FrozenClock) -> None:  # type: ignore[no-untyped-def]
    """Five tickets of every kind in known states; the clock ends 40 minutes after the first."""
    tickets, calls = services.tickets, services.calls
    wang = services.operators.by_name("王芳")
    li = services.operators.by_name("李强")

    def call(content: str, category: str, unit: str, caller: str, phone: str) -> int:
        return calls.record(
            CallInput(content=content, category=category, unit=unit, phone=phone, caller=caller), operator=wang
        ).id

    leak = tickets.open_from_call(
        call("厨房水管漏水，楼下天花板滴水", "repair", "3-2-1201", "张三", "13812345678"),
        repair_type="leak",
        operator=wang,
    )
    leak = tickets.dispatch(leak.id, leak.version, "maintenance", assignee=li, note="带上管钳", operator=wang)
    leak = tickets.set_appointment(leak.id, leak.version, "14:00", operator=wang)
    clock.advance(minutes=5)
    noise = tickets.open_from_call(
        call("楼上装修噪音太大 [bold]晚上十点[/] 还在施工", "complaint", "5-1-302", "王先生", "13900001111"),
        severity="important",
        operator=wang,
    )
    clock.advance(minutes=5)
    tickets.open_from_call(call("电梯困人，已报警", "help", "B2车库", "刘女士", "13700002222"), operator=wang)
    clock.advance(minutes=10)
    lamp = tickets.open_from_call(call("楼道灯不亮", "repair", "3-2-1202", "李四", "13912340000"), operator=wang)
    lamp = tickets.dispatch(lamp.id, lamp.version, "maintenance", operator=wang)
    lamp = tickets.mark_done(lamp.id, lamp.version, note="换了灯泡", operator=li)
    clock.advance(minutes=20)
    tickets.note(noise.id, noise.version, "已通知装修户，明天再回访", operator=wang)


@pytest.fixture
def ticket_app(db_path):  # type: ignore[no-untyped-def]
    from deskui.app import make_app
    from deskui.services import open_services

    clock = FrozenClock()
    base = load_settings(database_url=str(db_path), language="en", environ={})
    services = seed_desk(open_services(base, clock))
    seed_tickets(services, clock)

    def factory(language: str):  # type: ignore[no-untyped-def]
        return make_app(base.with_overrides(language=language), clock=clock, services=services)

    yield factory
    services.close()


async def _queues(pilot: Pilot[None]) -> TicketsScreen:
    await sign_in(pilot)
    await pilot.press("f4")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, TicketsScreen))
    screen = pilot.app.screen
    assert isinstance(screen, TicketsScreen)
    await wait_for(pilot, lambda: len(screen.rows) == 4 and screen.preview_key is not None)
    await settle(pilot)
    return screen


async def _detail(pilot: Pilot[None]) -> None:
    screen = await _queues(pilot)
    await pilot.press("j")  # the complaint, second nearest due
    await wait_for(pilot, lambda: screen.selected_id == screen.rows[1].id)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, TicketDetailScreen))
    detail = pilot.app.screen
    assert isinstance(detail, TicketDetailScreen)
    await wait_for(pilot, lambda: detail.detail is not None)
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("language", LANGUAGES)
class TestTicketScreens:
    def test_queues(self, snap_compare, ticket_app, language, size) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(ticket_app(language), terminal_size=size, run_before=still(_queues))

    def test_detail(self, snap_compare, ticket_app, language, size) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(ticket_app(language), terminal_size=size, run_before=still(_detail))
