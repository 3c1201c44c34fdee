"""One unit's whole story on screen (issue 13 item 7), driven with Pilot: F12 from the call form, a call's
detail, a ticket and the directory opens it; number keys filter; Enter opens a call or a ticket; Esc closes. And
the caller panel names the unit's parcels still waiting (issue 13 item 5)."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable, Input, Static

from deskui.app import DeskApp
from deskui.screens.calls import CallsScreen
from deskui.screens.calls.detail import CallDetailScreen
from deskui.screens.directory import DirectoryScreen
from deskui.screens.tickets.detail import TicketDetailScreen
from deskui.screens.timeline import TimelineScreen
from deskui.services.calls import CallInput
from tests.functional.helpers import sign_in, wait_for


def seed(app: DeskApp, days: int = 2) -> dict[str, Any]:
    """3-2-1201: a call with a ticket from it, a parcel `days` old; a neighbour's call."""
    services: Any = app.services
    clock = services.clock
    call = services.calls.record(
        CallInput(content="厨房水管漏水", category="repair", unit="3栋2单元1201", phone="13812345678")
    )
    services.calls.record(CallInput(content="楼上噪音", category="complaint", unit="3-2-1202", phone="13912340000"))
    clock.advance(minutes=5)
    ticket = services.tickets.open_from_call(call.id)
    clock.advance(minutes=5)
    parcel = services.parcels.receive("3-2-1201", "顺丰快递", tracking="SF1", shelf="A3")
    clock.advance(days=days, hours=1)
    return {"call": call, "ticket": ticket, "parcel": parcel}


async def type_text(pilot: Any, text: str) -> None:
    for char in text:
        await pilot.press("space" if char == " " else char)


async def timeline_shown(pilot: Any) -> TimelineScreen:
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, TimelineScreen) and app.screen.loaded)
    screen = app.screen
    assert isinstance(screen, TimelineScreen)
    return screen


def kinds(screen: TimelineScreen) -> list[str]:
    assert screen.query_one("#timeline-table", DataTable).row_count == len(screen.entries)
    return [e.kind for e in screen.entries]


async def test_from_the_call_form_filter_open_a_call_and_close(app: DeskApp) -> None:
    made = seed(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, CallsScreen))
        calls = app.screen
        assert isinstance(calls, CallsScreen)
        await pilot.press("f12")  # nothing typed yet: no unit, no story
        await pilot.pause()
        assert app.screen is calls
        await pilot.press("shift+tab", "w", "tab", "tab")  # a walk-in: no phone; on to the unit
        await type_text(pilot, "3#2-1201")
        await pilot.press("f12")
        story = await timeline_shown(pilot)
        assert calls.query_one("#call-unit", Input).value == "3#2-1201", "F12 did not edit the field"
        assert story.unit == "3#2-1201"
        assert kinds(story) == ["parcel", "ticket", "call"]
        assert [e.id for e in story.entries] == [made["parcel"].id, made["ticket"].id, made["call"].id]
        title = str(story.query_one("#timeline-title", Static).render())
        assert "Unit history" in title
        await pilot.press("2")
        await wait_for(pilot, lambda: story.loaded and story.group == "calls")
        assert kinds(story) == ["call"]
        await pilot.press("5")
        await wait_for(pilot, lambda: story.loaded and story.group == "registers")
        assert kinds(story) == ["parcel"]
        await pilot.press("1")
        await wait_for(pilot, lambda: story.loaded and story.group == "all")
        await pilot.press("down", "down", "enter")  # the call
        await wait_for(pilot, lambda: isinstance(app.screen, CallDetailScreen))
        detail = app.screen
        assert isinstance(detail, CallDetailScreen) and detail.versions[-1].id == made["call"].id
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is story)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is calls)


