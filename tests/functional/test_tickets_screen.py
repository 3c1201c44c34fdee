"""The ticket screens driven through the keyboard, checked in the database afterwards: a call becomes a ticket and is
dispatched, done, called back and closed; merges; a conflict with another terminal; actions hidden by role; the
queue filter; live refresh; paging."""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Label, Static

from deskui.app import DeskApp, make_app
from deskui.screens.calls import CallsScreen
from deskui.screens.calls.readback import ReadBackScreen
from deskui.screens.signin import SignInScreen
from deskui.screens.tickets import TicketsScreen
from deskui.screens.tickets.detail import TicketDetailScreen
from deskui.screens.tickets.forms import TicketFormScreen
from deskui.screens.tickets.new import NewTicketScreen
from deskui.services.calls import CallInput
from deskui.services.tickets import TicketInfo
from tests.functional.helpers import operators_listed, sign_in, wait_for


async def type_text(pilot: Pilot[None], text: str) -> None:
    for char in text:
        await pilot.press("space" if char == " " else char)


def burst(pilot: Pilot[None], keys: list[str]) -> None:
    """Keys sent to the driver all at once, as a fast typist's or a terminal's burst: nothing waits between them."""
    driver = pilot.app._driver
    assert driver is not None
    for key in keys:
        char = key if len(key) == 1 else {"space": " ", "slash": "/"}.get(key)
        event = events.Key(key, char)
        event.set_sender(pilot.app)
        driver.send_message(event)


def ticket(app: DeskApp, ref: str | int) -> TicketInfo:
    assert app.services is not None
    return app.services.tickets.get(ref)


def record_call(app: DeskApp, content: str, *, unit: str = "3-2-1201", category: str = "repair") -> int:
    assert app.services is not None
    call = app.services.calls.record(
        CallInput(content=content, category=category, unit=unit, phone="13812345678", caller="张三")
    )
    return call.id


async def open_queues(pilot: Pilot[None]) -> TicketsScreen:
    await pilot.press("f4")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, TicketsScreen))
    screen = pilot.app.screen
    assert isinstance(screen, TicketsScreen)
    await wait_for(pilot, lambda: screen.marker >= 0)
    return screen


def table_ids(screen: TicketsScreen) -> list[int]:
    return [r.id for r in screen.rows]


async def open_ticket(pilot: Pilot[None], number: str) -> TicketDetailScreen:
    """From the queues: filter by the number, Enter on the row."""
    screen = await open_queues(pilot)
    await pilot.press("slash")
    await type_text(pilot, number)
    await wait_for(pilot, lambda: [r.number for r in screen.rows] == [number])
    await pilot.press("enter")  # the filter hands over to the table
    await pilot.press("enter")  # and the table opens the ticket
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, TicketDetailScreen))
    detail = pilot.app.screen
    assert isinstance(detail, TicketDetailScreen)
    await wait_for(pilot, lambda: detail.detail is not None)
    return detail


async def act(pilot: Pilot[None], key: str) -> TicketFormScreen:
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, TicketFormScreen))
    form = pilot.app.screen
    assert isinstance(form, TicketFormScreen)
    return form


async def saved(pilot: Pilot[None], detail: TicketDetailScreen, version: int) -> None:
    """Wait until the form is gone and the detail shows the ticket after the action."""
    await wait_for(pilot, lambda: pilot.app.screen is detail)
    await wait_for(pilot, lambda: detail.ticket is not None and detail.ticket.version > version)


async def switch_operator(pilot: Pilot[None], name: str, pin: str) -> None:
    """Lock the screen (Ctrl+L) and sign in as someone else, with the arrow keys and the PIN: they get their own
    session (Home the first time, else the screen they left), the first operator's waits for her (issue 16 item 14)."""
    app = pilot.app
    assert isinstance(app, DeskApp)
    await pilot.press("ctrl+l")
    await operators_listed(pilot)
    lock = app.screen
    assert isinstance(lock, SignInScreen)
    names = [o.name for o in lock.operators]
    here = lock.query_one("#signin-operators").highlighted  # type: ignore[attr-defined]
    step = names.index(name) - here
    await pilot.press(*(["down"] * step if step > 0 else ["up"] * -step))
    await pilot.press(*pin, "enter")
    await wait_for(
        pilot,
        lambda: not isinstance(app.screen, SignInScreen) and app.operator is not None and app.operator.name == name,
    )


