"""The Handover section driven through the keyboard, with the database checked afterwards: a whole night → morning
handover, the relief who does not come, refusals at sign-off, the duty log, the key log and the daily review."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, OptionList, Static

from deskui.app import DeskApp, make_app
from deskui.core.clock import FrozenClock
from deskui.screens.forms import FormScreen
from deskui.screens.handover import HandoverScreen
from deskui.screens.handover.dutylog import DutyLogScreen
from deskui.screens.handover.keylog import KeyLogScreen
from deskui.screens.handover.review import ReviewScreen
from deskui.screens.handover.roster import RosterScreen
from deskui.services.admin.verify import verify_log
from deskui.services.calls import CallInput
from deskui.services.tickets import TicketInput
from deskui.widgets.header import DeskHeader
from tests.functional.helpers import sign_in, wait_for
from tests.functional.workers import workers_done

SH = ZoneInfo("Asia/Shanghai")
NIGHT = date(2026, 11, 23)
MORNING = date(2026, 11, 24)
WANG, LI, CHEN = 0, 1, 2  # their places in the sign-in list
PINS = {WANG: "1111", LI: "2222", CHEN: "3333"}


def at(day: date, h: int, m: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, h, m, tzinfo=SH).astimezone(UTC)


def people(services: Any) -> dict[str, Any]:
    return {o.name: o for o in services.operators.list()}


@pytest.fixture
def night(desk_services: Any, clock: FrozenClock) -> dict[str, Any]:
    """李强's night: a log entry, a repair and a complaint for the morning, an inquiry, a key still out; then 08:10."""
    s = desk_services
    p = people(s)
    li, wang, chen = p["李强"], p["王芳"], p["陈静"]
    clock.current = at(NIGHT, 20)
    s.roster.set_assignment(NIGHT, "night", li, chen)
    s.roster.set_assignment(MORNING, "day", wang, chen)
    s.dutylog.add("22:00 巡查B2车库，照明正常", operator=li)
    base = {"caller": "张先生", "unit": "3-2-1201", "phone": "13800138000"}
    repair = s.calls.record(CallInput(content="厨房水管漏水", category="repair", **base), operator=li)
    clock.advance(minutes=40)
    complaint = s.calls.record(
        CallInput(content="楼上装修噪音", category="complaint", caller="李女士", unit="3-2-1202", phone="13900139000"),
        operator=li,
    )
    s.calls.record(
        CallInput(content="问物业费", category="inquiry", caller="王", unit="5-1-302", phone="13700137000"), operator=li
    )
    s.keys.lend("机房A", "电工 老周", operator=li, due="23:30")
    clock.current = at(MORNING, 8, 10)
    return {"repair": repair, "complaint": complaint, "li": li, "wang": wang, "chen": chen}


async def type_text(pilot: Pilot[None], text: str) -> None:
    for char in text:
        await pilot.press("space" if char == " " else char)


async def open_checklist(pilot: Pilot[None], who: int) -> HandoverScreen:
    await sign_in(pilot, PINS[who], index=who)
    await pilot.press("f5")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, HandoverScreen) and pilot.app.screen.loaded)
    screen = pilot.app.screen
    assert isinstance(screen, HandoverScreen)
    return screen


async def form_open(pilot: Pilot[None]) -> FormScreen:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormScreen))
    form = pilot.app.screen
    assert isinstance(form, FormScreen)
    await pilot.pause()
    return form


async def form_closed(pilot: Pilot[None]) -> None:
    await wait_for(pilot, lambda: not isinstance(pilot.app.screen, FormScreen))