async def test_from_a_call_in_the_log_and_its_detail(app: DeskApp) -> None:
    made = seed(app, days=0)  # today's calls: what the log shows
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, CallsScreen) and app.screen.log_loaded)
        calls = app.screen
        assert isinstance(calls, CallsScreen)
        table = calls.query_one("#call-table", DataTable)
        await wait_for(pilot, lambda: table.row_count == 2)
        table.focus()
        await pilot.pause()
        await pilot.press("down")  # the second newest: 3栋2单元1201's call (the neighbour's is the newest)
        await pilot.press("f12")
        story = await timeline_shown(pilot)
        assert story.unit == "3栋2单元1201" and made["call"].id in [e.id for e in story.entries]
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is calls)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CallDetailScreen))
        await pilot.press("f12")
        story = await timeline_shown(pilot)
        assert story.unit == "3栋2单元1201"
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, CallDetailScreen))


async def test_from_a_ticket_filter_and_open_the_ticket(app: DeskApp) -> None:
    made = seed(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await app.show_ticket(made["ticket"].id)
        await wait_for(pilot, lambda: isinstance(app.screen, TicketDetailScreen) and app.screen.ticket is not None)
        ticket_screen = app.screen
        await pilot.press("f12")
        story = await timeline_shown(pilot)
        assert story.unit == "3栋2单元1201"
        await pilot.press("3")
        await wait_for(pilot, lambda: story.loaded and story.group == "tickets")
        assert kinds(story) == ["ticket"]
        assert story.entries[0].number == made["ticket"].number
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TicketDetailScreen) and app.screen is not ticket_screen)
        assert app.screen.ticket_id == made["ticket"].id  # type: ignore[attr-defined]
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is story)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is ticket_screen)


async def test_from_the_directory(app: DeskApp) -> None:
    seed(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        directory = app.screen
        assert isinstance(directory, DirectoryScreen)
        await type_text(pilot, "3-2-1202")
        await wait_for(pilot, lambda: directory.query_one("#directory-results", DataTable).row_count > 0)
        await pilot.press("f12")
        story = await timeline_shown(pilot)
        assert story.unit == "3-2-1202" and kinds(story) == ["call"]
        assert "楼上噪音" in story.entries[0].summary


async def test_the_caller_panel_names_the_parcels_waiting(app: DeskApp) -> None:
    made = seed(app)
    services: Any = app.services
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, CallsScreen))
        calls = app.screen
        assert isinstance(calls, CallsScreen)
        await type_text(pilot, "13812345678")
        await pilot.press("enter")  # the known caller fills the unit: the panel looks it up
        history = calls.query_one("#call-history", Static)
        await wait_for(pilot, lambda: "Parcels waiting: 1" in str(history.render()))
        shown = str(history.render())
        assert "顺丰快递" in shown and "waiting 2 day(s)" in shown and "A3" in shown
        # Picked up: the next lookup of the unit names none.
        services.parcels.pick_up(made["parcel"].id, "张三")
        await pilot.press("ctrl+n")
        await type_text(pilot, "13812345678")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "厨房水管漏水" in str(calls.query_one("#call-history", Static).render()))
        assert "Parcels waiting" not in str(calls.query_one("#call-history", Static).render())


async def test_from_the_registers(app: DeskApp) -> None:
    from deskui.screens.registers import RegistersScreen

    made = seed(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await app.push_screen(RegistersScreen("parcels"))
        await wait_for(pilot, lambda: isinstance(app.screen, RegistersScreen) and app.screen.loaded)
        await pilot.press("f12")
        story = await timeline_shown(pilot)
        assert story.unit == "3-2-1201" and made["parcel"].id in [e.id for e in story.entries if e.kind == "parcel"]


async def test_f9_redraws_the_story_in_chinese(app: DeskApp) -> None:
    made = seed(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await app.show_ticket(made["ticket"].id)
        await wait_for(pilot, lambda: isinstance(app.screen, TicketDetailScreen) and app.screen.ticket is not None)
        await pilot.press("f12")
        story = await timeline_shown(pilot)
        await pilot.press("f9")
        await wait_for(pilot, lambda: story.loaded and "房号档案" in str(story.query_one("#timeline-title").render()))
        assert "3栋2单元1201" in str(story.query_one("#timeline-title").render())
        assert "包裹" in [str(c) for c in story.query_one("#timeline-table", DataTable).get_row_at(0)]
        await pilot.press("f9")  # the next in F9's cycle: zh-HK
        await wait_for(pilot, lambda: story.loaded and "房號檔案" in str(story.query_one("#timeline-title").render()))
