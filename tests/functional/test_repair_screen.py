"""Issue 14 "Repairs and paid services" on the ticket screens, typed key by key and read back from the database: the
new-ticket form files a paid service, a repair that is paid; the Done form turns a free repair paid with its fee; the
Callback form records how the callback was made (phone or visit, 002 四.5(1)) and the resident's sign-off (002
入住⑤/报修)."""

from __future__ import annotations

from deskui.app import DeskApp
from deskui.screens.tickets import repair_fields
from deskui.screens.tickets.new import NewTicketScreen
from tests.functional.helpers import sign_in, wait_for
from tests.functional.test_tickets_screen import (
    act,
    open_ticket,
    record_call,
    saved,
    switch_operator,
    ticket,
    type_text,
)


async def test_new_ticket_form_files_a_paid_service_as_a_paid_repair(app: DeskApp) -> None:
    """The desk files a paid repair at intake as a paid service (V): paid, with the repair's targets."""
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)  # 王芳, receptionist
        assert app.services is not None
        call = app.services.calls.current(record_call(app, "空调不制冷，已过保修期"))
        before = app.screen
        await app.push_screen(NewTicketScreen(app.services, call, app.operator))
        await wait_for(pilot, lambda: isinstance(app.screen, NewTicketScreen))
        await pilot.press("v")  # a paid service
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is before)
        (x,) = app.services.tickets.tickets_of_call(call.id)
        assert (x.kind, x.repair_type, x.paid) == ("service", "other", True)
        assert app.services.tickets.events(x.id)[0].data["paid"] is True
        assert [g.name for g in x.targets] == ["follow_up"]


async def test_done_with_fee_then_callback_by_visit_signed_off(app: DeskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        assert app.services is not None
        tickets = app.services.tickets
        x = tickets.open_from_call(record_call(app, "热水器不出热水"), operator=app.operator)
        x = tickets.dispatch(x.id, x.version, "maintenance", operator=app.operator)

        await switch_operator(pilot, "李强", "2222")
        detail = await open_ticket(pilot, x.number)
        await act(pilot, "f")
        await pilot.press("o")  # repair type: other, on to the note
        await type_text(pilot, "replaced the heater")
        await pilot.press("tab")  # to paid or free
        await pilot.press("p")  # found out of warranty: paid, on to the fee
        await type_text(pilot, "120")
        await pilot.press("enter")
        await saved(pilot, detail, x.version)
        x = ticket(app, x.id)
        assert (x.status, x.paid, x.fee_cents, x.result) == ("done", True, 12000, "replaced the heater")

        await switch_operator(pilot, "王芳", "1111")
        detail = await open_ticket(pilot, x.number)
        form = await act(pilot, "c")
        assert form.query_one("#tf-signed_off").disabled, "no sign-off before the resident is reached"
        await pilot.press("r", "5")  # reached, very satisfied
        await type_text(pilot, "all good")
        await pilot.press("tab")  # to how it was made
        await pilot.press("v", "y")  # by visit, signed off, on to the name
        await type_text(pilot, "Zhang San")
        await pilot.press("enter")
        await saved(pilot, detail, x.version)
        x = ticket(app, x.id)
        assert (x.callback_result, x.callback_via, x.signed_off, x.signed_by) == ("reached", "visit", True, "Zhang San")
        event = tickets.events(x.id)[-1]
        assert (event.data["via"], event.data["signed_off"], event.data["signed_by"]) == ("visit", True, "Zhang San")
        await wait_for(pilot, lambda: detail.ticket is not None and detail.ticket.signed_off is True)
        assert detail.ticket is not None
        assert repair_fields.callback_words(detail.ticket).plain == "  By visit  signed off Zhang San"