def text_of(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def form_error(form: FormScreen) -> str:
    return " ".join(str(label.render()) for label in form.query(".form-error.-shown"))


async def begin_and_join(pilot: Pilot[None], screen: HandoverScreen, services: Any) -> int:
    """The outgoing begins; the incoming (王芳, first on the list: the roster expects her) joins with her PIN."""
    await pilot.press("b")
    await wait_for(pilot, lambda: screen.st is not None and not screen.st.signed)
    assert screen.st is not None
    handover_id = screen.st.id
    await pilot.press("j")
    await form_open(pilot)
    await pilot.press("tab", *"1111", "enter")
    await form_closed(pilot)
    await wait_for(pilot, lambda: services.handover.state(handover_id).incoming is not None)
    return handover_id


# --- the whole morning handover ---------------------------------------------------------------------------------


async def test_full_night_to_morning_handover(app: DeskApp, night: dict[str, Any]) -> None:
    services = app.services
    assert services is not None
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_checklist(pilot, LI)
        handover_id = await begin_and_join(pilot, screen, services)
        st = services.handover.state(handover_id)
        assert (st.outgoing.name, st.incoming.name if st.incoming else None) == ("李强", "王芳")

        # 1. Equipment: a count that is not a number is refused in the form, nothing written.
        await pilot.press("1", "e")
        form = await form_open(pilot)
        await pilot.press("三", "ctrl+s")
        await wait_for(pilot, lambda: "not a number" in form_error(form))
        assert services.handover.state(handover_id).counts[0].counted is None
        await pilot.press("backspace", "3", "enter")  # 3 of 4: on to why and who
        await type_text(pilot, "夜里借给保安巡逻")
        await pilot.press("enter")
        await type_text(pilot, "保安 老赵")
        await pilot.press("enter")
        await form_closed(pilot)
        for expected in (2, 2, 1, 1):  # the rest as expected: the count and Enter save at once
            await pilot.press("down", "e", str(expected), "enter")
            await form_closed(pilot)
        await wait_for(pilot, lambda: services.handover.state(handover_id).step_done("equipment"))

        # 2. The key still out: the outgoing's note, the incoming's acknowledgement.
        await pilot.press("2", "n")
        await form_open(pilot)
        await type_text(pilot, "老周说中午前还")
        await pilot.press("ctrl+s")
        await form_closed(pilot)
        await pilot.press("a")
        await wait_for(pilot, lambda: services.handover.state(handover_id).step_done("keys"))

        # 4. Night calls: the repair becomes a ticket with one key; the complaint asks its severity (N: minor).
        await pilot.press("4", "t")
        await wait_for(pilot, lambda: services.handover.state(handover_id).night_calls[0].decided)
        await pilot.press("down", "t")
        await form_open(pilot)
        await pilot.press("n")
        await form_closed(pilot)
        await wait_for(pilot, lambda: services.handover.state(handover_id).step_done("night_calls"))

        # 5. Checks, with what was found.
        await pilot.press("5", "space", "down", "space", "down", "space", "n")
        await form_open(pilot)
        await type_text(pilot, "东门路灯不亮")
        await pilot.press("ctrl+s")
        await form_closed(pilot)
        await wait_for(pilot, lambda: services.handover.state(handover_id).can_sign)

        # 6. Both sign with their PINs: the outgoing first (chosen for him), then the incoming.
        await pilot.press("s")
        await form_open(pilot)
        await pilot.press(*"2222", "enter")
        await form_closed(pilot)
        await wait_for(pilot, lambda: len(services.handover.state(handover_id).signatures) == 1)
        await pilot.press("s")
        await form_open(pilot)
        await pilot.press(*"1111", "enter")
        await form_closed(pilot)
        await wait_for(pilot, lambda: services.handover.state(handover_id).signed)
        await wait_for(pilot, lambda: screen.st is not None and screen.st.signed)

        st = services.handover.state(handover_id)
        walkie = next(c for c in st.counts if c.key == "walkie_talkie")
        assert (walkie.counted, walkie.explanation, walkie.holder) == (3, "夜里借给保安巡逻", "保安 老赵")
        assert walkie.ticket_id is not None, "the missing walkie-talkie became a ticket at sign-off"
        assert [c.counted for c in st.counts] == [3, 2, 2, 1, 1]
        assert [n.call.id for n in st.night_calls] == [night["repair"].id, night["complaint"].id]
        for n in st.night_calls:
            assert n.disposition == "ticket" and n.ticket_id is not None
            assert [t.id for t in services.tickets.tickets_of_call(n.call.id)] == [n.ticket_id]
        assert services.tickets.get(st.night_calls[1].ticket_id).severity == "minor"
        assert st.keys[0].note == "老周说中午前还" and st.keys[0].acknowledged_by == "王芳"
        assert next(c for c in st.checks if c.key == "area_checked").note == "东门路灯不亮"
        assert {s.name for s in st.signatures} == {"李强", "王芳"}
        entry = services.dutylog.by_seq(st.chain_seq)
        assert entry.kind == "handover" and verify_log(services.dutylog).intact

        # Locked: shown read-only, every step's key gone.
        assert "Locked" in text_of(screen, "#ho-relief")
        for action in ("count", "note", "acknowledge", "tick", "sign"):
            assert not screen.check_action(action, ())
        await pilot.press("1", "e")
        await pilot.pause(0.2)
        assert not isinstance(app.screen, FormScreen)


# --- the relief who does not come ---------------------------------------------------------------------------------


async def test_relief_absent_outgoing_remains_on_duty(app: DeskApp, night: dict[str, Any], clock: FrozenClock) -> None:
    services = app.services
    assert services is not None
    clock.current = at(MORNING, 8, 40)  # the day shift starts 08:30; the relief was due 08:15
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_checklist(pilot, LI)
        await pilot.press("b")
        await wait_for(pilot, lambda: screen.st is not None)
        relief = text_of(screen, "#ho-relief")
        assert "25 min late" in relief and "李强 remains on duty" in relief
        assert "-late" in screen.query_one("#ho-relief").classes
        header = screen.query_one(DeskHeader)
        await wait_for(pilot, lambda: header.duty.remains == "李强")
        assert header.duty.late_minutes == 25
        shown = str(header.render())
        assert "李强 remains on duty: relief 25 min late" in shown or "⚠ 李强 +25′" in shown  # long or short form
        # He cannot finish alone: no PIN is even asked, and nothing is signed.
        await pilot.press("s")
        await wait_for(pilot, lambda: "incoming operator has not joined" in text_of(screen, "#ho-message"))
        assert not isinstance(app.screen, FormScreen)
        assert screen.check_action("join", ()) and not screen.check_action("count", ())
        assert screen.st is not None
        assert services.handover.state(screen.st.id).signatures == ()
        # Ten minutes later the screen says so by itself.
        clock.advance(minutes=10)
        screen.load()
        await wait_for(pilot, lambda: "35 min late" in text_of(screen, "#ho-relief"))


# --- refusals at sign-off -----------------------------------------------------------------------------------------


def everything_but_signing(services: Any, handover_id: int, wang: Any, night: dict[str, Any]) -> None:
    for eq in services.settings.equipment:
        services.handover.record_count(handover_id, eq.key, eq.count, operator=wang)
    st = services.handover.state(handover_id)
    for item in (*st.keys, *st.items):
        services.handover.acknowledge(handover_id, item.id, operator=wang)
    for key in ("desk_tidy", "log_read", "area_checked"):
        services.handover.check(handover_id, key, operator=wang)
    services.handover.dispose(handover_id, night["repair"].id, "handled", operator=wang, reason="夜里已修好")
    services.handover.dispose(handover_id, night["complaint"].id, "no_action", operator=wang, reason="住户撤回")


async def test_wrong_pin_and_signing_twice(app: DeskApp, night: dict[str, Any]) -> None:
    services = app.services
    assert services is not None
    st = services.handover.start(night["li"])
    services.handover.arrive(st.id, night["wang"])
    everything_but_signing(services, st.id, night["wang"], night)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_checklist(pilot, LI)
        assert screen.st is not None and screen.st.id == st.id and screen.st.can_sign
        await pilot.press("s")
        form = await form_open(pilot)
        await pilot.press(*"9999", "enter")
        await wait_for(pilot, lambda: "Wrong PIN" in form_error(form))
        assert app.screen is form, "the form stays open for another try"
        assert services.handover.state(st.id).signatures == ()
        await pilot.press(*"2222", "enter")
        await form_closed(pilot)
        await wait_for(pilot, lambda: len(services.handover.state(st.id).signatures) == 1)
        # The same person again: the form says so, nothing more is written.
        await pilot.press("s")
        form = await form_open(pilot)
        await pilot.press("shift+tab", "o", *"2222", "enter")
        await wait_for(pilot, lambda: "already signed" in form_error(form))
        assert [s.name for s in services.handover.state(st.id).signatures] == ["李强"]
        await pilot.press("escape")
        await form_closed(pilot)
        assert not services.handover.state(st.id).signed


async def test_sign_off_refused_while_an_important_item_has_no_note(app: DeskApp, night: dict[str, Any]) -> None:
    services = app.services
    assert services is not None
    p = night
    help_request = services.tickets.create(
        TicketInput(kind="help", description="独居老人求助，家中跌倒", unit="5-1-302", caller="王阿姨"),
        operator=p["wang"],
    )
    st = services.handover.start(p["li"])
    services.handover.arrive(st.id, p["wang"])
    everything_but_signing(services, st.id, p["wang"], night)
    assert [b.step for b in services.handover.state(st.id).blockers] == ["items"]
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_checklist(pilot, LI)
        await pilot.press("s")
        await wait_for(pilot, lambda: "Cannot sign yet" in text_of(screen, "#ho-message"))
        message = text_of(screen, "#ho-message")
        assert "needs a note from the outgoing operator" in message and help_request.number in message
        assert not isinstance(app.screen, FormScreen), "no PIN is asked while something blocks"
        assert screen.step == "items", "the screen goes to the step that blocks"
        assert "Before sign-off" in text_of(screen, "#ho-blockers")
        assert services.handover.state(st.id).signatures == ()
        # The outgoing writes the note; then the PIN is asked.
        await pilot.press("n")
        await form_open(pilot)
        await type_text(pilot, "已联系家属 120已送医")
        await pilot.press("ctrl+s")
        await form_closed(pilot)
        await wait_for(pilot, lambda: services.handover.state(st.id).can_sign)
        assert services.handover.state(st.id).items[0].note == "已联系家属 120已送医"
        await pilot.press("s")
        await form_open(pilot)


# --- tickets named by their number (issue 10 defect 10) ----------------------------------------------------------


def signed_with_tickets(services: Any, night: dict[str, Any]) -> Any:
    """The morning handover signed with a walkie-talkie missing and both night calls made tickets."""
    wang, li = night["wang"], night["li"]
    st = services.handover.start(li)
    services.handover.arrive(st.id, wang)
    for eq in services.settings.equipment:
        n = eq.count - 1 if eq.key == "walkie_talkie" else eq.count
        extra = {"explanation": "借给保安", "holder": "保安 老赵"} if n < eq.count else {}
        services.handover.record_count(st.id, eq.key, n, operator=wang, **extra)
    current = services.handover.state(st.id)
    for item in (*current.keys, *current.items):
        services.handover.acknowledge(st.id, item.id, operator=wang)
    for key in ("desk_tidy", "log_read", "area_checked"):
        services.handover.check(st.id, key, operator=wang)
    services.handover.dispose(st.id, night["repair"].id, "ticket", operator=wang)
    services.handover.dispose(st.id, night["complaint"].id, "ticket", operator=wang, severity="minor")
    services.handover.sign(st.id, li, "2222")
    return services.handover.sign(st.id, wang, "1111")


async def test_handover_and_review_screens_name_tickets_by_number(app: DeskApp, night: dict[str, Any]) -> None:
    services = app.services
    assert services is not None
    st = signed_with_tickets(services, night)
    numbers = [services.tickets.get(n.ticket_id).number for n in st.night_calls]
    walkie = next(c for c in st.counts if c.key == "walkie_talkie")
    shortage = services.tickets.get(walkie.ticket_id).number
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_checklist(pilot, CHEN)
        await wait_for(pilot, lambda: screen.st is not None and screen.st.id == st.id)
        await pilot.press("4")
        table = screen.query_one("#ho-table", DataTable)
        await wait_for(pilot, lambda: screen.step == "night_calls" and table.row_count == 2)
        decisions = [str(table.get_row_at(row)[-1]) for row in range(2)]
        for number, decision in zip(numbers, decisions, strict=True):
            assert number in decision and "#" not in decision
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.review_data is not None)
        review = app.screen
        content = text_of(review, "#rv-content")
        assert shortage in content and all(number in content for number in numbers)
        assert "ticket #" not in content.lower()