def shown_keys(screen: TicketDetailScreen) -> set[str]:
    """The action names the footer offers now."""
    return {
        b.binding.action.split("'")[1]
        for b in screen.active_bindings.values()
        if b.binding.action.startswith("act(") and b.enabled
    }


async def test_call_becomes_a_ticket_and_is_closed_through_keys(app: DeskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)  # 王芳, receptionist
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, CallsScreen))
        calls = app.screen
        assert isinstance(calls, CallsScreen)
        await type_text(pilot, "13812345678")
        await pilot.press("enter")
        await wait_for(pilot, lambda: calls.query_one("#call-caller", Input).value == "张三")
        await pilot.press("r")
        await type_text(pilot, "Kitchen pipe leaking")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ReadBackScreen))
        await pilot.press("enter")
        await wait_for(pilot, lambda: calls.last_saved is not None)
        assert calls.last_saved is not None
        call_id = calls.last_saved.id

        await pilot.press("ctrl+t")  # the call just saved
        await wait_for(pilot, lambda: isinstance(app.screen, NewTicketScreen))
        await pilot.press("enter")  # a repair, from the category
        await wait_for(pilot, lambda: app.screen is calls)
        assert app.services is not None
        (opened,) = app.services.tickets.tickets_of_call(call_id)
        assert (opened.kind, opened.status, opened.repair_type, opened.unit) == (
            "repair",
            "new",
            "other",
            "3栋2单元1201",
        )
        assert opened.created_by == "王芳"

        detail = await open_ticket(pilot, opened.number)
        assert shown_keys(detail) >= {"dispatch", "note"} and "done" not in shown_keys(detail)
        form = await act(pilot, "d")
        assert form.value("department") == "maintenance", "a repair goes to maintenance unless told otherwise"
        await pilot.press("m", "1")  # maintenance, the first person (maintenance staff are listed first)
        await type_text(pilot, "urgent")
        await pilot.press("enter")
        await saved(pilot, detail, opened.version)
        x = ticket(app, opened.id)
        assert (x.status, x.department, x.assignee) == ("dispatched", "maintenance", "李强")

        await switch_operator(pilot, "李强", "2222")  # the plumber marks it done, on his own screen
        mine = await open_ticket(pilot, opened.number)
        assert mine is not detail
        await wait_for(pilot, lambda: "done" in shown_keys(mine))
        assert "dispatch" not in shown_keys(mine) and "callback" not in shown_keys(mine)
        version = mine.ticket.version if mine.ticket else 0
        await act(pilot, "f")
        await pilot.press("o")  # repair type: other (and on to the note)
        await type_text(pilot, "valve replaced")
        await pilot.press("enter")
        await saved(pilot, mine, version)
        assert ticket(app, opened.id).status == "done"

        await switch_operator(pilot, "王芳", "1111")  # the desk calls the resident back, on the screen she left
        assert app.screen is detail
        await wait_for(pilot, lambda: "callback" in shown_keys(detail))
        version = detail.ticket.version if detail.ticket else 0
        form = await act(pilot, "c")
        assert form.query_one("#tf-satisfaction").disabled, "no satisfaction before the outcome"
        await pilot.press("r")  # reached: satisfaction is offered, and takes the very next key
        await pilot.press("5")
        await type_text(pilot, "very quick")
        await pilot.press("enter")
        await saved(pilot, detail, version)
        x = ticket(app, opened.id)
        assert (x.callback_result, x.satisfaction, x.callback_comment) == ("reached", 5, "very quick")

        version = x.version
        await wait_for(pilot, lambda: "close" in shown_keys(detail))
        await act(pilot, "x")
        await pilot.press("enter")  # no reason needed after a callback that reached the resident
        await saved(pilot, detail, version)
        x = ticket(app, opened.id)
        assert x.status == "closed"
        kinds = [e.kind for e in app.services.tickets.events(opened.id)]
        assert kinds == ["created", "dispatched", "status", "callback", "closed"]
        await wait_for(pilot, lambda: shown_keys(detail) == {"note"}, timeout=3)


