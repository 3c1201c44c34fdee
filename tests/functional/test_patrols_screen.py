"""The patrols screen (issue 13) driven with Pilot: a round started, checkpoints checked OK with keys typed ahead, an
abnormal one refused without a note and then recorded, the finding made a ticket with T, the round ended; every
step checked in the database."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable

from deskui.app import DeskApp
from deskui.screens.forms import FormScreen
from deskui.screens.patrols import PatrolsScreen
from tests.functional.helpers import sign_in, wait_for


async def type_text(pilot: Pilot[None], text: str) -> None:
    for char in text:
        await pilot.press("space" if char == " " else char)


async def opened(pilot: Pilot[None], app: DeskApp) -> PatrolsScreen:
    await sign_in(pilot)
    await app.push_screen(PatrolsScreen())
    await wait_for(pilot, lambda: isinstance(app.screen, PatrolsScreen) and app.screen.loaded)
    screen = app.screen
    assert isinstance(screen, PatrolsScreen)
    return screen


def form_errors(form: FormScreen) -> str:
    return " ".join(str(x.render()) for x in form.query(".form-error.-shown"))


async def test_a_round_walked_from_the_keyboard(app: DeskApp) -> None:
    services: Any = app.services
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot, app)
        assert screen.query_one("#pt-table", DataTable).row_count == 0  # no round kept here yet: nothing missed
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormScreen))
        await pilot.press("ctrl+s")  # the first route, chosen already
        await wait_for(pilot, lambda: not isinstance(pilot.app.screen, FormScreen))
        (started,) = services.patrols.rounds()
        assert (started.route, started.operator, started.state) == ("estate", "王芳", "in_progress")
        await wait_for(pilot, lambda: screen.loaded and screen.selected_round() is not None)
        await pilot.press("k", "enter")  # typed ahead: the second waits for the first to be written
        await wait_for(pilot, lambda: len(services.patrols.get(started.id).checks) == 2 and screen.loaded)
        assert [(c.point, c.state) for c in services.patrols.get(started.id).checks] == [
            ("east_gate", "ok"),
            ("garage_b1", "ok"),
        ]
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormScreen))
        form = pilot.app.screen
        assert isinstance(form, FormScreen)
        await pilot.press("enter", "enter")  # the next checkpoint, no note: refused next to the note
        await wait_for(pilot, lambda: "abnormal" in form_errors(form))
        assert len(services.patrols.get(started.id).checks) == 2
        await type_text(pilot, "电梯按键失灵")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(pilot.app.screen, FormScreen))
        checks = services.patrols.get(started.id).checks
        assert [(c.point, c.state, c.note, c.operator) for c in checks[2:]] == [
            ("lift_1", "abnormal", "电梯按键失灵", "王芳")
        ]
        await wait_for(pilot, lambda: screen.loaded and screen.selected_finding() is not None)
        await pilot.press("T")
        await wait_for(pilot, lambda: services.patrols.get(started.id).checks[2].ticket_id is not None)
        ticket = services.tickets.get(services.patrols.get(started.id).checks[2].ticket_id)
        assert (ticket.kind, ticket.unit) == ("repair", "Building 1 lifts") and "电梯按键失灵" in ticket.description
        await wait_for(pilot, lambda: screen.loaded and ticket.number in str(screen.query_one("#pt-message").render()))
        await pilot.press("e")
        await wait_for(pilot, lambda: services.patrols.get(started.id).ended_at is not None)
        ended = services.patrols.get(started.id)
        assert (ended.state, ended.ended_by) == ("incomplete", "王芳")
        await wait_for(pilot, lambda: screen.loaded)
        await pilot.press("k")  # an ended round takes no more checks
        await pilot.pause()
        assert len(services.patrols.get(started.id).checks) == 3


async def test_the_registers_section_opens_it_on_its_key(app: DeskApp) -> None:
    services: Any = app.services
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await pilot.press("f10")
        await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == "RegistersScreen")
        await pilot.press("4")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, PatrolsScreen) and pilot.app.screen.loaded)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormScreen))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: len(services.patrols.rounds()) == 1)
        assert services.patrols.rounds()[0].operator == "王芳"