# --- after signing, the shortage ticket, the step counts (issue 10 defect 13) ------------------------------------


async def test_signing_tells_of_the_shortage_ticket_and_moves_on(
    app: DeskApp, night: dict[str, Any], clock: FrozenClock
) -> None:
    services = app.services
    assert services is not None
    clock.current = at(MORNING, 8, 27)
    wang, li = night["wang"], night["li"]
    st = services.handover.start(li)
    services.handover.arrive(st.id, wang)
    everything_but_signing(services, st.id, wang, night)
    services.handover.record_count(
        st.id, "walkie_talkie", 3, operator=wang, explanation="借给保安巡逻", holder="保安 老赵"
    )
    services.handover.sign(st.id, li, "2222")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_checklist(pilot, WANG)
        assert screen.st is not None and screen.st.id == st.id
        # Before signing, the screen says a ticket will be opened for the missing walkie-talkie.
        ready = text_of(screen, "#ho-blockers")
        assert "Walkie-talkie" in ready and "ticket" in ready.lower()
        await pilot.press("s")
        await form_open(pilot)
        await pilot.press(*"1111", "enter")
        await form_closed(pilot)
        await wait_for(pilot, lambda: screen.st is not None and screen.st.signed)
        walkie = next(c for c in services.handover.state(st.id).counts if c.key == "walkie_talkie")
        ticket = services.tickets.get(walkie.ticket_id)
        assert ticket.unit == services.settings.desk_place
        await wait_for(pilot, lambda: ticket.number in text_of(screen, "#ho-message"))
        message = text_of(screen, "#ho-message")
        assert "Walkie-talkie" in message and services.settings.desk_place in message
        # The night is handed over: what comes next is the day shift, not the night again.
        await wait_for(pilot, lambda: screen.next_slot is not None and screen.next_slot.key == "day")
        relief = text_of(screen, "#ho-relief")
        assert "Night shift" not in relief and "Day shift" in relief and "2026-11-24" in relief


