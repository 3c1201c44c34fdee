"""Issue 14, help requests on the screens, driven through the keyboard and checked in the database: the new-ticket
form chooses the help kind (003 4.1.1) with one key; the ticket screen shows a medical emergency's checklist
(003 4.2.1) and K ticks its next step with a note, timed and by the signed-in operator; H sets the kind of a help
request opened without one.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable, Static

from deskui.app import DeskApp
from deskui.screens.calls import CallsScreen
from deskui.screens.help import HelpScreen
from deskui.screens.tickets.new import NewTicketScreen
from tests.functional.helpers import sign_in, wait_for
from tests.functional.test_tickets_screen import act, open_ticket, record_call, saved, shown_keys, type_text


def help_rows(screen: object) -> list[tuple[Text, Text]]:
    """The F1 screen's (key, action) rows."""
    assert isinstance(screen, HelpScreen)
    table = screen.key_table()
    keys, actions = (list(column.cells) for column in table.columns)
    return list(zip(keys, actions, strict=True))


async def test_help_kind_chosen_on_the_new_ticket_form_003_4_1_1(app: DeskApp) -> None:
    call_id = record_call(app, "老人在家晕倒", unit="5-1-302", category="help")
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, CallsScreen))
        calls = app.screen
        table = calls.query_one("#call-table", DataTable)
        await wait_for(pilot, lambda: table.row_count == 1)
        table.focus()
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: isinstance(app.screen, NewTicketScreen))
        new = app.screen
        assert not new.query_one("#nt-help_kind").disabled, "a help request's kind is offered"
        assert new.query_one("#nt-severity").disabled and new.query_one("#nt-repair_type").disabled
        await pilot.press("h", "m", "enter")  # help (as the call said), medical emergency, open it
        await wait_for(pilot, lambda: app.screen is calls)
        assert app.services is not None
        (opened,) = app.services.tickets.tickets_of_call(call_id)
        assert (opened.kind, opened.help_kind) == ("help", "medical")


async def test_checklist_shown_and_next_step_ticked_with_a_note_003_4_2_1(app: DeskApp) -> None:
    assert app.services is not None
    x = app.services.tickets.open_from_call(
        record_call(app, "老人在家晕倒", unit="5-1-302", category="help"), help_kind="medical"
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)  # 王芳, receptionist
        detail = await open_ticket(pilot, x.number)
        panel = detail.query_one("#td-checklist", Static)
        assert panel.display
        text = str(panel.render())
        assert "Medical emergency" in text and "☐ Address and phone recorded" in text
        await wait_for(pilot, lambda: "step" in shown_keys(detail))
        assert "Next step" in [c.title for c in app.get_system_commands(detail)]  # the palette (Ctrl+P)
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert ("K", "Next step") in [(r[0].plain, r[1].plain) for r in help_rows(app.screen)]
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is detail)

        await act(pilot, "k")
        await pilot.press("enter")  # the next step, chosen already: address and phone
        await saved(pilot, detail, x.version)
        version = detail.ticket.version if detail.ticket else 0
        await act(pilot, "k")
        await type_text(pilot, "送市一医院")
        await pilot.press("enter")
        await saved(pilot, detail, version)

        steps = app.services.tickets.detail(x.number, operator=None).checklist
        done = [(s.key, s.operator, s.note) for s in steps if s.done]
        assert done == [("address_phone", "王芳", ""), ("wishes_asked", "王芳", "送市一医院")]
        await wait_for(pilot, lambda: "✓ Asked: hospital, 120 or someone to help" in str(panel.render()))
        events = [e.kind for e in app.services.tickets.events(x.number)]
        assert events == ["created", "step", "step"]


async def test_help_kind_set_on_the_ticket_screen(app: DeskApp) -> None:
    assert app.services is not None
    from deskui.services.tickets import TicketInput

    x = app.services.tickets.create(TicketInput(kind="help", unit="1-1-101", description="地下车库进水"))
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        detail = await open_ticket(pilot, x.number)
        assert "step" not in shown_keys(detail)  # "other": no checklist
        await act(pilot, "h")
        await pilot.press("d", "enter")  # disaster
        await saved(pilot, detail, x.version)
        assert app.services.tickets.get(x.number).help_kind == "disaster"
        await wait_for(pilot, lambda: "step" in shown_keys(detail))
        assert "Place and phone recorded" in str(detail.query_one("#td-checklist", Static).render())