async def test_complaint_from_a_call_needs_a_severity(app: DeskApp) -> None:
    call_id = record_call(app, "楼上装修噪音太大", unit="5-1-302", category="complaint")
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, CallsScreen))
        calls = app.screen
        table = calls.query_one("#call-table", DataTable)
        await wait_for(pilot, lambda: table.row_count == 1)
        table.focus()
        await pilot.press("ctrl+t")  # the call selected in the log
        await wait_for(pilot, lambda: isinstance(app.screen, NewTicketScreen))
        new = app.screen
        await pilot.press("enter")
        error = new.query_one("#nt-error-severity", Label)
        await wait_for(pilot, lambda: "-shown" in error.classes)
        assert app.services is not None and app.services.tickets.tickets_of_call(call_id) == []
        await pilot.press("m", "enter")  # major
        await wait_for(pilot, lambda: app.screen is calls)
        (opened,) = app.services.tickets.tickets_of_call(call_id)
        assert (opened.kind, opened.severity) == ("complaint", "major")


async def test_neighbours_calls_attach_to_one_ticket(app: DeskApp) -> None:
    assert app.services is not None
    first = record_call(app, "楼上漏水")
    burst = app.services.tickets.open_from_call(first)
    second = record_call(app, "天花板滴水", unit="3栋2单元1201")
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, CallsScreen))
        calls = app.screen
        table = calls.query_one("#call-table", DataTable)
        await wait_for(pilot, lambda: table.row_count == 2)
        table.focus()  # the newest call is the first row
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: isinstance(app.screen, NewTicketScreen))
        new = app.screen
        assert isinstance(new, NewTicketScreen)
        await wait_for(pilot, lambda: [x.number for x in new.open_tickets] == [burst.number])
        await pilot.press("tab", "tab", "a")  # kind → repair type → the open ticket: A attaches
        await wait_for(pilot, lambda: app.screen is calls)
        assert app.services.tickets.call_ids(burst.id) == [first, second]
        assert len(app.services.tickets.queue("open").rows) == 1


async def test_merge_keeps_the_history_on_the_survivor(settings, clock, desk_services) -> None:  # type: ignore[no-untyped-def]
    app = make_app(settings, clock=clock, services=desk_services)
    tickets = desk_services.tickets
    survivor = tickets.open_from_call(record_call(app, "3栋水管爆裂"))
    clock.advance(minutes=5)
    duplicate = tickets.open_from_call(record_call(app, "水管爆了 楼道全是水", unit="3-2-1202"))
    tickets.note(duplicate.id, duplicate.version, "邻居也打来了")
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "3333", index=2)  # 陈静, supervisor
        detail = await open_ticket(pilot, duplicate.number)
        version = detail.ticket.version if detail.ticket else 0
        await act(pilot, "m")
        await type_text(pilot, survivor.number.lower())
        await pilot.press("enter")
        await saved(pilot, detail, version)
        assert tickets.get(duplicate.id).status == "merged"
        assert tickets.get(duplicate.id).merged_into_id == survivor.id
        assert (
            tickets.call_ids(survivor.id) == sorted(tickets.call_ids(survivor.id))
            and len(tickets.call_ids(survivor.id)) == 2
        )
        await wait_for(pilot, lambda: shown_keys(detail) == {"note"})
        await pilot.press("g")  # to the ticket it went into
        await wait_for(
            pilot, lambda: isinstance(app.screen, TicketDetailScreen) and app.screen.ticket_id == survivor.id
        )
        merged_view = app.screen
        assert isinstance(merged_view, TicketDetailScreen)
        await wait_for(pilot, lambda: merged_view.detail is not None)
        history = str(merged_view.query_one("#td-events", Static).render())
        assert duplicate.number in history and "邻居也打来了" in history
        assert merged_view.detail is not None and merged_view.detail.merged_from == (duplicate.number,)


