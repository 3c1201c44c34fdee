"""Pictures of a complaint on the ticket screens (issue 14), in both languages at the desk's two sizes: the new-ticket
form with the complaint record being typed, and a minor complaint's ticket showing its record, the deadline agreed
with the resident and the reply given."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from deskui.core.clock import FrozenClock
from deskui.core.config import load_settings
from deskui.screens.tickets.detail import TicketDetailScreen
from deskui.screens.tickets.new import NewTicketScreen
from deskui.services.calls import CallInput
from tests.functional.conftest import seed_desk
from tests.functional.helpers import sign_in, wait_for
from tests.functional.test_tickets_screen import type_text
from tests.snapshots.conftest import settle, still
from tests.snapshots.matrix import LANGUAGES, SIZES


@pytest.fixture
def complaint_app(db_path):  # type: ignore[no-untyped-def]
    from deskui.app import make_app
    from deskui.services import open_services
    from deskui.services.tickets import TicketInput

    clock = FrozenClock()
    base = load_settings(database_url=str(db_path), language="en", environ={})
    services = seed_desk(open_services(base, clock))
    wang = services.operators.by_name("王芳")
    record = services.calls.record

    def call(content: str) -> int:
        return record(
            CallInput(content=content, category="complaint", unit="5-1-302", phone="13900001111", caller="王先生"),
            operator=wang,
        ).id

    filed = services.tickets.create(
        TicketInput(
            call_ids=(call("投诉保安夜里放外卖员进楼不登记"),), severity="minor", place="5栋大堂",
            about="安护部 夜班保安", happened="23:10 外卖员未登记直接进楼", wants="加强登记，书面答复",
            resident_deadline="2026-11-25 18:00",
        ),
        operator=wang,
    )  # fmt: skip
    clock.advance(minutes=30)
    services.tickets.reply(filed.id, filed.version, "已电话告知：夜班已整改，今后一律登记", via="phone", operator=wang)
    fresh = call("又投诉：楼道堆放杂物")

    def factory(language: str):  # type: ignore[no-untyped-def]
        return make_app(base.with_overrides(language=language), clock=clock, services=services)

    factory.ticket_id = filed.id  # type: ignore[attr-defined]
    factory.call_id = fresh  # type: ignore[attr-defined]
    yield factory
    services.close()


def _new_form(call_id: int):  # type: ignore[no-untyped-def]
    async def run(pilot: Pilot[None]) -> None:
        app = pilot.app
        await sign_in(pilot)
        services = app.services  # type: ignore[attr-defined]
        call = services.calls.current(call_id)
        await app.push_screen(NewTicketScreen(services, call, app.operator))  # type: ignore[attr-defined]
        await wait_for(pilot, lambda: isinstance(app.screen, NewTicketScreen))
        await pilot.press("n")  # minor: on to the place
        await type_text(pilot, "3栋楼道")
        await pilot.press("tab")
        await type_text(pilot, "2-1-402 住户")
        await pilot.press("tab")
        await settle(pilot)

    return run


def _detail(ticket_id: int):  # type: ignore[no-untyped-def]
    async def run(pilot: Pilot[None]) -> None:
        await sign_in(pilot)
        await pilot.app.push_screen(TicketDetailScreen(ticket_id))
        detail = pilot.app.screen
        assert isinstance(detail, TicketDetailScreen)
        await wait_for(pilot, lambda: detail.detail is not None)
        await settle(pilot)

    return run


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("language", LANGUAGES)
class TestComplaintScreens:
    def test_new_complaint_form(self, snap_compare, complaint_app, language, size) -> None:  # type: ignore[no-untyped-def]
        run = still(_new_form(complaint_app.call_id))
        assert snap_compare(complaint_app(language), terminal_size=size, run_before=run)

    def test_complaint_detail(self, snap_compare, complaint_app, language, size) -> None:  # type: ignore[no-untyped-def]
        run = still(_detail(complaint_app.ticket_id))
        assert snap_compare(complaint_app(language), terminal_size=size, run_before=run)
