"""Issue 10 defect 10, follow-up: the call form's duplicate warning names an open ticket by its number."""

from __future__ import annotations

from textual.widgets import Input, Static

from deskui.app import DeskApp
from deskui.screens.calls import CallsScreen
from deskui.screens.calls.readback import ReadBackScreen
from deskui.services.calls import CallInput
from deskui.widgets.choice_bar import ChoiceBar
from tests.functional.helpers import sign_in, wait_for


async def test_call_forms_duplicate_warning_names_the_ticket_by_its_number(app: DeskApp) -> None:
    assert app.services is not None
    services = app.services
    for n in range(4):  # calls and tickets elsewhere first: the ticket's id and its call's id differ
        elsewhere = services.calls.record(
            CallInput(content=f"别处{n}", category="repair", unit="5-1-302", phone="13812345678", caller="王")
        )
        if n % 2:
            services.tickets.open_from_call(elsewhere.id)
    call = services.calls.record(
        CallInput(content="卫生间漏水", category="repair", unit="3-2-1201", phone="13812345678", caller="张三")
    )
    ticket = services.tickets.open_from_call(call.id)
    assert ticket.id != call.id
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, CallsScreen))
        screen = app.screen
        assert isinstance(screen, CallsScreen)
        await pilot.press(*"13812345678", "enter")  # a known caller: caller and unit filled, on to the category
        await wait_for(pilot, lambda: screen.query_one("#call-unit", Input).value == "3栋2单元1201")
        await wait_for(pilot, lambda: screen.focused is screen.query_one("#call-category", ChoiceBar))
        await pilot.press("r")  # repair
        history = screen.query_one("#call-history", Static)
        await wait_for(pilot, lambda: "⚠" in str(history.render()))
        panel = str(history.render())
        assert f"latest {ticket.number} at " in panel and f"#{ticket.id}" not in panel, panel
        await pilot.press(*"drain", "ctrl+s")  # the read-back dialog repeats the warning
        await wait_for(pilot, lambda: isinstance(app.screen, ReadBackScreen))
        said = str(app.screen.query_one("#readback-warning", Static).render())
        assert f"latest {ticket.number} at " in said and f"#{ticket.id}" not in said, said