async def test_step_count_equals_the_rows_shown(app: DeskApp, night: dict[str, Any]) -> None:
    services = app.services
    assert services is not None
    services.tickets.create(
        TicketInput(kind="help", description="独居老人求助，家中跌倒", unit="5-1-302", caller="王阿姨"),
        operator=night["wang"],
    )
    st = services.handover.start(night["li"])
    services.handover.arrive(st.id, night["wang"])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_checklist(pilot, LI)
        await pilot.press("3")
        table = screen.query_one("#ho-table", DataTable)
        await wait_for(pilot, lambda: screen.step == "items" and table.row_count > 0)
        steps = screen.query_one("#ho-steps", OptionList)
        label = str(steps.get_option("items").prompt)
        assert label.endswith(f"({table.row_count})"), f"{label!r} over {table.row_count} rows"


# --- two terminals, a crash ---------------------------------------------------------------------------------------


async def test_second_terminal_is_told_and_opens_the_existing_handover(app: DeskApp, night: dict[str, Any]) -> None:
    services = app.services
    assert services is not None
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_checklist(pilot, LI)
        assert screen.st is None
        existing = services.handover.start(night["li"])  # on the other terminal, a moment ago
        await pilot.press("b")
        await wait_for(pilot, lambda: screen.st is not None and screen.st.id == existing.id)
        assert "already started by 李强" in text_of(screen, "#ho-message")
        assert len(services.handover.summaries(NIGHT, MORNING)) == 1


