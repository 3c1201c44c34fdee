"""The home screen shows today (issue 14): each role's lines, read through the today service, and Enter (or a line's
digit) opens the place where the line's matters are handled; the section tiles keep their keys.

`seed_today` builds the desk's Monday through the services with the clock frozen (the home pictures use it too):
callbacks due (one late), a major complaint owed its answer, visits booked, an urgent help request nobody took,
the morning patrol walked, visitors inside, parcels (one old), a key out, two renovations (one expired), days of
duty log unsigned; `hand_over_the_day` adds the day shift's signed handover to the night."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from textual.widgets import DataTable, Input

from deskui.app import DeskApp
from deskui.core.clock import FrozenClock
from deskui.screens.handover.review import ReviewScreen
from deskui.screens.home import HomeScreen, SectionTile, TodayRow
from deskui.screens.registers.table import RegistersScreen
from deskui.screens.tickets import TicketsScreen
from deskui.services.calls import CallInput
from tests.functional.helpers import sign_in, wait_for

SH = ZoneInfo("Asia/Shanghai")


def at(day: int, h: int, m: int = 0) -> datetime:
    return datetime(2026, 11, day, h, m, tzinfo=SH).astimezone(UTC)


def _ticket(services: Any, op: Any, content: str, category: str = "repair", unit: str = "3-2-1201", **kw: Any) -> Any:
    call = services.calls.record(
        CallInput(content=content, category=category, caller="张三", unit=unit, phone="13812345678"), operator=op
    )
    return services.tickets.open_from_call(call.id, operator=op, **kw)


def _done(services: Any, x: Any, wang: Any, li: Any) -> Any:
    x = services.tickets.dispatch(x.number, x.version, "maintenance", operator=wang)
    return services.tickets.mark_done(x.number, x.version, operator=li)


def seed_today(services: Any, clock: FrozenClock) -> None:
    """The desk's Monday 2026-11-23 up to 14:00 (operators of tests.functional.conftest.seed_desk)."""
    ops = services.operators
    wang, li, chen = ops.by_name("王芳"), ops.by_name("李强"), ops.by_name("陈静")
    t = services.tickets
    clock.current = at(10, 9)
    ren = services.renovations
    ended = ren.open("3-2-1201", "张三", "美家装饰", "2026-11-11", "2026-11-20", "厨房翻新", operator=wang)
    ren.approve(ended.number, operator=chen)
    running = ren.open("3-2-1202", "李四", "安居装修", "2026-11-12", "2026-12-20", "铺地板", operator=wang)
    ren.approve(running.number, operator=chen)
    clock.current = at(20, 9)
    _ticket(services, wang, "物业费收费不合理，要求说明", "complaint", "5-1-302", severity="major")
    clock.current = at(20, 10)
    services.parcels.receive("3-2-1201", "顺丰", tracking="SF1234567890", shelf="A3", operator=wang)
    clock.current = at(21, 10)
    _done(services, _ticket(services, wang, "厨房水管漏水"), wang, li)  # its callback due today 10:00: late
    clock.current = at(21, 18)
    _done(services, _ticket(services, wang, "卫生间灯不亮", unit="3-2-1202"), wang, li)  # callback due today 18:00
    clock.current = at(23, 9, 5)
    services.patrols.end(services.patrols.start("estate", operator=wang).id, operator=wang)
    clock.current = at(23, 9, 30)
    booked = _ticket(services, wang, "热水器不出热水")
    t.set_appointment(booked.number, booked.version, "2026-11-23 11:00", operator=wang)
    later = _ticket(services, wang, "阳台晾衣架松动", unit="3-2-1202")
    t.set_appointment(later.number, later.version, "2026-11-23 16:00", operator=wang)
    clock.current = at(23, 11)
    services.visitors.sign_in("刘先生", "3-2-1201", "看房", operator=wang)
    clock.current = at(23, 12)
    services.visitors.sign_in("周女士", "3-2-1202", "探亲", operator=wang)
    services.parcels.receive("5-1-302", "京东", tracking="JD0001", operator=wang)
    services.keys.lend("机房A", "电工 老周", operator=wang, due="2026-11-23 17:00")
    clock.current = at(23, 13)
    urgent = CallInput(
        content="老人摔倒需要帮助", category="help", caller="李四", unit="5-1-302", phone="13912340000", urgent=True
    )
    services.calls.record(urgent, operator=wang)  # its ticket opens with the call; nobody has taken it
    clock.current = at(23, 14)


def hand_over_the_day(services: Any, clock: FrozenClock) -> None:
    """At 17:20 王芳 hands the day to 李强 (every item acknowledged, the important ones with her note); then 19:00."""
    ops = services.operators
    wang, li = ops.by_name("王芳"), ops.by_name("李强")
    h = services.handover
    clock.current = at(23, 17, 20)
    st = h.start(wang)
    h.arrive(st.id, li)
    for eq in services.settings.equipment:
        h.record_count(st.id, eq.key, eq.count, operator=li)
    st = h.state(st.id)
    for item in st.items:
        if item.important:  # every important item needs the outgoing's note before the handover is signed
            note = "家属已到场，等120" if item.kind == "help_untaken" else "已告知主管"
            h.note(st.id, item.id, note, operator=wang)
    for item in (*st.keys, *st.items):
        h.acknowledge(st.id, item.id, operator=li)
    for key in ("desk_tidy", "log_read", "area_checked"):
        h.check(st.id, key, operator=li)
    h.sign(st.id, wang, "1111")
    assert h.sign(st.id, li, "2222").signed
    clock.current = at(23, 19)