async def test_a_change_from_another_terminal_is_shown_and_nothing_is_lost(app: DeskApp) -> None:
    assert app.services is not None
    tickets = app.services.tickets
    x = tickets.open_from_call(record_call(app, "电梯异响"))
    supervisor = app.services.operators.by_name("陈静")
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        detail = await open_ticket(pilot, x.number)
        form = await act(pilot, "n")
        # Meanwhile, at another terminal:
        tickets.dispatch(x.id, x.version, "maintenance", note="已通知维修部", operator=supervisor)
        await type_text(pilot, "resident called again")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is detail)
        message = detail.query_one("#td-message", Static)
        await wait_for(pilot, lambda: "Changed by 陈静 just now" in str(message.render()))
        await wait_for(pilot, lambda: detail.ticket is not None and detail.ticket.status == "dispatched")
        assert "dispatch" not in shown_keys(detail) and "reassign" in shown_keys(detail)
        assert [e.kind for e in tickets.events(x.id)] == ["created", "dispatched"], "nothing half-applied"
        form = await act(pilot, "n")
        assert form.value("note") == "resident called again", "what was typed is offered again"
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(tickets.events(x.id)) == 3)
        events = tickets.events(x.id)
        assert [(e.kind, e.note, e.operator) for e in events[1:]] == [
            ("dispatched", "已通知维修部", "陈静"),
            ("note", "resident called again", "王芳"),
        ]


async def test_form_refuses_inline_and_writes_nothing(app: DeskApp) -> None:
    assert app.services is not None
    x = app.services.tickets.open_from_call(record_call(app, "门禁坏了"))
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        detail = await open_ticket(pilot, x.number)
        form = await act(pilot, "n")
        await pilot.press("enter")
        error = form.query_one("#tf-error-note", Label)
        await wait_for(pilot, lambda: "-shown" in error.classes)
        assert "note" in str(error.render()).lower()
        assert app.screen is form and len(app.services.tickets.events(x.id)) == 1
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is detail)
        form = await act(pilot, "a")
        await type_text(pilot, "someday")
        await pilot.press("enter")
        error = form.query_one("#tf-error-when", Label)
        await wait_for(pilot, lambda: "-shown" in error.classes)
        assert ticket(app, x.id).appointment_at is None


async def test_reopening_a_closed_ticket_is_for_supervisors(app: DeskApp) -> None:
    assert app.services is not None
    tickets = app.services.tickets
    x = tickets.open_from_call(record_call(app, "路灯不亮"))
    x = tickets.dispatch(x.id, x.version, "maintenance")
    x = tickets.mark_done(x.id, x.version)
    x = tickets.callback(x.id, x.version, "reached", satisfaction=4)
    x = tickets.close(x.id, x.version)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        detail = await open_queues(pilot)
        await pilot.press("9")  # recently closed
        await wait_for(pilot, lambda: table_ids(detail) == [x.id])
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TicketDetailScreen))
        screen = app.screen
        assert isinstance(screen, TicketDetailScreen)
        await wait_for(pilot, lambda: screen.detail is not None)
        assert shown_keys(screen) == {"note"}
        footer = " ".join(b.binding.description for b in screen.active_bindings.values())
        assert "Reopen" not in footer
        await pilot.press("o")
        await pilot.pause(0.2)
        assert app.screen is screen, "a hidden action does not run either"
        await switch_operator(pilot, "陈静", "3333")  # the supervisor, on her own screen
        queues = await open_queues(pilot)
        await pilot.press("9")
        await wait_for(pilot, lambda: table_ids(queues) == [x.id])
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TicketDetailScreen) and app.screen is not screen)
        screen = app.screen
        assert isinstance(screen, TicketDetailScreen)
        await wait_for(pilot, lambda: "reopen" in shown_keys(screen))
        await act(pilot, "o")
        await type_text(pilot, "leak came back")
        await pilot.press("enter")
        await saved(pilot, screen, x.version)
        assert ticket(app, x.id).status == "dispatched"