async def test_handover_in_progress_survives_a_restart(
    settings: Any, clock: FrozenClock, desk_services: Any, night: dict[str, Any]
) -> None:
    first = make_app(settings, clock=clock, services=desk_services)
    async with first.run_test(size=(120, 40)) as pilot:
        screen = await open_checklist(pilot, LI)
        handover_id = await begin_and_join(pilot, screen, desk_services)
        await pilot.press("e", "4", "enter")
        await form_closed(pilot)
        await wait_for(pilot, lambda: desk_services.handover.state(handover_id).counts[0].counted == 4)
    second = make_app(settings, clock=clock, services=desk_services)  # the terminal was closed mid-way
    async with second.run_test(size=(120, 40)) as pilot:
        screen = await open_checklist(pilot, WANG)
        assert screen.st is not None and screen.st.id == handover_id
        table = screen.query_one("#ho-table", DataTable)
        assert str(table.get_row_at(0)[2]) == "4"
        assert screen.check_action("count", ()), "王芳, the incoming, carries on"


# --- duty log, key log, review ----------------------------------------------------------------------------------


async def test_duty_log_entry_added_and_amended_original_kept(app: DeskApp) -> None:
    services = app.services
    assert services is not None
    async with app.run_test(size=(120, 40)) as pilot:
        await open_checklist(pilot, WANG)
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, DutyLogScreen))
        log = app.screen
        assert isinstance(log, DutyLogScreen)
        await pilot.press("a")  # the box opens; what is typed next lands in it
        await type_text(pilot, "10:00 3栋电梯困人")
        await pilot.press("enter")
        await type_text(pilot, "已通知维保 [bold]")
        await pilot.press("ctrl+s")
        await form_closed(pilot)
        entries = services.dutylog.entries(date(2026, 11, 23))
        assert [e.text for e in entries] == ["10:00 3栋电梯困人\n已通知维保 [bold]"]
        original = entries[0]
        await wait_for(pilot, lambda: log.query_one("#dl-table", DataTable).row_count == 1)
        await pilot.press("e")
        form = await form_open(pilot)
        await pilot.press("ctrl+s")  # unchanged: refused in the form
        await wait_for(pilot, lambda: "Nothing was changed" in form_error(form))
        await type_text(pilot, " 10:40 已放出")  # the cursor starts at the end of what was written
        await pilot.press("tab")
        await type_text(pilot, "补记结果")
        await pilot.press("ctrl+s")
        await form_closed(pilot)
        entries = services.dutylog.entries(date(2026, 11, 23))
        assert len(entries) == 2
        kept, correction = entries
        assert kept.text == original.text and kept.hash == original.hash and kept.amended_by == (correction.id,)
        assert correction.kind == "amendment" and correction.amends_id == original.id
        assert correction.text == "10:00 3栋电梯困人\n已通知维保 [bold] 10:40 已放出"
        assert correction.payload["reason"] == "补记结果" and correction.operator == "王芳"
        table = log.query_one("#dl-table", DataTable)
        await wait_for(pilot, lambda: table.row_count == 2)
        assert "corrected later" in str(table.get_row_at(0)[4]) and "Corrects #1" in str(table.get_row_at(1)[4])
        await wait_for(pilot, lambda: "intact" in text_of(log, "#dl-chain"))
        assert "#2" in text_of(log, "#dl-chain")


