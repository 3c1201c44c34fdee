"""The renovations screen (issue 13) driven with Pilot: an application typed at the desk, a receptionist refused the
approval, the supervisor approving a structural change only with a note, an inspection finding an issue, a ticket
from it, the works accepted; every step checked in the database."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from deskui.app import DeskApp
from deskui.screens.forms import FormScreen
from deskui.screens.renovations import RenovationsScreen
from tests.functional.helpers import sign_in, wait_for


async def type_text(pilot: Pilot[None], text: str) -> None:
    for char in text:
        await pilot.press("space" if char == " " else char)


async def form_open(pilot: Pilot[None]) -> FormScreen:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormScreen))
    form = pilot.app.screen
    assert isinstance(form, FormScreen)
    await pilot.pause()
    return form


async def fill(pilot: Pilot[None], *values: str) -> FormScreen:
    """Wait for the form, type each field's value and Enter to the next."""
    form = await form_open(pilot)
    for value in values:
        await type_text(pilot, value)
        await pilot.press("enter")
    return form


async def closed(pilot: Pilot[None]) -> None:
    await wait_for(pilot, lambda: not isinstance(pilot.app.screen, FormScreen))


def errors(form: FormScreen) -> str:
    return " ".join(str(x.render()) for x in form.query(".form-error.-shown"))


async def opened(pilot: Pilot[None], app: DeskApp, pin: str = "1111", index: int = 0) -> RenovationsScreen:
    await sign_in(pilot, pin, index=index)
    await app.push_screen(RenovationsScreen())
    await wait_for(pilot, lambda: isinstance(app.screen, RenovationsScreen) and app.screen.loaded)
    screen = app.screen
    assert isinstance(screen, RenovationsScreen)
    return screen


def rows(screen: RenovationsScreen) -> int:
    return screen.query_one("#rn-table", DataTable).row_count


async def test_an_application_typed_at_the_desk(app: DeskApp) -> None:
    services: Any = app.services
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot, app)
        await pilot.press("n")
        await fill(pilot, "3栋2单元1201", "张三", "美家装饰", "2026-11-25", "2026-11-24", "厨房翻新", "王师傅,李师傅")
        await pilot.press("ctrl+s")  # the works end before they start: refused next to the end date
        form = pilot.app.screen
        assert isinstance(form, FormScreen)
        await wait_for(pilot, lambda: "before they start" in errors(form))
        assert services.renovations.history() == []
        form.query_one("#form-ends_on").clear()  # type: ignore[attr-defined]
        form.query_one("#form-ends_on").focus()
        await type_text(pilot, "2026-12-10")
        await pilot.press("ctrl+s")
        await closed(pilot)
        (r,) = services.renovations.history()
        assert (r.unit_key, r.applicant, r.company, r.workers, r.state, r.applied_by) == (
            "3-2-1201",
            "张三",
            "美家装饰",
            ("王师傅", "李师傅"),
            "pending",
            "王芳",
        )
        await wait_for(pilot, lambda: screen.loaded and rows(screen) == 1)
        assert r.number in str(screen.query_one("#rn-message", Static).render())
        await pilot.press("a")  # a receptionist may not approve
        form = await form_open(pilot)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "supervisor or manager" in errors(form))
        assert services.renovations.get(r.number).decision == ""
        await pilot.press("escape")
        await closed(pilot)