async def test_queue_filter_by_typing(app: DeskApp) -> None:
    assert app.services is not None
    tickets = app.services.tickets
    a = tickets.open_from_call(record_call(app, "厨房水管漏水"))
    b = tickets.open_from_call(record_call(app, "电梯困人", unit="5-1-302"))
    c = tickets.open_from_call(record_call(app, "车库照明", unit="B2车库"))
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        screen = await open_queues(pilot)
        await wait_for(pilot, lambda: set(table_ids(screen)) == {a.id, b.id, c.id})
        await pilot.press("ctrl+g")
        await type_text(pilot, "电梯")
        await wait_for(pilot, lambda: table_ids(screen) == [b.id])
        await pilot.press("escape")  # clears the filter, back on the table
        await wait_for(pilot, lambda: len(table_ids(screen)) == 3)
        await pilot.press("slash")
        await type_text(pilot, "5-1-302")  # a unit, in any spelling
        await wait_for(pilot, lambda: table_ids(screen) == [b.id])
        await pilot.press("escape", "slash")
        await type_text(pilot, c.number[-4:])  # the end of a ticket number
        await wait_for(pilot, lambda: table_ids(screen) == [c.id])
        await pilot.press("escape")
        await wait_for(pilot, lambda: len(table_ids(screen)) == 3)
        assert screen.query_one("#tq-table", DataTable).has_focus


async def test_sections_have_keys_and_counts(app: DeskApp, clock) -> None:  # type: ignore[no-untyped-def]
    assert app.services is not None
    tickets = app.services.tickets
    late = tickets.open_from_call(record_call(app, "求助：老人摔倒", category="help"))
    repair = tickets.open_from_call(record_call(app, "水龙头滴水", unit="5-1-302"))
    tickets.dispatch(repair.id, repair.version, "maintenance")
    clock.advance(minutes=10)  # the help request's 5-minute reply target has passed
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        screen = await open_queues(pilot)
        sections = screen.query_one("#tq-sections", Static)
        await wait_for(pilot, lambda: screen.counts is not None and screen.counts.overdue == 1)
        assert "Overdue" in str(sections.render())
        await pilot.press("3")
        await wait_for(pilot, lambda: table_ids(screen) == [late.id])
        await pilot.press("2")  # new: not dispatched
        await wait_for(pilot, lambda: table_ids(screen) == [late.id])
        await pilot.press("7")  # by department: pick one
        await wait_for(pilot, lambda: app.screen is not screen)
        await pilot.press("1")  # the first department, maintenance
        await wait_for(pilot, lambda: screen.queue == "department" and table_ids(screen) == [repair.id])
        assert "Maintenance" in str(screen.query_one("#tq-title", Static).render())
        preview = screen.query_one("#tq-preview", Static)
        await wait_for(pilot, lambda: repair.number in str(preview.render()))
        assert "Dispatched" in str(preview.render())


async def test_live_refresh_keeps_the_cursor(app: DeskApp, clock) -> None:  # type: ignore[no-untyped-def]
    assert app.services is not None
    tickets = app.services.tickets
    first = tickets.open_from_call(record_call(app, "外墙渗水"))
    clock.advance(minutes=1)
    second = tickets.open_from_call(record_call(app, "门锁坏了", unit="5-1-302"))
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        screen = await open_queues(pilot)
        await wait_for(pilot, lambda: table_ids(screen) == [first.id, second.id])
        await pilot.press("j")
        await wait_for(pilot, lambda: screen.selected_id == second.id)
        # Another terminal opens a help request: due in minutes, so it goes to the top.
        urgent = tickets.open_from_call(record_call(app, "有人被困电梯", unit="5-1-302", category="help"))
        await wait_for(pilot, lambda: table_ids(screen) == [urgent.id, first.id, second.id], timeout=2.0)
        table = screen.query_one("#tq-table", DataTable)
        assert table.cursor_row == 2 and screen.selected_id == second.id, "the cursor stays on its ticket"
        await wait_for(pilot, lambda: screen.counts is not None and screen.counts.open == 3, timeout=2.0)
        assert " 3" in str(screen.query_one("#tq-sections", Static).render())


