"""The registers screen (issue 13) driven with Pilot: a visitor in and out, a parcel received, told and picked up,
a pass issued, checked and refused for a tenant without consent; every step checked in the database."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from deskui.app import DeskApp
from deskui.screens.forms import FormScreen
from deskui.screens.registers import RegistersScreen
from tests.functional.helpers import sign_in, wait_for


async def type_text(pilot: Pilot[None], text: str) -> None:
    for char in text:
        await pilot.press("space" if char == " " else char)


async def fill(pilot: Pilot[None], *values: str) -> FormScreen:
    """Wait for the form, type each field's value and Enter to the next; the form stays open until Ctrl+S."""
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormScreen))
    form = pilot.app.screen
    assert isinstance(form, FormScreen)
    await pilot.pause()
    for value in values:
        await type_text(pilot, value)
        await pilot.press("enter")
    return form


async def saved(pilot: Pilot[None]) -> None:
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: not isinstance(pilot.app.screen, FormScreen))


async def opened(pilot: Pilot[None], app: DeskApp) -> RegistersScreen:
    await sign_in(pilot)
    await app.push_screen(RegistersScreen())
    await wait_for(pilot, lambda: isinstance(app.screen, RegistersScreen) and app.screen.loaded)
    screen = app.screen
    assert isinstance(screen, RegistersScreen)
    return screen


def rows(screen: RegistersScreen) -> int:
    return screen.query_one("#rg-table", DataTable).row_count


async def test_visitor_in_and_out(app: DeskApp) -> None:
    services: Any = app.services
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot, app)
        await pilot.press("n")
        await fill(pilot, "刘先生", "3-2-1201", "探亲")
        await saved(pilot)
        (visit,) = services.visitors.inside()
        assert (visit.name, visit.unit_key, visit.purpose, visit.entered_by) == ("刘先生", "3-2-1201", "探亲", "王芳")
        await wait_for(pilot, lambda: screen.loaded and rows(screen) == 1)
        await pilot.press("o")
        await fill(pilot)
        await saved(pilot)
        assert services.visitors.inside() == []
        assert services.visitors.get(visit.id).left_by == "王芳"
        await wait_for(pilot, lambda: screen.loaded and rows(screen) == 0)


async def test_parcel_received_told_picked_up(app: DeskApp) -> None:
    services: Any = app.services
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot, app)
        await pilot.press("2")
        await wait_for(pilot, lambda: screen.view == "parcels" and screen.loaded)
        await pilot.press("n")
        await fill(pilot, "3栋2单元1201", "", "SF123", "A3")  # no carrier: refused next to the field
        await pilot.press("ctrl+s")
        form = pilot.app.screen
        assert isinstance(form, FormScreen)
        await wait_for(pilot, lambda: "carrier" in " ".join(str(x.render()) for x in form.query(".form-error.-shown")))
        assert services.parcels.waiting() == []
        form.query_one("#form-carrier").focus()
        await type_text(pilot, "顺丰")
        await saved(pilot)
        (parcel,) = services.parcels.waiting()
        assert (parcel.unit_key, parcel.carrier, parcel.tracking, parcel.shelf) == ("3-2-1201", "顺丰", "SF123", "A3")
        await wait_for(pilot, lambda: screen.loaded and rows(screen) == 1)
        await pilot.press("t")
        await fill(pilot)
        await saved(pilot)
        assert services.parcels.get(parcel.id).state == "notified"
        await pilot.press("u")
        await fill(pilot, "张三")
        await wait_for(pilot, lambda: not isinstance(pilot.app.screen, FormScreen))  # Enter on the last field saves
        got = services.parcels.get(parcel.id)
        assert (got.state, got.picked_up_by, got.handed_over_by) == ("picked_up", "张三", "王芳")


async def test_pass_issued_and_checked(app: DeskApp) -> None:
    services: Any = app.services
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot, app)
        await pilot.press("3")
        await wait_for(pilot, lambda: screen.view == "passes" and screen.loaded)
        await pilot.press("n")
        form = await fill(pilot)
        form.query_one("#form-unit").focus()
        await fill(pilot, "3-2-1201", "李四", "冰箱")  # a tenant, no consent: refused, nothing written
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "consent" in " ".join(str(x.render()) for x in form.query(".form-error.-shown")))
        assert services.passes.history() == []
        form.query_one("#form-consent").focus()
        await type_text(pilot, "业主来电确认")
        await saved(pilot)
        (issued,) = services.passes.history()
        assert (issued.bearer, issued.bearer_role, issued.consent, issued.state) == (
            "李四",
            "tenant",
            "业主来电确认",
            "valid",
        )
        await wait_for(pilot, lambda: screen.loaded and rows(screen) == 1)
        await pilot.press("c")
        await fill(pilot, issued.number.lower())
        await wait_for(pilot, lambda: not isinstance(pilot.app.screen, FormScreen))
        assert "valid until" in str(screen.query_one("#rg-message", Static).render())


async def test_the_review_screen_shows_what_the_registers_leave_open(app: DeskApp) -> None:
    from deskui.screens.handover import HandoverScreen
    from deskui.screens.handover.review import ReviewScreen

    services: Any = app.services
    services.visitors.sign_in("刘先生", "3-2-1201", "探亲")
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "3333", index=2)  # the supervisor
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(app.screen, HandoverScreen) and app.screen.loaded)
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.review_data is not None)
        content = str(app.screen.query_one("#rv-content", Static).render())
        assert "Open now in the registers" in content and "刘先生 → 3-2-1201 探亲" in content
