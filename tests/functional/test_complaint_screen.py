"""Issue 14 "Complaints" on the ticket screens, typed key by key and read back from the database: the new-ticket form
takes the complaint record (002 投诉接待(1)) and a minor complaint's deadline; Y records the reply to the resident and
how it was given, which meets a major complaint's clear answer (002 投诉接待(5)); L sets the deadline agreed later;
the Close form asks a complaint without a result for it and refuses inline, writing nothing (投诉处理制度 二)."""

from __future__ import annotations

from datetime import datetime

from deskui.app import DeskApp
from deskui.screens.tickets.new import NewTicketScreen
from tests.functional.helpers import sign_in, wait_for
from tests.functional.test_tickets_screen import act, open_ticket, record_call, saved, shown_keys, ticket, type_text


async def test_new_ticket_form_takes_the_complaint_record_002_complaint_reception_1(app: DeskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)  # 王芳, receptionist
        assert app.services is not None
        call = app.services.calls.current(record_call(app, "投诉保安夜里放人进楼", category="complaint"))
        before = app.screen
        await app.push_screen(NewTicketScreen(app.services, call, app.operator))
        await wait_for(pilot, lambda: isinstance(app.screen, NewTicketScreen))
        await pilot.press("n")  # minor: on to the place
        await type_text(pilot, "3栋大堂")
        await pilot.press("tab")
        await type_text(pilot, "保安 张师傅")
        await pilot.press("tab")
        await type_text(pilot, "夜里放人进楼没登记")
        await pilot.press("tab")
        await type_text(pilot, "书面道歉")
        await pilot.press("tab")
        await type_text(pilot, "2026-11-25 18:00")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is before)
        (x,) = app.services.tickets.tickets_of_call(call.id)
        assert (x.kind, x.severity) == ("complaint", "minor")
        assert dict(x.complaint) == {
            "place": "3栋大堂", "about": "保安 张师傅", "happened": "夜里放人进楼没登记", "wants": "书面道歉",
        }  # fmt: skip
        assert x.resident_deadline is not None and x.resident_deadline.isoformat() == "2026-11-25T10:00:00+00:00"


async def test_a_bad_deadline_is_refused_next_to_its_field(app: DeskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        assert app.services is not None
        call = app.services.calls.current(record_call(app, "投诉噪音", category="complaint"))
        await app.push_screen(NewTicketScreen(app.services, call, app.operator))
        await wait_for(pilot, lambda: isinstance(app.screen, NewTicketScreen))
        new = app.screen
        await pilot.press("m", "tab", "tab", "tab", "tab")  # major, to the deadline
        await type_text(pilot, "2026-11-25 18:00")
        await pilot.press("enter")
        error = new.query_one("#nt-error-resident_deadline")
        await wait_for(pilot, lambda: "-shown" in error.classes)
        assert "minor complaint" in str(error.render())
        assert app.screen is new and app.services.tickets.tickets_of_call(call.id) == []


async def test_reply_by_visit_meets_the_major_complaints_answer_002_complaint_reception_5(app: DeskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        assert app.services is not None
        tickets = app.services.tickets
        x = tickets.open_from_call(record_call(app, "投诉保洁", category="complaint"), severity="major")
        x = tickets.dispatch(x.id, x.version, "maintenance")
        x = tickets.mark_done(x.id, x.version, note="已整改")
        assert next(g for g in x.targets if g.name == "answer").met_at is None, "the work done is not the answer"

        detail = await open_ticket(pilot, x.number)
        await wait_for(pilot, lambda: "reply" in shown_keys(detail))
        await act(pilot, "y")
        await type_text(pilot, "经理上门致歉")
        await pilot.press("tab", "v")  # in person
        await pilot.press("enter")
        await saved(pilot, detail, x.version)
        x = ticket(app, x.id)
        assert (x.reply, x.reply_via) == ("经理上门致歉", "visit")
        assert next(g for g in x.targets if g.name == "answer").state == "met"
        assert tickets.events(x.id)[-1].data == {"via": "visit"}


async def test_close_asks_a_complaint_for_its_result_002_complaint_rules_2(app: DeskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        assert app.services is not None
        tickets = app.services.tickets
        x = tickets.open_from_call(record_call(app, "投诉电梯", category="complaint"), severity="minor")
        x = tickets.dispatch(x.id, x.version, "maintenance")
        x = tickets.mark_done(x.id, x.version)
        x = tickets.callback(x.id, x.version, "reached", satisfaction=4)

        detail = await open_ticket(pilot, x.number)
        await wait_for(pilot, lambda: "close" in shown_keys(detail))
        form = await act(pilot, "x")
        await pilot.press("enter")  # no result
        error = form.query_one("#tf-error-result")
        await wait_for(pilot, lambda: "-shown" in error.classes)
        assert app.screen is form and ticket(app, x.id).version == x.version, "nothing written"
        await type_text(pilot, "已更换电梯按钮")
        await pilot.press("enter")
        await saved(pilot, detail, x.version)
        x = ticket(app, x.id)
        assert (x.status, x.result) == ("closed", "已更换电梯按钮")


async def test_deadline_agreed_later_with_l(app: DeskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        assert app.services is not None
        tickets = app.services.tickets
        x = tickets.open_from_call(record_call(app, "投诉绿化", category="complaint"), severity="minor")
        detail = await open_ticket(pilot, x.number)
        await wait_for(pilot, lambda: "deadline" in shown_keys(detail))
        await act(pilot, "l")
        await type_text(pilot, "2026-11-28 18:00")
        await pilot.press("enter")
        await saved(pilot, detail, x.version)
        x = ticket(app, x.id)
        assert x.resident_deadline == datetime.fromisoformat("2026-11-28T10:00:00+00:00")
        assert next(g for g in x.targets if g.name == "resolve").due_at == x.resident_deadline