async def test_open_ticket_follows_another_terminal(app: DeskApp) -> None:
    assert app.services is not None
    tickets = app.services.tickets
    x = tickets.open_from_call(record_call(app, "楼道灯不亮"))
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        detail = await open_ticket(pilot, x.number)
        tickets.note(x.id, x.version, "物业已派人查看")
        events = detail.query_one("#td-events", Static)
        await wait_for(pilot, lambda: "物业已派人查看" in str(events.render()), timeout=2.0)


async def test_a_long_queue_is_read_a_page_at_a_time(settings, clock, desk_services) -> None:  # type: ignore[no-untyped-def]
    small = replace(settings, calls=replace(settings.calls, page_size=10))
    app = make_app(small, clock=clock, services=desk_services)
    for n in range(25):
        clock.advance(minutes=1)
        desk_services.tickets.open_from_call(record_call(app, f"报修 {n}"))
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        screen = await open_queues(pilot)
        await wait_for(pilot, lambda: len(screen.rows) == 10)
        assert screen.next_after is not None
        await pilot.press(*["down"] * 6)
        await wait_for(pilot, lambda: len(screen.rows) == 20)
        await pilot.press(*["j"] * 10)
        await wait_for(pilot, lambda: len(screen.rows) == 25)
        assert screen.next_after is None
        ids = table_ids(screen)
        assert len(set(ids)) == 25 and screen.query_one("#tq-table", DataTable).row_count == 25
        expected = [t.id for t in desk_services.tickets.queue("open", limit=100).rows]
        assert ids == expected


async def test_keys_typed_ahead_land_where_they_were_meant(app: DeskApp) -> None:
    """Filter, open, act and type, in one burst: each key acts on what the keys before it put on screen."""
    assert app.services is not None
    tickets = app.services.tickets
    tickets.open_from_call(record_call(app, "外墙渗水"))
    target = tickets.open_from_call(record_call(app, "门锁坏了", unit="5-1-302"))
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        screen = await open_queues(pilot)
        await wait_for(pilot, lambda: len(screen.rows) == 2)
        keys = ["slash", *target.number.lower(), "enter", "enter", "n", *"burst", "space", *"note", "enter"]
        burst(pilot, keys)
        await wait_for(pilot, lambda: [e.kind for e in tickets.events(target.id)] == ["created", "note"])
        assert tickets.events(target.id)[-1].note == "burst note"
        await wait_for(pilot, lambda: isinstance(app.screen, TicketDetailScreen))
        opened = app.screen
        # Back, clear the filter, overdue (empty), new, and Enter opens the first of the new queue, not of the old.
        burst(pilot, ["escape", "escape", "3", "2", "enter"])
        await wait_for(pilot, lambda: isinstance(app.screen, TicketDetailScreen) and app.screen is not opened)
        detail = app.screen
        assert isinstance(detail, TicketDetailScreen)
        assert screen.queue == "new" and detail.ticket_id == tickets.queue("new").rows[0].id


# --- issue 10 defect 2: Enter always opens a new ticket; attaching is its own key ------------------------------


