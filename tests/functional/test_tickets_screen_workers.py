"""Issue 14 on the ticket screen: the dispatch form offers the departments' workers on duty (when the directory has
any), the choice is typed with one key like the assignee, and the ticket shows the worker named. Checked in the
database. Seed: 002 四.2(3)③ 通知维修部人员携单上门."""

from __future__ import annotations

import io

from rich.console import Console
from textual.widgets import Static

from deskui.app import DeskApp
from deskui.screens.tickets.detail import TicketDetailScreen
from deskui.widgets.choice_bar import ChoiceBar
from tests.functional.helpers import sign_in, wait_for
from tests.functional.test_tickets_screen import act, open_ticket, record_call, saved, ticket, type_text


def facts(detail: TicketDetailScreen) -> str:
    """The facts pane as plain text (its content is a Rich grid)."""
    console = Console(width=120, record=True, file=io.StringIO())
    console.print(detail.query_one("#td-facts", Static).content)
    return console.export_text()


async def test_dispatch_names_a_worker_on_duty_through_keys(app: DeskApp) -> None:
    assert app.services is not None
    workers = app.services.directory.workers
    workers.add("maintenance", "张师傅", "13800138000")
    workers.add("maintenance", "赵师傅")
    workers.set_duty("赵师傅", False)  # off duty: not offered
    workers.add("security", "王保安")
    x = app.services.tickets.open_from_call(record_call(app, "Kitchen pipe leaking"))
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)  # 王芳, receptionist
        detail = await open_ticket(pilot, x.number)
        form = await act(pilot, "d")
        offered = [o.key for o in form.query_one("#tf-worker", ChoiceBar).options]
        assert offered == ["张师傅", "王保安"], offered
        await pilot.press("m", "1", "1")  # maintenance, the first person, the first worker
        await type_text(pilot, "urgent")
        await pilot.press("enter")
        await saved(pilot, detail, x.version)
        after = ticket(app, x.id)
        assert (after.status, after.department, after.assignee, after.worker) == (
            "dispatched",
            "maintenance",
            "李强",
            "张师傅",
        )
        await wait_for(pilot, lambda: "张师傅" in facts(detail))
        assert [j.number for j in app.services.tickets.worker_jobs("张师傅")] == [x.number]