async def test_key_lent_and_returned(app: DeskApp) -> None:
    services = app.services
    assert services is not None
    async with app.run_test(size=(120, 40)) as pilot:
        await open_checklist(pilot, WANG)
        await pilot.press("k")
        await wait_for(pilot, lambda: isinstance(app.screen, KeyLogScreen))
        keys = app.screen
        await pilot.press("n")
        await form_open(pilot)
        await type_text(pilot, "3-2-1201")
        await pilot.press("enter")
        await type_text(pilot, "装修工 小刘")
        await pilot.press("enter")
        await type_text(pilot, "25:00")  # not a time: refused next to the field
        await pilot.press("enter", "enter")
        form = app.screen
        assert isinstance(form, FormScreen)
        await wait_for(pilot, lambda: "Cannot read the return time" in form_error(form))
        assert "-invalid" in form.query_one("#form-field-due").classes
        assert services.keys.out() == []
        await pilot.press("ctrl+u")
        await type_text(pilot, "12:00")
        await pilot.press("ctrl+s")
        await form_closed(pilot)
        (loan,) = services.keys.out()
        assert (loan.tag, loan.borrower, loan.lent_by) == ("3-2-1201", "装修工 小刘", "王芳")
        assert loan.due_at == at(date(2026, 11, 23), 12)
        table = keys.query_one("#kl-table", DataTable)
        await wait_for(pilot, lambda: table.row_count == 1)
        await pilot.press("t")
        await form_open(pilot)
        await type_text(pilot, "完好")
        await pilot.press("enter")
        await form_closed(pilot)
        assert services.keys.out() == []
        (back,) = services.keys.history()
        assert back.returned_by == "王芳" and back.return_note == "完好" and back.returned_at is not None


async def test_overdue_key_highlighted(app: DeskApp, clock: FrozenClock) -> None:
    services = app.services
    assert services is not None
    services.keys.lend("机房A", "电工 老周", operator=None, due="10:30")
    clock.advance(hours=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_checklist(pilot, WANG)
        await pilot.press("k")
        await wait_for(pilot, lambda: isinstance(app.screen, KeyLogScreen))
        await wait_for(pilot, lambda: "1 overdue" in text_of(app.screen, "#kl-title"))
        table = app.screen.query_one("#kl-table", DataTable)
        assert str(table.get_row_at(0)[5]) == "overdue"


async def test_supervisor_review_signed(app: DeskApp, clock: FrozenClock) -> None:
    services = app.services
    assert services is not None
    yesterday = date(2026, 11, 22)
    clock.current = at(yesterday, 21)
    services.dutylog.add("21:00 夜班正常", operator=people(services)["李强"])
    clock.current = at(date(2026, 11, 23), 9)
    async with app.run_test(size=(120, 40)) as pilot:
        # Not a supervisor: the key to sign is not there.
        await open_checklist(pilot, WANG)
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.review_data is not None)
        assert not app.screen.check_action("sign", ())
    async with make_app(app.settings, clock=clock, services=services).run_test(size=(120, 40)) as pilot:
        await open_checklist(pilot, CHEN)
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ReviewScreen) and pilot.app.screen.review_data)
        review = pilot.app.screen
        assert isinstance(review, ReviewScreen) and review.day == yesterday
        assert "Not signed yet" in text_of(review, "#rv-title")
        assert "夜班正常" in text_of(review, "#rv-content")
        assert "11-22" in text_of(review, "#rv-unsigned")
        await pilot.press("s")
        form = await form_open(pilot)
        await pilot.press("tab", *"0000", "enter")  # past the note
        await wait_for(pilot, lambda: "Wrong PIN" in form_error(form))
        assert services.review.signature(yesterday) is None
        await pilot.press(*"3333", "enter")
        await form_closed(pilot)
        signature = services.review.signature(yesterday)
        assert signature is not None and signature.supervisor == "陈静"
        await wait_for(pilot, lambda: "Signed by 陈静" in text_of(review, "#rv-title"))
        assert not review.check_action("sign", ())
        assert services.review.unsigned_days(yesterday - timedelta(days=0), yesterday) == []


