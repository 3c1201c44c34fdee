"""The call screen driven through the keyboard: a whole call typed, read back, saved and found again."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Label, Static, TextArea

from deskui.app import DeskApp
from deskui.screens.calls import CallsScreen
from deskui.screens.calls.detail import CallDetailScreen
from deskui.screens.calls.readback import ReadBackScreen
from deskui.services.calls import CallInput
from deskui.widgets.choice_bar import ChoiceBar
from tests.functional.helpers import sign_in, wait_for


async def open_calls(pilot) -> CallsScreen:  # type: ignore[no-untyped-def]
    await sign_in(pilot)
    await pilot.press("f3")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, CallsScreen))
    screen = pilot.app.screen
    assert isinstance(screen, CallsScreen)
    return screen


def saved_calls(app: DeskApp):  # type: ignore[no-untyped-def]
    assert app.services is not None
    return app.services.calls.list(limit=100)


async def type_text(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    for char in text:
        await pilot.press("space" if char == " " else char)


async def test_known_caller_call_typed_read_back_and_saved(app: DeskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_calls(pilot)
        await type_text(pilot, "13812345678")
        await pilot.press("enter")  # lookup fills caller and unit, Enter jumps to the category
        await wait_for(pilot, lambda: screen.query_one("#call-caller", Input).value == "张三")
        assert screen.query_one("#call-unit", Input).value == "3栋2单元1201"
        await wait_for(pilot, lambda: screen.focused is screen.query_one("#call-category", ChoiceBar))
        await pilot.press("r")  # repair, and on to the content
        assert screen.query_one("#call-category", ChoiceBar).value == "repair"
        await type_text(pilot, "Kitchen pipe leaking [bold] [/")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ReadBackScreen))
        sentence = app.screen.sentence
        assert "Kitchen pipe leaking [bold] [/" in sentence and "张三" in sentence
        assert saved_calls(app) == [], "nothing is saved before the read-back is confirmed"
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(saved_calls(app)) == 1)
        call = saved_calls(app)[0]
        assert (call.caller, call.unit, call.phone, call.category, call.channel) == (
            "张三",
            "3栋2单元1201",
            "13812345678",
            "repair",
            "phone",
        )
        assert call.content == "Kitchen pipe leaking [bold] [/"
        assert call.operator == "王芳" and call.ticket_wanted
        await wait_for(pilot, lambda: screen.query_one("#call-table", DataTable).row_count == 1)
        assert screen.query_one("#call-content", TextArea).text == "", "the form clears for the next call"


async def test_chinese_call_typed_through_keys(settings, clock, desk_services) -> None:  # type: ignore[no-untyped-def]
    from deskui.app import make_app

    app = make_app(settings.with_overrides(language="zh-CN"), clock=clock, services=desk_services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_calls(pilot)
        await pilot.press("shift+tab", "w")  # back from the phone to the channel: walk-in, then on to the phone
        assert screen.query_one("#call-channel", ChoiceBar).value == "walk_in"
        await pilot.press("tab")  # no phone for a walk-in
        await type_text(pilot, "王先生")
        await pilot.press("tab")
        await type_text(pilot, "5-1-302")
        await pilot.press("tab", "c")
        await type_text(pilot, "楼上装修噪音太大 晚上十点还在施工")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ReadBackScreen))
        assert "投诉" in app.screen.sentence
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(saved_calls(app)) == 1)
        call = saved_calls(app)[0]
        assert call.content == "楼上装修噪音太大 晚上十点还在施工"
        assert (call.caller, call.unit, call.category, call.channel) == ("王先生", "5-1-302", "complaint", "walk_in")


async def test_empty_content_is_refused_inline(app: DeskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_calls(pilot)
        await type_text(pilot, "13812345678")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "-shown" in screen.query_one("#error-content", Label).classes)
        assert not isinstance(app.screen, ReadBackScreen)
        assert "-invalid" in screen.query_one("#field-category").classes
        assert saved_calls(app) == []


async def test_letters_in_phone_are_flagged_as_typed(app: DeskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_calls(pilot)
        await type_text(pilot, "138abc")
        await wait_for(pilot, lambda: "-shown" in screen.query_one("#error-phone", Label).classes)


async def test_duplicate_warning_for_an_open_matter(app: DeskApp) -> None:
    assert app.services is not None
    app.services.calls.record(
        CallInput(content="卫生间漏水", category="repair", unit="3-2-1201", phone="13812345678", caller="张三")
    )
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_calls(pilot)
        await pilot.press("tab", "tab")  # phone → caller → unit
        await type_text(pilot, "3-2-1201")
        await pilot.press("tab", "r")
        history = screen.query_one("#call-history", Static)
        await wait_for(pilot, lambda: "⚠" in str(history.render()))
        assert "漏水" in str(history.render())


async def test_correction_keeps_the_original(app: DeskApp) -> None:
    assert app.services is not None
    original = app.services.calls.record(
        CallInput(content="电梯坏了", category="repair", unit="3-2-1201", phone="13812345678", caller="张三")
    )
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_calls(pilot)
        await wait_for(pilot, lambda: screen.query_one("#call-table", DataTable).row_count == 1)
        screen.query_one("#call-table", DataTable).focus()
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: screen.query_one("#call-content", TextArea).text == "电梯坏了")
        await pilot.press("end")
        await type_text(pilot, " 困人")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ReadBackScreen))
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(app.services.calls.versions(original.id)) == 2)
        first, second = app.services.calls.versions(original.id)
        assert first.content == "电梯坏了" and first.id == original.id
        assert second.content == "电梯坏了 困人" and second.amends_id == original.id
        # both stay listed, the correction first (issue 10 defect 12)
        await wait_for(pilot, lambda: screen.query_one("#call-table", DataTable).row_count == 2)
        screen.query_one("#call-table", DataTable).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CallDetailScreen))
        assert [v.content for v in app.screen.versions] == ["电梯坏了", "电梯坏了 困人"]


@pytest.mark.parametrize("term", ["水", "漏水", "水管漏水", "PIPE"])
async def test_search_matches_a_substring_scan(app: DeskApp, term: str) -> None:
    assert app.services is not None
    contents = ["厨房水管漏水", "卫生间漏水", "停水通知", "电梯故障", "Water pipe burst", "水管漏水很严重"]
    for content in contents:
        app.services.calls.record(CallInput(content=content, category="repair", unit="5-1-302", phone="110"))
    expected = sorted(
        (c.id for c in app.services.calls.list(limit=100) if term.lower() in c.content.lower()), reverse=True
    )
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_calls(pilot)
        await pilot.press("ctrl+g")
        await type_text(pilot, term)
        await wait_for(pilot, lambda: [c.id for c in screen.rows] == expected)
        assert screen.query_one("#call-table", DataTable).row_count == len(expected)


async def test_draft_is_restored_on_the_next_start(settings, clock, desk_services) -> None:  # type: ignore[no-untyped-def]
    from deskui.app import make_app

    app = make_app(settings, clock=clock, services=desk_services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_calls(pilot)
        await type_text(pilot, "13812345678")
        await pilot.press("tab", "tab", "tab", "r")
        await type_text(pilot, "half typed")
        await wait_for(pilot, lambda: bool(desk_services.calls.pending_drafts(app.operator, form="call")))
        token = screen.token
    again = make_app(settings, clock=clock, services=desk_services)
    async with again.run_test(size=(120, 40)) as pilot:
        screen = await open_calls(pilot)
        await wait_for(pilot, lambda: screen.query_one("#call-content", TextArea).text == "half typed")
        assert screen.query_one("#call-phone", Input).value == "13812345678"
        assert screen.token == token, "saving the restored draft reuses its token: saved once"


async def test_visit_time_typed_on_the_call_is_the_tickets_appointment(app: DeskApp) -> None:
    from datetime import UTC, datetime

    from deskui.screens.tickets.new import NewTicketScreen

    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_calls(pilot)
        await type_text(pilot, "13812345678")
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.focused is screen.query_one("#call-category", ChoiceBar))
        await pilot.press("r")
        await type_text(pilot, "马桶堵了")
        await pilot.press("tab")  # content → visit time
        await type_text(pilot, "明天 9:30")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ReadBackScreen))
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.last_saved is not None)
        assert screen.last_saved is not None and screen.last_saved.visit_time == "明天 9:30"
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: isinstance(app.screen, NewTicketScreen))
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is screen)
        assert app.services is not None
        (opened,) = app.services.tickets.tickets_of_call(screen.last_saved.id)
        assert opened.appointment_at == datetime(2026, 11, 24, 1, 30, tzinfo=UTC)  # 09:30 tomorrow in Shanghai


async def test_urgent_call_at_night_opens_its_ticket_and_is_shown_on_every_screen(app: DeskApp, clock) -> None:  # type: ignore[no-untyped-def]
    """李强 on the night shift logs a person trapped in the lift, urgent: the ticket is open the moment the call is
    saved, every screen's header says so (number, unit, how long ago, F8), and it goes when someone takes it."""
    from datetime import UTC, datetime, timedelta

    from deskui.screens.tickets import TicketsScreen
    from deskui.screens.tickets.detail import TicketDetailScreen
    from deskui.widgets.urgent_banner import UrgentBanner

    clock.current = datetime(2026, 11, 23, 15, 30, tzinfo=UTC)  # 23:30 in Shanghai
    assert app.services is not None
    tickets = app.services.tickets
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "2222", index=1)  # 李强, night-shift maintenance
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, CallsScreen))
        screen = app.screen
        assert isinstance(screen, CallsScreen)
        await type_text(pilot, "13812345678")
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.focused is screen.query_one("#call-category", ChoiceBar))
        await pilot.press("h")  # help request
        await type_text(pilot, "有人被困电梯")
        await pilot.press("ctrl+b", "ctrl+s")  # urgent, save
        await wait_for(pilot, lambda: isinstance(app.screen, ReadBackScreen))
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.last_saved is not None)
        assert screen.last_saved is not None and screen.last_saved.urgent
        (opened,) = tickets.tickets_of_call(screen.last_saved.id)
        assert (opened.kind, opened.status, opened.created_by) == ("help", "new", "李强")

        banner = screen.query_one(UrgentBanner)
        await wait_for(pilot, lambda: opened.number in str(banner.render()))
        assert "3栋2单元1201" in str(banner.render()) and "F8" in str(banner.render())
        clock.advance(minutes=3)
        await wait_for(pilot, lambda: "3 min" in str(banner.render()))

        await pilot.press("f4")  # another section: the same banner
        await wait_for(pilot, lambda: isinstance(app.screen, TicketsScreen))
        queues = app.screen
        await wait_for(pilot, lambda: opened.number in str(queues.query_one(UrgentBanner).render()))
        await pilot.press("f8")  # opens it
        await wait_for(pilot, lambda: isinstance(app.screen, TicketDetailScreen))
        assert app.screen.ticket_id == opened.id  # type: ignore[attr-defined]

        # The supervisor at another terminal dispatches it to security: taken, the banner goes.
        supervisor = app.services.operators.by_name("陈静")
        tickets.dispatch(opened.id, opened.version, "security", operator=supervisor)
        detail_banner = app.screen.query_one(UrgentBanner)
        await wait_for(pilot, lambda: not detail_banner.display)
        assert clock.now() - opened.created_at == timedelta(minutes=3)


async def test_urgent_banner_keeps_number_unit_age_and_key_at_80_columns(app: DeskApp, clock) -> None:  # type: ignore[no-untyped-def]
    """Another terminal saved an urgent call with a long description: at 80 columns the description gives way."""
    from deskui.widgets.urgent_banner import UrgentBanner

    assert app.services is not None
    long = "有人被困电梯，" + "电梯停在两层之间，里面有老人和小孩，" * 3
    call = app.services.calls.record(
        CallInput(content=long, category="help", unit="3-2-1201", phone="13812345678", caller="张三", urgent=True)
    )
    (opened,) = app.services.tickets.tickets_of_call(call.id)
    clock.advance(minutes=12)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_calls(pilot)
        banner = screen.query_one(UrgentBanner)
        await wait_for(pilot, lambda: opened.number in str(banner.render()))
        shown = str(banner.render())
        assert "3-2-1201" in shown and "12 min ago" in shown and shown.rstrip().endswith("F8 opens it")
        assert "…" in shown and len(shown) <= 80