def rows(app: DeskApp) -> dict[str, TodayRow]:
    return {row.line.key: row for row in app.screen.query(TodayRow)}


async def at_home(pilot: Any, pin: str = "1111", index: int = 0) -> HomeScreen:
    await sign_in(pilot, pin, index)
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen) and app.screen.loaded)
    assert isinstance(app.screen, HomeScreen)
    return app.screen


async def test_the_day_desk_sees_its_lines_and_enter_opens_the_callback_queue(app: DeskApp, clock) -> None:  # type: ignore[no-untyped-def]
    seed_today(app.services, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        home = await at_home(pilot)
        lines = rows(app)
        assert list(lines) == [
            "urgent",
            "callbacks",
            "overdue",
            "due_soon",
            "visits",
            "visitors",
            "parcels",
            "keys",
            "patrols",
        ]
        assert (lines["callbacks"].line.count, lines["callbacks"].line.late) == (2, 1)
        assert isinstance(home.focused, SectionTile)  # the sections' keys as before: Enter opens Calls
        await pilot.press("down", "down", "enter")  # the first line (urgent help), then the callbacks
        await wait_for(pilot, lambda: isinstance(app.screen, TicketsScreen) and app.screen.queue == "callback")
        tickets = app.screen
        assert isinstance(tickets, TicketsScreen)
        await wait_for(pilot, lambda: len(tickets.rows) == 2)  # the two done tickets awaiting their callback
        assert {r.number for r in tickets.rows} == {r.text.split()[0] for r in lines["callbacks"].line.items}


async def test_a_digit_opens_its_line_filtered_and_registers(app: DeskApp, clock) -> None:  # type: ignore[no-untyped-def]
    seed_today(app.services, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await at_home(pilot)
        await pilot.press("7")  # parcels
        await wait_for(pilot, lambda: isinstance(app.screen, RegistersScreen) and app.screen.view == "parcels")
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        await pilot.press("1")  # urgent help not taken: the New queue
        await wait_for(pilot, lambda: isinstance(app.screen, TicketsScreen) and app.screen.queue == "new")


async def test_the_supervisor_opens_the_review_and_the_complaints(app: DeskApp, clock) -> None:  # type: ignore[no-untyped-def]
    seed_today(app.services, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await at_home(pilot, "3333", 2)
        lines = rows(app)
        assert list(lines) == ["review", "late_departments", "complaints", "missed_patrols", "inspections", "permits"]
        assert lines["review"].line.count == 3  # 11-20, 11-21, 11-22
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        await pilot.press("3")
        await wait_for(pilot, lambda: isinstance(app.screen, TicketsScreen) and app.screen.queue == "open")
        tickets = app.screen
        assert isinstance(tickets, TicketsScreen)
        assert tickets.query_one("#tq-filter", Input).value == "TS-"
        await wait_for(pilot, lambda: [r.kind for r in tickets.rows] == ["complaint"])
        assert tickets.query_one("#tq-table", DataTable).row_count == 1


async def test_the_night_shift_sees_the_handover_and_is_shown_again_fresh(app: DeskApp, clock) -> None:  # type: ignore[no-untyped-def]
    services = app.services
    seed_today(services, clock)
    hand_over_the_day(services, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        home = await at_home(pilot, "2222", 1)
        lines = rows(app)
        assert list(lines) == ["handover", "emergencies", "patrols", "keys"]
        handed = lines["handover"].line.items  # the important first, each with the outgoing's note
        assert handed and all(i.text.endswith(("— 已告知主管", "— 家属已到场，等120")) for i in handed)
        assert lines["keys"].line.late == 1
        await pilot.press("4")  # keys out: the handover's key log
        await wait_for(pilot, lambda: type(app.screen).__name__ == "KeyLogScreen")
        services.keys.take_back("机房A", operator=services.operators.by_name("李强"))
        await pilot.press("f2")
        await wait_for(pilot, lambda: app.screen is home and rows(app)["keys"].line.count == 0)


async def test_f9_on_home_redraws_today_in_chinese(app: DeskApp, clock) -> None:  # type: ignore[no-untyped-def]
    seed_today(app.services, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        home = await at_home(pilot)
        await pilot.press("down", "down")  # the focus on the callbacks line
        await pilot.press("f9")
        await wait_for(pilot, lambda: "今日前台待办" in str(home.query_one("#home-today-title").render()))
        await wait_for(pilot, lambda: not home.workers or all(w.is_finished for w in home.workers))
        lines = rows(app)
        assert "callbacks" in lines and lines["callbacks"].line.count == 2
        assert "今日应回访" in str(lines["callbacks"].render())
        assert home.focused is lines["callbacks"]  # the line that had the focus still has it
        await pilot.press("f9")  # the next in F9's cycle: zh-HK
        await wait_for(pilot, lambda: "今日前台待辦" in str(home.query_one("#home-today-title").render()))


def test_a_line_is_shortened_between_words_never_inside_one() -> None:
    from deskui.screens.home import fit

    assert fit("Estate patrol", 20) == "Estate patrol"
    assert fit("Duty log days waiting for your signature", 24) == "Duty log days waiting…"
    assert fit("WX-20261121-0001 3-2-1201 厨房水管漏水", 30) == "WX-20261121-0001 3-2-1201 厨…"  # Chinese: by character
    assert fit("ZXXK-20261110-001", 10) == "ZXXK-2026…"  # one word longer than the room: cut, with the sign