def failed_attempts(services: Any, name: str) -> int:
    from sqlmodel import select

    from deskui.models import Operator

    with services.db.read() as s:
        return s.exec(select(Operator).where(Operator.name == name)).one().failed_attempts


async def open_review_sign_form(pilot: Pilot[None], services: Any, clock: FrozenClock) -> FormScreen:
    yesterday = date(2026, 11, 22)
    clock.current = at(yesterday, 21)
    services.dutylog.add("21:00 夜班正常", operator=people(services)["李强"])
    clock.current = at(date(2026, 11, 23), 9)
    await open_checklist(pilot, CHEN)
    await pilot.press("v")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ReviewScreen) and pilot.app.screen.review_data)
    await pilot.press("s")
    return await form_open(pilot)


async def test_review_sign_off_starts_on_the_note_and_costs_no_attempt(app: DeskApp, clock: FrozenClock) -> None:
    services = app.services
    assert services is not None
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_review_sign_form(pilot, services, clock)
        assert form.focused is form.query_one("#form-note"), "the form must start on its first field, the note"
        await type_text(pilot, "核对 2 条报修 ok")
        await pilot.press("tab", *"3333", "enter")
        await form_closed(pilot)
        signature = services.review.signature(date(2026, 11, 22))
        assert signature is not None and signature.supervisor == "陈静"
        assert signature.note == "核对 2 条报修 ok"
        assert failed_attempts(services, "陈静") == 0


async def test_review_pin_takes_digits_only_and_an_empty_pin_costs_nothing(app: DeskApp, clock: FrozenClock) -> None:
    services = app.services
    assert services is not None
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_review_sign_form(pilot, services, clock)
        await pilot.press("tab")
        pin = form.query_one("#form-pin")
        assert form.focused is pin
        await pilot.press("enter")  # nothing typed yet
        await wait_for(pilot, lambda: "Type the PIN" in form_error(form))
        assert failed_attempts(services, "陈静") == 0
        await type_text(pilot, "a3b3-3 3")
        assert pin.value == "3333"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await form_closed(pilot)
        assert services.review.signature(date(2026, 11, 22)) is not None
        assert failed_attempts(services, "陈静") == 0


async def test_roster_planned_by_the_supervisor_and_a_swap_approved_with_her_pin(
    app: DeskApp, clock: FrozenClock
) -> None:
    services = app.services
    assert services is not None
    today = date(2026, 11, 23)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_checklist(pilot, CHEN)
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, RosterScreen) and app.screen.roster_data is not None)
        roster = app.screen
        assert isinstance(roster, RosterScreen)
        table = roster.query_one("#ro-table", DataTable)
        await wait_for(pilot, lambda: table.cursor_coordinate.row == today.day - 1)  # opens on today's row
        await pilot.press("enter")  # the day shift under the cursor
        await form_open(pilot)
        await pilot.press("space", "down", "down", "space", "ctrl+s")  # 王芳 and 陈静
        await form_closed(pilot)
        assert [o.name for o in services.roster.assigned(today, "day")] == ["王芳", "陈静"]
    async with make_app(app.settings, clock=clock, services=services).run_test(size=(120, 40)) as pilot:
        await open_checklist(pilot, WANG)
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, RosterScreen) and pilot.app.screen.roster_data)
        roster = pilot.app.screen
        assert not roster.check_action("assign", ()), "only a supervisor plans the roster"
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert not isinstance(pilot.app.screen, FormScreen)
        await pilot.press("w")  # 王芳 gives her day shift to 李强; 陈静 approves with her PIN
        form = await form_open(pilot)
        await pilot.press("enter", "enter", "enter", *"0000", "enter")
        await wait_for(pilot, lambda: "Wrong PIN" in form_error(form))
        assert [o.name for o in services.roster.assigned(today, "day")] == ["王芳", "陈静"]
        await pilot.press(*"3333", "enter")
        await form_closed(pilot)
        assert [o.name for o in services.roster.assigned(today, "day")] == ["陈静", "李强"]
        swap = services.roster.changes(today, today)[-1]
        assert (swap.action, swap.operator, swap.other, swap.approved_by) == ("swap", "王芳", "李强", "陈静")