async def test_the_supervisor_approves_inspects_opens_a_ticket_and_closes(app: DeskApp) -> None:
    services: Any = app.services
    r = services.renovations.open(
        "3-2-1201", "张三", "美家装饰", "2026-11-23", "2026-12-10", "拆除隔墙", workers=["王师傅"], structural=True
    )
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot, app, "3333", index=2)  # the supervisor
        await wait_for(pilot, lambda: rows(screen) == 1)
        await pilot.press("a")
        form = await form_open(pilot)
        await pilot.press("ctrl+s")  # structural: the approval's note is needed
        await wait_for(pilot, lambda: "changes the structure" in errors(form))
        assert services.renovations.get(r.number).decision == ""
        await type_text(pilot, "房管局批准书")
        await pilot.press("enter")
        await closed(pilot)
        got = services.renovations.get(r.number)
        assert (got.decision, got.decided_by, got.decision_note) == ("approved", "陈静", "房管局批准书")
        assert [p.pass_number for p in got.worker_passes] == [f"{r.number}-W1"]

        await pilot.press("i")
        await form_open(pilot)
        await pilot.press("i")  # the result: an issue
        await type_text(pilot, "楼道堆放垃圾")
        await pilot.press("enter")
        await closed(pilot)
        (look,) = services.renovations.inspections(r.number)
        assert (look.result, look.finding, look.inspected_by) == ("issue", "楼道堆放垃圾", "陈静")

        await pilot.press("T")
        await form_open(pilot)
        await pilot.press("enter")  # the finding's own words
        await closed(pilot)
        (look,) = services.renovations.inspections(r.number)
        assert look.ticket_number.startswith("WX-")
        assert services.tickets.get(look.ticket_id).unit == "3-2-1201"

        await pilot.press("c")
        await fill(pilot, "验收合格")
        await closed(pilot)
        done = services.renovations.get(r.number)
        assert (done.state, done.close_note, done.closed_by) == ("closed", "验收合格", "陈静")
        await wait_for(pilot, lambda: screen.loaded and rows(screen) == 0)


def screen_text(app: DeskApp) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def test_f9_redraws_the_screen_in_chinese_then_traditional(app: DeskApp) -> None:
    services: Any = app.services
    services.renovations.open("3-2-1201", "张三", "美家装饰", "2026-11-23", "2026-12-10", "厨房翻新")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot, app)
        await wait_for(pilot, lambda: "Awaiting approval" in screen_text(app))
        await pilot.press("f9")
        await wait_for(pilot, lambda: screen.loaded and "待审批" in screen_text(app) and "许可证号" in screen_text(app))
        await pilot.press("f9")  # the next in F9's cycle: zh-HK
        await wait_for(pilot, lambda: screen.loaded and "許可證號" in screen_text(app))


async def test_key_5_of_the_registers_section_opens_it_and_n_writes_there(app: DeskApp) -> None:
    """F10, then 5: this screen inside the Registers section (its register keys added by the section)."""
    services: Any = app.services
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await pilot.press("f10")
        await wait_for(pilot, lambda: app.current_mode == "registers" and getattr(app.screen, "loaded", False))
        await pilot.press("5")
        await wait_for(pilot, lambda: isinstance(app.screen, RenovationsScreen) and app.screen.loaded)
        screen = app.screen
        assert isinstance(screen, RenovationsScreen)
        await pilot.press("n")
        await fill(pilot, "5-1-302", "李四", "匠心家装", "2026-11-24", "2026-12-24", "阳台封窗", "")
        await pilot.press("ctrl+s")
        await closed(pilot)
        (r,) = services.renovations.history()
        assert (r.unit_key, r.applicant, r.workers, r.state) == ("5-1-302", "李四", (), "pending")
        await wait_for(pilot, lambda: screen.loaded and rows(screen) == 1)


async def test_ctrl_u_opens_the_story_of_the_selected_renovations_unit(app: DeskApp) -> None:
    """A unit is shown on the renovations screen, so F12 opens its story there as on every such screen."""
    from deskui.screens.timeline import TimelineScreen

    services: Any = app.services
    services.renovations.open(
        unit="3栋2单元1201",
        applicant="张三",
        company="美家装饰",
        starts_on="2026-12-05",
        ends_on="2026-12-20",
        work="厨房",
    )
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot, app)
        await wait_for(pilot, lambda: rows(screen) == 1)
        await pilot.press("f12")
        await wait_for(pilot, lambda: isinstance(app.screen, TimelineScreen))
        assert app.screen.unit == "3栋2单元1201"  # type: ignore[attr-defined]
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
