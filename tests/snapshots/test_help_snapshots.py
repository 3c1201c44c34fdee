"""Pictures of a medical emergency's ticket (issue 14; 003 4.1.1, 4.2.1): its kind and checklist beside the targets,
three steps ticked (when, who, the note) and the next one marked, with the K key in the footer; both languages, the
desk's two sizes. The clock is frozen and moved between the steps, so the times read the same on every run.
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


def seed_emergency(services, clock: FrozenClock) -> None:  # type: ignore[no-untyped-def]
    wang = services.operators.by_name("王芳")
    call = services.calls.record(
        CallInput(
            content="老人在家晕倒，家属求助", category="help", unit="5-1-302", phone="13700002222", caller="刘女士"
        ),
        operator=wang,
    )
    x = services.tickets.open_from_call(call.id, help_kind="medical", operator=wang)
    help_ = services.tickets.help
    clock.advance(minutes=1)
    x = help_.step(x.id, x.version, "address_phone", operator=wang)
    clock.advance(minutes=1)
    x = help_.step(x.id, x.version, "wishes_asked", note="家属要求打120", operator=wang)
    clock.advance(minutes=2)
    help_.step(x.id, x.version, "called_120", note="已拨打120", operator=wang)
    clock.advance(minutes=1)


@pytest.fixture
def help_app(db_path):  # type: ignore[no-untyped-def]
    from deskui.app import make_app
    from deskui.services import open_services

    clock = FrozenClock()
    base = load_settings(database_url=str(db_path), language="en", environ={})
    services = seed_desk(open_services(base, clock))
    seed_emergency(services, clock)

    def factory(language: str):  # type: ignore[no-untyped-def]
        return make_app(base.with_overrides(language=language), clock=clock, services=services)

    yield factory
    services.close()


async def _detail(pilot: Pilot[None]) -> None:
    await sign_in(pilot)
    await pilot.press("f4")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, TicketsScreen))
    screen = pilot.app.screen
    assert isinstance(screen, TicketsScreen)
    await wait_for(pilot, lambda: len(screen.rows) == 1 and screen.preview_key is not None)
    await settle(pilot)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, TicketDetailScreen))
    detail = pilot.app.screen
    assert isinstance(detail, TicketDetailScreen)
    await wait_for(pilot, lambda: detail.detail is not None)
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("language", LANGUAGES)
class TestHelpScreens:
    def test_emergency_checklist(self, snap_compare, help_app, language, size) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(help_app(language), terminal_size=size, run_before=still(_detail))