async def open_new_ticket_for(pilot: Pilot[None], rows: int) -> NewTicketScreen:
    """Calls (F3), the newest call in the log, Ctrl+T; waits for the unit's open tickets to be listed."""
    app = pilot.app
    await pilot.press("f3")
    await wait_for(pilot, lambda: isinstance(app.screen, CallsScreen))
    table = app.screen.query_one("#call-table", DataTable)
    await wait_for(pilot, lambda: table.row_count == rows)
    table.focus()  # the newest call is the first row
    await pilot.press("ctrl+t")
    await wait_for(pilot, lambda: isinstance(app.screen, NewTicketScreen))
    new = app.screen
    assert isinstance(new, NewTicketScreen)
    await wait_for(pilot, lambda: bool(new.open_tickets))
    return new


@pytest.mark.parametrize("save_key", ["enter", "ctrl+s"])
async def test_enter_after_a_severity_letter_opens_a_new_ticket(app: DeskApp, save_key: str) -> None:
    """A noise complaint at a unit with an open garbage-smell complaint: m, Enter is a NEW major complaint."""
    assert app.services is not None
    tickets = app.services.tickets
    smell = record_call(app, "楼道垃圾异味", unit="5-1-302", category="complaint")
    old = tickets.open_from_call(smell, severity="minor")
    noise = record_call(app, "楼上深夜噪音", unit="5-1-302", category="complaint")
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        new = await open_new_ticket_for(pilot, 2)
        calls = new.app.screen_stack[-2]
        await pilot.press("m")  # the last choice of this form: severity major
        focused, old_tickets = new.focused, new.query_one("#nt-open")
        await pilot.press(save_key)
        await wait_for(pilot, lambda: app.screen is calls)
        assert tickets.call_ids(old.id) == [smell], "nothing attached to the old ticket"
        (opened,) = tickets.tickets_of_call(noise)
        assert opened.id != old.id and (opened.kind, opened.severity) == ("complaint", "major")
        assert focused is not old_tickets, "a choice letter never moves into the old tickets"


async def test_repair_type_letter_then_enter_opens_a_new_ticket(app: DeskApp) -> None:
    assert app.services is not None
    tickets = app.services.tickets
    first = record_call(app, "楼上漏水")
    old = tickets.open_from_call(first)
    second = record_call(app, "门禁坏了", unit="3栋2单元1201")
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        new = await open_new_ticket_for(pilot, 2)
        calls = new.app.screen_stack[-2]
        await pilot.press("tab", "s")  # kind → repair type: safety facility, the last choice
        focused, old_tickets = new.focused, new.query_one("#nt-open")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is calls)
        assert tickets.call_ids(old.id) == [first], "nothing attached to the old ticket"
        (opened,) = tickets.tickets_of_call(second)
        assert opened.id != old.id and opened.repair_type == "safety"
        assert focused is not old_tickets


async def test_attach_is_its_own_key_and_names_the_ticket(app: DeskApp) -> None:
    assert app.services is not None
    tickets = app.services.tickets
    first = record_call(app, "楼上漏水")
    old = tickets.open_from_call(first)
    second = record_call(app, "天花板滴水", unit="3栋2单元1201")
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        new = await open_new_ticket_for(pilot, 2)
        calls = new.app.screen_stack[-2]
        await pilot.press("tab", "tab")  # kind → repair type → the unit's open tickets
        assert new.focused is new.query_one("#nt-open")
        hint = new.query_one("#nt-attach", Static)
        await wait_for(pilot, lambda: old.number in str(hint.render()))
        assert any(b.binding.action == "attach" and b.enabled for b in new.active_bindings.values())
        await pilot.press("a")
        await wait_for(pilot, lambda: app.screen is calls)
        assert tickets.call_ids(old.id) == [first, second]
        assert len(tickets.queue("open").rows) == 1


async def test_home_greets_whoever_signed_in_last(app: DeskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)  # 王芳
        await pilot.press("f2")
        await wait_for(pilot, lambda: "王芳" in str(app.screen.query_one("#home-greeting", Static).render()))
        await switch_operator(pilot, "李强", "2222")  # the night shift takes over at the lock screen
        await wait_for(pilot, lambda: "李强" in str(app.screen.query_one("#home-greeting", Static).render()))