async def test_duty_log_of_any_shift(app: DeskApp, night: dict[str, Any], clock: FrozenClock) -> None:
    clock.current = at(MORNING, 10)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_checklist(pilot, WANG)
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, DutyLogScreen) and app.screen.view_data is not None)
        log = app.screen
        assert isinstance(log, DutyLogScreen)
        assert (log.duty_date, log.shift_key) == (MORNING, "day")
        await pilot.press("left_square_bracket")  # the night before, with its entry and calls
        await wait_for(pilot, lambda: log.view_data is not None and log.view_data.shift_key == "night")
        table = log.query_one("#dl-table", DataTable)
        await wait_for(pilot, lambda: table.row_count == 4)
        assert "Night shift 2026-11-23" in text_of(log, "#dl-title")
        await pilot.press("d")  # a date and a shift, typed
        await form_open(pilot)
        await pilot.press("ctrl+u")
        await type_text(pilot, "2026-11-23")
        await pilot.press("enter", "d")  # D: the day shift, and the form is done
        await form_closed(pilot)
        await wait_for(pilot, lambda: log.view_data is not None and log.view_data.shift_key == "day")
        assert log.duty_date == NIGHT
        await pilot.press("n")  # back to the shift now
        await wait_for(pilot, lambda: log.view_data is not None and log.view_data.duty_date == MORNING)


async def test_acknowledgements_typed_ahead_each_land_on_their_row(
    app: DeskApp, night: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Defect 3 (the e2e day): 'a ↓ a ↓ a ↓ a' typed in one burst on the keys step acknowledges every key still out,
    however long each save takes; the keys after an 'a' wait for its save and the redrawn list."""
    import time

    from tests.functional.test_typeahead import type_ahead

    services = app.services
    assert services is not None
    for tag, who in (("机房B", "保安 老王"), ("天台", "保洁 小李"), ("配电房", "电工 老周")):
        services.keys.lend(tag, who, operator=night["li"], due="09:30")
    slow = services.handover.acknowledge

    def acknowledge(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.2)  # a slow disk: the save is still running when the next keys arrive
        return slow(*args, **kwargs)

    monkeypatch.setattr(services.handover, "acknowledge", acknowledge)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_checklist(pilot, 1)
        handover_id = await begin_and_join(pilot, screen, services)
        await pilot.press("2")
        await wait_for(pilot, lambda: screen.step == "keys" and len(screen.rows) == 4)
        await type_ahead(pilot, ["a", "down", "a", "down", "a", "down", "a"])
        await workers_done(app)
        keys = services.handover.state(handover_id).keys
        assert [k.acknowledged_by is not None for k in keys] == [True] * 4, keys


async def test_notes_and_acknowledgements_typed_row_after_row(
    app: DeskApp, night: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Defect 3 (the e2e day, step 3): on the open items, 'n note Ctrl+S a ↓' row after row, each save slow: every
    item ends with its note and acknowledged."""
    import time

    from tests.functional.test_typeahead import type_ahead

    services = app.services
    assert services is not None
    for n, unit in enumerate(("5-1-302", "3-2-1201", "1-1-101")):
        services.tickets.create(TicketInput(kind="help", description=f"待办{n}", unit=unit, caller="王阿姨"))
    slow_note, slow_ack = services.handover.note, services.handover.acknowledge

    def note(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.2)
        return slow_note(*args, **kwargs)

    def acknowledge(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.2)
        return slow_ack(*args, **kwargs)

    monkeypatch.setattr(services.handover, "note", note)
    monkeypatch.setattr(services.handover, "acknowledge", acknowledge)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_checklist(pilot, 1)
        handover_id = await begin_and_join(pilot, screen, services)
        await pilot.press("3")
        await wait_for(pilot, lambda: screen.step == "items" and len(screen.rows) >= 2)
        count = len(screen.rows)
        keys: list[str] = []
        for n in range(count):
            keys += ["n", *f"note{n}", "ctrl+s", "a", "down"]
        await type_ahead(pilot, keys)
        await workers_done(app)
        items = services.handover.state(handover_id).items
        assert [(i.note, i.acknowledged_by is not None) for i in items] == [(f"note{n}", True) for n in range(count)]
